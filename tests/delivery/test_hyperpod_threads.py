"""A HyperPod cluster is one thread: its events and its nodes' health go there. An Error is an
alert broadcast once, Info only edits the parent's "last event" line (at most every
``REFRESH_SECONDS``), an unhealthy node is an alert and shows on the parent until it heals."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.delivery import throttle
from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.store import Store
from tests.conftest import load_sample
from tests.delivery.conftest import CHANNEL, RENDERER, gateway
from tests.standins.slack_api import Message, SlackStandin


class Clock:
    def __init__(self) -> None:
        self.now = 1_796_100_000.0

    def __call__(self) -> float:
        return self.now


def deliverer(store: Store, slack_api: SlackStandin, clock: Clock) -> Deliverer:
    return Deliverer(
        store, gateway(slack_api), RENDERER, DeliveryOptions(default_channel=CHANNEL), clock=clock
    )


def parents(slack_api: SlackStandin) -> list[Message]:
    return [m for m in slack_api.messages(CHANNEL) if not m.is_reply]


def text(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def info(number: int, description: str) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample("hyperpod_cluster_event_info"))
    raw["id"] = f"info-{number}"
    raw["time"] = f"2025-04-28T17:{number // 60:02d}:{number % 60:02d}Z"
    raw["detail"]["EventDetails"].update(EventId=f"info-event-{number}", Description=description)
    return raw


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_cluster_events_and_nodes_go_to_the_clusters_thread(
    store: Store, slack_api: SlackStandin
) -> None:
    clock = Clock()
    bot = deliverer(store, slack_api, clock)
    # GIVEN the cluster's thread
    bot.deliver_raw(load_sample("hyperpod_cluster_state_change_inservice"))
    [cluster] = parents(slack_api)
    # WHEN an Error event, a Warn event, an Info event and an unhealthy node arrive
    for name in (
        "hyperpod_cluster_event_error",
        "hyperpod_cluster_event_warn",
        "hyperpod_cluster_event_info",
        "hyperpod_cluster_node_health_event_unhealthy",
    ):
        clock.now += 1
        bot.deliver_raw(load_sample(name))
    # THEN all is in the cluster's one thread: the Error, the Warn and the node reply there
    [cluster] = parents(slack_api)
    replies = slack_api.thread(CHANNEL, cluster.ts)
    assert len(replies) == 3
    error, warn, node = replies
    assert "*Error*" in error.text
    assert "sufficient capacity to launch new ml.p5.48xlarge" in error.text
    assert "*Warning*" in warn.text and "Failed to delete unused Customer ENIs" in warn.text
    assert "*Unhealthy*" in node.text and "NvidiaErrorTerminate" in node.text
    # AND the alerts are broadcast to the channel; the Info event posted nothing
    assert error.reply_broadcast and node.reply_broadcast
    assert not any("lifecycle script" in r.text for r in replies)
    # AND the parent shows the unhealthy node and what its thread saw
    shown = text(cluster)
    assert "Unhealthy nodes" in shown and "i-12345678abcdefghi" in shown
    assert "Events: Error 1 · Warning 1 · Info 1" in shown


def test_an_error_is_broadcast_once(store: Store, slack_api: SlackStandin) -> None:
    bot = deliverer(store, slack_api, Clock())
    raw = load_sample("hyperpod_cluster_event_error")
    # GIVEN an Error before any state change of its cluster: the cluster's thread starts
    assert bot.deliver_raw(raw).outcomes[CHANNEL] is Outcome.REPLIED
    # WHEN it is delivered again
    assert bot.deliver_raw(raw).outcomes[CHANNEL] is Outcome.DUPLICATE
    # THEN one broadcast reply, in the cluster's thread
    [cluster] = parents(slack_api)
    assert "HyperPod cluster sample-cluster" in cluster.blocks[0]["text"]["text"]
    # whose status nobody reported yet: it says so, it claims no "State change"
    assert "Status not reported yet" in cluster.blocks[0]["text"]["text"]
    assert "State change" not in text(cluster)
    broadcasts = [c for c in slack_api.calls("chat.postMessage") if c.params.get("reply_broadcast")]
    assert len(broadcasts) == 1
    assert len(slack_api.thread(CHANNEL, cluster.ts)) == 1


def test_info_events_only_edit_the_last_event_line_now_and_then(
    store: Store, slack_api: SlackStandin
) -> None:
    clock = Clock()
    bot = deliverer(store, slack_api, clock)
    bot.deliver_raw(load_sample("hyperpod_cluster_state_change_inservice"))
    updates = len(slack_api.calls("chat.update"))
    # WHEN a busy cluster sends 100 Info events in 100 seconds
    for number in range(100):
        clock.now += 1
        outcome = bot.deliver_raw(info(number, f"step {number} done")).outcomes[CHANNEL]
        assert outcome is Outcome.UPDATED
    # THEN no reply, and the parent is edited at most once per REFRESH_SECONDS
    [cluster] = parents(slack_api)
    assert not slack_api.thread(CHANNEL, cluster.ts)
    edits = len(slack_api.calls("chat.update")) - updates
    assert 1 <= edits <= 100 / throttle.REFRESH_SECONDS + 1
    assert "Last event" in text(cluster)
    # AND the cluster's next state change shows the newest one
    clock.now += 1
    state = copy.deepcopy(load_sample("hyperpod_cluster_state_change_inservice"))
    state["id"], state["time"] = "later", "2026-12-01T18:00:00Z"
    state["detail"]["ClusterStatus"] = "Updating"
    bot.deliver_raw(state)
    [cluster] = parents(slack_api)
    assert "step 99 done" in text(cluster) and "Info 100" in text(cluster)


def test_a_healed_node_leaves_the_parent_and_is_not_broadcast(
    store: Store, slack_api: SlackStandin
) -> None:
    clock = Clock()
    bot = deliverer(store, slack_api, clock)
    bot.deliver_raw(load_sample("hyperpod_cluster_state_change_inservice"))
    bot.deliver_raw(load_sample("hyperpod_cluster_node_health_event_unhealthy"))
    bot.deliver_raw(load_sample("hyperpod_cluster_node_health_event_healthy"))
    [cluster] = parents(slack_api)
    unhealthy, healthy = slack_api.thread(CHANNEL, cluster.ts)
    assert unhealthy.reply_broadcast and not healthy.reply_broadcast
    assert "Unhealthy → *Healthy*" in healthy.text
    assert "Unhealthy nodes" not in text(cluster)
    assert "Node health: Healthy 1" in text(cluster)
