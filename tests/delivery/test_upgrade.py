"""Upgrades lose nothing: threads and approval cards stored by the previous layout (a run's
thread keyed by its execution ARN, no schema version) keep working after a deploy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.delivery import state as st
from bot.events.parse import parse_event
from bot.store import Store, ThreadRecord
from tests.delivery.conftest import CHANNEL, DelivererFactory, gateway
from tests.delivery.test_run_threads import (
    ACCOUNT,
    EXECUTION,
    JOB_NAME,
    REGION,
    envelope,
    execution,
    job,
    step,
)
from tests.standins.slack_api import SlackStandin

PACKAGE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/churn-models/7"


def package(status: str, minute: int) -> dict[str, Any]:
    return envelope(
        "SageMaker Model Package State Change",
        f"package-{status}",
        minute,
        {
            "ModelPackageGroupName": "churn-models",
            "ModelPackageVersion": 7,
            "ModelPackageArn": PACKAGE,
            "ModelPackageStatus": "Completed",
            "ModelApprovalStatus": status,
            "MetadataProperties": {"GeneratedBy": EXECUTION},
            "LastModifiedTime": 1764061200000 + minute * 60000,
        },
    )


def write_previous_layout(
    store: Store, key: str, raw: dict[str, Any], ts: str, **state: Any
) -> None:
    """A thread as the previous version stored it: keyed by the resource's ARN, its state the
    raw event and its children, no schema version."""
    event = parse_event(raw)
    record = ThreadRecord(channel=CHANNEL, resource_key=key, kind=event.kind.value, claimed_at=1.0)
    assert store.claim_thread(record, lease_seconds=60, now=1.0)
    store.set_thread_ts(CHANNEL, key, ts)
    assert store.advance_thread(
        CHANNEL,
        key,
        order_key=event.order_key,
        status=event.status,
        state={st.EVENT_KEY: raw, **state},
    )


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_a_run_and_an_approval_card_of_the_previous_layout_go_on(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    # GIVEN a run's thread and a package's card posted and stored by the previous version
    slack = gateway(slack_api)
    run_ts = slack.post_message(CHANNEL, {"text": "run (previous version)", "blocks": []})
    old_step = {
        "name": "Preprocess",
        "status": "Succeeded",
        "status_class": "succeeded",
        "order": [1.0, 0.0, 3],
        "type": "Processing",
        "failure_reason": None,
        "cache_hit": False,
        "started": 1764061260.0,
    }
    write_previous_layout(
        store, EXECUTION, execution("Executing", 0), run_ts, **{"step:Preprocess": old_step}
    )
    card_ts = slack.post_message(CHANNEL, {"text": "package (previous version)", "blocks": []})
    write_previous_layout(store, PACKAGE, package("PendingManualApproval", 3), card_ts)
    assert st.schema_of(store.get_thread(CHANNEL, EXECUTION).state) == 1  # type: ignore[union-attr]

    # WHEN the new version delivers the run's next events: a step, its job, the package
    deliverer = make_deliverer()
    for raw in (step("Executing", 4), job("InProgress", "Training", 5), package("Approved", 6)):
        deliverer.deliver_raw(raw)

    # THEN no new top-level message: the run's parent is the one posted before, now showing
    # the old step and the new one with its job; the package's card shows the decision
    parents = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    assert [p.ts for p in parents] == [run_ts, card_ts]
    run = slack_api.message(CHANNEL, run_ts)
    text = json.dumps(run.blocks)
    assert "Preprocess" in text and "Train" in text and JOB_NAME in text
    card = slack_api.message(CHANNEL, card_ts)
    assert card.edited and "Approved" in card.text
    kept = store.get_thread(CHANNEL, st.run_link(parse_event(job("InProgress", "x", 1))).run.key)  # type: ignore[union-attr]
    assert kept is not None and kept.ts == run_ts
    assert st.schema_of(kept.state) == st.SCHEMA


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_children_kept_inline_by_the_previous_layout_are_counted_once(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    # GIVEN a run whose steps the previous version kept inline in the thread's state: one
    # succeeded, the other (Train) executing
    slack = gateway(slack_api)
    run_ts = slack.post_message(CHANNEL, {"text": "run (previous version)", "blocks": []})
    inline = {
        "step:Preprocess": {
            "name": "Preprocess",
            "status": "Succeeded",
            "status_class": "succeeded",
            "order": [1.0, 0.0, 3],
            "started": 1764061200.0,
        },
        "step:Train": {
            "name": "Train",
            "status": "Executing",
            "status_class": "in_progress",
            "order": [2.0, 0.0, 1],
            "started": 1764061260.0,
        },
    }
    write_previous_layout(store, EXECUTION, execution("Executing", 0), run_ts, **inline)

    # WHEN the new version delivers Train's success
    deliverer = make_deliverer()
    deliverer.deliver_raw(step("Succeeded", 9))

    # THEN Train moved from running to succeeded: two steps, both succeeded, none running
    run = slack_api.message(CHANNEL, run_ts)
    text = json.dumps(run.blocks)
    assert "2 of 2 succeeded so far" in text, text
    assert "running" not in text
