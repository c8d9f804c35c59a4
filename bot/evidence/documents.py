"""Which documents a model package points at, and what people call them.

``ModelMetrics`` (and ``DriftCheckBaselines``) map a group (``ModelQuality``, ``Bias``…) to
reports (``Statistics``, ``Report``…), each ``{"ContentType": …, "S3Uri": "s3://…"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MAX_DOCUMENTS = 12  # ModelMetrics has 8 report slots; what AWS adds later still fits

GROUPS = {
    "ModelQuality": "Model quality",
    "ModelDataQuality": "Data quality",
    "Bias": "Bias",
    "Explainability": "Explainability",
}

REPORTS = {
    "Statistics": "statistics",
    "Constraints": "constraints",
    "Report": "report",
    "PreTrainingReport": "pre-training report",
    "PostTrainingReport": "post-training report",
    "ConfigFile": "config file",
    "PreTrainingConstraints": "pre-training constraints",
    "PostTrainingConstraints": "post-training constraints",
}


def label(group: str, report: str) -> str:
    """``("ModelQuality", "Statistics")`` → ``Model quality statistics``; keys AWS may add
    later get a label from their name."""
    return f"{GROUPS.get(group, _words(group))} {REPORTS.get(report, _words(report).lower())}"


def documents_of(metrics: Any) -> list[tuple[str, str]]:
    """The documents of a ``ModelMetrics`` (or ``DriftCheckBaselines``) value, as ``(label,
    S3 URI)``, in the order the package lists them; entries without a URI are skipped."""
    found: list[tuple[str, str]] = []
    if not isinstance(metrics, Mapping):
        return found
    for group, reports in metrics.items():
        if not isinstance(reports, Mapping):
            continue
        for report, source in reports.items():
            uri = source.get("S3Uri") if isinstance(source, Mapping) else None
            if isinstance(uri, str) and uri:
                found.append((label(str(group), str(report)), uri))
    return found[:MAX_DOCUMENTS]


def _words(name: str) -> str:
    """``PreTrainingReport`` → ``Pre Training Report``."""
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(name))
