"""The Slack Web API stand-in, exercised through a real ``slack_sdk.WebClient``."""

from __future__ import annotations

import json
import os
import re
import time
import types
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from tests.standins import fixtures as standin_fixtures
from tests.standins.slack_api import (
    DEFAULT_SCOPES,
    RETRY_AFTER_SECONDS_HEADER,
    RateLimitConfig,
    RateLimiter,
    ScaledRateLimitRetryHandler,
    SlackStandin,
    retry_after_headers,
    slack_standin,
)

# The plugin's fixture, usable here whether or not conftest loads the plugin.
slack_api = standin_fixtures.slack_api

TS_PATTERN = re.compile(r"^\d{10}\.\d{6}$")


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def header(text: str) -> dict[str, Any]:
    return {"type": "header", "text": {"type": "plain_text", "text": text}}


def button_block(text: str) -> dict[str, Any]:
    button = {
        "type": "button",
        "text": {"type": "plain_text", "text": text},
        "action_id": "approve",
        "value": "v",
    }
    return {"type": "actions", "elements": [button]}


def fields_block(n: int) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f"f{i}"} for i in range(n)]}


def modal(title: str = "Approve", blocks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "approve",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Approve"},
        "blocks": blocks if blocks is not None else [section("Approve model package?")],
    }


def zero_wait_server_errors(max_retry_count: int = 2) -> ServerErrorRetryHandler:
    return ServerErrorRetryHandler(
        max_retry_count=max_retry_count,
        interval_calculator=FixedValueRetryIntervalCalculator(0.0),
    )


@pytest.fixture
def client(slack_api: SlackStandin) -> WebClient:
    return slack_api.client()


@pytest.fixture
def recorded_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record (instead of sleeping) the waits of slack_sdk's built-in retry handlers."""
    sleeps: list[float] = []
    fake_time = types.SimpleNamespace(sleep=sleeps.append)
    monkeypatch.setattr("slack_sdk.http_retry.builtin_handlers.time", fake_time)
    return sleeps


# --- auth ---------------------------------------------------------------------------------


def test_auth_test_with_valid_token(client: WebClient, slack_api: SlackStandin) -> None:
    response = client.auth_test()
    assert response["ok"] is True
    assert response["user_id"] == slack_api.bot_user_id
    assert slack_api.url.endswith("/api/")


@pytest.mark.parametrize(("token", "error"), [(None, "not_authed"), ("xoxb-wrong", "invalid_auth")])
def test_auth_errors_are_http_200(slack_api: SlackStandin, token: str | None, error: str) -> None:
    client = WebClient(token=token, base_url=slack_api.url)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="hi")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == error
    assert slack_api.messages("C1") == []


def test_every_answer_carries_the_tokens_scopes(client: WebClient) -> None:
    response = client.auth_test()
    headers = {name.lower(): value for name, value in response.headers.items()}
    assert set(headers["x-oauth-scopes"].split(",")) == set(DEFAULT_SCOPES)
    assert headers["x-accepted-oauth-scopes"] == ""  # auth.test needs no scope
    posted = client.chat_postMessage(channel="C1", text="hi")
    assert {k.lower(): v for k, v in posted.headers.items()}["x-accepted-oauth-scopes"] == (
        "chat:write"
    )


@pytest.mark.slack_api(scopes=["commands", "channels:read"])
def test_a_method_without_its_scope_is_missing_scope(
    client: WebClient, slack_api: SlackStandin
) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="hi")
    assert info.value.response["error"] == "missing_scope"
    assert info.value.response["needed"] == "chat:write"
    assert info.value.response["provided"] == "channels:read,commands"
    assert slack_api.messages("C1") == []
    slack_api.set_scopes(["chat:write"])
    client.chat_postMessage(channel="C1", text="hi")
    assert client.auth_test().headers["x-oauth-scopes"] == "chat:write"


def test_conversations_info_needs_the_scope_of_the_conversations_type(
    client: WebClient, slack_api: SlackStandin
) -> None:
    slack_api.set_channel("C0SECRET", kind="private")
    slack_api.set_scopes(["channels:read"])
    assert client.conversations_info(channel="C0PUBLIC")["channel"]["is_private"] is False
    with pytest.raises(SlackApiError) as info:
        client.conversations_info(channel="C0SECRET")
    assert (info.value.response["error"], info.value.response["needed"]) == (
        "missing_scope",
        "groups:read",
    )
    slack_api.set_scopes(["channels:read", "groups:read"])
    assert client.conversations_info(channel="C0SECRET")["channel"]["is_private"] is True


def test_channels_archived_private_and_not_joined(
    client: WebClient, slack_api: SlackStandin
) -> None:
    slack_api.set_channel("C0OLD", name="old", archived=True)
    slack_api.set_channel("C0OUTSIDE", kind="private", member=False)
    slack_api.set_channel("C0OPEN", name="open", member=False)
    # An archived channel: described as such, refuses posts
    info = client.conversations_info(channel="C0OLD")["channel"]
    assert (info["name"], info["is_archived"], info["is_member"]) == ("old", True, True)
    with pytest.raises(SlackApiError) as archived:
        client.chat_postMessage(channel="C0OLD", text="hi")
    assert archived.value.response["error"] == "is_archived"
    # A private channel the bot is not in does not exist for it
    for call in (client.conversations_info, client.chat_postMessage):
        with pytest.raises(SlackApiError) as hidden:
            call(channel="C0OUTSIDE", text="hi")
        assert hidden.value.response["error"] == "channel_not_found"
    # A public channel it is not in: posts need chat:write.public
    assert client.conversations_info(channel="C0OPEN")["channel"]["is_member"] is False
    client.chat_postMessage(channel="C0OPEN", text="with chat:write.public")
    slack_api.set_scopes(DEFAULT_SCOPES - {"chat:write.public"})
    with pytest.raises(SlackApiError) as outside:
        client.chat_postMessage(channel="C0OPEN", text="without")
    assert outside.value.response["error"] == "not_in_channel"
    assert [m.text for m in slack_api.messages("C0OPEN")] == ["with chat:write.public"]


def test_token_form_field_and_form_encoded_blocks(slack_api: SlackStandin) -> None:
    form = {
        "token": slack_api.token,
        "channel": "C1",
        "text": "fallback",
        "blocks": json.dumps([header("Training job"), section("*Completed*")]),
    }
    request = urllib.request.Request(
        slack_api.url + "chat.postMessage",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=5) as raw:
        body = json.loads(raw.read())
    assert body["ok"] is True
    [message] = slack_api.messages("C1")
    assert message.blocks[0]["text"]["text"] == "Training job"
    assert "token" not in slack_api.calls("chat.postMessage")[0].params


def test_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("chat.frobnicate", json={"channel": "C1"})
    assert info.value.response["error"] == "unknown_method"


# --- messages, threads, updates -------------------------------------------------------------


def test_post_thread_and_update_visible_in_state(
    client: WebClient, slack_api: SlackStandin
) -> None:
    parent = client.chat_postMessage(channel="C1", text="Training started", blocks=[section("1")])
    reply = client.chat_postMessage(channel="C1", text="step 1 done", thread_ts=parent["ts"])
    broadcast = client.chat_postMessage(
        channel="C1", text="FAILED", thread_ts=parent["ts"], reply_broadcast=True
    )
    client.chat_update(channel="C1", ts=parent["ts"], text="Training failed", blocks=[section("2")])

    timestamps = [parent["ts"], reply["ts"], broadcast["ts"]]
    assert all(TS_PATTERN.match(ts) for ts in timestamps)
    assert timestamps == sorted(set(timestamps))
    assert parent["message"]["text"] == "Training started"

    shown = slack_api.messages("C1")
    assert [m.text for m in shown] == ["Training failed", "FAILED"]  # broadcast shows in channel
    top = shown[0]
    assert top.edited
    assert [(v.text, v.blocks) for v in top.history] == [("Training started", [section("1")])]
    assert top.blocks == [section("2")]
    assert [(m.text, m.reply_broadcast) for m in top.replies] == [
        ("step 1 done", False),
        ("FAILED", True),
    ]
    assert [m.ts for m in slack_api.thread("C1", parent["ts"])] == [reply["ts"], broadcast["ts"]]

    api_thread = client.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    assert [m["text"] for m in api_thread] == ["Training failed", "step 1 done", "FAILED"]
    assert api_thread[0]["reply_count"] == 2
    assert "edited" in api_thread[0]


def test_thread_reply_needs_an_existing_parent(client: WebClient, slack_api: SlackStandin) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="orphan", thread_ts="1700000000.999900")
    assert info.value.response["error"] == "thread_not_found"
    assert slack_api.messages("C1") == []


def test_update_of_missing_message(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_update(channel="C1", ts="1700000000.000100", text="x")
    assert info.value.response["error"] == "message_not_found"


def test_text_or_blocks_required(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert info.value.response["error"] == "no_text"


@pytest.mark.parametrize("slack_api", [{"channels": ["C1"]}], indirect=True)
def test_fixed_channel_list(client: WebClient, slack_api: SlackStandin) -> None:
    client.chat_postMessage(channel="C1", text="ok")
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C404", text="lost")
    assert info.value.response["error"] == "channel_not_found"
    assert slack_api.messages("C404") == []
    assert client.conversations_info(channel="C1")["channel"]["id"] == "C1"


def test_long_text_is_truncated_like_slack(client: WebClient, slack_api: SlackStandin) -> None:
    response = client.chat_postMessage(channel="C1", text="x" * 40_050)
    assert len(response["message"]["text"]) == 40_000
    assert len(slack_api.messages("C1")[0].text) == 40_000


def test_ephemeral_permalink_delete_users(client: WebClient, slack_api: SlackStandin) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")
    reply = client.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"])
    client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert [e.text for e in slack_api.ephemerals("C1", user="U1")] == ["only you"]
    assert slack_api.messages("C1")[0].text == "parent"  # ephemeral not in the channel

    link = client.chat_getPermalink(channel="C1", message_ts=reply["ts"])["permalink"]
    assert link.endswith(f"?thread_ts={parent['ts']}&cid=C1")

    client.chat_delete(channel="C1", ts=reply["ts"])
    assert slack_api.thread("C1", parent["ts"]) == []
    client.chat_delete(channel="C1", ts=parent["ts"])
    assert slack_api.messages("C1") == []

    user = client.users_info(user="U1")["user"]
    assert user["id"] == "U1"
    assert user["profile"]["email"]


def test_reset_forgets_state_but_keeps_config(client: WebClient, slack_api: SlackStandin) -> None:
    slack_api.set_usergroup("S1", ["U1"])
    client.chat_postMessage(channel="C1", text="x")
    slack_api.fail_next(3)
    slack_api.reset()
    assert slack_api.messages("C1") == []
    assert slack_api.calls() == []
    assert client.chat_postMessage(channel="C1", text="y")["ts"] == "1700000000.000100"
    assert client.usergroups_users_list(usergroup="S1")["users"] == ["U1"]


# --- Block Kit validation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        (
            [header("h" * 151)],
            "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [section(str(i)) for i in range(51)],
            "no more than 50 items allowed [json-pointer:/blocks]",
        ),
        ([fields_block(11)], "no more than 10 items allowed [json-pointer:/blocks/0/fields]"),
        (
            [section("ok"), button_block("b" * 76)],
            "must be less than 76 characters [json-pointer:/blocks/1/elements/0/text/text]",
        ),
        (
            [section("s" * 3001)],
            "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
        ),
        (
            [{"type": "no_such_block"}],
            "unsupported block type: no_such_block [json-pointer:/blocks/0]",
        ),
        (
            [{"type": "section"}],
            "text or fields attribute must be specified [json-pointer:/blocks/0]",
        ),
    ],
    ids=["header-151", "51-blocks", "11-fields", "button-76", "section-3001", "unknown", "empty"],
)
def test_invalid_blocks_rejected(
    client: WebClient, slack_api: SlackStandin, blocks: list[dict[str, Any]], expected: str
) -> None:
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    response = info.value.response
    assert response.status_code == 200
    assert response["error"] == "invalid_blocks"
    assert response["errors"] == [expected]
    assert slack_api.messages("C1") == []


def test_blocks_at_the_limits_accepted(client: WebClient, slack_api: SlackStandin) -> None:
    at_limits = [header("h" * 150), fields_block(10), button_block("b" * 75)]
    at_limits += [section(str(i)) for i in range(50 - len(at_limits))]
    client.chat_postMessage(channel="C1", text="fallback", blocks=at_limits)
    assert len(slack_api.messages("C1")[0].blocks) == 50


def test_update_with_invalid_blocks_keeps_the_message(
    client: WebClient, slack_api: SlackStandin
) -> None:
    posted = client.chat_postMessage(channel="C1", text="v1", blocks=[section("v1")])
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C1", ts=posted["ts"], text="v2", blocks=[header("h" * 151)])
    [message] = slack_api.messages("C1")
    assert (message.text, message.edited) == ("v1", False)


def test_unparseable_blocks_json(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.api_call("chat.postMessage", data={"channel": "C1", "blocks": "[{not json"})
    assert info.value.response["error"] == "invalid_blocks_format"


# --- views ----------------------------------------------------------------------------------


def test_views_open_valid_then_update(client: WebClient, slack_api: SlackStandin) -> None:
    opened = client.views_open(trigger_id="123.456", view=modal())["view"]
    assert opened["id"] in slack_api.views()
    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal(title="Approved")
    )["view"]
    assert slack_api.views()[opened["id"]]["title"]["text"] == "Approved"
    with pytest.raises(SlackApiError) as info:  # stale hash
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    assert info.value.response["error"] == "hash_conflict"
    assert updated["hash"] != opened["hash"]


@pytest.mark.parametrize(
    "view",
    [modal(title="t" * 25), modal(blocks=[header("h" * 151)]), {"type": "modal", "blocks": []}],
    ids=["title-25", "header-151", "no-title"],
)
def test_views_open_invalid_view(
    client: WebClient, slack_api: SlackStandin, view: dict[str, Any]
) -> None:
    with pytest.raises(SlackApiError) as info:
        client.views_open(trigger_id="123.456", view=view)
    assert info.value.response["error"] == "invalid_arguments"
    assert info.value.response["response_metadata"]["messages"]
    assert slack_api.views() == {}


def test_trigger_id_is_single_use(client: WebClient) -> None:
    client.views_open(trigger_id="123.456", view=modal())
    with pytest.raises(SlackApiError) as info:
        client.views_open(trigger_id="123.456", view=modal())
    assert info.value.response["error"] == "exchanged_trigger_id"


# --- user groups ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slack_api", [{"usergroups": {"S0APPROVERS": ["U1", "U2"]}}], indirect=True
)
def test_usergroups_users_list(client: WebClient) -> None:
    assert client.usergroups_users_list(usergroup="S0APPROVERS")["users"] == ["U1", "U2"]
    with pytest.raises(SlackApiError) as info:
        client.usergroups_users_list(usergroup="S0NOPE")
    assert info.value.response["error"] == "no_such_subteam"


# --- faults and retries ---------------------------------------------------------------------


def test_429_is_retried_after_retry_after(
    slack_api: SlackStandin, recorded_sleeps: list[float]
) -> None:
    client = slack_api.client(retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    slack_api.fail_next(1, status=429, retry_after=2)
    response = client.chat_postMessage(channel="C1", text="once")
    assert response["ok"] is True
    assert [(c.status, c.fault) for c in slack_api.calls("chat.postMessage")] == [
        (429, "injected"),
        (200, None),
    ]
    assert len(recorded_sleeps) == 1
    assert 2 <= recorded_sleeps[0] < 3  # int(Retry-After) + jitter
    assert [m.text for m in slack_api.messages("C1")] == ["once"]


def test_429_without_retry_leaves_no_message(client: WebClient, slack_api: SlackStandin) -> None:
    slack_api.fail_next(1, status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="lost")
    response = info.value.response
    assert response.status_code == 429
    assert response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "7"
    assert slack_api.messages("C1") == []


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_retried(slack_api: SlackStandin, status: int) -> None:
    client = slack_api.client(retry_handlers=[zero_wait_server_errors()])
    slack_api.fail_next(2, status=status, method="chat.postMessage")
    client.chat_postMessage(channel="C1", text="third time lucky")
    assert [c.status for c in slack_api.calls("chat.postMessage")] == [status, status, 200]
    assert len(slack_api.messages("C1")) == 1


def test_timeout_fault_makes_the_client_time_out(slack_api: SlackStandin) -> None:
    client = slack_api.client(timeout=0.2)
    slack_api.fail_next(1, timeout=2)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel="C1", text="slow")
    assert time.monotonic() - started < 1.5
    assert slack_api.messages("C1") == []
    client.chat_postMessage(channel="C1", text="fast")
    assert [m.text for m in slack_api.messages("C1")] == ["fast"]


def test_random_failures_with_retries_deliver_exactly_once() -> None:
    with slack_standin(time_scale=0.001) as standin:
        standin.set_failure_rate(0.4, seed=7)
        handlers = [ScaledRateLimitRetryHandler(max_retry_count=20), zero_wait_server_errors(20)]
        client = standin.client(retry_handlers=handlers)
        for i in range(15):
            client.chat_postMessage(channel="C1", text=f"m{i}")
        faulted = [c for c in standin.calls() if c.fault == "random"]
    assert faulted
    assert {c.status for c in faulted} <= {429, 500, 503}
    assert len(standin.calls("chat.postMessage")) == 15 + len(faulted)
    assert [m.text for m in standin.messages("C1")] == [f"m{i}" for i in range(15)]


def test_concurrent_posts_get_unique_ts(slack_api: SlackStandin) -> None:
    def post_ten(worker: int) -> list[str]:
        client = slack_api.client()
        return [
            client.chat_postMessage(channel="C1", text=f"{worker}-{i}")["ts"] for i in range(10)
        ]

    with ThreadPoolExecutor(max_workers=8) as pool:
        stamps = [ts for batch in pool.map(post_ten, range(8)) for ts in batch]
    assert len(set(stamps)) == 80
    assert [m.ts for m in slack_api.messages("C1")] == sorted(stamps)


# --- rate limits ----------------------------------------------------------------------------


def test_channel_rate_limit_waited_out_and_each_message_once() -> None:
    time_scale = 0.1  # one message per simulated second = 10 per real second
    with slack_standin(rate_limits=True, time_scale=time_scale) as standin:
        client = standin.client(retry_handlers=[ScaledRateLimitRetryHandler(max_retry_count=10)])
        started = time.monotonic()
        for i in range(5):
            client.chat_postMessage(channel="C1", text=f"m{i}")
        elapsed = time.monotonic() - started
        client.chat_postMessage(channel="C2", text="other channel")

        limited = [c for c in standin.calls("chat.postMessage") if c.status == 429]
        assert limited, "a burst of 5 to one channel must be rate limited"
        assert all(c.params["channel"] == "C1" for c in limited)
        assert [m.text for m in standin.messages("C1")] == [f"m{i}" for i in range(5)]
        assert len(standin.messages("C2")) == 1
        # a burst of 3, then 2 more tokens at 10 per real second: at least 0.2 s
        assert elapsed >= 2 * time_scale


def test_rate_limited_response_headers() -> None:
    with slack_standin(rate_limits=True, time_scale=0.5) as standin:
        client = standin.client()
        for i in range(3):
            client.chat_postMessage(channel="C1", text=str(i))
        with pytest.raises(SlackApiError) as info:
            client.chat_postMessage(channel="C1", text="too fast")
        headers = info.value.response.headers
        assert info.value.response.status_code == 429
        assert headers["Retry-After"] == "1"  # integer, ceil of the scaled wait
        assert 0.25 < float(headers[RETRY_AFTER_SECONDS_HEADER]) <= 0.5  # 1 s simulated
        assert standin.calls()[-1].fault == "rate_limit"
        assert len(standin.messages("C1")) == 3


def test_method_tiers_with_a_fake_clock() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitConfig(), time_scale=0.5, clock=lambda: now[0])
    assert all(limiter.admit("chat.update", None) == 0 for _ in range(50))  # tier 3 budget
    wait = limiter.admit("chat.update", None)
    assert wait == pytest.approx(60 / 50 * 0.5)  # 1.2 simulated seconds, scaled
    now[0] += wait
    assert limiter.admit("chat.update", None) == 0
    assert limiter.admit("users.info", None) == 0  # other method, own bucket


def test_retry_after_header_values() -> None:
    assert retry_after_headers(0.01) == {"Retry-After": "1", RETRY_AFTER_SECONDS_HEADER: "0.010000"}
    assert retry_after_headers(0.0)["Retry-After"] == "0"
    assert retry_after_headers(2.0)["Retry-After"] == "2"


# --- the fixture ----------------------------------------------------------------------------


@pytest.fixture
def real_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-real-looking")
    monkeypatch.setenv("CHATOPS_SLACK_BOT_TOKEN", "xoxb-real-looking")


@pytest.mark.usefixtures("real_slack_env")
def test_fixture_removes_real_slack_env(slack_api: SlackStandin) -> None:
    assert "SLACK_BOT_TOKEN" not in os.environ
    assert "CHATOPS_SLACK_BOT_TOKEN" not in os.environ
    assert slack_api.client().auth_test()["ok"] is True


def test_response_url_shows_valid_blocks_and_refuses_invalid_ones(slack_api: SlackStandin) -> None:
    from slack_sdk.webhook import WebhookClient

    # GIVEN a response_url, as Slack gives a command or a button (Bolt's respond() posts there)
    webhook = WebhookClient(slack_api.response_url("cmd"))
    # WHEN the app answers with blocks Slack accepts
    ok = webhook.send(text="fine", blocks=[section("fine"), button_block("Share")])
    # THEN it is shown, and the answer is plain text, as a webhook's
    assert (ok.status_code, ok.body) == (200, "ok")
    assert [r["text"] for r in slack_api.responses("cmd")] == ["fine"]
    # WHEN it answers with a block over Slack's limits
    refused = webhook.send(text="too long", blocks=[section("x" * 3001)])
    # THEN Slack says so and shows nothing
    assert (refused.status_code, refused.body) == (400, "invalid_blocks")
    assert [r["text"] for r in slack_api.responses("cmd")] == ["fine"]


OWNER_PROFILE = {"profile": {"email": "Ada@Example.com", "display_name": "ada"}}


@pytest.mark.slack_api(users={"U0ADA": OWNER_PROFILE, "U0BOB": {}})
def test_users_lookup_by_email_finds_the_workspaces_user_whatever_the_case(
    client: WebClient,
) -> None:
    user = client.users_lookupByEmail(email="ada@example.COM")["user"]
    assert user["id"] == "U0ADA"
    assert client.users_lookupByEmail(email="user-u0bob@example.com")["user"]["id"] == "U0BOB"
    with pytest.raises(SlackApiError) as info:
        client.users_lookupByEmail(email="nobody@example.com")
    assert info.value.response["error"] == "users_not_found"


@pytest.mark.slack_api(users={"U0ADA": OWNER_PROFILE}, scopes=["chat:write", "users:read"])
def test_users_lookup_by_email_needs_users_read_email(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as info:
        client.users_lookupByEmail(email="ada@example.com")
    assert info.value.response["error"] == "missing_scope"
    assert info.value.response["needed"] == "users:read.email"


def test_users_lookup_by_email_is_tier_3() -> None:
    limiter = RateLimiter(RateLimitConfig(), time_scale=1.0, clock=lambda: 0.0)
    assert all(limiter.admit("users.lookupByEmail", None) == 0 for _ in range(50))
    assert limiter.admit("users.lookupByEmail", None) == pytest.approx(60 / 50)
