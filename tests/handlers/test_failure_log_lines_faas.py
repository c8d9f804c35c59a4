"""A failed job's last log lines in its failure reply, as the events function runs in Lambda.

CloudWatch Logs is moto's server over HTTP (the function's own boto3 clients, through
``AWS_ENDPOINT_URL``), Slack is the stand-in (it enforces Slack's limits). The events arrive
as SQS batches through ``handlers.events.handler``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import handlers.events as events_handler
from bot.aws.failure_logs import LOG_SECONDS
from bot.settings import get_settings
from tests.aws.conftest import silent_endpoint  # noqa: F401 - its fixture, used by name
from tests.aws.resources import now_ms, unique, write_logs
from tests.delivery.test_delivery_scenarios import job_event
from tests.handlers.test_events_handler import LambdaContext, sqs_batch
from tests.standins.aws import AwsClientFactory, AwsRequests
from tests.standins.slack_api import Message, SlackStandin

CHANNEL = "C0FAILLOGS"
GROUP = "/aws/sagemaker/TrainingJobs"


@dataclass
class ShortContext(LambdaContext):
    """An invocation with only ``millis`` left."""

    millis: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.millis


@pytest.fixture
def events_function(
    slack_api: SlackStandin, moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[None]:
    """The events function, built from the environment on its first event (a test sets
    ``CHATOPS_FAILURE_LOG_LINES`` first, or leaves it unset)."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("CHATOPS_STORE", f"sqlite:///{tmp_path}/state.sqlite3")
    monkeypatch.setenv("CHATOPS_DEFAULT_CHANNEL", CHANNEL)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    get_settings.cache_clear()
    monkeypatch.setattr(events_handler, "_runtime", None)
    yield
    runtime = events_handler._runtime
    if runtime is not None:
        runtime.store.close()
        if runtime.failure_logs is not None:
            runtime.failure_logs.close()  # type: ignore[attr-defined]
    get_settings.cache_clear()


def job_events(job: str) -> list[dict[str, Any]]:
    """The job starts, then fails: a parent, then a failure reply in its thread."""
    started = job_event("InProgress", "Training", 5)
    failed = job_event("Failed", "Failed", 30, FailureReason="AlgorithmError: see the logs")
    return [json.loads(json.dumps(e).replace("bert-finetune-7", job)) for e in (started, failed)]


def deliver(job: str, context: LambdaContext | None = None) -> None:
    for event in job_events(job):
        result = events_handler.handler(sqs_batch(json.dumps(event)), context or LambdaContext())
        assert result == {"batchItemFailures": []}


def failure_reply(slack_api: SlackStandin) -> Message:
    [parent] = slack_api.messages(CHANNEL)[:1]
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "AlgorithmError: see the logs" in reply.text
    return reply


def log_operations(aws_requests: AwsRequests) -> list[str]:
    return [op for op in aws_requests.operations() if op.startswith("logs:")]


def test_the_last_lines_appear_in_the_reply_by_an_edit_escaped(
    events_function: None,
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    aws_requests: AwsRequests,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a job that logged, on two instances, more lines than the setting asks for
    monkeypatch.setenv("CHATOPS_FAILURE_LOG_LINES", "5")
    job = unique("train")
    logs = aws_client_factory("logs")
    start = now_ms()
    steps = [(start + i, f"step {i}") for i in range(8)]
    write_logs(logs, GROUP, f"{job}/algo-1-1700000000", steps)
    write_logs(
        logs,
        GROUP,
        f"{job}/algo-2-1700000000",
        [(start + 20, "<!channel> CUDA out of memory ``` <http://evil|click>")],
    )
    aws_requests.mark()
    # WHEN it starts and fails
    deliver(job)
    # THEN its failure reply was posted without the lines, then edited to show the last five
    reply = failure_reply(slack_api)
    [posted] = reply.history
    assert "scroll" not in json.dumps(posted.blocks)
    assert reply.text == posted.text  # the notification's text is the alert's
    [heading] = [
        b["elements"][0]["text"] for b in reply.blocks if "Last" in json.dumps(b.get("elements"))
    ]
    assert heading == ":scroll: Last 5 log lines (CloudWatch Logs)"
    code = reply.blocks[-1]["text"]["text"]
    assert code.startswith("```") and code.endswith("```")
    shown = code.strip("`").splitlines()
    assert [line.split("] ", 1)[1] for line in shown[:-1]] == [f"step {n}" for n in range(4, 8)]
    # AND a line from the logs opens no mention, no link and no end of the code block
    assert shown[-1].endswith(
        "[algo-2-1700000000] &lt;!channel&gt; CUDA out of memory ˋˋˋ &lt;http://evil|click&gt;"
    )
    assert "<!channel>" not in json.dumps(reply.blocks)
    # AND the lines were read from the job's own streams in SageMaker's log group
    assert set(log_operations(aws_requests)) == {"logs:DescribeLogStreams", "logs:GetLogEvents"}


def test_off_by_default_no_logs_call_and_no_edit(
    events_function: None,
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    aws_requests: AwsRequests,
) -> None:
    job = unique("train")
    write_logs(aws_client_factory("logs"), GROUP, f"{job}/algo-1-1700000000", [(now_ms(), "x")])
    aws_requests.mark()
    deliver(job)
    assert failure_reply(slack_api).history == []
    assert log_operations(aws_requests) == []


def test_logs_that_cannot_be_read_leave_the_reply_as_it_is(
    events_function: None,
    slack_api: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CHATOPS_FAILURE_LOG_LINES", "20")
    job = unique("never-logged")  # no stream: the job failed before it logged anything
    with caplog.at_level(logging.WARNING, logger="bot.delivery.deliverer"):
        deliver(job)
    reply = failure_reply(slack_api)
    assert reply.history == [] and reply.reply_broadcast
    [line] = [r.getMessage() for r in caplog.records if "are not in its reply" in r.getMessage()]
    assert job in line  # and why: no group or stream (or, on a loaded machine, too slow)
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert [m.get("FailureLogsUnread") for m in emf if "FailureLogsUnread" in m] == [[1.0]]


def test_a_silent_logs_service_costs_the_budget_not_the_alert(
    events_function: None,
    slack_api: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    silent_endpoint: str,  # noqa: F811 - the fixture imported above
) -> None:
    monkeypatch.setenv("CHATOPS_FAILURE_LOG_LINES", "20")
    # botocore's variable for CloudWatch Logs alone (its service id, "CloudWatch Logs").
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", silent_endpoint)
    job = unique("train")
    started, failed = job_events(job)
    events_handler.handler(sqs_batch(json.dumps(started)), LambdaContext())
    clock = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.deliverer"):
        result = events_handler.handler(sqs_batch(json.dumps(failed)), LambdaContext())
    elapsed = time.monotonic() - clock
    assert result == {"batchItemFailures": []}
    reply = failure_reply(slack_api)
    assert reply.history == []  # posted at once, never edited
    assert f"{job} are not in its reply: not read within 2 s" in caplog.text
    # The budget and the delivery itself; unbounded, the client's timeouts and retry alone
    # would take twice as long.
    assert LOG_SECONDS <= elapsed < LOG_SECONDS + 1.5


def test_near_the_deadline_the_logs_get_only_what_the_delivery_does_not_need(
    events_function: None,
    slack_api: SlackStandin,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    silent_endpoint: str,  # noqa: F811 - the fixture imported above
) -> None:
    monkeypatch.setenv("CHATOPS_FAILURE_LOG_LINES", "20")
    # botocore's variable for CloudWatch Logs alone (its service id, "CloudWatch Logs").
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", silent_endpoint)
    started, failed = job_events(unique("train"))
    events_handler.handler(sqs_batch(json.dumps(started)), LambdaContext())
    # 3.8 s to the deadline (6.8 s left, less the handler's 3 s margin): enough to start the
    # record; the logs may wait until 3 s before the deadline, so well under their 2 s budget.
    clock = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.delivery.deliverer"):
        result = events_handler.handler(sqs_batch(json.dumps(failed)), ShortContext(millis=6_800))
    elapsed = time.monotonic() - clock
    assert result == {"batchItemFailures": []}
    assert failure_reply(slack_api).history == []
    [line] = [r.getMessage() for r in caplog.records if "are not in its reply" in r.getMessage()]
    waited = float(line.rsplit("not read within ", 1)[1].removesuffix(" s"))
    assert waited < 0.8  # what was left of the 0.8 s before the delivery's 3 s
    assert elapsed < 1.5
