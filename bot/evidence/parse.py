"""A metrics document's JSON as metrics.

The content of a ``ModelMetrics`` document is not fixed by the API. The shapes read here are
the ones SageMaker and its users write (README, "Approvals"):

- evaluation reports (pipelines, Model Monitor model quality statistics): a problem-type key,
  then metric → ``{"value": n}`` with an optional ``standard_deviation`` (or ``std``), e.g.
  ``{"binary_classification_metrics": {"auc": {"value": 0.92, "standard_deviation": 0.004}}}``;
  ``regression_metrics``, ``multiclass_classification_metrics`` and any other ``*_metrics``;
  several of them in one document; a confusion matrix or a curve (no ``value``) is skipped;
- ``{"metrics": {…}}`` and flat documents, ``{"rmse": 2.1, "mae": 1.4}``;
- Clarify bias reports (``pre_training_bias_metrics`` / ``post_training_bias_metrics``: each
  facet's metrics), Clarify explainability reports (``explanations``: the global SHAP values,
  largest first);
- Model Monitor constraints (``*_constraints``: each metric's threshold) and data quality
  statistics and constraints (the dataset's size, its features, their missing values).

A document that is valid JSON but none of these gives no metrics: its link is shown alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from bot.evidence.model import MAX_NAME, Kind, Metric, is_number

MAX_METRICS = 24  # kept of one document: a card shows about 8 of all of a package's
MAX_ATTRIBUTIONS = 8  # features per label of an explainability report
CLARIFY_BIAS = ("pre_training_bias_metrics", "post_training_bias_metrics")
ENVELOPE = frozenset({"version"})  # a report's layout version, not a metric


class DocumentFormatError(ValueError):
    """The document is not something metrics can be read from; ``str()`` says why, briefly."""


def parse_document(data: bytes) -> tuple[Metric, ...]:
    """The metrics of a document's bytes (UTF-8 JSON), at most ``MAX_METRICS``, in the
    document's order (a report's sections first)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise DocumentFormatError("not JSON") from exc
    if not isinstance(value, dict):
        raise DocumentFormatError("not a JSON object")
    return metrics_of(value)


def metrics_of(document: Mapping[str, Any]) -> tuple[Metric, ...]:
    """The metrics of a parsed document (see the module's shapes)."""
    found = [
        *_clarify_bias(document),
        *_explanations(document),
        *_constraints(document),
        *_reports(document),
    ]
    if not found:
        found = list(_flat(document))
    found.extend(_dataset(document))
    seen: set[str] = set()
    unique = []
    for metric in found:
        if metric.name not in seen:
            seen.add(metric.name)
            unique.append(metric)
    return tuple(unique[:MAX_METRICS])


def _metric(name: str, value: Any, kind: Kind = Kind.METRIC) -> Metric | None:
    """``name: 0.9`` or ``name: {"value": 0.9, "standard_deviation": 0.01}``; None for
    anything else (a matrix, a curve, text, NaN)."""
    if is_number(value):
        return Metric(name[:MAX_NAME], float(value), None, kind)
    if not isinstance(value, Mapping) or not is_number(value.get("value")):
        return None
    spread = value.get("standard_deviation", value.get("std"))
    return Metric(
        name[:MAX_NAME],
        float(value["value"]),
        float(spread) if is_number(spread) else None,
        kind,
    )


def _reports(document: Mapping[str, Any]) -> Iterator[Metric]:
    for key, section in document.items():
        if not isinstance(section, Mapping) or key in CLARIFY_BIAS:
            continue
        if key.endswith("_metrics") or key == "metrics":
            for name, value in section.items():
                metric = _metric(str(name), value)
                if metric is not None:
                    yield metric


def _flat(document: Mapping[str, Any]) -> Iterator[Metric]:
    for name, value in document.items():
        if name not in ENVELOPE:
            metric = _metric(str(name), value)
            if metric is not None:
                yield metric


def _clarify_bias(document: Mapping[str, Any]) -> Iterator[Metric]:
    """``{"post_training_bias_metrics": {"facets": {"Gender": [{"value_or_threshold": "0",
    "metrics": [{"name": "DPPL", "value": 0.05}, …]}]}}}``: each facet's metrics."""
    for section in CLARIFY_BIAS:
        facets = _get(document, section, "facets")
        if not isinstance(facets, Mapping):
            continue
        for facet, groups in facets.items():
            for group in groups if isinstance(groups, list) else []:
                if not isinstance(group, Mapping):
                    continue
                value = group.get("value_or_threshold")
                where = f"{facet}={value}" if value is not None else str(facet)
                for entry in _list(group.get("metrics")):
                    if isinstance(entry, Mapping) and isinstance(entry.get("name"), str):
                        metric = _metric(
                            f"{entry['name']} ({where})", entry.get("value"), Kind.BIAS
                        )
                        if metric is not None:
                            yield metric


def _explanations(document: Mapping[str, Any]) -> Iterator[Metric]:
    """``{"explanations": {"kernel_shap": {"label0": {"global_shap_values": {"age": 0.2}}}}}``:
    the features with the largest global SHAP values, per label."""
    explanations = document.get("explanations")
    if not isinstance(explanations, Mapping):
        return
    for method in explanations.values():
        if not isinstance(method, Mapping):
            continue
        labels = [(k, v) for k, v in method.items() if isinstance(v, Mapping)]
        for label, result in labels:
            values = result.get("global_shap_values")
            if not isinstance(values, Mapping):
                continue
            numbers = [(str(k), float(v)) for k, v in values.items() if is_number(v)]
            numbers.sort(key=lambda item: -abs(item[1]))
            suffix = f" ({label})" if len(labels) > 1 else ""
            for feature, value in numbers[:MAX_ATTRIBUTIONS]:
                yield Metric(f"SHAP {feature}{suffix}"[:MAX_NAME], value, None, Kind.ATTRIBUTION)


def _constraints(document: Mapping[str, Any]) -> Iterator[Metric]:
    """``{"binary_classification_constraints": {"recall": {"threshold": 0.7, …}}}``."""
    for key, section in document.items():
        if not key.endswith("_constraints") or not isinstance(section, Mapping):
            continue
        for name, constraint in section.items():
            threshold = constraint.get("threshold") if isinstance(constraint, Mapping) else None
            if is_number(threshold):
                yield Metric(f"{name} threshold"[:MAX_NAME], float(threshold), None, Kind.THRESHOLD)


def _dataset(document: Mapping[str, Any]) -> Iterator[Metric]:
    """Model Monitor data quality statistics and constraints: the dataset's size, how many
    features, how many values are missing."""
    items = _get(document, "dataset", "item_count")
    if is_number(items):
        yield Metric("items", float(items), None, Kind.COUNT)
    features = [f for f in _list(document.get("features")) if isinstance(f, Mapping)]
    if not features or not all(isinstance(f.get("name"), str) for f in features):
        return
    yield Metric("features", float(len(features)), None, Kind.COUNT)
    missing = [
        _get(f, stats, "common", "num_missing")
        for f in features
        for stats in ("numerical_statistics", "string_statistics")
    ]
    counted = [m for m in missing if is_number(m)]
    if counted:
        yield Metric("missing values", float(sum(counted)), None, Kind.COUNT)


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
