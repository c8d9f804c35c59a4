"""One thread per pipeline run, as the demo shows it: the nightly run, a failed run, and every
arrival order of a small run."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from bot.demo import NIGHTLY, _Ids, failed_pipeline_events, hyperpod_events, pipeline_events
from bot.events.identity import ResourceKind
from bot.events.parse import parse_event
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin


def parents(slack_api: SlackStandin) -> list[Message]:
    return [m for m in slack_api.messages(CHANNEL) if not m.is_reply]


def header(message: Message) -> str:
    return str(message.blocks[0]["text"]["text"])


def buttons(message: Message) -> list[str]:
    return [
        element["text"]["text"]
        for block in message.blocks
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("type") == "button"
    ]


def test_the_nightly_run_is_one_thread_with_one_broadcast_the_approval_card(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # GIVEN the nightly run: 3 steps, the 2 jobs they launch, the package it registers
    events = pipeline_events(_Ids())
    kinds = {parse_event(e).kind for e in events}
    assert {ResourceKind.PROCESSING, ResourceKind.TRAINING, ResourceKind.MODEL_PACKAGE} <= kinds
    deliverer = make_deliverer()
    for event in events:
        deliverer.deliver_raw(event)

    # THEN one top-level message, at most 10 replies, at most 1 broadcast: the package's card
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: Succeeded · Pipeline execution")
    replies = slack_api.thread(CHANNEL, parent.ts)
    assert len(replies) <= 10
    broadcasts = [r for r in replies if r.reply_broadcast]
    assert len(broadcasts) <= 1
    [card] = [r for r in replies if "churn-models/7" in json.dumps(r.blocks)]
    assert card.reply_broadcast
    assert buttons(card) == ["Approve", "Reject"]
    # the jobs are on their steps' lines, not replies of their own
    assert not any(f"pipelines-{NIGHTLY}" in r.text for r in replies)


def test_the_clusters_scale_out_is_one_thread_and_its_capacity_error_one_alert(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # GIVEN the demo's HyperPod cluster: it scales out, one instance cannot be had
    deliverer = make_deliverer()
    for event in hyperpod_events(_Ids()):
        deliverer.deliver_raw(event)

    # THEN one thread, its parent the cluster in service
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: InService · HyperPod cluster llm-pretrain")
    replies = slack_api.thread(CHANNEL, parent.ts)
    # the Info event posts nothing; the Error is the one broadcast, with its message and hint
    assert not any("Scaling InstanceGroup" in r.text for r in replies)
    [alert] = [r for r in replies if r.reply_broadcast]
    assert alert.text.startswith(":x: HyperPod cluster *llm-pretrain")
    assert "sufficient capacity to launch new ml.p5.48xlarge" in alert.text
    assert ":bulb:" in json.dumps(alert.blocks)


def test_the_failed_run_broadcasts_once_with_the_jobs_reason(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    events = failed_pipeline_events(_Ids())
    deliverer = make_deliverer()
    for event in events:
        deliverer.deliver_raw(event)

    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed · Pipeline execution")
    replies = slack_api.thread(CHANNEL, parent.ts)
    [broadcast] = [r for r in replies if r.reply_broadcast]
    # the first failure to arrive, the training job's, with its reason
    assert "Training job" in broadcast.text
    assert "AlgorithmError" in broadcast.text and "tenure_12-24" in broadcast.text
    # the step's and the run's failures stay in the thread
    assert any("Pipeline step *Train*" in r.text and "*Failed*" in r.text for r in replies)
    assert any("Pipeline execution" in r.text and "*Failed*" in r.text for r in replies)


def small_run() -> list[dict[str, Any]]:
    """The nightly run cut down to: the execution's start, the Train step's start (its metadata
    names the job), the training job's start and end, the step's end, the execution's end."""
    events = pipeline_events(_Ids())
    wanted = [
        (ResourceKind.PIPELINE, "Executing"),
        (ResourceKind.STEP, "Executing"),
        (ResourceKind.TRAINING, "InProgress"),
        (ResourceKind.TRAINING, "Completed"),
        (ResourceKind.STEP, "Succeeded"),
        (ResourceKind.PIPELINE, "Succeeded"),
    ]
    picked = []
    for kind, status in wanted:
        picked.append(
            next(
                e
                for e in events
                if (event := parse_event(e)).kind is kind
                and str(event.status) == status
                and (kind is not ResourceKind.STEP or event.resource.display_name == "Train")
            )
        )
    return picked


SMALL_RUN = small_run()


def stale(order: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(resource kind, status) of the events that arrive after a newer state of their own
    resource: none of them is news (none is a failure here)."""
    found = []
    for i, raw in enumerate(order):
        event = parse_event(raw)
        for before in order[:i]:
            earlier = parse_event(before)
            same = earlier.resource.key == event.resource.key
            if same and earlier.order_key > event.order_key:
                found.append((event.kind.value, str(event.status)))
                break
    return found


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(SMALL_RUN)))))
def test_every_order_of_a_small_run_ends_in_one_parent_with_the_final_state(
    order: tuple[int, ...], make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    events = [SMALL_RUN[i] for i in order]
    deliverer = make_deliverer()
    for event in events:
        deliverer.deliver_raw(event)

    # THEN one parent, showing the run's and the step's final state
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: Succeeded · Pipeline execution"), order
    assert "1 of 1 succeeded)" in json.dumps(parent.blocks), order
    replies = [r.text for r in slack_api.thread(CHANNEL, parent.ts)]
    # AND the job has no reply (it is on its step's line), nothing is broadcast
    assert not any("Training job" in r for r in replies), order
    assert not any(r.reply_broadcast for r in slack_api.thread(CHANNEL, parent.ts))
    # AND no reply for an older state that is not a failure
    for kind, status in stale(events):
        label = {"step": "Pipeline step", "pipeline": "Pipeline execution"}.get(kind)
        if label is None:
            continue
        assert not any(r.startswith(f"{label_emoji(status)} {label}") for r in replies), (
            order,
            kind,
            status,
            replies,
        )
    # AND the step's success is a reply (the run's is the parent, or a reply when the parent
    # showed an earlier state)
    assert any("Pipeline step *Train*" in r and "*Succeeded*" in r for r in replies), replies


def label_emoji(status: str) -> str:
    """The emoji a reply for ``status`` starts with: a start or a success."""
    return ":white_check_mark:" if status == "Succeeded" else ":hourglass_flowing_sand:"
