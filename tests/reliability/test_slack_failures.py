"""Slack misbehaving the way production does: a channel the bot cannot post to, a deleted
parent, a message Slack refuses, a store error in one channel. Nothing is lost that can be
delivered, and nothing is retried that cannot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.errors import SlackDeliveryError
from bot.render.renderer import Renderer
from bot.store import Store, Subscription
from tests.delivery.conftest import CHANNEL, DelivererFactory, gateway
from tests.delivery.test_delivery_scenarios import JOB_LIFE, endpoint_event
from tests.standins.slack_api import SlackStandin

OTHER = "C0OTHER"


class Counts:
    def __init__(self) -> None:
        self.names: list[str] = []

    def count(self, name: str, value: float = 1) -> None:
        self.names.append(name)


def parents(slack_api: SlackStandin, channel: str = CHANNEL) -> list[Any]:
    return [m for m in slack_api.messages(channel) if not m.is_reply]


@pytest.mark.slack_api(channels=[CHANNEL, OTHER])
def test_a_channel_slack_refuses_for_good_is_not_retried_and_holds_up_no_other(
    slack_api: SlackStandin, store: Store
) -> None:
    # GIVEN a subscription in a channel that does not exist for the bot (a DM, archived)
    store.add_subscription(Subscription(id="s1", channel="C0GONE", kinds=[]))
    store.add_subscription(Subscription(id="s2", channel=OTHER, kinds=[]))
    metrics = Counts()
    deliverer = Deliverer(
        store, gateway(slack_api), Renderer(), DeliveryOptions(default_channel=CHANNEL),
        metrics=metrics,
    )  # fmt: skip
    # WHEN an event arrives: it does not raise (SQS would retry it into the DLQ)
    report = deliverer.deliver_raw(JOB_LIFE[-1])
    # THEN the other channels have it, the refused one is said and counted, and no retry
    assert report.outcomes == {
        CHANNEL: Outcome.POSTED,
        "C0GONE": Outcome.REFUSED,
        OTHER: Outcome.POSTED,
    }
    assert len(parents(slack_api)) == 1 and len(parents(slack_api, OTHER)) == 1
    assert "SlackPermanentErrors" in metrics.names
    assert "EventsFailed" not in metrics.names


def test_a_deleted_parent_is_posted_again_and_the_alert_is_not_lost(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(endpoint_event("Creating", "gone-creating"))
    [parent] = parents(slack_api)
    # GIVEN a person (or a retention policy) deletes the parent
    slack_api.client().chat_delete(channel=CHANNEL, ts=parent.ts)
    # WHEN the endpoint fails
    failed = endpoint_event("Failed", "gone-failed", FailureReason="ping health check failed")
    failed["time"] = "2026-11-25T10:05:00Z"
    failed["detail"]["LastModifiedTime"] = 1764065100000
    outcome = deliverer.deliver_raw(failed).outcomes[CHANNEL]
    # THEN a new parent shows the failure, the alert is in its thread, broadcast
    assert outcome is Outcome.REPLIED
    [new_parent] = parents(slack_api)
    assert new_parent.ts != parent.ts
    assert new_parent.text.startswith(":x:") and "ping health" in json.dumps(new_parent.blocks)
    [alert] = slack_api.thread(CHANNEL, new_parent.ts)
    assert alert.reply_broadcast and "ping health" in alert.text
    # AND later events go on under the new parent
    later = endpoint_event("InService", "gone-back")
    later["time"] = "2026-11-25T10:30:00Z"
    later["detail"]["LastModifiedTime"] = 1764066600000
    deliverer.deliver_raw(later)
    assert [p.ts for p in parents(slack_api)] == [new_parent.ts]


def test_a_message_slack_refuses_from_a_broken_template_is_sent_plain(
    slack_api: SlackStandin, store: Store, tmp_path: Path
) -> None:
    # GIVEN a user template that renders valid JSON Slack rejects (a block of an unknown type)
    (tmp_path / "training_job.json.j2").write_text(
        '{"text": "x", "blocks": [{"type": "no_such_block", "text": "{{ display_name }}"}]}'
    )
    metrics = Counts()
    deliverer = Deliverer(
        store, gateway(slack_api), Renderer(tmp_path), DeliveryOptions(default_channel=CHANNEL),
        metrics=metrics,
    )  # fmt: skip
    # WHEN the job's events arrive
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in JOB_LIFE]
    # THEN nothing is lost: the parent is the plain message, kept current
    assert outcomes[0] is Outcome.POSTED
    [parent] = parents(slack_api)
    assert "bert-finetune-7" in parent.text and "Failed" in parent.text
    assert "MessagesSentPlain" in metrics.names


def test_a_store_error_in_one_channel_holds_up_no_other(
    slack_api: SlackStandin, store: Store
) -> None:
    store.add_subscription(Subscription(id="s2", channel=OTHER, kinds=[]))

    class Throttled(Exception):
        pass

    class FlakyStore:
        """The store, but writes for the default channel's threads fail (throttled)."""

        def __init__(self, inner: Store) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> Any:
            attr = getattr(self.inner, name)
            if name != "claim_thread":
                return attr

            def claim(record: Any, **kwargs: Any) -> Any:
                if record.channel == CHANNEL:
                    raise Throttled("ProvisionedThroughputExceededException")
                return attr(record, **kwargs)

            return claim

    metrics = Counts()
    deliverer = Deliverer(
        FlakyStore(store), gateway(slack_api), Renderer(),  # type: ignore[arg-type]
        DeliveryOptions(default_channel=CHANNEL), metrics=metrics,
    )  # fmt: skip
    # WHEN an event arrives: the default channel's store write fails
    with pytest.raises(Throttled):
        deliverer.deliver_raw(JOB_LIFE[0])
    # THEN the other channel got it anyway, and the failure is counted (the event is retried)
    assert len(parents(slack_api, OTHER)) == 1
    assert "EventsFailed" in metrics.names


def test_a_temporary_error_is_still_retried(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    slack_api.fail_next(10, status=500)
    with pytest.raises(SlackDeliveryError) as raised:
        deliverer.deliver_raw(JOB_LIFE[0])
    assert not raised.value.permanent


def test_a_store_write_that_fails_once_after_the_parent_was_posted_posts_no_second_parent(
    slack_api: SlackStandin, store: Store
) -> None:
    class OnceFailing:
        """The store, but recording a parent's ts fails the first time (throttled)."""

        def __init__(self, inner: Store) -> None:
            self.inner = inner
            self.failed = False

        def __getattr__(self, name: str) -> Any:
            attr = getattr(self.inner, name)
            if name != "set_thread_ts":
                return attr

            def set_ts(*args: Any) -> Any:
                if not self.failed:
                    self.failed = True
                    raise RuntimeError("ProvisionedThroughputExceededException")
                return attr(*args)

            return set_ts

    flaky = OnceFailing(store)
    deliverer = Deliverer(
        flaky,  # type: ignore[arg-type]
        gateway(slack_api),
        Renderer(),
        DeliveryOptions(default_channel=CHANNEL),
        sleep=lambda _: None,
    )
    for raw in JOB_LIFE:
        deliverer.deliver_raw(raw)
    assert flaky.failed
    [parent] = parents(slack_api)
    assert parent.text.startswith(":x:")
