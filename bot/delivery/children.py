"""A thread's summary of its children (steps, a run's jobs, tuning trials): bounded, pure.

Each child's own entry is a record of its own in the store; the thread keeps only this
summary, which is all its parent message needs: per group, how many children are in each
status, the entries worth a line (capped: failures first, then what runs, then the newest),
and for trials the best value of each metric. Folding a child's new entry in costs the same
whatever the thread holds, and the summary's size has a ceiling (``MAX_SHOWN`` lines of
bounded entries), so a 300-step run's item stays far under DynamoDB's 400 KB.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.events.status import StatusClass

STEP_PREFIX = "step:"
JOB_PREFIX = "job:"  # a job, model or package a pipeline run made, shown on its step's line
TRIAL_PREFIX = "trial:"
CHILD_PREFIX = "child:"  # any other child (a deployment under its endpoint): no summary
TASK_PREFIX = "task:"  # a labeling job's task in one status: counted, never a line
EVENT_PREFIX = "event:"  # a HyperPod cluster's event: counted by level, the newest kept
NODE_PREFIX = "node:"  # a HyperPod cluster's node: its health, a line while unhealthy

STEPS = "steps"
JOBS = "jobs"
TRIALS = "trials:"  # + the tuning job's name in lower case (ARNs spell it so)
TASKS = "tasks"
EVENTS = "events"
NODES = "nodes"

# Lines kept per group: a run of up to 25 steps shows them all; a bigger one its failures,
# what runs and the newest, and "and N more (…)" says what the rest did. More lines would make
# a parent few read to the end, and each event of a big run read and write them all.
MAX_SHOWN = {STEPS: 25, JOBS: 25, NODES: 10}
MAX_METRICS = 20  # per trial group: the objective is one of a trial's few metrics
MAX_LINE_REASON = 125  # a step's line shows 120 characters of its reason
_RECORD_ONLY = ("previous", "event", "metrics")  # kept in the child's record, not its line

# Which entries stay when a group is over its cap: failures, then running, then the rest;
# the newest of each.
_KEEP_FIRST = {
    StatusClass.FAILED.value: 3,
    StatusClass.WARNING.value: 3,
    StatusClass.IN_PROGRESS.value: 2,
    StatusClass.WAITING.value: 2,
}


def group_of(key: str, entry: dict[str, Any]) -> str | None:
    """The group a child counts in, or None for children no parent summarizes."""
    if key.startswith(STEP_PREFIX):
        return STEPS
    if key.startswith(JOB_PREFIX):
        return JOBS
    if key.startswith(TRIAL_PREFIX):
        return TRIALS + str(entry.get("tuning") or "").lower()
    return {TASK_PREFIX: TASKS, EVENT_PREFIX: EVENTS, NODE_PREFIX: NODES}.get(
        key[: key.find(":") + 1]
    )


def fold(
    summary: dict[str, Any], key: str, old: dict[str, Any] | None, new: dict[str, Any]
) -> dict[str, Any]:
    """``summary`` with child ``key`` moved from ``old`` (None: first seen) to ``new``.

    Pure: returns a new summary. Folding the same entry twice (a retried event) changes
    nothing the second time.
    """
    group = group_of(key, new)
    if group is None:
        return summary
    result = copy.deepcopy(summary)
    counts = result.setdefault("counts", {}).setdefault(
        group, {"total": 0, "status": {}, "class": {}}
    )
    if old is None:
        counts["total"] += 1
    else:
        _tally(counts, old, -1)
    _tally(counts, new, +1)
    if group in MAX_SHOWN:
        shown = result.setdefault("shown", {})
        shown[key] = line_of(new)
        _trim(shown, group, MAX_SHOWN[group])
    elif group.startswith(TRIALS):
        _best(result.setdefault("best", {}).setdefault(group, {}), new)
    elif group == EVENTS:
        # A cluster's newest event, for the parent's "last event" line.
        last = result.setdefault("last", {})
        known = last.get(group)
        if not isinstance(known, dict) or _order(new) >= _order(known):
            last[group] = line_of(new)
    return result


def newest(summary: dict[str, Any], group: str) -> dict[str, Any] | None:
    """The newest entry of a group that keeps one (a cluster's events)."""
    found = summary.get("last", {}).get(group)
    return found if isinstance(found, dict) else None


def _order(entry: dict[str, Any]) -> tuple[float, ...]:
    return tuple(entry.get("order") or (0,))


def line_of(entry: dict[str, Any]) -> dict[str, Any]:
    """What a line needs of a child's entry: not what only the child's own record keeps (the
    status before, for a retry), and a reason no longer than a line shows."""
    line = {k: v for k, v in entry.items() if k not in _RECORD_ONLY}
    reason = line.get("failure_reason")
    if isinstance(reason, str) and len(reason) > MAX_LINE_REASON:
        line["failure_reason"] = reason[: MAX_LINE_REASON - 1] + "…"
    return line


def counts(summary: dict[str, Any], group: str) -> dict[str, Any]:
    """A group's counts: ``total``, and per ``status`` and per status ``class``."""
    found = summary.get("counts", {}).get(group)
    return found if isinstance(found, dict) else {"total": 0, "status": {}, "class": {}}


def shown(summary: dict[str, Any], group: str) -> list[dict[str, Any]]:
    """The entries of a group that get a line in the parent."""
    entries = summary.get("shown", {})
    return [v for k, v in entries.items() if isinstance(v, dict) and group_of(k, v) == group]


def trial_groups(summary: dict[str, Any]) -> list[str]:
    return [g for g in summary.get("counts", {}) if g.startswith(TRIALS)]


def best(summary: dict[str, Any], group: str, metric: str, maximize: bool) -> dict[str, Any] | None:
    """The trial with the best ``metric`` in a trial group, as ``{name, metric, value}``."""
    found = summary.get("best", {}).get(group, {}).get(metric)
    if not isinstance(found, dict):
        return None
    pick = found.get("max" if maximize else "min")
    if not isinstance(pick, list) or len(pick) != 2:
        return None
    return {"name": pick[1], "metric": metric, "value": pick[0]}


def from_entries(entries: dict[str, Any]) -> dict[str, Any]:
    """The summary of children kept the old way, inline in the thread's state (before this
    summary existed): folded in the order they were written."""
    children = [
        (k, v) for k, v in entries.items() if isinstance(v, dict) and group_of(k, v) is not None
    ]
    children.sort(key=lambda kv: tuple(kv[1].get("order") or (0,)))
    summary: dict[str, Any] = {}
    for key, entry in children:
        summary = fold(summary, key, None, entry)
    return summary


def _tally(counts: dict[str, Any], entry: dict[str, Any], step: int) -> None:
    for field, value in (("status", entry.get("status")), ("class", entry.get("status_class"))):
        name = str(value or "Unknown")
        table = counts[field]
        table[name] = table.get(name, 0) + step
        if table[name] <= 0:
            del table[name]


def _trim(entries: dict[str, Any], group: str, cap: int) -> None:
    mine = [k for k, v in entries.items() if group_of(k, v) == group]
    if len(mine) <= cap:
        return

    def keep(key: str) -> tuple[int, tuple[float, ...]]:
        entry = entries[key]
        rank = _KEEP_FIRST.get(str(entry.get("status_class")), 1)
        return rank, tuple(entry.get("order") or (0,))

    for key in sorted(mine, key=keep)[: len(mine) - cap]:
        del entries[key]


def _best(best: dict[str, Any], entry: dict[str, Any]) -> None:
    metrics = entry.get("metrics")
    if not isinstance(metrics, dict):
        return
    name = entry.get("name")
    for metric, value in metrics.items():
        if not isinstance(value, int | float):
            continue
        if metric not in best and len(best) >= MAX_METRICS:
            continue
        slot = best.setdefault(metric, {})
        high, low = slot.get("max"), slot.get("min")
        if not isinstance(high, list) or value > high[0]:
            slot["max"] = [value, name]
        if not isinstance(low, list) or value < low[0]:
            slot["min"] = [value, name]
