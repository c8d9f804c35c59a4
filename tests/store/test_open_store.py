"""open_store: which URL opens which backend, and what a wrong one says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.errors import ConfigurationError
from bot.settings import Settings
from bot.store import Subscription, open_store
from bot.store.dynamodb import DynamoDBStore
from bot.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def test_relative_sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///.chatops/state.sqlite3")
    assert isinstance(store, SqliteStore)
    assert store.path == ".chatops/state.sqlite3"
    store.close()
    assert (tmp_path / ".chatops" / "state.sqlite3").is_file()


def test_default_setting_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    default = Settings.model_fields["store"].default
    store = open_store(default)
    assert isinstance(store, SqliteStore)
    store.close()


def test_absolute_sqlite_url(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.sqlite3"
    assert str(path).startswith("/")
    store = open_store(f"sqlite:///{path}")  # four slashes in all
    assert isinstance(store, SqliteStore)
    assert store.path == str(path)
    store.close()
    assert path.is_file()


@pytest.mark.parametrize("url", ["sqlite://:memory:", "sqlite://", "sqlite:///:memory:"])
def test_memory_urls(url: str) -> None:
    store = open_store(url)
    assert isinstance(store, SqliteStore)
    assert store.path == ":memory:"
    store.add_subscription(Subscription(id="s1", channel="C1"))
    assert [s.id for s in store.list_subscriptions()] == ["s1"]
    store.close()


def test_bare_path_is_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "bare.sqlite3"
    store = open_store(str(path))
    assert isinstance(store, SqliteStore)
    assert store.path == str(path)
    store.close()


def test_dynamodb_url_with_a_client(dynamodb_client: DynamoDBClient, dynamodb_table: str) -> None:
    store = open_store(f"dynamodb://{dynamodb_table}", dynamodb_client=dynamodb_client)
    assert isinstance(store, DynamoDBStore)
    assert store.table_name == dynamodb_table
    store.add_subscription(Subscription(id="s1", channel="C1"))
    assert [s.id for s in store.list_subscriptions()] == ["s1"]


def test_dynamodb_url_builds_its_client_from_the_environment(
    moto_server: str, dynamodb_table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_server)
    store = open_store(f"dynamodb://{dynamodb_table}")
    assert isinstance(store, DynamoDBStore)
    store.add_subscription(Subscription(id="s1", channel="C1"))
    assert [s.id for s in store.list_subscriptions()] == ["s1"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("redis://localhost:6379", "unknown scheme 'redis'"),
        ("postgresql://db/state", "unknown scheme 'postgresql'"),
        ("dynamodb://", "not a DynamoDB table name"),
        ("dynamodb://ab", "not a DynamoDB table name"),
        ("dynamodb://bad name!", "not a DynamoDB table name"),
        ("sqlite://relative.sqlite3", "sqlite:///relative/path"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_bad_urls(url: str, says: str) -> None:
    with pytest.raises(ConfigurationError, match=says):
        open_store(url)


def test_importing_the_store_does_not_import_boto3() -> None:
    # Lambda cold starts pay for every import; boto3 loads only when a DynamoDB store is built.
    code = (
        "import sys, bot.store, bot.store.sqlite, bot.store.dynamodb;"
        "assert 'boto3' not in sys.modules, 'boto3 imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
