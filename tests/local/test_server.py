"""The local server: POST /events goes through the same pipeline as the Lambda function."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot.local.server import LocalServer
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.slack.gateway import LocalGateway
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample


@pytest.fixture
def server() -> Iterator[LocalServer]:
    runtime = build_runtime(
        Settings(default_channel="alerts"), store=SqliteStore(":memory:"), slack=LocalGateway()
    )
    local = LocalServer(runtime, port=0).start()
    yield local
    local.stop()


def post(server: LocalServer, path: str, body: bytes) -> tuple[int, Any]:
    request = urllib.request.Request(server.url + path, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_events_are_delivered_and_deduplicated(server: LocalServer) -> None:
    event = json.dumps(load_sample("training_job_state_change")).encode()
    status, result = post(server, "/events", event)
    assert status == 200
    assert result["results"][0]["outcomes"] == {"alerts": "posted"}
    status, result = post(server, "/events", event)
    assert result["results"][0]["outcomes"] == {"alerts": "duplicate"}
    page = urllib.request.urlopen(server.url + "/", timeout=10).read().decode()
    assert "89c96cc8-dded-4739-afcc-6f1dc936701d" in page


def test_a_list_of_events(server: LocalServer) -> None:
    body = json.dumps([load_sample("endpoint_state_change"), load_sample("image_state_change")])
    status, result = post(server, "/events", body.encode())
    assert status == 200
    assert [r["outcomes"]["alerts"] for r in result["results"]] == ["posted", "posted"]


def test_bad_input_gets_400_with_the_reason(server: LocalServer) -> None:
    status, result = post(server, "/events", b"{oops")
    assert status == 400
    assert "not valid JSON" in result["error"]
    status, result = post(server, "/events", b"[1]")
    assert status == 400
    assert result["results"] == [{"error": "expected a JSON object"}]


def test_unknown_paths_are_404(server: LocalServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(server.url + "/nope", timeout=10)
    assert info.value.code == 404
