"""A labeling job's tasks roll up into its parent as counters: never a message per task, each
task counted once per status under redelivery and reordering, and a bounded number of edits
of the parent however many tasks there are."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from bot.delivery import throttle
from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.store import Store
from tests.conftest import load_sample
from tests.delivery.conftest import CHANNEL, RENDERER, gateway
from tests.standins.slack_api import Message, SlackStandin

JOB_ARN = "arn:aws:sagemaker:us-west-2:111122223333:labeling-job/street-signs-bbox-1201"
START = 1_796_100_000.0  # 2026-12-01, the job's first event


class Clock:
    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class CountingStore:
    """The store, with a count of each method called on it (the deliverer's store work)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.counts: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.counts[name] += 1
            return attribute(*args, **kwargs)

        return counted


def deliverer(store: Any, slack_api: SlackStandin, clock: Callable[[], float]) -> Deliverer:
    return Deliverer(
        store, gateway(slack_api), RENDERER, DeliveryOptions(default_channel=CHANNEL), clock=clock
    )


def task(number: int, state: str, at: float, *, event_id: str | None = None) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample("labeling_job_task_status_change_completed"))
    raw["id"] = event_id or f"task-{number}-{state}-{at}"
    raw["time"] = _iso(at)
    raw["detail"].update(State=state, **{"task-id": f"task-{number:05d}"})
    return raw


def job(status: str, at: float, **detail: Any) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample("labeling_job_state_change_completed"))
    raw["id"] = f"job-{status}-{at}"
    raw["time"] = _iso(at)
    raw["detail"].update(LabelingJobStatus=status, **detail)
    if status != "Completed":
        raw["detail"].pop("LabelingJobOutput", None)
        raw["detail"].pop("LabelCounters", None)
    return raw


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def parent(slack_api: SlackStandin) -> Message:
    [message] = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    return message


def shown_tasks(message: Message) -> dict[str, int]:
    """The parent's task counters, as a reader sees them: ``Completed 3 · Failed 1``."""
    text = json.dumps(message.blocks, ensure_ascii=False)
    found = re.search(r"Tasks by status\*[^\\]*\\n([^\"]*)\"", text)
    if found is None:
        return {}
    return {
        status: int(count.replace(",", ""))
        for status, count in re.findall(r"(\w+) ([\d,]+)", found.group(1))
    }


def test_tasks_count_in_the_parent_and_never_post(store: Store, slack_api: SlackStandin) -> None:
    clock = Clock()
    bot = deliverer(store, slack_api, clock)
    # GIVEN a labeling job's thread
    assert bot.deliver_raw(job("InProgress", START)).outcomes[CHANNEL] is Outcome.POSTED
    # WHEN three tasks complete and one fails, a minute apart
    for number, state in enumerate(["Completed", "Completed", "Failed", "Completed"]):
        clock.now += 60
        outcome = bot.deliver_raw(task(number, state, clock.now)).outcomes[CHANNEL]
        assert outcome is Outcome.ROLLED_UP
    # THEN the parent counts them by status, and no task posted anything (a failed one neither)
    assert shown_tasks(parent(slack_api)) == {"Completed": 3, "Failed": 1}
    assert len(slack_api.calls("chat.postMessage")) == 1
    assert not slack_api.thread(CHANNEL, parent(slack_api).ts)


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_a_task_counts_once_per_status_redelivered_or_out_of_order(
    store: Store, slack_api: SlackStandin
) -> None:
    clock = Clock()
    bot = deliverer(store, slack_api, clock)
    bot.deliver_raw(job("InProgress", START))
    events = [task(n, "Completed", START + 10 + n) for n in range(6)]
    events.append(task(1, "Failed", START + 40))  # task 1 reports a second status
    # WHEN they arrive reversed, each twice, and task 2's status is reported again by a second,
    # older event (SageMaker may send more than one event per change)
    for raw in reversed(events):
        bot.deliver_raw(raw)
    clock.now += throttle.REFRESH_SECONDS
    calls = len(slack_api.calls())
    outcomes = [bot.deliver_raw(raw).outcomes[CHANNEL] for raw in events]
    assert set(outcomes) == {Outcome.DUPLICATE}
    assert len(slack_api.calls()) == calls  # a duplicate costs no Slack call
    again = task(2, "Completed", START + 5, event_id="another-event-same-change")
    assert bot.deliver_raw(again).outcomes[CHANNEL] in (Outcome.LATE, Outcome.ROLLED_UP)
    # AND the job's own next event refreshes the parent
    clock.now += 1
    bot.deliver_raw(job("InProgress", START + 100, LastModifiedTime=int(clock.now * 1000)))
    # THEN each task counts once in each status it reported
    assert shown_tasks(parent(slack_api)) == {"Completed": 6, "Failed": 1}


def test_a_duplicate_task_event_writes_nothing(store: Store, slack_api: SlackStandin) -> None:
    counting = CountingStore(store)
    bot = deliverer(counting, slack_api, Clock())
    bot.deliver_raw(job("InProgress", START))
    raw = task(7, "Completed", START + 1)
    bot.deliver_raw(raw)
    counting.counts.clear()
    calls = len(slack_api.calls())
    # WHEN the same event is delivered again
    assert bot.deliver_raw(raw).outcomes[CHANNEL] is Outcome.DUPLICATE
    # THEN nothing is written (the delivery record's conditional claim fails) and Slack is idle
    assert set(counting.counts) <= {"get_thread", "begin_delivery", "list_subscriptions",
                                    "list_channel_failures"}  # fmt: skip
    assert len(slack_api.calls()) == calls


def test_many_tasks_edit_the_parent_a_bounded_number_of_times(
    store: Store, slack_api: SlackStandin
) -> None:
    """2,000 tasks in 10 minutes (one every 0.3 s, five times Slack's chat.update budget of
    about 50 a minute for one parent alone): the parent is edited at most once per
    ``REFRESH_SECONDS``, and each task costs the same few store calls."""
    clock = Clock()
    counting = CountingStore(store)
    bot = deliverer(counting, slack_api, clock)
    bot.deliver_raw(job("InProgress", START))
    counting.counts.clear()
    tasks, spacing = 2000, 0.3
    for number in range(tasks):
        clock.now = START + 1 + number * spacing
        bot.deliver_raw(task(number, "Completed", clock.now))
    duration = tasks * spacing
    updates = slack_api.calls("chat.update")
    assert len(updates) <= duration / throttle.REFRESH_SECONDS + 1
    assert len(updates) >= duration / throttle.REFRESH_SECONDS - 1  # it does keep up
    assert not slack_api.calls("chat.postMessage")[1:]  # the parent only
    per_task = {name: count / tasks for name, count in counting.counts.items()}
    assert per_task["merge_child"] == 1 and per_task["begin_delivery"] == 1
    assert sum(per_task.values()) <= 6
    # WHEN the job completes: its terminal event always refreshes, with the final counters
    clock.now += 1
    bot.deliver_raw(job("Completed", clock.now))
    shown = parent(slack_api)
    assert shown_tasks(shown) == {"Completed": tasks}
    assert "9,950 of 10,000 objects labeled" in json.dumps(shown.blocks)
    [reply] = slack_api.thread(CHANNEL, shown.ts)
    assert "*Completed*" in reply.text


def test_a_task_before_its_job_starts_the_jobs_thread(
    store: Store, slack_api: SlackStandin
) -> None:
    bot = deliverer(store, slack_api, Clock())
    # GIVEN no event of the job yet; WHEN one of its tasks (without a task id) arrives
    raw = load_sample("labeling_job_task_status_change_failed")
    assert bot.deliver_raw(raw).outcomes[CHANNEL] is Outcome.ROLLED_UP
    # THEN the job's parent is posted, in progress, counting it; nothing else is posted
    message = parent(slack_api)
    assert "InProgress · Labeling job street-signs-bbox-1201" in message.blocks[0]["text"]["text"]
    assert shown_tasks(message) == {"Failed": 1}
    assert len(slack_api.calls("chat.postMessage")) == 1
    # AND a second id-less task event counts as another task
    other = copy.deepcopy(raw)
    other["id"] = "another-task-event"
    bot.deliver_raw(other)
    bot.deliver_raw(job("InProgress", START + 10_000_000))
    assert shown_tasks(parent(slack_api)) == {"Failed": 2}
    # AND the job's own event took the same thread
    assert len([m for m in slack_api.messages(CHANNEL) if not m.is_reply]) == 1


class BusyStore(CountingStore):
    """A store other Lambda instances keep writing to: the thread changes at every read."""

    def get_thread(self, channel: str, key: str) -> Any:
        self.counts["noise"] += 1
        self.inner.update_thread_state(channel, key, {"noise": self.counts["noise"]})
        return self.inner.get_thread(channel, key)


def test_a_tasks_turn_is_one_update_while_other_instances_write(
    store: Store, slack_api: SlackStandin
) -> None:
    clock = Clock()
    deliverer(store, slack_api, clock).deliver_raw(job("InProgress", START))
    bot = deliverer(BusyStore(store), slack_api, clock)  # type: ignore[arg-type]
    updates = len(slack_api.calls("chat.update"))
    # WHEN a task takes its turn while the thread's state keeps moving on
    bot.deliver_raw(task(1, "Completed", START + 1))
    # THEN the parent is updated once, not until the state holds still
    assert len(slack_api.calls("chat.update")) == updates + 1
    # WHILE the job's own event settles the parent as before (up to MAX_REFRESHES)
    bot.deliver_raw(job("InProgress", START + 2, LastModifiedTime=int((START + 2) * 1000)))
    assert len(slack_api.calls("chat.update")) == updates + 1 + Deliverer.MAX_REFRESHES
