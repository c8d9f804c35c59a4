"""The local server: POST /events goes through the same pipeline as the Lambda function."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from bot.gateway import LocalGateway
from bot.local.server import LocalServer
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample
from tests.standins.slack_api import SlackStandin


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


def test_slack_endpoint_is_mounted_with_a_token_and_secret(slack_api: SlackStandin) -> None:
    import time as clock
    from urllib.parse import urlencode

    from slack_sdk.signature import SignatureVerifier

    from bot.gateway import WebApiGateway, make_web_client
    from bot.slack_app.http import slack_dispatch

    settings = Settings(
        default_channel="alerts",
        slack_bot_token=slack_api.token,
        slack_signing_secret="local-secret",
        slack_api_url=slack_api.url,
    )
    client = make_web_client(slack_api.token, slack_api.url)
    runtime = build_runtime(settings, store=SqliteStore(":memory:"), slack=WebApiGateway(client))
    runtime.web_client = client
    local = LocalServer(runtime, port=0, slack=slack_dispatch(runtime)).start()
    try:
        body = urlencode({"command": "/sagemaker", "text": "help", "user_id": "U1",
                          "channel_id": "C1", "team_id": "T1"})  # fmt: skip
        timestamp = str(int(clock.time()))
        signature = SignatureVerifier("local-secret").generate_signature(
            timestamp=timestamp, body=body
        )
        request = urllib.request.Request(
            local.url + "/slack/events",
            data=body.encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature,
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert "subscribe" in response.read().decode()
        request.headers["X-slack-signature"] = "v0=" + "0" * 64
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(request, timeout=10)
        assert info.value.code == 401
    finally:
        local.stop()
