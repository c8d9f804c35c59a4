"""The named delivery scenarios, end to end: events → Deliverer → store + Slack stand-in.

Assertions are on what a person sees in the stand-in's channel: parent messages (current state,
edited in place) and their threads.
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import threading
from typing import Any

import pytest

from bot.delivery.deliverer import Deliverer, Outcome
from bot.delivery.state import fingerprint, is_run_child, run_link
from bot.errors import SlackDeliveryError
from bot.events.parse import parse_event
from bot.events.status import StatusClass
from bot.store import Store
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin

JOB = "arn:aws:sagemaker:us-east-1:123456789012:training-job/bert-finetune-7"


def job_event(status: str, secondary: str, minute: int, **extra: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"evt-{status}-{secondary}-{minute}",
        "detail-type": "SageMaker Training Job State Change",
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-east-1",
        "time": f"2026-11-25T10:{minute:02d}:00Z",
        "resources": [JOB],
        "detail": {
            "TrainingJobName": "bert-finetune-7",
            "TrainingJobArn": JOB,
            "TrainingJobStatus": status,
            "SecondaryStatus": secondary,
            "ResourceConfig": {"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 2},
            **extra,
        },
    }


JOB_LIFE = [
    job_event("InProgress", "Starting", 1),
    job_event("InProgress", "Downloading", 3),
    job_event("InProgress", "Training", 5),
    job_event("Failed", "Failed", 30, FailureReason="AlgorithmError: out of memory"),
]


def parents(slack_api: SlackStandin) -> list[Message]:
    return [m for m in slack_api.messages(CHANNEL) if not m.is_reply]


def header(message: Message) -> str:
    return str(message.blocks[0]["text"]["text"])


def reply_texts(slack_api: SlackStandin, parent: Message) -> list[str]:
    return [r.text for r in slack_api.thread(CHANNEL, parent.ts)]


def test_first_event_posts_parent_and_later_states_reply_and_update(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in JOB_LIFE]

    # Progress within a class (Starting → Downloading → Training) edits the parent; the
    # change of class (in progress → failed) is a reply.
    assert outcomes == [Outcome.POSTED, Outcome.UPDATED, Outcome.UPDATED, Outcome.REPLIED]
    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed")
    assert parent.edited
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    # The failure reply says what changed, and why, in one line; it is broadcast.
    assert "InProgress → *Failed*" in reply.text
    assert "AlgorithmError: out of memory" in reply.text
    # A well-known cause: what to do about it, on a line of its own.
    assert [b["type"] for b in reply.blocks] == ["section", "context"]
    assert reply.blocks[1]["elements"][0]["text"].startswith(":bulb: The container ran out")
    assert reply.reply_broadcast
    # Slack calls: 1 post, an update per later state, one reply.
    assert len(slack_api.calls("chat.postMessage")) == 2
    assert len(slack_api.calls("chat.update")) == 3


def test_a_reply_for_every_state_when_the_setting_asks(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(reply_every_state=True)
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in JOB_LIFE]

    assert outcomes == [Outcome.POSTED, Outcome.REPLIED, Outcome.REPLIED, Outcome.REPLIED]
    [parent] = parents(slack_api)
    replies = slack_api.thread(CHANNEL, parent.ts)
    assert len(replies) == 3
    assert [r.reply_broadcast for r in replies] == [False, False, True]


def expected_replies(events: list[dict[str, Any]]) -> list[str]:
    """The statuses a thread should get replies for, in order, when ``events`` arrive in this
    order: a newer state whose status class differs from the shown one, or a late failure."""
    shown = None
    statuses: list[str] = []
    seen: set[str] = set()
    for raw in events:
        event = parse_event(raw)
        state = fingerprint(event)
        if state in seen:  # a duplicate: nothing at all
            continue
        seen.add(state)
        if shown is None:
            shown = event
        elif event.order_key >= shown.order_key:
            if event.status_class is not shown.status_class:
                statuses.append(str(event.status))
            shown = event
        elif event.status_class is StatusClass.FAILED:
            statuses.append(str(event.status))
    return statuses


def test_each_event_three_times_shuffled_gives_one_reply_per_distinct_state(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # GIVEN every event delivered three times, in shuffled order
    events = [copy.deepcopy(e) for e in JOB_LIFE for _ in range(3)]
    random.Random(42).shuffle(events)
    deliverer = make_deliverer()
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in events]

    # THEN one parent, a reply only where the class changed, and duplicates cost nothing
    [parent] = parents(slack_api)
    replies = slack_api.thread(CHANNEL, parent.ts)
    assert len(replies) == len(expected_replies(events))
    assert outcomes.count(Outcome.DUPLICATE) == 2 * len(JOB_LIFE)
    posts = len(slack_api.calls("chat.postMessage"))
    assert posts == 1 + len(replies)
    # AND the parent shows the newest state whatever the order
    assert header(parent).startswith(":x: Failed")


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(JOB_LIFE)))))
def test_every_permutation_ends_showing_the_final_state(
    order: tuple[int, ...], make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    events = [JOB_LIFE[i] for i in order]
    for event in [*events, *events[:2]]:  # with duplicates
        deliverer.deliver_raw(event)

    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed"), order
    assert "AlgorithmError" in str(parent.blocks)
    # No reply for an older state that is not a failure; a reply where the class changed.
    replies = slack_api.thread(CHANNEL, parent.ts)
    expected = expected_replies(events)
    assert len(replies) == len(expected), order
    for reply, status in zip(replies, expected, strict=True):
        assert status in reply.text
    # A late, older event never touched the parent after the final state was shown.
    updates = [c for c in slack_api.calls("chat.update") if c.ok]
    if updates:
        assert "Failed" in str(updates[-1].params.get("blocks"))


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_four_concurrent_workers_on_a_new_resource_give_one_parent(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    # GIVEN four Lambda instances, each with its own client, sharing one store
    workers = [make_deliverer() for _ in range(4)]
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def work(deliverer: Deliverer, event: dict[str, Any]) -> None:
        try:
            barrier.wait(timeout=10)
            deliverer.deliver_raw(event)
        except BaseException as exc:
            errors.append(exc)

    # WHEN each processes a different state of the same new job at the same moment
    threads = [
        threading.Thread(target=work, args=(w, e)) for w, e in zip(workers, JOB_LIFE, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # THEN there is exactly one parent, it shows the newest state, and the failure is there
    # once: in the parent (it came first) or as a reply
    assert errors == []
    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed")
    replies = slack_api.thread(CHANNEL, parent.ts)
    failures = [m for m in [parent, *replies] if m.text.startswith(":x:")]
    assert len(failures) == 1 or (len(failures) == 2 and failures[0] is parent)
    assert len(replies) <= len(JOB_LIFE) - 1
    assert len({r.text for r in replies}) == len(replies)


def test_twenty_percent_of_slack_calls_failing_still_delivers_every_state_once(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    from bot.demo import _Ids as Ids
    from bot.demo import failed_training_events, pipeline_events

    ids = Ids()
    events = failed_training_events(ids) + pipeline_events(ids)
    # Every state shows once: the run's jobs on their step's line (no reply), the package it
    # registered as one card (posted when it waits for approval, then kept current)
    in_run = {e["id"] for e in events if is_run_child(run_link(parse_event(e)))}
    expected = {
        (parse_event(e).resource.key, fingerprint(parse_event(e)))
        for e in events
        if e["id"] not in in_run
    }
    cards = 1
    # GIVEN a Slack that fails one call in five (429, 500, 503) and clients that give up fast
    slack_api.set_failure_rate(0.2, statuses=(429, 500, 503), seed=7, retry_after=0)
    from bot.gateway import WebApiGateway, make_web_client

    def flaky_deliverer() -> Deliverer:
        # A reply per state: every distinct state must then show exactly once.
        deliverer = make_deliverer(reply_every_state=True)
        client = make_web_client(
            slack_api.token,
            slack_api.url,
            backoff_factor=0.01,
            rate_limit_retries=1,
            server_error_retries=1,
        )
        deliverer.slack = WebApiGateway(client)
        return deliverer

    deliverer = flaky_deliverer()
    # WHEN events that fail are redelivered, as SQS does, until none is left
    queue = list(events)
    redeliveries = 0
    late = 0
    for _ in range(30):
        failed = []
        for event in queue:
            try:
                outcome = deliverer.deliver_raw(event).outcomes[CHANNEL]
                late += outcome is Outcome.LATE and event["id"] not in in_run
            except SlackDeliveryError:
                failed.append(event)
        redeliveries += len(failed)
        queue = failed
        if not queue:
            break
    assert queue == []
    assert redeliveries > 0  # the faults really bit
    slack_api.clear_faults()

    # THEN no state appears twice (a retried event that has become late, older than what its
    # thread shows, is not posted), and every failure is there
    posted = [m for p in parents(slack_api) for m in [p, *slack_api.thread(CHANNEL, p.ts)]]
    assert len(posted) == len(expected) + cards - late, [m.text for m in posted]
    for failure in (parse_event(e) for e in events):
        if failure.status_class is StatusClass.FAILED:
            name = failure.resource.display_name
            assert any(m.text.startswith(":x:") and name in m.text for m in posted), name
    # no message was posted twice: every one has different content
    assert len({json.dumps(m.blocks, sort_keys=True) for m in posted}) == len(posted)
    for parent in parents(slack_api):
        assert header(parent).startswith((":x: Failed", ":white_check_mark: Succeeded"))


def test_concurrent_trial_events_never_roll_back_the_roll_up(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.demo import _Ids as Ids
    from bot.demo import tuning_events

    events = tuning_events(Ids(), trials=12)
    tuning_start, trials, tuning_end = events[0], events[1:-1], events[-1]
    make_deliverer().deliver_raw(tuning_start)
    workers = [make_deliverer() for _ in range(4)]
    # Each trial's InProgress and Completed handled at the same time by different workers,
    # the older one last.
    pairs = [(trials[i + 1], trials[i]) for i in range(0, len(trials), 2)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [
            pool.submit(workers[(i + j) % 4].deliver_raw, event)
            for i, pair in enumerate(pairs)
            for j, event in enumerate(pair)
        ]
        for future in futures:
            future.result(timeout=60)
    make_deliverer().deliver_raw(tuning_end)

    [parent] = parents(slack_api)
    [rollup] = [
        b["text"]["text"]
        for b in parent.blocks
        if "text" in b and "Training jobs seen so far" in b["text"]["text"]
    ]
    assert "(12 total)\nCompleted 12" in rollup
    assert "InProgress" not in rollup


ENDPOINT = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn"


def endpoint_event(status: str, event_id: str, **extra: Any) -> dict[str, Any]:
    """Endpoint events stamped with the same second and the same LastModifiedTime."""
    return {
        "version": "0",
        "id": event_id,
        "detail-type": "SageMaker Endpoint State Change",
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-east-1",
        "time": "2026-11-25T10:00:00Z",
        "resources": [ENDPOINT],
        "detail": {
            "EndpointName": "churn",
            "EndpointArn": ENDPOINT,
            "EndpointStatus": status,
            "LastModifiedTime": 1764064800000,
            **extra,
        },
    }


TIED = [
    endpoint_event("Updating", "tie-updating"),
    endpoint_event("InService", "tie-inservice"),
    endpoint_event("Failed", "tie-failed", FailureReason="Model container failed ping health"),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(TIED)))))
def test_on_a_tie_the_parent_shows_the_failure_then_the_terminal_state(
    order: tuple[int, ...], make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # GIVEN three states with the same event time and LastModifiedTime, in any order, with
    # duplicates
    deliverer = make_deliverer()
    for index in [*order, *order]:
        deliverer.deliver_raw(TIED[index])

    # THEN the parent agrees with the most severe state in its thread: the failure
    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed"), order
    assert "ping health" in str(parent.blocks)


def test_on_a_tie_between_equals_the_later_arrival_wins(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(endpoint_event("Creating", "tie-creating"))
    deliverer.deliver_raw(endpoint_event("Updating", "tie-updating"))
    [parent] = parents(slack_api)
    assert header(parent).startswith(":hourglass_flowing_sand: Updating")


def test_a_late_state_changes_nothing_and_posts_nothing(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(job_event("InProgress", "Starting", 1))
    deliverer.deliver_raw(job_event("Completed", "Completed", 40))
    calls = len(slack_api.calls())
    # WHEN an older progress state arrives after the job has completed
    outcome = deliverer.deliver_raw(job_event("InProgress", "Training", 5)).outcomes[CHANNEL]
    # THEN no Slack call at all, and the parent still shows the completion
    assert outcome is Outcome.LATE
    assert len(slack_api.calls()) == calls
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: Completed")


def test_a_late_failure_is_still_posted_with_its_own_time(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(endpoint_event("Creating", "late-creating"))
    newer = endpoint_event("InService", "late-inservice")
    newer["time"] = "2026-11-25T10:30:00Z"
    newer["detail"]["LastModifiedTime"] = 1764066600000
    deliverer.deliver_raw(newer)
    updates = len(slack_api.calls("chat.update"))
    # WHEN a failure from before the newest state arrives late
    failed = endpoint_event("Failed", "late-failed", FailureReason="ping health check failed")
    failed["time"] = "2026-11-25T10:10:00Z"
    failed["detail"]["LastModifiedTime"] = 1764065400000
    outcome = deliverer.deliver_raw(failed).outcomes[CHANNEL]
    # THEN the alert is posted (and broadcast), marked with its own time; the parent stays
    assert outcome is Outcome.REPLIED
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: InService")
    assert len(slack_api.calls("chat.update")) == updates
    reply = slack_api.thread(CHANNEL, parent.ts)[-1]
    assert reply.text.startswith(":x:")
    assert reply.reply_broadcast
    assert "10:10" in json.dumps(reply.blocks)


def test_a_reply_that_failed_is_posted_on_the_retry_after_the_parent_moved_on(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(JOB_LIFE[0])
    failure = JOB_LIFE[-1]
    # GIVEN the failure's parent update goes through and its reply fails for good
    slack_api.fail_next(5, status=500, method="chat.postMessage")
    with pytest.raises(SlackDeliveryError):
        deliverer.deliver_raw(failure)
    slack_api.clear_faults()
    [parent] = parents(slack_api)
    assert header(parent).startswith(":x: Failed")  # the parent moved on already
    assert slack_api.thread(CHANNEL, parent.ts) == []
    # WHEN SQS delivers the event again
    assert deliverer.deliver_raw(failure).outcomes[CHANNEL] is Outcome.REPLIED
    # THEN the failure's reply is posted, once, as the first attempt meant to
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "InProgress → *Failed*" in reply.text
    assert reply.reply_broadcast


def endpoint_at(status: str, event_id: str, minute: int, **extra: Any) -> dict[str, Any]:
    event = endpoint_event(status, event_id, **extra)
    event["time"] = f"2026-11-25T10:{minute:02d}:00Z"
    event["detail"]["LastModifiedTime"] = 1764064800000 + minute * 60_000
    return event


def test_an_endpoint_back_in_a_state_it_had_shows_it_again(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # GIVEN an endpoint created, then updated twice: the second update fails like the first
    deliverer = make_deliverer()
    reason = {"FailureReason": "ping health check failed"}
    cycle = [
        endpoint_at("Creating", "cycle-1", 0),
        endpoint_at("InService", "cycle-2", 5),
        endpoint_at("Updating", "cycle-3", 10),
        endpoint_at("Failed", "cycle-4", 15, **reason),
        endpoint_at("Updating", "cycle-5", 20),
        endpoint_at("Failed", "cycle-6", 25, **reason),
        endpoint_at("Updating", "cycle-7", 30),
        endpoint_at("InService", "cycle-8", 35),
    ]
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in cycle]
    # THEN every state is news again, none taken for a duplicate of the first time it was seen
    assert Outcome.DUPLICATE not in outcomes
    [parent] = parents(slack_api)
    assert header(parent).startswith(":white_check_mark: InService")
    # and the second failure is its own alert
    failures = [r for r in slack_api.thread(CHANNEL, parent.ts) if ":x:" in r.text]
    assert len(failures) == 2
    assert all(r.reply_broadcast for r in failures)
    # while a duplicate of any of them, however late, is still nothing at all
    calls = len(slack_api.calls())
    for event in cycle:
        assert deliverer.deliver_raw(copy.deepcopy(event)).outcomes[CHANNEL] is Outcome.DUPLICATE
    assert len(slack_api.calls()) == calls
