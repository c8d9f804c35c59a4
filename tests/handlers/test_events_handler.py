"""The events Lambda: SQS batches with partial failures, direct EventBridge invocations."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import handlers.events as events_handler
from bot.errors import SlackDeliveryError
from bot.gateway import Message, WebApiGateway, make_web_client
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0LAMBDA"


@dataclass
class LambdaContext:
    function_name: str = "sagemaker-chatops-events"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:events"
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class FailFor:
    """A gateway over the stand-in that fails posts mentioning one resource, as if Slack did."""

    def __init__(self, inner: WebApiGateway, needle: str) -> None:
        self.inner = inner
        self.needle = needle

    def post_message(self, channel: str, message: Message, **kwargs: Any) -> str:
        if self.needle and self.needle in json.dumps(message):
            raise SlackDeliveryError("Slack chat.postMessage failed: service_unavailable")
        return self.inner.post_message(channel, message, **kwargs)

    def update_message(self, channel: str, ts: str, message: Message) -> None:
        self.inner.update_message(channel, ts, message)


@pytest.fixture
def gateway(slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch) -> Iterator[FailFor]:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    failing = FailFor(WebApiGateway(client), needle="")
    store = SqliteStore(":memory:")
    settings = Settings(default_channel=CHANNEL)
    runtime = build_runtime(
        settings, store=store, slack=failing, metrics=events_handler._PowertoolsMetrics()
    )
    monkeypatch.setattr(events_handler, "_runtime", runtime)
    yield failing
    store.close()


@pytest.fixture
def log_stream(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Where the handler's structured log lines go (Powertools: one JSON object per line)."""
    stream = io.StringIO()
    monkeypatch.setattr(events_handler.logger.registered_handler, "stream", stream)
    return stream


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def sqs_batch(*bodies: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": f"msg-{i}",
                "receiptHandle": f"rh-{i}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:sagemaker-events",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }


def test_sqs_batch_is_delivered(gateway: FailFor, slack_api: SlackStandin) -> None:
    batch = sqs_batch(
        json.dumps(load_sample("training_job_state_change")),
        json.dumps(load_sample("endpoint_state_change")),
    )
    result = events_handler.handler(batch, LambdaContext())
    assert result == {"batchItemFailures": []}
    assert len(slack_api.messages(CHANNEL)) == 2


def test_a_failure_in_the_middle_of_a_batch_retries_only_that_record(
    gateway: FailFor, slack_api: SlackStandin
) -> None:
    # GIVEN a batch whose middle event's post fails in Slack
    bodies = [
        json.dumps(load_sample("training_job_state_change")),
        json.dumps(load_sample("processing_job_state_change_failed")),
        json.dumps(load_sample("endpoint_state_change")),
    ]
    gateway.needle = "integ-test-analytics-algo"
    result = events_handler.handler(sqs_batch(*bodies), LambdaContext())
    # THEN only that record is reported, so SQS retries just it
    assert result == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert len(slack_api.messages(CHANNEL)) == 2

    # WHEN SQS delivers the whole batch again and Slack has recovered
    gateway.needle = ""
    result = events_handler.handler(sqs_batch(*bodies), LambdaContext())
    # THEN the failed event is posted and the others are not posted twice
    assert result == {"batchItemFailures": []}
    assert len(slack_api.messages(CHANNEL)) == 3


def test_body_that_is_not_json_fails_with_a_log_line_and_a_metric(
    gateway: FailFor, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    result = events_handler.handler(sqs_batch("{not json", "[1, 2]"), LambdaContext())
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-1"}]
    }
    assert "undeliverable SQS message msg-0: not valid JSON" in caplog.text
    assert "undeliverable SQS message msg-1: expected a JSON object" in caplog.text
    # Powertools writes the metrics as one EMF line on stdout when the invocation ends.
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert [m["EventsUndeliverable"] for m in emf] == [[1.0, 1.0]]


def test_unknown_event_type_still_reaches_slack(gateway: FailFor, slack_api: SlackStandin) -> None:
    event = {
        "version": "0",
        "id": "x-1",
        "detail-type": "SageMaker Notebook Instance State Change",
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "eu-west-1",
        "time": "2026-11-25T10:00:00Z",
        "resources": ["arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/nb-1"],
        "detail": {"NotebookInstanceName": "nb-1", "NotebookInstanceStatus": "InService"},
    }
    assert events_handler.handler(sqs_batch(json.dumps(event)), LambdaContext()) == {
        "batchItemFailures": []
    }
    [message] = slack_api.messages(CHANNEL)
    assert "nb-1" in message.text


def test_direct_eventbridge_invocation(gateway: FailFor, slack_api: SlackStandin) -> None:
    result = events_handler.handler(load_sample("model_card_state_change"), LambdaContext())
    assert result == {"batchItemFailures": []}
    assert "example-card" in slack_api.messages(CHANNEL)[0].text


def test_direct_invocation_failure_raises_for_eventbridge_retry(gateway: FailFor) -> None:
    gateway.needle = "example-card"
    with pytest.raises(SlackDeliveryError):
        events_handler.handler(load_sample("model_card_state_change"), LambdaContext())


def test_json_past_the_parsers_limits_is_undeliverable_not_a_crash(
    gateway: FailFor, slack_api: SlackStandin, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a batch with 100,000-deep JSON and a number of 10,000 digits between two events
    batch = sqs_batch(
        json.dumps(load_sample("training_job_state_change")),
        "[" * 100_000 + "]" * 100_000,
        '{"detail": {"n": ' + "7" * 10_000 + "}}",
        json.dumps(load_sample("endpoint_state_change")),
    )
    # WHEN the handler runs
    result = events_handler.handler(batch, LambdaContext())
    # THEN just those two records fail, each counted as undeliverable; the others are posted
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "msg-1"}, {"itemIdentifier": "msg-2"}]
    }
    assert len(slack_api.messages(CHANNEL)) == 2
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert [m["EventsUndeliverable"] for m in emf] == [[1.0, 1.0]]


def test_an_events_log_keys_do_not_leak_into_the_next_records_lines(
    gateway: FailFor, log_stream: io.StringIO
) -> None:
    # GIVEN a batch: a real event, a body that is not JSON, a second real event that fails
    first = load_sample("training_job_state_change")
    third = load_sample("processing_job_state_change_failed")
    gateway.needle = "integ-test-analytics-algo"
    batch = sqs_batch(json.dumps(first), "{not json", json.dumps(third))
    # WHEN the handler runs
    result = events_handler.handler(batch, LambdaContext())
    assert [f["itemIdentifier"] for f in result["batchItemFailures"]] == ["msg-1", "msg-2"]
    lines = log_lines(log_stream)
    # THEN the first event's lines carry its id and type
    [delivered] = [line for line in lines if line["message"] == "delivered"]
    assert delivered["correlation_id"] == first["id"]
    assert delivered["detail_type"] == first["detail-type"]
    # AND the unreadable record's line carries neither the first event's nor any
    [undeliverable] = [
        line for line in lines if "undeliverable SQS message msg-1" in line["message"]
    ]
    assert "correlation_id" not in undeliverable or undeliverable["correlation_id"] is None
    assert "detail_type" not in undeliverable
    assert first["id"] not in json.dumps(undeliverable)
    # AND the third event's retry warning carries its own
    [retried] = [line for line in lines if "will be retried" in line["message"]]
    assert retried["correlation_id"] == third["id"]
    assert retried["detail_type"] == third["detail-type"]
    # AND nothing is left over for the next invocation's first lines
    assert "detail_type" not in events_handler.logger.get_current_keys()


def test_the_bots_own_info_lines_are_json_with_the_records_correlation_id(
    slack_api: SlackStandin, log_stream: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the handler as imported, and no channel for the event to go to
    store = SqliteStore(":memory:")
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    runtime = build_runtime(
        Settings(),
        store=store,
        slack=WebApiGateway(client),
        metrics=events_handler._PowertoolsMetrics(),
    )
    monkeypatch.setattr(events_handler, "_runtime", runtime)
    event = load_sample("training_job_state_change")
    # WHEN the handler gets it in an SQS batch
    result = events_handler.handler(sqs_batch(json.dumps(event)), LambdaContext())
    store.close()
    assert result == {"batchItemFailures": []}
    # THEN the deliverer's own INFO line (a bot.* logger) is a JSON line of the handler's output
    [line] = [
        line for line in log_lines(log_stream) if line["message"].startswith("no channel wants")
    ]
    assert line["level"] == "INFO"
    assert line["name"] == "bot.delivery.deliverer"
    assert line["correlation_id"] == event["id"]
    assert line["function_request_id"] == "req-1"
