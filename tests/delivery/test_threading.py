"""Children thread under their parents; parents show checklists and roll-ups; routing."""

from __future__ import annotations

import json
from typing import Any

from bot.delivery.deliverer import Outcome
from bot.demo import (
    _Ids,
    endpoint_events,
    failed_pipeline_events,
    pipeline_events,
    tuning_events,
)
from bot.events.identity import ResourceKind
from bot.events.parse import parse_event
from bot.store import Store, Subscription
from tests.conftest import load_sample
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin


def parents(slack_api: SlackStandin, channel: str = CHANNEL) -> list[Message]:
    return [m for m in slack_api.messages(channel) if not m.is_reply]


def blocks_text(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def test_step_before_its_execution_creates_the_execution_parent(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    # GIVEN a step event arrives before any event of its pipeline execution
    step = load_sample("pipeline_step_status_change")
    assert deliverer.deliver_raw(step).outcomes[CHANNEL] is Outcome.REPLIED

    # THEN a parent for the execution exists, with the step in its checklist and in its thread
    [parent] = parents(slack_api)
    assert "Pipeline execution" in parent.blocks[0]["text"]["text"]
    assert "myprocessingstep1" in blocks_text(parent)
    assert "Started from its pipeline step event" in blocks_text(parent)
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "myprocessingstep1" in reply.text
    assert len(slack_api.calls("chat.postMessage")) == 2  # parent + reply, no extra update

    # WHEN the execution's own event arrives
    deliverer.deliver_raw(load_sample("pipeline_execution_status_change"))
    # THEN it updates the same parent, which keeps the checklist, and replies in its thread
    [parent] = parents(slack_api)
    assert parent.edited
    assert "Succeeded · Pipeline execution SomeDisplayName" in parent.blocks[0]["text"]["text"]
    assert "myprocessingstep1" in blocks_text(parent)
    assert "Started from its" not in blocks_text(parent)
    assert len(slack_api.thread(CHANNEL, parent.ts)) == 2


def test_pipeline_parent_shows_a_live_checklist(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    events = pipeline_events(_Ids())
    for event in events:
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    text = blocks_text(parent)
    for step in ("Preprocess", "Train", "RegisterModel"):
        assert step in text
    assert "3 of 3 succeeded)" in text
    assert "pipelines-k2x9p4q7wz1a" in text  # the jobs, on their steps' lines
    # each step's start and end and the execution's end are replies in the one thread, and the
    # package's approval card; the progress within a class (Preprocess: Starting → Executing)
    # and the jobs' states (on their step's line) only edit the parent
    replies = [r.text for r in slack_api.thread(CHANNEL, parent.ts)]
    steps = [parse_event(e) for e in events if parse_event(e).kind is ResourceKind.STEP]
    assert len(replies) == len({(s.resource.key, s.status_class) for s in steps}) + 1 + 1
    assert not any("*Preprocess*: Starting → *Executing*" in r for r in replies)
    assert not any("pipelines-k2x9p4q7wz1a" in r for r in replies)
    assert "Executing → *Succeeded*" in replies[-1]


def test_a_cached_step_is_marked_in_the_checklist(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    for event in failed_pipeline_events(_Ids()):
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    assert "cached" in blocks_text(parent)  # the Preprocess step's cache hit
    assert "1 of 2 succeeded, 1 failed)" in blocks_text(parent)


def test_tuning_trials_roll_up_into_the_tuning_parent(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    events = tuning_events(_Ids(), trials=4)
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in events]

    assert outcomes.count(Outcome.ROLLED_UP) == 8  # 4 trials × (InProgress, Completed)
    [parent] = parents(slack_api)
    text = blocks_text(parent)
    assert "churn-hpo-1125-004-31676" in text  # the best trial (validation:auc 0.902)
    assert "0.902" in text
    # only the tuning job's own state change is a reply
    assert len(slack_api.thread(CHANNEL, parent.ts)) == 1


def test_without_roll_up_each_trial_state_is_a_reply(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(rollup_tuning=False)
    events = tuning_events(_Ids(), trials=2)
    for event in events:
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    replies = slack_api.thread(CHANNEL, parent.ts)
    assert len(replies) == 4 + 1
    trial = [r.text for r in replies if "Training job *churn-hpo-1125-001" in r.text]
    assert len(trial) == 2
    assert "InProgress → *Completed*" in trial[1] and "validation:auc 0.871" in trial[1]


def test_deployments_thread_under_their_endpoint(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    for event in endpoint_events(_Ids()):
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    assert "InService · Endpoint churn-scoring" in parent.blocks[0]["text"]["text"]
    # The deployment's first state is a reply; its progress (ActivatingTraffic, Baking) edits
    # the parent; the endpoint back in service is a reply.
    replies = [r.text for r in slack_api.thread(CHANNEL, parent.ts)]
    assert len(replies) == 2
    assert "Creating" in replies[0]
    assert "Updating → *InService*" in replies[1]


def test_image_versions_thread_under_their_image(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    image = load_sample("image_state_change")
    version = load_sample("image_version_state_change")
    # Make the two samples name the same image, as real events do.
    image["detail"]["ImageArn"] = version["detail"]["ImageArn"]
    image["detail"]["ImageName"] = "a70ff896-c832-4fe8-add6-eba25a0f43e6"
    deliverer.deliver_raw(image)
    deliverer.deliver_raw(version)
    [parent] = parents(slack_api)
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "Image version" in reply.text


def test_failure_broadcast_can_be_switched_off(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(broadcast_failures=False)
    raw: dict[str, Any] = load_sample("processing_job_state_change_failed")
    running = json.loads(json.dumps(raw))
    running["detail"].update(ProcessingJobStatus="InProgress", FailureReason=None)
    running["time"] = "2019-05-31T21:40:00Z"
    deliverer.deliver_raw(running)
    deliverer.deliver_raw(raw)
    [parent] = parents(slack_api)
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert not reply.reply_broadcast


def test_subscriptions_route_to_more_channels(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    store.add_subscription(Subscription(id="s1", channel="C-FAILURES", statuses=["failed"]))
    store.add_subscription(Subscription(id="s2", channel="C-PIPES", kinds=["pipeline"]))
    deliverer = make_deliverer()
    deliverer.deliver_raw(load_sample("processing_job_state_change_failed"))
    deliverer.deliver_raw(load_sample("pipeline_step_status_change"))
    deliverer.deliver_raw(load_sample("endpoint_state_change"))

    assert len(parents(slack_api, CHANNEL)) == 3  # the default channel gets everything
    [failed] = parents(slack_api, "C-FAILURES")
    assert "integ-test-analytics-algo" in failed.text
    [pipeline] = parents(slack_api, "C-PIPES")  # steps are in their pipeline's stream
    assert "Pipeline execution" in pipeline.blocks[0]["text"]["text"]


def test_no_channel_means_no_call(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(default_channel=None)
    report = deliverer.deliver_raw(load_sample("endpoint_state_change"))
    assert report.outcomes == {}
    assert slack_api.calls() == []


def test_rate_limited_post_is_retried_after_retry_after(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    slack_api.fail_next(2, status=429, retry_after=0, method="chat.postMessage")
    deliverer = make_deliverer()
    deliverer.deliver_raw(load_sample("endpoint_state_change"))
    assert len(parents(slack_api)) == 1
    statuses = [c.status for c in slack_api.calls("chat.postMessage")]
    assert statuses == [429, 429, 200]
