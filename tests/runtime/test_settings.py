"""The one settings object: validated once, from the environment."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_defaults_are_the_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL", "CHATOPS_STORE", "CHATOPS_DEFAULT_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings.from_env()
    assert settings.slack_bot_token is None
    assert settings.store == "sqlite:///.chatops/state.sqlite3"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.broadcast_failures and settings.rollup_tuning
    assert settings.approvers == [] and settings.admins == []


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATOPS_APPROVERS", "U1, S2;W3")
    monkeypatch.setenv("CHATOPS_ROLLUP_TUNING", "false")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("CHATOPS_DEFAULT_CHANNEL", "")
    settings = Settings.from_env()
    assert settings.approvers == ["U1", "S2", "W3"]
    assert settings.rollup_tuning is False
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.default_channel is None


def test_bad_values_are_refused_with_the_setting_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATOPS_FINISHED_TTL_DAYS", "0")
    with pytest.raises(ValidationError, match="finished_ttl_days"):
        Settings.from_env()


def test_approval_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings.from_env({})
    assert defaults.approvals_required == 1
    assert defaults.mention_approvers is True
    assert defaults.approval_reminder_hours == 24
    # as serverless.yml passes them: text
    settings = Settings.from_env(
        {
            "CHATOPS_APPROVALS_REQUIRED": "2",
            "CHATOPS_MENTION_APPROVERS": "false",
            "CHATOPS_APPROVAL_REMINDER_HOURS": "0",
        }
    )
    assert settings.approvals_required == 2
    assert settings.mention_approvers is False
    assert settings.approval_reminder_hours == 0


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CHATOPS_APPROVALS_REQUIRED", "0"),  # nobody could ever decide
        ("CHATOPS_APPROVALS_REQUIRED", "two"),
        ("CHATOPS_APPROVAL_REMINDER_HOURS", "-1"),
        ("CHATOPS_MENTION_APPROVERS", "sometimes"),
    ],
)
def test_bad_approval_settings_are_refused(name: str, value: str) -> None:
    field = name.removeprefix("CHATOPS_").lower()
    with pytest.raises(ValidationError, match=field):
        Settings.from_env({name: value})


def test_viewers_and_the_bots_own_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATOPS_VIEWERS", "U1, S2")
    monkeypatch.setenv("CHATOPS_ACCOUNT_ID", "123456789012")
    settings = Settings.from_env()
    assert settings.viewers == ["U1", "S2"]
    assert settings.account_id == "123456789012"
    # unset or empty: no viewers (everyone reads the bot's own account), own account unknown
    assert Settings.from_env({"CHATOPS_ACCOUNT_ID": ""}).account_id is None
    assert Settings.from_env({}).viewers == []


@pytest.mark.parametrize("value", ["12345678901", "1234567890123", "arn:aws:iam::1:root", " 1"])
def test_an_account_id_is_twelve_digits(value: str) -> None:
    with pytest.raises(ValidationError, match="account_id"):
        Settings.from_env({"CHATOPS_ACCOUNT_ID": value})


def test_owner_tags_and_failure_log_lines() -> None:
    defaults = Settings.from_env({})
    assert defaults.owner_tags == ["slack-owner", "owner"]
    assert defaults.failure_log_lines == 0  # off: logs may hold secrets
    settings = Settings.from_env(
        {"CHATOPS_OWNER_TAGS": "team-lead; owner", "CHATOPS_FAILURE_LOG_LINES": "50"}
    )
    assert settings.owner_tags == ["team-lead", "owner"]
    assert settings.failure_log_lines == 50
    assert Settings.from_env({"CHATOPS_OWNER_TAGS": ""}).owner_tags == []  # nobody mentioned


@pytest.mark.parametrize("value", ["-1", "51", "all"])
def test_failure_log_lines_are_bounded(value: str) -> None:
    with pytest.raises(ValidationError, match="failure_log_lines"):
        Settings.from_env({"CHATOPS_FAILURE_LOG_LINES": value})
