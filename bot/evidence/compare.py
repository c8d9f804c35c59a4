"""A package's key values beside the approved version's: which few values a card shows, which
direction is better for each, and what changed.

Higher is better for auc, accuracy, precision, recall, f1 (and its weighted and macro
variants), r2; lower for mse, rmse, mae, mape, losses and error rates. Anything else gets the
change without a verdict, as do bias metrics, SHAP values, thresholds and counts.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import NamedTuple

from bot.evidence.model import Document, Evidence, KeyValue, Kind, Metric, VersionMetrics

MAX_VALUES = 8  # a card shows about this many values, taken in turn from each document

_HIGHER = frozenset(
    {"auc", "accuracy", "precision", "recall", "f1", "r2", "prc", "specificity", "sensitivity"}
)
_LOWER = frozenset(
    {"mse", "rmse", "mae", "mape", "smape", "msle", "rmsle", "loss", "logloss", "error", "errors"}
)
_HIGHER_PREFIXES = ("f0", "f1", "f2", "fbeta", "auc", "accuracy")  # f0_5, f1macro, auc_pr…
_LOWER_RATES = ("false_positive_rate", "false_negative_rate", "fpr", "fnr")
_HIGHER_RATES = ("true_positive_rate", "true_negative_rate", "tpr", "tnr")
# What approvers look at first, in this order; then the other metrics whose direction is known,
# then the rest, each in the document's order.
PRIORITY = (
    "auc",
    "roc_auc",
    "accuracy",
    "balanced_accuracy",
    "f1",
    "weighted_f1",
    "macro_f1",
    "precision",
    "recall",
    "r2",
    "r2_score",
    "rmse",
    "mse",
    "mae",
    "mape",
    "log_loss",
    "loss",
)
_TOKEN = re.compile(r"[a-z0-9]+")
SAME_TOLERANCE = 1e-9  # relative: a value read back from JSON is the same value


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    NONE = "none"  # no verdict


class Verdict(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


class Change(NamedTuple):
    delta: float
    verdict: Verdict | None  # None: the direction is not known


def direction(metric: Metric) -> Direction:
    """Which way is better for this metric (only a model quality measure has one)."""
    if metric.kind is not Kind.METRIC:
        return Direction.NONE
    name = metric.name.lower()
    if any(rate in name for rate in _LOWER_RATES):
        return Direction.LOWER
    if any(rate in name for rate in _HIGHER_RATES):
        return Direction.HIGHER
    tokens = _TOKEN.findall(name)
    # "log_loss", "mean_absolute_error": an error or a loss is lower-better whatever it measures.
    if any(t in _LOWER for t in tokens):
        return Direction.LOWER
    if any(t in _HIGHER or t.startswith(_HIGHER_PREFIXES) for t in tokens):
        return Direction.HIGHER
    return Direction.NONE


def change(value: float, baseline: float, way: Direction) -> Change:
    """The change from ``baseline`` to ``value``, called better or worse when ``way`` says."""
    delta = value - baseline
    if abs(delta) <= SAME_TOLERANCE * max(1.0, abs(value), abs(baseline)):
        return Change(0.0, Verdict.SAME)
    if way is Direction.NONE:
        return Change(delta, None)
    better = delta > 0 if way is Direction.HIGHER else delta < 0
    return Change(delta, Verdict.BETTER if better else Verdict.WORSE)


def ranked(metrics: tuple[Metric, ...]) -> list[Metric]:
    """A document's metrics, most telling first (see ``PRIORITY``); a baseline classifier's
    (Model Monitor's ``*_best_constant_classifier``) after the model's own."""

    def rank(item: tuple[int, Metric]) -> tuple[int, int, int]:
        position, metric = item
        name = metric.name.lower()
        if name in PRIORITY:
            return (0, PRIORITY.index(name), position)
        known = direction(metric) is not Direction.NONE and "best_constant" not in name
        return (1 if known else 2, 0, position)

    return [metric for _, metric in sorted(enumerate(metrics), key=rank)]


def key_values(
    package: VersionMetrics, baseline: VersionMetrics | None, limit: int = MAX_VALUES
) -> tuple[KeyValue, ...]:
    """Up to ``limit`` values, taken in turn from each document (most telling first), each
    with the approved version's value of the same metric in its document of the same kind."""
    queues = [(d, ranked(d.metrics)) for d in package.documents if d.metrics]
    base = (
        {d.label: {m.name: m.value for m in d.metrics} for d in baseline.documents}
        if (baseline is not None)
        else {}
    )
    chosen: list[KeyValue] = []
    depth = 0
    while len(chosen) < limit and any(depth < len(q) for _, q in queues):
        for document, queue in queues:
            if depth < len(queue) and len(chosen) < limit:
                metric = queue[depth]
                chosen.append(
                    KeyValue(document.label, metric, base.get(document.label, {}).get(metric.name))
                )
        depth += 1
    return tuple(chosen)


def without_baseline(package_arn: str, approved_arn: str | None, group: str) -> str | None:
    """Why the package is compared with no version, given its group's approved one (None:
    compare with ``approved_arn``)."""
    if not approved_arn:
        return f"no version of {group} is approved yet: nothing to compare with"
    if approved_arn == package_arn:
        return "this is the approved version"
    return None


def evidence_of(
    package: VersionMetrics,
    baseline: VersionMetrics | None,
    *,
    group: str | None,
    baseline_note: str | None = None,
    settled: bool = True,
) -> Evidence:
    """What a card shows of ``package``, compared with ``baseline`` (the approved version);
    without one, ``baseline_note`` says why. ``settled``: whether the approved version was
    found out for good (False: looking it up failed, so the evidence is gathered again)."""
    problems: tuple[Document, ...] = (
        tuple(d for d in baseline.documents if d.problem) if baseline is not None else ()
    )
    return Evidence(
        values=key_values(package, baseline),
        documents=package.documents,
        group=group,
        baseline_version=baseline.version if baseline is not None else None,
        baseline_note=baseline_note,
        baseline_problems=problems,
        complete=settled and package.complete and (baseline is None or baseline.complete),
    )
