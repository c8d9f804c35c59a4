"""Warnings through delivery: broadcast like failures, the parent shows them, expiry follows."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.delivery.state import is_finished
from bot.events.parse import parse_event
from bot.events.status import StatusClass
from bot.store import Store, Subscription
from tests.conftest import load_sample
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin


def parents(slack_api: SlackStandin, channel: str = CHANNEL) -> list[Message]:
    return [m for m in slack_api.messages(channel) if not m.is_reply]


def sample(name: str, time: str | None = None, **detail: Any) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample(name))
    raw["detail"].update(detail)
    if time:
        raw["time"] = time
    return raw


def actions(message: Message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


# Each warning, after an earlier state of the same resource that created its parent.
WARNINGS = {
    "timeout": (
        sample(
            "training_job_state_change_max_runtime",
            "2024-03-04T10:30:00Z",
            TrainingJobStatus="InProgress",
            SecondaryStatus="Training",
        ),
        sample("training_job_state_change_max_runtime"),
        ":stopwatch:",
    ),
    "violations": (
        sample(
            "processing_job_state_change_violations",
            "2024-03-04T13:10:00Z",
            ProcessingJobStatus="InProgress",
            ExitMessage=None,
        ),
        sample("processing_job_state_change_violations"),
        ":warning:",
    ),
    "endpoint rolling back": (
        sample("endpoint_state_change"),  # InService
        sample("endpoint_state_change", "2024-03-04T10:00:00Z", EndpointStatus="ROLLING_BACK"),
        ":warning:",
    ),
    "endpoint rollback failed": (
        sample("endpoint_state_change"),
        sample(
            "endpoint_state_change",
            "2024-03-04T10:00:00Z",
            EndpointStatus="UPDATE_ROLLBACK_FAILED",
        ),
        ":warning:",
    ),
}


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_a_warning_is_broadcast_and_shown_by_the_parent(
    case: str, make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    before, warning, emoji = WARNINGS[case]
    deliverer = make_deliverer()
    deliverer.deliver_raw(before)
    deliverer.deliver_raw(warning)
    [parent] = parents(slack_api)
    assert parent.blocks[0]["text"]["text"].startswith(emoji)
    assert ":white_check_mark:" not in parent.text
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert reply.reply_broadcast
    assert reply.text.startswith(emoji)


def test_the_timeout_parent_has_the_inspect_button(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    before, warning, _ = WARNINGS["timeout"]
    deliverer = make_deliverer()
    deliverer.deliver_raw(before)
    deliverer.deliver_raw(warning)
    [parent] = parents(slack_api)
    assert actions(parent) == ["resource.inspect"]
    assert "Ran out of time after 1h 00m 00s" in json.dumps(parent.blocks)


def test_a_deployment_rolling_back_is_broadcast_in_its_endpoints_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(sample("endpoint_deployment_state_change_rollback"))
    [parent] = parents(slack_api)  # the endpoint
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert reply.reply_broadcast
    assert reply.text.startswith(":warning:")


def test_a_stop_by_a_person_is_not_broadcast(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    before, _, _ = WARNINGS["timeout"]
    deliverer = make_deliverer()
    deliverer.deliver_raw(before)
    deliverer.deliver_raw(
        sample("training_job_state_change_max_runtime", SecondaryStatus="Stopped")
    )
    [parent] = parents(slack_api)
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert not reply.reply_broadcast
    assert actions(parent) == []


def test_failed_subscriptions_get_warnings(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    store.add_subscription(Subscription(id="s1", channel="C-ALERTS", statuses=["failed"]))
    deliverer = make_deliverer(default_channel=None)
    deliverer.deliver_raw(sample("training_job_state_change"))  # Completed: not an alert
    deliverer.deliver_raw(sample("training_job_state_change_max_runtime"))
    [alert] = parents(slack_api, "C-ALERTS")
    assert "xgb-churn-long" in alert.text


@pytest.mark.parametrize(
    ("raw", "finished"),
    [
        (sample("training_job_state_change_max_runtime"), True),
        (sample("processing_job_state_change_violations"), True),
        (sample("endpoint_deployment_state_change_rollback"), False),
        (sample("endpoint_state_change", EndpointStatus="RollingBack"), False),
        (sample("endpoint_state_change", EndpointStatus="UpdateRollbackFailed"), False),
    ],
)
def test_a_timed_out_job_is_finished_a_rollback_is_not(raw: dict[str, Any], finished: bool) -> None:
    event = parse_event(raw)
    assert event.status_class is StatusClass.WARNING
    assert is_finished(event) is finished
