"""Reminders, as they run in Lambda: SageMaker's events reach the events function in SQS
batches, and serverless.yml's schedule invokes the same function with EventBridge's
"Scheduled Event". A package still waiting after ``CHATOPS_APPROVAL_REMINDER_HOURS`` gets one
reminder in its card's thread, mentioning the approvers; one decided since gets none."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import handlers.events as events_handler
from bot import approvals as ap
from bot.delivery import state as st
from bot.errors import SlackDeliveryError
from bot.gateway import WebApiGateway, make_web_client
from bot.render.context import Decision
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.store import ApprovalRecord
from bot.store.sqlite import SqliteStore
from tests.delivery.test_package_approvals import ARN, package
from tests.handlers.test_events_handler import LambdaContext, sqs_batch
from tests.standins.slack_api import Message, SlackStandin

CHANNEL = "C0REMIND"
HOURS = 24.0
MENTIONS = "<@U0ADA>, <!subteam^S0OPS>"

Configure = Callable[..., Runtime]


@pytest.fixture
def configure(slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """The events function's parts over the stand-in and a SQLite store, with these settings."""
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    stores: list[SqliteStore] = []

    def make(**settings: Any) -> Runtime:
        client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
        store = SqliteStore(":memory:")
        stores.append(store)
        options: dict[str, Any] = {
            "default_channel": CHANNEL,
            "approvers": ["U0ADA", "S0OPS"],
            "approval_reminder_hours": HOURS,
        }
        runtime = build_runtime(
            Settings(**{**options, **settings}),
            store=store,
            slack=WebApiGateway(client),
            metrics=events_handler._PowertoolsMetrics(),
        )
        monkeypatch.setattr(events_handler, "_runtime", runtime)
        return runtime

    yield make
    for store in stores:
        store.close()


def hours_ago(hours: float) -> str:
    return datetime.fromtimestamp(time.time() - hours * 3600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def waiting(hours: float, **options: Any) -> dict[str, Any]:
    """The package's event: waiting for approval since ``hours`` ago."""
    event = package(**options)
    event["time"] = hours_ago(hours)
    return event


def decided(approval: str, hours: float, **options: Any) -> dict[str, Any]:
    event = package(approval, 30, **options)
    event["time"] = hours_ago(hours)
    return event


def deliver(*events: dict[str, Any]) -> None:
    result = events_handler.handler(sqs_batch(*map(json.dumps, events)), LambdaContext())
    assert result == {"batchItemFailures": []}


SCHEDULED = {
    "version": "0",
    "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-26T10:15:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/sagemaker-chatops-dev-events-1"],
    "detail": {},
}


def run_schedule() -> dict[str, Any]:
    result: dict[str, Any] = events_handler.handler(dict(SCHEDULED), LambdaContext())
    return result


def card(slack_api: SlackStandin) -> Message:
    [parent] = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    return parent


def reminders(slack_api: SlackStandin, thread_ts: str) -> list[Message]:
    return [m for m in slack_api.thread(CHANNEL, thread_ts) if "waiting for approval for" in m.text]


def test_a_package_still_waiting_gets_one_reminder_in_its_thread(
    configure: Configure, slack_api: SlackStandin, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a package waiting since 25 hours ago
    configure()
    deliver(waiting(25))
    parent = card(slack_api)

    # WHEN the schedule runs
    assert run_schedule() == {"remindersSent": 1}

    # THEN its thread has one reminder, mentioning the approvers (users and groups)
    [reminder] = reminders(slack_api, parent.ts)
    assert reminder.text == (
        f":alarm_clock: `churn/3` has been waiting for approval for 24 h: {MENTIONS}."
    )
    assert not reminder.reply_broadcast
    # AND the next runs send no other
    assert run_schedule() == {"remindersSent": 0}
    deliver(waiting(25) | {"id": "evt-redelivered-later"})
    assert run_schedule() == {"remindersSent": 0}
    assert len(reminders(slack_api, parent.ts)) == 1
    # AND each run counts what it sent
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert [m["RemindersSent"] for m in emf if "RemindersSent" in m] == [[1.0], [0.0], [0.0]]


def test_a_package_waiting_less_long_gets_none_yet(
    configure: Configure, slack_api: SlackStandin
) -> None:
    configure()
    deliver(waiting(23))
    assert run_schedule() == {"remindersSent": 0}
    assert reminders(slack_api, card(slack_api).ts) == []


def test_a_package_decided_since_gets_none(configure: Configure, slack_api: SlackStandin) -> None:
    configure()
    deliver(waiting(25), decided("Approved", 2, ApprovalDescription="shipped in Studio"))
    assert run_schedule() == {"remindersSent": 0}
    assert reminders(slack_api, card(slack_api).ts) == []


def test_a_package_decided_in_slack_before_its_event_came_gets_none(
    configure: Configure, slack_api: SlackStandin
) -> None:
    runtime = configure()
    deliver(waiting(25))
    # the service shows a decision on the card as soon as it is taken (its event comes later)
    decision = Decision("Rejected", ("U0ADA",), datetime.now(UTC), "drift")
    runtime.store.update_thread_state(CHANNEL, ARN, {st.DECISION_KEY: ap.decision_state(decision)})
    assert run_schedule() == {"remindersSent": 0}
    assert reminders(slack_api, card(slack_api).ts) == []


def test_a_runs_package_is_reminded_in_the_runs_thread(
    configure: Configure, slack_api: SlackStandin
) -> None:
    configure()
    deliver(waiting(25, run=True))
    run = card(slack_api)
    [package_card] = slack_api.thread(CHANNEL, run.ts)
    assert run.text.startswith(":hourglass_flowing_sand: Pipeline execution")

    assert run_schedule() == {"remindersSent": 1}

    # the reminder is in the run's thread, after the card (a card is a reply: no thread of its own)
    [reminder] = reminders(slack_api, run.ts)
    assert reminder.thread_ts == run.ts and reminder.ts > package_card.ts


def test_the_reminder_says_how_many_approvals_it_has(
    configure: Configure, slack_api: SlackStandin
) -> None:
    runtime = configure(approvals_required=2)
    deliver(waiting(25))
    vote = ap.Vote("U0BOB", time.time() - 3600, "bob")
    state = ap.tally({}, ap.PENDING, ap.APPROVED, vote, 2).state
    assert runtime.store.put_approval(ApprovalRecord(ARN, 0, state))

    assert run_schedule() == {"remindersSent": 1}

    [reminder] = reminders(slack_api, card(slack_api).ts)
    assert "(1 of 2 approvals so far: <@U0BOB>)" in reminder.text
    assert reminder.text.endswith(f": {MENTIONS}.")


def test_with_mentions_turned_off_the_reminder_mentions_nobody(
    configure: Configure, slack_api: SlackStandin
) -> None:
    configure(mention_approvers=False)
    deliver(waiting(25))
    assert run_schedule() == {"remindersSent": 1}
    [reminder] = reminders(slack_api, card(slack_api).ts)
    assert reminder.text == ":alarm_clock: `churn/3` has been waiting for approval for 24 h."


def test_with_reminders_off_none_is_ever_due(configure: Configure, slack_api: SlackStandin) -> None:
    runtime = configure(approval_reminder_hours=0)
    deliver(waiting(25))
    assert run_schedule() == {"remindersSent": 0}
    assert runtime.store.due_reminders(time.time() + 365 * 86400) == []


def test_a_reminder_slack_fails_to_take_is_sent_at_the_next_run_once(
    configure: Configure, slack_api: SlackStandin
) -> None:
    configure()
    deliver(waiting(25))
    parent = card(slack_api)
    # WHEN Slack fails every try of the reminder's post (5xx after the gateway's retries)
    slack_api.fail_next(10, status=503, method="chat.postMessage")
    with pytest.raises(SlackDeliveryError):
        run_schedule()
    slack_api.clear_faults()
    assert reminders(slack_api, parent.ts) == []
    # THEN the next run sends it, and only once
    assert run_schedule() == {"remindersSent": 1}
    assert run_schedule() == {"remindersSent": 0}
    assert len(reminders(slack_api, parent.ts)) == 1


def test_a_scheduled_run_is_not_taken_for_a_sagemaker_event(
    configure: Configure, slack_api: SlackStandin, capsys: pytest.CaptureFixture[str]
) -> None:
    configure()
    assert run_schedule() == {"remindersSent": 0}
    assert slack_api.calls("chat.postMessage") == []
    emf = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert not [m for m in emf if "EventsReceived" in m]


def test_log_lines_of_a_run_say_what_it_sent(
    configure: Configure, slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(events_handler.logger.registered_handler, "stream", stream)
    configure()
    deliver(waiting(25))
    run_schedule()
    lines = [json.loads(x) for x in stream.getvalue().splitlines() if x.startswith("{")]
    [sent] = [line for line in lines if line["message"] == "reminders sent"]
    assert sent["reminders"] == 1
