"""The delivery rules as a table: ``next_step`` decides, from the store's word on whether a
state is the newest and the status shown before it, what Slack sees. Pure: no store, no Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot.delivery import state as st
from bot.delivery.state import Next
from bot.events.parse import SageMakerEvent, parse_event
from tests.conftest import load_sample
from tests.delivery.test_run_threads import execution, job, step, trial, tuning
from tests.delivery.test_upgrade import package


def at_home(raw: dict[str, Any]) -> tuple[SageMakerEvent, st.Root]:
    """The event and the thread it goes to in a channel that follows its run."""
    event = parse_event(raw)
    return event, st.thread_root(event, st.run_link(event))


def alone(raw: dict[str, Any]) -> tuple[SageMakerEvent, st.Root]:
    """The event and its own thread (a channel that wants only this kind of job)."""
    event = parse_event(raw)
    return event, st.thread_root(event, None)


FAILED_JOB = job("Failed", "Failed", 9, FailureReason="AlgorithmError: boom")
CASES = [
    # (what, event and root, current, previous, options, expected)
    ("a later state of the same class", alone(job("InProgress", "Training", 5)), True,
     "InProgress", {}, Next.EDIT),
    ("a new status class", alone(job("Completed", "Completed", 9)), True, "InProgress", {},
     Next.REPLY),
    ("every state, when asked", alone(job("InProgress", "Training", 5)), True, "InProgress",
     {"every_state": True}, Next.REPLY),
    ("an older progress state", alone(job("InProgress", "Training", 5)), False, "Completed", {},
     Next.LATE),
    ("an older failure", alone(FAILED_JOB), False, "Completed", {}, Next.LATE_ALERT),
    ("a run's job making progress", at_home(job("InProgress", "Training", 5)), True,
     "InProgress", {}, Next.EDIT),
    ("a run's job completing: a line on its step", at_home(job("Completed", "Completed", 9)),
     True, "InProgress", {}, Next.EDIT),
    ("a run's job failing: its alert", at_home(FAILED_JOB), True, "InProgress", {}, Next.REPLY),
    ("a step's first state is news", at_home(step("Executing", 1)), True, None, {}, Next.REPLY),
    ("a step finishing", at_home(step("Succeeded", 9)), True, "Executing", {}, Next.REPLY),
    ("the run finishing", at_home(execution("Succeeded", 20)), True, "Executing", {},
     Next.REPLY),
    ("a trial", alone(trial(1, "Completed", 8, 0.9)), True, "InProgress", {}, Next.ROLL_UP),
    ("a trial, roll-up off", alone(trial(1, "Completed", 8, 0.9)), True, "InProgress",
     {"rollup_tuning": False}, Next.REPLY),
    ("a package waiting in a run: its card", at_home(package("PendingManualApproval", 3)), True,
     None, {}, Next.CARD),
    ("a package with a card, decided", at_home(package("Approved", 6)), True,
     "PendingManualApproval", {"has_card": True}, Next.CARD),
    ("a package approved in a run, no card", at_home(package("Approved", 6)), True, None, {},
     Next.EDIT),
    ("a package waiting on its own", alone(package("PendingManualApproval", 3)), True, None, {},
     Next.REPLY),
    ("a tuning job on its own, finishing", alone(tuning("Completed", 10)), True, "InProgress",
     {}, Next.REPLY),
    ("a labeling task", alone(load_sample("labeling_job_task_status_change_completed")), True,
     None, {}, Next.ROLL_UP),
    ("a failed labeling task: counted, no alert",
     alone(load_sample("labeling_job_task_status_change_failed")), True, None, {}, Next.ROLL_UP),
    ("an older failed labeling task", alone(load_sample("labeling_job_task_status_change_failed")),
     False, None, {}, Next.LATE),
    ("a cluster's Info event", alone(load_sample("hyperpod_cluster_event_info")), True, None, {},
     Next.EDIT),
    ("a cluster's Error event", alone(load_sample("hyperpod_cluster_event_error")), True, None,
     {}, Next.REPLY),
    ("a cluster's Warn event", alone(load_sample("hyperpod_cluster_event_warn")), True, None, {},
     Next.REPLY),
    ("a node turning unhealthy",
     alone(load_sample("hyperpod_cluster_node_health_event_unhealthy")), True, "Healthy", {},
     Next.REPLY),
    ("a node healthy again", alone(load_sample("hyperpod_cluster_node_health_event_healthy")),
     True, "Unhealthy", {}, Next.REPLY),
]  # fmt: skip


@pytest.mark.parametrize(
    ("event_root", "current", "previous", "options", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_next_step(
    event_root: tuple[SageMakerEvent, st.Root],
    current: bool,
    previous: str | None,
    options: dict[str, bool],
    expected: Next,
) -> None:
    event, root = event_root
    assert st.next_step(event, root, current=current, previous=previous, **options) is expected
