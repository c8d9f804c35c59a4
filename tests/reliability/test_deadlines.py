"""The events function answers before Lambda's timeout, whatever Slack asks it to wait.

Driven the way Lambda drives it: an SQS batch of 10 records, a context whose remaining time runs
down with the wall clock, the Slack Web API stand-in over HTTP (429 with ``Retry-After``), and a
real store. Issue 12: a ``Retry-After: 45`` used to make one call sleep up to ten times in a
function with a 60 s timeout, and the whole batch went back to the queue.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest

import handlers.events as events_handler
from bot.deadline import current_deadline, deadline_in
from bot.gateway import Message, WebApiGateway, make_web_client
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0DEADLINE"


class LambdaContext:
    """Lambda's context: the remaining time runs down with the wall clock."""

    function_name = "sagemaker-chatops-events"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:events"
    aws_request_id = "req-deadline"

    def __init__(self, millis: int) -> None:
        self.millis = millis
        self.started = time.monotonic()

    def get_remaining_time_in_millis(self) -> int:
        return int(self.millis - (time.monotonic() - self.started) * 1000)


class RateLimitAfter:
    """A gateway over the stand-in; from its ``posts``-th post on, Slack answers one 429."""

    def __init__(self, inner: WebApiGateway, slack_api: SlackStandin) -> None:
        self.inner = inner
        self.slack_api = slack_api
        self.posts = 0
        self.limit_at: int | None = None
        self.retry_after = 45.0

    def post_message(self, channel: str, message: Message, **kwargs: Any) -> str:
        self.posts += 1
        if self.posts == self.limit_at:
            self.slack_api.fail_next(1, status=429, retry_after=self.retry_after)
        return self.inner.post_message(channel, message, **kwargs)

    def update_message(self, channel: str, ts: str, message: Message) -> None:
        self.inner.update_message(channel, ts, message)


@pytest.fixture
def gateway(slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch) -> Iterator[RateLimitAfter]:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    # The production client: 10 rate-limit retries, 10 s HTTP timeout.
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    wrapped = RateLimitAfter(WebApiGateway(client), slack_api)
    store = SqliteStore(":memory:")
    runtime = build_runtime(
        Settings(default_channel=CHANNEL),
        store=store,
        slack=wrapped,
        metrics=events_handler._PowertoolsMetrics(),
    )
    monkeypatch.setattr(events_handler, "_runtime", runtime)
    yield wrapped
    store.close()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every wait asked for in the test, the gateway's retry waits included (still slept for
    real; ``time`` is one module, so this is also ``bot.gateway.retry``'s sleep)."""
    asked: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        asked.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    return asked


def training_job(i: int) -> str:
    """A distinct training job's event: each one is a new parent message."""
    event = load_sample("training_job_state_change")
    name = f"deadline-job-{i}"
    arn = f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}"
    event["id"] = f"event-{i}"
    event["resources"] = [arn]
    event["detail"]["TrainingJobName"] = name
    event["detail"]["TrainingJobArn"] = arn
    return json.dumps(event)


def sqs_batch(count: int = 10) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"msg-{i}",
                "receiptHandle": f"rh-{i}",
                "body": training_job(i),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:sagemaker-events",
                "awsRegion": "us-east-1",
            }
            for i in range(count)
        ]
    }


def failures(result: dict[str, Any]) -> list[str]:
    return [item["itemIdentifier"] for item in result["batchItemFailures"]]


def emitted(capsys: pytest.CaptureFixture[str], metric: str) -> float:
    """The sum of one metric over the EMF lines Powertools printed."""
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    total = 0.0
    for line in lines:
        value = line.get(metric, 0)
        total += sum(value) if isinstance(value, list) else value
    return total


def test_a_retry_after_past_the_deadline_fails_at_once_and_the_rest_is_handed_back(
    gateway: RateLimitAfter,
    slack_api: SlackStandin,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN 8 s left, and Slack answering the third post with 429 Retry-After: 45
    caplog.set_level(logging.WARNING)
    gateway.limit_at = 3
    context = LambdaContext(8_000)
    # WHEN Lambda hands the function a batch of 10
    started = time.monotonic()
    result = events_handler.handler(sqs_batch(), context)
    wall = time.monotonic() - started
    # THEN it answers at once, long before the context's time is up, without sleeping 45 s
    assert wall < 2.0, wall
    assert context.get_remaining_time_in_millis() > 6_000
    assert not any(s >= 1 for s in sleeps), sleeps
    # AND the two records delivered before are done; the rate-limited one and the seven not
    # started are batch item failures, for SQS to deliver again
    assert failures(result) == [f"msg-{i}" for i in range(2, 10)]
    assert len(slack_api.messages(CHANNEL)) == 2
    # the seven after the 429 made no Slack call: one request each for the first two, one 429
    assert len(slack_api.calls("chat.postMessage")) == 3
    deferred = [r for r in caplog.records if "deferred" in r.getMessage()]
    assert [r.levelno for r in deferred] == [logging.WARNING] * 7
    assert "Slack asked to wait past the deadline" in deferred[0].getMessage()
    assert emitted(capsys, "EventsDeferred") == 7
    # AND nothing of the deadline outlives the invocation
    assert current_deadline() is None


def test_records_are_not_started_when_the_time_left_cannot_finish_them(
    gateway: RateLimitAfter,
    slack_api: SlackStandin,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN 6.5 s left (3.5 s before the deadline) and a 429 with Retry-After: 1 on the first post
    caplog.set_level(logging.WARNING)
    gateway.limit_at = 1
    gateway.retry_after = 1
    context = LambdaContext(6_500)
    started = time.monotonic()
    result = events_handler.handler(sqs_batch(), context)
    wall = time.monotonic() - started
    # THEN the wait that fits is honoured and the first record delivered; after it less than
    # MIN_SECONDS_TO_START is left, so the other nine are handed back unstarted
    assert 1.0 <= wall < 3.0, wall
    assert [s for s in sleeps if s >= 1] and max(sleeps) < 1.2
    assert failures(result) == [f"msg-{i}" for i in range(1, 10)]
    assert len(slack_api.messages(CHANNEL)) == 1
    assert len(slack_api.calls("chat.postMessage")) == 2
    assert "s left" in next(r.getMessage() for r in caplog.records if "deferred" in r.getMessage())
    assert emitted(capsys, "EventsDeferred") == 9


def test_too_little_time_from_the_start_calls_nothing(
    gateway: RateLimitAfter, slack_api: SlackStandin, capsys: pytest.CaptureFixture[str]
) -> None:
    result = events_handler.handler(sqs_batch(), LambdaContext(4_000))
    assert failures(result) == [f"msg-{i}" for i in range(10)]
    assert slack_api.calls() == []
    assert emitted(capsys, "EventsDeferred") == 10


def test_with_time_enough_everything_is_delivered_as_before(
    gateway: RateLimitAfter,
    slack_api: SlackStandin,
    sleeps: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # GIVEN a whole minute and a short Retry-After on the fifth post
    gateway.limit_at = 5
    gateway.retry_after = 1
    result = events_handler.handler(sqs_batch(), LambdaContext(60_000))
    # THEN Slack's wait is honoured and all ten are posted
    assert result == {"batchItemFailures": []}
    assert len(slack_api.messages(CHANNEL)) == 10
    assert [s for s in sleeps if s >= 1]
    assert emitted(capsys, "EventsDeferred") == 0


def test_the_http_timeout_never_reaches_past_the_deadline(slack_api: SlackStandin) -> None:
    client = make_web_client(slack_api.token, slack_api.url, timeout=10)
    assert client.timeout == 10
    with deadline_in(2.0):
        assert 1.5 < client.timeout <= 2.0
    with deadline_in(-1.0):
        assert 0 < client.timeout <= 0.1
    assert client.timeout == 10


def test_no_deadline_no_change(
    slack_api: SlackStandin, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Outside the events function (command line, serve) a 429 is waited for as before.
    slack_api.fail_next(1, status=429, retry_after=1)
    client = make_web_client(slack_api.token, slack_api.url)
    WebApiGateway(client).post_message(CHANNEL, {"text": "hello"})
    assert [s for s in sleeps if s >= 1]
    assert len(slack_api.messages(CHANNEL)) == 1
