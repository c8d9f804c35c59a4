"""The summary a thread keeps of its children: counts that move with each child, a bounded
set of lines that keeps what matters, the best trial; pure, so tested as a table."""

from __future__ import annotations

from typing import Any

from bot.delivery import children as ch


def step(name: str, status: str, status_class: str, t: float, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "status": status,
        "status_class": status_class,
        "order": [t, 0.0, 1],
        **extra,
    }


def fold_all(*changes: tuple[str, dict[str, Any] | None, dict[str, Any]]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for key, old, new in changes:
        summary = ch.fold(summary, key, old, new)
    return summary


def test_a_child_moves_from_one_count_to_the_next() -> None:
    running = step("Train", "Executing", "in_progress", 1)
    done = step("Train", "Succeeded", "succeeded", 2)
    other = step("Eval", "Executing", "in_progress", 3)
    summary = fold_all(
        ("step:Train", None, running), ("step:Train", running, done), ("step:Eval", None, other)
    )
    counts = ch.counts(summary, ch.STEPS)
    assert counts == {
        "total": 2,
        "status": {"Succeeded": 1, "Executing": 1},
        "class": {"succeeded": 1, "in_progress": 1},
    }
    assert [s["status"] for s in ch.shown(summary, ch.STEPS)] == ["Succeeded", "Executing"]


def test_folding_the_same_entry_again_changes_nothing() -> None:
    done = step("Train", "Succeeded", "succeeded", 2)
    once = fold_all(("step:Train", None, done))
    assert ch.fold(once, "step:Train", done, done) == once


def test_fold_leaves_its_input_alone() -> None:
    summary = fold_all(("step:A", None, step("A", "Executing", "in_progress", 1)))
    before = repr(summary)
    ch.fold(summary, "step:B", None, step("B", "Executing", "in_progress", 2))
    assert repr(summary) == before


def test_over_the_cap_failures_and_running_steps_keep_their_lines() -> None:
    cap = ch.MAX_SHOWN[ch.STEPS]
    changes: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = [
        ("step:Broken", None, step("Broken", "Failed", "failed", 0, failure_reason="x" * 900)),
        ("step:Busy", None, step("Busy", "Executing", "in_progress", 1)),
    ]
    changes += [
        (f"step:S{i}", None, step(f"S{i}", "Succeeded", "succeeded", 10 + i))
        for i in range(cap * 3)
    ]
    summary = fold_all(*changes)
    lines = ch.shown(summary, ch.STEPS)
    assert len(lines) == cap
    names = {line["name"] for line in lines}
    # the oldest successes gave way; the failure, the running step and the newest stayed
    assert {"Broken", "Busy", f"S{cap * 3 - 1}"} <= names
    assert "S0" not in names
    assert ch.counts(summary, ch.STEPS)["total"] == cap * 3 + 2
    # a line keeps only as much of a reason as a line shows
    broken = next(line for line in lines if line["name"] == "Broken")
    assert len(broken["failure_reason"]) == ch.MAX_LINE_REASON


def test_a_line_keeps_no_record_only_fields() -> None:
    entry = step("A", "Executing", "in_progress", 1, previous=None, event="e-1")
    [line] = ch.shown(fold_all(("step:A", None, entry)), ch.STEPS)
    assert "previous" not in line and "event" not in line


def test_trials_count_per_tuning_job_and_keep_the_best_of_each_metric() -> None:
    def trial(name: str, tuning: str, status: str, auc: float | None) -> dict[str, Any]:
        metrics = {"validation:auc": auc} if auc is not None else {}
        return {"name": name, "status": status, "tuning": tuning, "metrics": metrics}

    summary = fold_all(
        ("trial:a-001", None, trial("a-001", "Tune-A", "Completed", 0.81)),
        ("trial:a-002", None, trial("a-002", "Tune-A", "Completed", 0.93)),
        ("trial:a-003", None, trial("a-003", "Tune-A", "InProgress", None)),
        ("trial:b-001", None, trial("b-001", "tune-b", "Completed", 0.99)),
    )
    group = ch.TRIALS + "tune-a"
    assert ch.counts(summary, group)["status"] == {"Completed": 2, "InProgress": 1}
    assert ch.best(summary, group, "validation:auc", maximize=True) == {
        "name": "a-002",
        "metric": "validation:auc",
        "value": 0.93,
    }
    assert ch.best(summary, group, "validation:auc", maximize=False)["name"] == "a-001"  # type: ignore[index]
    assert sorted(ch.trial_groups(summary)) == [ch.TRIALS + "tune-a", ch.TRIALS + "tune-b"]
    assert ch.shown(summary, group) == []  # trials are counted, never lines


def test_other_children_are_not_summarized() -> None:
    assert ch.fold({}, "child:deploy-1", None, {"status": "Updating"}) == {}


def test_children_kept_inline_become_a_summary_in_the_order_they_were_written() -> None:
    inline = {
        "event": {"detail": {}},
        "schema": 2,
        "step:B": step("B", "Failed", "failed", 2),
        "step:A": step("A", "Succeeded", "succeeded", 1),
        "job:training-job:x": step("x", "Completed", "succeeded", 3, kind="training-job"),
    }
    summary = ch.from_entries(inline)
    assert ch.counts(summary, ch.STEPS)["class"] == {"failed": 1, "succeeded": 1}
    assert [line["name"] for line in ch.shown(summary, ch.STEPS)] == ["A", "B"]
    assert [line["name"] for line in ch.shown(summary, ch.JOBS)] == ["x"]
