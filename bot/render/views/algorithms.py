"""The view of an algorithm resource: its images, where it may run, and its checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.render.escape import code
from bot.render.formatting import as_list, code_list, dig, one_line, when
from bot.render.views.catalog import CheckLine

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_INSTANCE_TYPES = 4
MAX_IMAGES = 3
MAX_CHECKS = 10
_GROUPS = {"ValidationStatuses": "validation", "ImageScanStatuses": "image scan"}


def algorithm(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    training = d.TrainingSpecification
    inference = d.InferenceSpecification
    inference_images = [dig(c, "Image") for c in as_list(dig(inference, "Containers"))]
    distributed = dig(training, "SupportsDistributedTraining")
    checks = d.checks()
    facts = [
        (
            "Training image",
            code(dig(training, "TrainingImage")) if dig(training, "TrainingImage") else None,
        ),
        ("Inference images", code_list(inference_images, MAX_IMAGES)),
        (
            "Training instance types",
            code_list(dig(training, "SupportedTrainingInstanceTypes"), MAX_INSTANCE_TYPES),
        ),
        (
            "Inference instance types",
            code_list(
                dig(inference, "SupportedRealtimeInferenceInstanceTypes"), MAX_INSTANCE_TYPES
            ),
        ),
        (
            "Distributed training",
            ("Supported" if distributed else "Not supported")
            if isinstance(distributed, bool)
            else None,
        ),
        ("Validation", _validation(checks)),
        ("Marketplace", "Certified" if d.CertifyForMarketplace is True else None),
        ("Product", d.ProductId),
        ("Created", when(d.CreationTime)),
    ]
    return {
        "facts": facts,
        "summary": one_line(d.AlgorithmDescription, 300) if d.AlgorithmDescription else None,
        "checks": [_check(c, event.failure_reason) for c in checks[:MAX_CHECKS]],
        "more_checks": max(len(checks) - MAX_CHECKS, 0),
    }


def _validation(checks: list[dict[str, Any]]) -> str | None:
    """One word for the validation checks: the worst of their statuses."""
    statuses = {dig(c, "Status") for c in checks if c.get("group") == "ValidationStatuses"}
    for word in ("Failed", "InProgress", "NotStarted", "Completed"):
        if word in statuses:
            return word
    return None


def _check(c: dict[str, Any], shown: str | None) -> CheckLine:
    reason = dig(c, "FailureReason")
    if reason and shown and str(reason) in shown:
        reason = None  # already the card's failure reason
    name = dig(c, "Name") or "check"
    return CheckLine(
        f"{_GROUPS.get(str(c.get('group')), 'check')} {name}",
        dig(c, "Status") or "?",
        one_line(reason, 200) if reason else None,
    )
