"""The values of the evidence, JSON-safe both ways.

A :class:`VersionMetrics` is what was read of one package version's documents: the store keeps
it per package ARN (a version's metrics never change, so a document read is never read again).
An :class:`Evidence` is what a card and the approval modal show: a few key values of the package
beside the approved version's, and each document's link or why its metrics are unavailable; a
thread's state keeps it, so a card is re-rendered without reading anything.

``from_json`` never raises: a stored value that does not fit (an older layout, a hand edit)
reads as nothing, and the evidence is then gathered again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeGuard

MAX_NAME = 80  # characters of a metric's name kept
MAX_URI = 1100  # an S3 URI: "s3://", a bucket (63) and a key (1,024 bytes)
MAX_PROBLEM = 120


class Kind(StrEnum):
    """What a number is, which decides whether a change can be called better or worse."""

    METRIC = "metric"  # a model quality measure: auc, rmse…
    BIAS = "bias"  # a Clarify bias metric of one facet
    ATTRIBUTION = "attribution"  # a feature's global SHAP value
    THRESHOLD = "threshold"  # a Model Monitor constraint's threshold
    COUNT = "count"  # a dataset's size, a number of features


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    value: float
    spread: float | None = None  # the standard deviation, when the document gives one
    kind: Kind = Kind.METRIC

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "value": self.value}
        if self.spread is not None:
            out["spread"] = self.spread
        if self.kind is not Kind.METRIC:
            out["kind"] = self.kind.value
        return out

    @classmethod
    def from_json(cls, value: Any) -> Metric | None:
        if not isinstance(value, dict):
            return None
        name, number, spread = value.get("name"), value.get("value"), value.get("spread")
        kind = value.get("kind", Kind.METRIC.value)
        if not isinstance(name, str) or not is_number(number) or kind not in set(Kind):
            return None
        return cls(
            name[:MAX_NAME],
            float(number),
            float(spread) if is_number(spread) else None,
            Kind(kind),
        )


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a package's ``ModelMetrics``: its metrics, or why there are none."""

    label: str  # "Model quality statistics"
    uri: str
    metrics: tuple[Metric, ...] = ()
    problem: str | None = None  # why its metrics are unavailable ("access denied", "not JSON")
    # The outcome is the document's own (read, or its content is unusable: not JSON, too
    # large): it holds for good. False (access, a timeout, the bot's settings): read it again.
    lasting: bool = True

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label": self.label, "uri": self.uri}
        if self.metrics:
            out["metrics"] = [m.to_json() for m in self.metrics]
        if self.problem is not None:
            out["problem"] = self.problem
        if not self.lasting:
            out["lasting"] = False
        return out

    @classmethod
    def from_json(cls, value: Any) -> Document | None:
        if not isinstance(value, dict):
            return None
        label, uri, problem = value.get("label"), value.get("uri"), value.get("problem")
        if not isinstance(label, str) or not isinstance(uri, str):
            return None
        metrics = value.get("metrics")
        found = [Metric.from_json(m) for m in metrics] if isinstance(metrics, list) else []
        return cls(
            label,
            uri[:MAX_URI],
            tuple(m for m in found if m is not None),
            problem[:MAX_PROBLEM] if isinstance(problem, str) else None,
            value.get("lasting", True) is not False,
        )


@dataclass(frozen=True, slots=True)
class VersionMetrics:
    """What was read of one package version's documents (the store's record, per ARN)."""

    arn: str
    version: int | None
    documents: tuple[Document, ...] = ()

    @property
    def complete(self) -> bool:
        """Nothing to read again: every document's outcome is its own."""
        return all(d.lasting for d in self.documents)

    def to_json(self) -> dict[str, Any]:
        return {
            "arn": self.arn,
            "version": self.version,
            "documents": [d.to_json() for d in self.documents],
        }

    @classmethod
    def from_json(cls, value: Any) -> VersionMetrics | None:
        if not isinstance(value, dict) or not isinstance(value.get("arn"), str):
            return None
        version = value.get("version")
        documents = value.get("documents")
        found = [Document.from_json(d) for d in documents] if isinstance(documents, list) else []
        return cls(
            value["arn"],
            version if isinstance(version, int) and not isinstance(version, bool) else None,
            tuple(d for d in found if d is not None),
        )


@dataclass(frozen=True, slots=True)
class KeyValue:
    """A value a card shows, with the approved version's value of the same metric in the same
    kind of document (None: the approved version has none, or there is no approved version)."""

    document: str  # the label of the document it comes from
    metric: Metric
    baseline: float | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"document": self.document, **self.metric.to_json()}
        if self.baseline is not None:
            out["baseline"] = self.baseline
        return out

    @classmethod
    def from_json(cls, value: Any) -> KeyValue | None:
        metric = Metric.from_json(value)
        if metric is None or not isinstance(value.get("document"), str):
            return None
        baseline = value.get("baseline")
        return cls(value["document"], metric, float(baseline) if is_number(baseline) else None)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a package's card and its approval modal show."""

    values: tuple[KeyValue, ...] = ()
    # The package's documents, without their metrics: the link, or why they are unavailable.
    documents: tuple[Document, ...] = ()
    group: str | None = None
    baseline_version: int | None = None  # the approved version compared with
    # Why nothing is compared: no approved version yet, this is it, or it could not be found.
    baseline_note: str | None = None
    # The approved version's documents whose metrics are unavailable (their problem).
    baseline_problems: tuple[Document, ...] = ()
    complete: bool = True  # nothing would be read again

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "values": [v.to_json() for v in self.values],
            "documents": [_without_metrics(d).to_json() for d in self.documents],
            "complete": self.complete,
        }
        for key, value in (
            ("group", self.group),
            ("baseline_version", self.baseline_version),
            ("baseline_note", self.baseline_note),
        ):
            if value is not None:
                out[key] = value
        if self.baseline_problems:
            out["baseline_problems"] = [
                _without_metrics(d).to_json() for d in self.baseline_problems
            ]
        return out

    @classmethod
    def from_json(cls, value: Any) -> Evidence | None:
        if not isinstance(value, dict):
            return None
        values = [KeyValue.from_json(v) for v in _list(value.get("values"))]
        documents = [Document.from_json(d) for d in _list(value.get("documents"))]
        problems = [Document.from_json(d) for d in _list(value.get("baseline_problems"))]
        group, version, note = (
            value.get("group"),
            value.get("baseline_version"),
            value.get("baseline_note"),
        )
        return cls(
            tuple(v for v in values if v is not None),
            tuple(d for d in documents if d is not None),
            group if isinstance(group, str) else None,
            version if isinstance(version, int) and not isinstance(version, bool) else None,
            note if isinstance(note, str) else None,
            tuple(d for d in problems if d is not None),
            value.get("complete") is True,
        )


def is_number(value: Any) -> TypeGuard[int | float]:
    """A finite int or float, not a bool (JSON's ``true`` is no metric)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        return False


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _without_metrics(document: Document) -> Document:
    return Document(document.label, document.uri, (), document.problem, document.lasting)
