"""What an event's state means to a person, read from the whole detail, not only its status.

``classify`` reads a status word. Some states need the rest of the event: a training job
*Stopped* by its ``MaxRuntimeExceeded`` secondary status ran out of time, a Model Monitor
processing job *Completed* with the exit message ``CompletedWithViolations`` found problems, an
endpoint deployment whose variants are *RollingBack* did not go through. This module is the one
place that decides; ``parse_event`` stores its answer on the event, and delivery (broadcast,
routing, expiry) and rendering (emoji, Inspect button) follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.events.identity import ResourceKind
from bot.events.models import Detail
from bot.events.status import StatusClass, classify

K = ResourceKind


class Attention(StrEnum):
    """Why a state is a warning, for what its message shows."""

    TIMEOUT = "timeout"  # a job stopped at its maximum runtime
    VIOLATIONS = "violations"  # a monitoring job completed with constraint violations
    ROLLBACK = "rollback"  # an endpoint deployment rolling back, or failing to


@dataclass(frozen=True, slots=True)
class Severity:
    status_class: StatusClass
    attention: Attention | None = None


# Jobs with a maximum runtime (a StoppingCondition or, for tuning, ResourceLimits).
TIMED_KINDS = frozenset({K.TRAINING, K.PROCESSING, K.TUNING})
ENDPOINT_KINDS = frozenset({K.ENDPOINT, K.DEPLOYMENT})
# How a job that is not a training job says it hit its maximum runtime (FailureReason,
# ExitMessage): the secondary status's word, or the stopping condition's words.
_TIMEOUT_TEXT = re.compile(
    r"MaxRuntimeExceeded|MaxRuntimeInSeconds|max(imum)?[ _-]?run[ _-]?time", re.IGNORECASE
)
_VIOLATIONS_TEXT = re.compile(r"Completed\s*With\s*Violations", re.IGNORECASE)
_ROLLING_BACK = {"RollingBack", "UpdateRollbackFailed"}
# Kinds for which Stopped is a resting state someone chose (a notebook stopped for the night),
# not a run cut short: a notebook's events keep the FailureReason of an earlier failed start.
RESTING_WHEN_STOPPED = frozenset({K.NOTEBOOK})
# States in which a FailureReason is left over from an earlier failure, not news.
_HEALTHY = {
    StatusClass.SUCCEEDED,
    StatusClass.IN_PROGRESS,
    StatusClass.WAITING,
    StatusClass.DELETED,
}


def assess(detail: Detail, status: str | None, kind: ResourceKind) -> Severity:
    """The status class of an event (and why, for a warning) from its detail."""
    base = classify(status, kind)
    if kind in TIMED_KINDS and timed_out(detail, status):
        return Severity(StatusClass.WARNING, Attention.TIMEOUT)
    if kind is K.PROCESSING and completed_with_violations(detail, status):
        return Severity(StatusClass.WARNING, Attention.VIOLATIONS)
    if kind in ENDPOINT_KINDS and rolling_back(detail, base):
        return Severity(StatusClass.WARNING, Attention.ROLLBACK)
    if status == "MaxRuntimeExceeded":
        return Severity(StatusClass.WARNING, Attention.TIMEOUT)
    if base is StatusClass.UNKNOWN:
        # No status word: an unknown type's level (Error, Warn) or error message may say.
        return Severity(detail.implied_class or base)
    return Severity(base)


def timed_out(detail: Detail, status: str | None) -> bool:
    """A job that ended because it reached its maximum runtime (not one still stopping)."""
    if status == "MaxRuntimeExceeded":
        return True
    if status != "Stopped":
        return False
    if detail.field("SecondaryStatus") == "MaxRuntimeExceeded":
        return True
    return any(
        isinstance(text, str) and _TIMEOUT_TEXT.search(text)
        for text in (detail.failure_reason, detail.field("ExitMessage"))
    )


def completed_with_violations(detail: Detail, status: str | None) -> bool:
    """A (Model Monitor) processing job that completed and found constraint violations."""
    if status == "CompletedWithViolations":
        return True
    message = detail.field("ExitMessage")
    return (
        status == "Completed"
        and isinstance(message, str)
        and bool(_VIOLATIONS_TEXT.search(message))
    )


def rolling_back(detail: Detail, base: StatusClass) -> bool:
    """An endpoint (RollingBack, UpdateRollbackFailed) or a deployment whose variants roll back.
    A Failed endpoint stays a failure."""
    if base is StatusClass.FAILED:
        return False
    return base is StatusClass.WARNING or _variants_rolling_back(detail)


def shows_failure_reason(status_class: StatusClass, kind: ResourceKind | None = None) -> bool:
    """Whether an event's FailureReason is news: not on a healthy resource (an InService
    endpoint, a Completed job, a notebook someone stopped), where it is left over from an
    earlier failure."""
    if status_class is StatusClass.STOPPED and kind in RESTING_WHEN_STOPPED:
        return False
    return status_class not in _HEALTHY


def _variants_rolling_back(detail: Detail) -> bool:
    """Whether the newest status of any production variant (current or pending) rolls back."""
    pending = detail.field("PendingDeploymentSummary")
    groups = [detail.field("ProductionVariants"), getattr(pending, "ProductionVariants", None)]
    for group in groups:
        for variant in group if isinstance(group, list) else []:
            statuses: Any = getattr(variant, "VariantStatus", None)
            if isinstance(statuses, list) and statuses:
                latest = getattr(statuses[-1], "Status", None)
                if latest in _ROLLING_BACK:
                    return True
    return False
