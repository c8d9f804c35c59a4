"""A thread's stored state stays small, and an event costs the same, however many children
its resource has.

Issue 12: a run's thread kept every step inside its one item, so 300 failed steps with long
reasons made a 497 KB item (DynamoDB refuses 400 KB) and each step's event cost more than the
one before. Now each child is a record of its own and the thread keeps a bounded summary.

Driven the way Lambda drives the events function (SQS batches, a context with a deadline)
against the Slack stand-in; the store is measured through a proxy that counts its calls and
the bytes of every record read or written, the figures DynamoDB bills by.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from statistics import mean
from typing import Any

import pytest

import handlers.events as events_handler
from bot.delivery import state as st
from bot.events.parse import parse_event
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.store import CHILDREN_KEY, Store
from bot.store.dynamodb import THREAD_SK, DynamoDBStore, thread_pk
from bot.store.sqlite import SqliteStore
from tests.delivery.conftest import gateway
from tests.delivery.test_run_threads import EXECUTION, PIPELINE, envelope, execution
from tests.handlers.test_events_handler import sqs_batch
from tests.reliability.test_deadlines import LambdaContext
from tests.standins.aws import dynamodb_item_size
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0BOUNDED"
STEPS = 300
# SageMaker's FailureReason goes up to 1,024 characters; a stack trace's tail usually does.
REASON = "ClientError: " + "Traceback (most recent call last): a long failure reason. " * 17


def step_event(index: int, status: str) -> dict[str, Any]:
    name = f"Step{index:03d}"
    minute = 1 + index // 30
    raw = envelope(
        "SageMaker Model Building Pipeline Execution Step Status Change",
        f"step-{index}-{status}",
        0,
        {
            "pipelineArn": PIPELINE,
            "pipelineExecutionArn": EXECUTION,
            "stepName": name,
            "stepType": "Processing",
            "currentStepStatus": status,
            "stepStartTime": f"2026-11-25T09:{minute:02d}:{index % 60:02d}Z",
            **({"failureReason": REASON} if status == "Failed" else {}),
        },
    )
    # Each event a second after the one before: 2 per step.
    second = 60 + 2 * index + (status == "Failed")
    raw["time"] = f"2026-11-25T{9 + second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
    return raw


def run_events() -> list[dict[str, Any]]:
    events = [execution("Executing", 0)]
    for index in range(STEPS):
        events += [step_event(index, "Executing"), step_event(index, "Failed")]
    return events


def size(value: Any) -> int:
    return len(json.dumps(value, default=_plain, separators=(",", ":")))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


class MeteredStore:
    """The store, counting its calls and the bytes of what each call reads and writes."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.calls = 0
        self.bytes = 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if name == "merge_child":
                args = (*args[:4], self._metered_build(args[4]))
            result = attr(*args, **kwargs)
            self.bytes += size([args[:4] if name == "merge_child" else args, kwargs])
            self.bytes += size(result)
            return result

        return call

    def _metered_build(self, build: Callable[..., Any]) -> Callable[..., Any]:
        def metered(old: Any, state: Any) -> Any:
            result = build(old, state)
            self.bytes += size(state) + size(result)  # the thread read, and what is written
            return result

        return metered


@pytest.fixture
def metered(
    slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MeteredStore, SqliteStore]]:
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    store = SqliteStore(":memory:")
    proxy = MeteredStore(store)
    runtime = build_runtime(
        Settings(default_channel=CHANNEL),
        store=proxy,  # type: ignore[arg-type]
        slack=gateway(slack_api),
        metrics=events_handler._PowertoolsMetrics(),
    )
    monkeypatch.setattr(events_handler, "_runtime", runtime)
    yield proxy, store
    store.close()


def test_a_300_step_run_keeps_a_small_thread_and_a_flat_cost_per_event(
    metered: tuple[MeteredStore, SqliteStore], slack_api: SlackStandin
) -> None:
    proxy, store = metered
    events = run_events()
    # WHEN a run of 300 steps, each failing with a long reason, reaches the handler, each
    # record in an SQS batch of its own so that its cost is measured alone
    costs: list[tuple[int, int, int]] = []  # store calls, store bytes, Slack calls
    for raw in events:
        before = (proxy.calls, proxy.bytes, len(slack_api.calls()))
        result = events_handler.handler(sqs_batch(json.dumps(raw)), LambdaContext(60_000))
        assert result["batchItemFailures"] == []
        costs.append(
            (
                proxy.calls - before[0],
                proxy.bytes - before[1],
                len(slack_api.calls()) - before[2],
            )
        )

    # THEN the run's thread stays far under DynamoDB's 400 KB (it was 497 KB)
    key = st.run_link(parse_event(events[0])).run.key  # type: ignore[union-attr]
    thread = store.get_thread(CHANNEL, key)
    assert thread is not None
    assert size(thread.state) < 64_000, size(thread.state)
    summary = thread.state[CHILDREN_KEY]
    assert summary["counts"]["steps"]["total"] == STEPS
    assert summary["counts"]["steps"]["class"] == {"failed": STEPS}
    # and the last step events cost no more than three times the first ones: store bytes, store
    # calls and Slack calls alike (the 1st event posts the parent: step events are compared)
    steps = costs[1:]
    first, last = steps[:30], steps[-30:]
    for measure in range(3):
        assert mean(c[measure] for c in last) <= 3 * mean(c[measure] for c in first), (
            measure,
            first,
            last,
        )
    # and the parent says what the steps without a line did
    parent = slack_api.messages(CHANNEL)[0]
    assert f"and {STEPS - 25} more steps ({STEPS - 25} failed)" in json.dumps(parent.blocks)


@pytest.mark.parametrize("store", ["dynamodb"], indirect=True)
def test_the_dynamodb_item_of_a_thread_with_many_children_stays_small(store: Store) -> None:
    # GIVEN a run's thread in DynamoDB (moto's server, over HTTP)
    assert isinstance(store, DynamoDBStore)
    from bot.store import ThreadRecord

    root = parse_event(execution("Executing", 0))
    key = st.run_link(root).run.key  # type: ignore[union-attr]
    record = ThreadRecord(channel=CHANNEL, resource_key=key, claimed_at=1.0, ts="1.1")
    assert store.claim_thread(record, lease_seconds=60, now=1.0)
    assert store.advance_thread(
        CHANNEL, key, order_key=root.order_key, status=root.status, state=st.new_state(root)
    )

    def item_size() -> int:
        item = store.client.get_item(
            TableName=store.table_name,
            Key={"pk": {"S": thread_pk(CHANNEL, key)}, "sk": {"S": THREAD_SK}},
        )["Item"]
        return dynamodb_item_size(item)

    # WHEN 60 steps (more than the 25 lines a parent keeps) fail with long reasons
    sizes = []
    for index in range(60):
        event = parse_event(step_event(index, "Failed"))
        child = st.child_key(event, st.thread_root(event, st.run_link(event)))
        assert store.merge_child(
            CHANNEL,
            key,
            child,
            event.order_key,
            lambda old, state, e=event, c=child: st.fold_child(e, c, old, state),
        ).written
        sizes.append(item_size())

    # THEN the item grows until the summary is full, then stays the same size: far under 400 KB
    assert max(sizes) < 48_000, max(sizes)
    assert max(sizes[30:]) <= 1.01 * sizes[30], sizes
