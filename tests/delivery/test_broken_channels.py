"""A channel Slack keeps refusing is marked broken, skipped, and recovers when it works again."""

from __future__ import annotations

import logging

import pytest

from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.delivery.routing import BROKEN_AFTER_FAILURES, RETRY_BROKEN_SECONDS
from bot.store import Store, Subscription
from tests.delivery.conftest import CHANNEL, RENDERER, gateway
from tests.delivery.test_delivery_scenarios import endpoint_event
from tests.standins.slack_api import SlackStandin

GONE = "C0GONE"


def posts_to(slack_api: SlackStandin, channel: str) -> int:
    return sum(
        1 for call in slack_api.calls("chat.postMessage") if call.params.get("channel") == channel
    )


@pytest.mark.slack_api(channels=[CHANNEL])
def test_a_channel_refused_repeatedly_is_skipped_until_it_works_again(
    slack_api: SlackStandin, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a subscription in a channel the bot cannot post to
    store.add_subscription(Subscription(id="s1", channel=GONE))
    now = [1_800_000_000.0]
    deliverer = Deliverer(
        store,
        gateway(slack_api),
        RENDERER,
        DeliveryOptions(default_channel=CHANNEL),
        clock=lambda: now[0],
    )
    # WHEN N events arrive, Slack refuses each in that channel
    with caplog.at_level(logging.WARNING, logger="bot.delivery.deliverer"):
        for i in range(BROKEN_AFTER_FAILURES):
            report = deliverer.deliver_raw(endpoint_event("Failed", f"e{i}"))
            assert report.outcomes[GONE] is Outcome.REFUSED
    assert posts_to(slack_api, GONE) == BROKEN_AFTER_FAILURES
    failure = store.list_channel_failures()[GONE]
    assert failure.failures == BROKEN_AFTER_FAILURES and failure.reason == "channel_not_found"
    skipped = [r for r in caplog.records if "are skipped" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].levelno == logging.WARNING

    # THEN the next event makes no Slack call to it, also in a new instance; the default
    # channel still gets it
    for fresh in (deliverer, Deliverer(store, gateway(slack_api), RENDERER,
                                       DeliveryOptions(default_channel=CHANNEL),
                                       clock=lambda: now[0])):  # fmt: skip
        report = fresh.deliver_raw(endpoint_event("Failed", "after"))
        assert GONE not in report.outcomes and CHANNEL in report.outcomes
    assert posts_to(slack_api, GONE) == BROKEN_AFTER_FAILURES

    # WHEN the bot is invited back and the retry time has come, one event goes through
    slack_api.channel_names = {**(slack_api.channel_names or {}), GONE: "gone"}
    now[0] += RETRY_BROKEN_SECONDS + 1
    report = deliverer.deliver_raw(endpoint_event("InService", "back"))
    # THEN it is delivered and the channel is no longer marked
    assert report.outcomes[GONE] is Outcome.POSTED
    assert store.list_channel_failures() == {}


@pytest.mark.slack_api(channels=[])
def test_the_default_channel_is_never_skipped(slack_api: SlackStandin, store: Store) -> None:
    deliverer = Deliverer(
        store, gateway(slack_api), RENDERER, DeliveryOptions(default_channel=CHANNEL)
    )
    for i in range(BROKEN_AFTER_FAILURES + 1):
        report = deliverer.deliver_raw(endpoint_event("Failed", f"e{i}"))
        assert report.outcomes[CHANNEL] is Outcome.REFUSED
    assert store.list_channel_failures() == {}
