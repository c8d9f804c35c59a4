"""The local server: POST /events goes through the same pipeline as the Lambda function."""

from __future__ import annotations

import http.client
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


JSON = {"Content-Type": "application/json"}


def post(
    server: LocalServer, path: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        server.url + path, data=body, method="POST", headers=JSON if headers is None else headers
    )
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


# What serve accepts (bot/local/guard.py): real requests, headers exactly as written.


def raw(
    server: LocalServer, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, Any]:
    """A request with exactly these headers (no Host or Content-Length added unless given)."""
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body or None)
        response = connection.getresponse()
        text = response.read()
        content_type = response.getheader("Content-Type", "")
        return response.status, json.loads(text) if "json" in content_type else text.decode()
    finally:
        connection.close()


def event_request(server: LocalServer, **changes: str | None) -> tuple[int, Any]:
    """POST /events with a real event and good headers, some changed (None: left out)."""
    body = json.dumps(load_sample("training_job_state_change")).encode()
    headers: dict[str, str | None] = {
        "Host": f"127.0.0.1:{server.policy.port}",
        "Content-Type": "application/json",
        "Content-Length": str(len(body)),
    }
    headers.update({name.replace("_", "-"): value for name, value in changes.items()})
    return raw(server, "POST", "/events", {k: v for k, v in headers.items() if v is not None}, body)


def test_a_well_formed_request_is_delivered(server: LocalServer) -> None:
    status, result = event_request(server, Content_Type="application/json; charset=utf-8")
    assert status == 200, result
    assert result["results"][0]["outcomes"] == {"alerts": "posted"}
    port = server.policy.port
    for host in ("localhost", f"localhost:{port}", "[::1]:3000", "127.0.0.1"):
        status, result = event_request(server, Host=host, Origin=f"http://localhost:{port}")
        assert status == 200, (host, result)


def test_only_json_is_taken(server: LocalServer) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        status, result = event_request(server, Content_Type=content_type)
        assert status == 415, content_type
        assert "application/json" in result["error"]
    status, _ = post(server, "/events", b"{}", headers={"Content-Type": "text/plain"})
    assert status == 415


def test_the_body_length_must_be_declared_and_sound(server: LocalServer) -> None:
    status, result = event_request(server, Content_Length=None)
    assert status == 411
    assert "Content-Length" in result["error"]
    for length in ("-1", "abc", "+5", "1e3", "", "0x10"):
        status, result = event_request(server, Content_Length=length)
        assert status == 400, length
    status, _ = event_request(server, Content_Length=None, Transfer_Encoding="chunked")
    assert status == 411


def test_a_body_over_the_limit_is_413(server: LocalServer) -> None:
    from bot.local.guard import MAX_BODY

    status, result = post(server, "/events", b" " * (MAX_BODY + 1))
    assert status == 413
    assert str(MAX_BODY) in result["error"]
    status, _ = event_request(server, Content_Length=str(10**12))
    assert status == 413


def test_no_more_than_the_declared_length_is_read(server: LocalServer) -> None:
    """A declared length shorter than the body: the rest is not part of the event."""
    event = json.dumps(load_sample("training_job_state_change")).encode()
    status, result = raw(
        server,
        "POST",
        "/events",
        {"Host": "localhost", "Content-Type": "application/json", "Content-Length": "4"},
        event,
    )
    assert status == 400
    assert "not valid JSON" in result["error"]


def test_a_foreign_host_is_403(server: LocalServer) -> None:
    for host in ("evil.example", "evil.example:3000", "localhost.evil.example", "10.0.0.5"):
        status, result = event_request(server, Host=host)
        assert status == 403, host
        assert "Host" in result["error"]
    status, _ = event_request(server, Host=None)
    assert status == 403
    assert isinstance(server.runtime.slack, LocalGateway)
    assert server.runtime.slack.calls == []  # nothing refused reached the (local) Slack


def test_a_foreign_origin_is_403(server: LocalServer) -> None:
    port = server.policy.port
    for origin in (
        "null",
        "http://evil.example",
        f"http://evil.example:{port}",
        "http://localhost:1",
        f"https://localhost:{port}",
        "file://",
    ):
        status, result = event_request(server, Origin=origin)
        assert status == 403, origin
        assert "Origin" in result["error"]


def test_the_page_with_a_foreign_host_or_origin_is_403(server: LocalServer) -> None:
    status, page = raw(server, "GET", "/", {"Host": f"localhost:{server.policy.port}"})
    assert status == 200
    assert "<!DOCTYPE html>" in page
    status, result = raw(server, "GET", "/", {"Host": "rebound.evil.example:3000"})
    assert status == 403
    assert "Host" in result["error"]
    status, _ = raw(server, "GET", "/", {"Host": "localhost", "Origin": "null"})
    assert status == 403


@pytest.fixture
def guarded() -> Iterator[LocalServer]:
    runtime = build_runtime(
        Settings(default_channel="alerts"), store=SqliteStore(":memory:"), slack=LocalGateway()
    )
    local = LocalServer(runtime, port=0, token="s3cret-token").start()
    yield local
    local.stop()


def test_a_token_is_required_when_set(guarded: LocalServer) -> None:
    for authorization in (None, "Bearer wrong", "s3cret-token", "Basic s3cret-token", "Bearer "):
        status, result = event_request(guarded, Authorization=authorization)
        assert status == 401, authorization
        assert "s3cret-token" not in json.dumps(result)
    status, result = event_request(guarded, Authorization="Bearer s3cret-token")
    assert status == 200, result
    assert result["results"][0]["outcomes"] == {"alerts": "posted"}
    status, _ = event_request(guarded, Authorization="bearer s3cret-token", Host="evil.example")
    assert status == 403


def test_a_deliberate_bind_also_accepts_its_address() -> None:
    """Bound to every interface on purpose: any address literal is a Host, never a name."""
    runtime = build_runtime(
        Settings(default_channel="alerts"), store=SqliteStore(":memory:"), slack=LocalGateway()
    )
    local = LocalServer(runtime, host="0.0.0.0", port=0).start()
    try:
        assert local.policy.public
        assert event_request(local, Host="192.168.1.5:3000")[0] == 200
        assert event_request(local, Host="evil.example")[0] == 403
        assert event_request(local, Origin="http://192.168.1.5:3000")[0] == 403
    finally:
        local.stop()


def test_the_host_policy() -> None:
    from bot.local.guard import HostPolicy

    loopback = HostPolicy(bound="127.0.0.1", port=3000)
    assert not loopback.public
    assert loopback.check("localhost:3000", "http://127.0.0.1:3000") is None
    assert loopback.check("LOCALHOST.", None) is None
    assert loopback.check("192.168.1.5", None) is not None
    lan = HostPolicy(bound="192.168.1.5", port=3000)
    assert lan.public
    assert lan.check("192.168.1.5:3000", "http://192.168.1.5:3000") is None
    assert lan.check("192.168.1.6:3000", None) is not None
    assert lan.check("localhost", "http://evil.example:3000") is not None


def test_serve_warns_on_a_public_bind_and_never_prints_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import main

    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("MY_SERVE_TOKEN", "t0ken-value")
    monkeypatch.setattr(LocalServer, "serve_forever", lambda self: None)
    assert main(["serve", "--port", "0", "--host", "0.0.0.0", "--token-env", "MY_SERVE_TOKEN"]) == 0
    out, err = capsys.readouterr()
    assert "Listening on" in out
    assert "warning: bound to 0.0.0.0" in err
    assert "Bearer" in err
    assert "t0ken-value" not in out + err
    assert main(["serve", "--port", "0"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_serve_with_an_unset_token_variable_is_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.main import main

    monkeypatch.delenv("NO_SUCH_TOKEN_VARIABLE", raising=False)
    monkeypatch.setattr(LocalServer, "serve_forever", lambda self: None)
    assert main(["serve", "--port", "0", "--token-env", "NO_SUCH_TOKEN_VARIABLE"]) == 2
    assert "NO_SUCH_TOKEN_VARIABLE" in capsys.readouterr().err
