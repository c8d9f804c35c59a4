"""Status normalisation and classification.

SageMaker spells one status several ways (``InService`` in the API, ``IN_SERVICE`` in some
events, ``CREATED`` for images). Everything is normalised to the API's CamelCase spelling and
then classified into the handful of outcomes a person cares about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

# Canonical spellings from botocore's SageMaker service model (shapes.*.enum), merged.
KNOWN_STATUSES = (
    "InProgress",
    "Completed",
    "Failed",
    "Stopping",
    "Stopped",
    "Deleting",
    "DeleteFailed",
    "Starting",
    "LaunchingMLInstances",
    "PreparingTrainingStack",
    "Downloading",
    "DownloadingTrainingImage",
    "Training",
    "Uploading",
    "MaxRuntimeExceeded",
    "Interrupted",
    "MaxWaitTimeExceeded",
    "Updating",
    "Restarting",
    "Pending",
    "OutOfService",
    "Creating",
    "SystemUpdating",
    "RollingBack",
    "InService",
    "UpdateRollbackFailed",
    "Approved",
    "Rejected",
    "PendingManualApproval",
    "Executing",
    "Succeeded",
    "CompletedWithFailures",
    "Created",
    "CreateFailed",
    "Active",
    "Blocked",
    "Disabled",
    "UpdateFailed",
    "Draft",
    "PendingReview",
    "Archived",
    "ActivatingTraffic",
    "Baking",
    "PendingMaintenance",
    "InMaintenance",
    "Scheduled",
    "Paused",
    "Ready",
    "Inactive",
    "Deleted",
    "Running",
    "Rollingback",
    "SystemFailed",
    "CompletedWithViolations",
    "NotStarted",  # an algorithm's or a model package's check not begun yet
    "Initializing",  # a labeling job
    "Healthy",  # a HyperPod node
    "Unhealthy",
    "Error",  # a HyperPod cluster event's level
    "Warning",
    "Info",
)
# The first spelling of a key wins: ``RollingBack`` (endpoints) over ``Rollingback``.
_BY_KEY: dict[str, str] = {}
for _status in KNOWN_STATUSES:
    _BY_KEY.setdefault(_status.replace("_", "").lower(), _status)
_WORDS = re.compile(r"[A-Za-z0-9]+")


def normalize_status(raw: object) -> str | None:
    """Return the CamelCase spelling of a status; unknown words are CamelCased, not dropped."""
    if raw is None:
        return None
    return _normalize(str(raw))


@lru_cache(maxsize=4096)  # a few dozen statuses, seen in every event
def _normalize(raw: str) -> str | None:
    text = raw.strip()
    if not text:
        return None
    key = re.sub(r"[\s_\-]", "", text).lower()
    if key in _BY_KEY:
        return _BY_KEY[key]
    if "_" in text or text.isupper():
        return "".join(w.capitalize() for w in _WORDS.findall(text)) or text
    return text


class StatusClass(StrEnum):
    """What a status means to a person, whatever the resource."""

    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    WARNING = "warning"  # needs attention: a timeout, constraint violations, a rollback
    STOPPED = "stopped"
    WAITING = "waiting_for_approval"
    DELETED = "deleted"
    UNKNOWN = "unknown"


# The classes a person must not miss: broadcast to the channel, and never lost to a
# subscription's `failed` filter.
ALERTS = frozenset({StatusClass.FAILED, StatusClass.WARNING})


@dataclass(frozen=True, slots=True)
class StatusStyle:
    emoji: str
    colour: str
    label: str


STYLES: dict[StatusClass, StatusStyle] = {
    StatusClass.IN_PROGRESS: StatusStyle(":hourglass_flowing_sand:", "#2684FF", "In progress"),
    StatusClass.SUCCEEDED: StatusStyle(":white_check_mark:", "#2EB67D", "Succeeded"),
    StatusClass.FAILED: StatusStyle(":x:", "#E01E5A", "Failed"),
    StatusClass.WARNING: StatusStyle(":warning:", "#E8912D", "Warning"),
    StatusClass.STOPPED: StatusStyle(":octagonal_sign:", "#9E9E9E", "Stopped"),
    StatusClass.WAITING: StatusStyle(":raised_hand:", "#ECB22E", "Waiting for approval"),
    StatusClass.DELETED: StatusStyle(":wastebasket:", "#616061", "Deleted"),
    StatusClass.UNKNOWN: StatusStyle(":grey_question:", "#BDBDBD", "Unknown"),
}
# A warning that is a timeout (a job stopped at its maximum runtime) shows a stopwatch.
TIMEOUT_STYLE = StatusStyle(":stopwatch:", STYLES[StatusClass.WARNING].colour, "Timed out")

_IN_PROGRESS = {
    "InProgress", "Starting", "Executing", "Stopping", "Creating", "Updating", "SystemUpdating",
    "RollingBack", "Rollingback", "Pending", "LaunchingMLInstances", "PreparingTrainingStack",
    "Downloading", "DownloadingTrainingImage", "Training", "Uploading", "Restarting",
    "ActivatingTraffic", "Baking", "Draft", "Running", "Scheduled", "PendingMaintenance",
    "InMaintenance", "NotStarted", "Initializing",
}  # fmt: skip
_SUCCEEDED = {
    "Completed", "Succeeded", "InService", "Created", "Active", "Approved", "Ready", "Healthy",
}  # fmt: skip
_FAILED = {
    "Failed", "CompletedWithFailures", "CreateFailed", "DeleteFailed", "UpdateFailed",
    "UpdateRollbackFailed", "MaxWaitTimeExceeded", "Interrupted",
    "OutOfService", "SystemFailed", "Blocked", "Unhealthy", "Error",
}  # fmt: skip
_WARNING = {"CompletedWithViolations", "MaxRuntimeExceeded", "Warning"}
_STOPPED = {"Stopped", "Archived", "Disabled", "Inactive", "Paused", "Rejected"}
_DELETED = {"Deleting", "Deleted"}
_WAITING = {"PendingManualApproval", "PendingReview"}

# Statuses whose meaning depends on the resource kind.
_KIND_OVERRIDES: dict[tuple[str, str], StatusClass] = {
    # A deleted model is the end of a model's life, not a failure.
    ("model", "Deleting"): StatusClass.DELETED,
    # An endpoint rolling back (or failing to) still serves the old config: it needs attention.
    ("endpoint", "RollingBack"): StatusClass.WARNING,
    ("endpoint", "UpdateRollbackFailed"): StatusClass.WARNING,
    ("deployment", "RollingBack"): StatusClass.WARNING,
    ("deployment", "UpdateRollbackFailed"): StatusClass.WARNING,
    # A HyperPod cluster rolling back an update that failed needs attention too.
    ("hyperpod", "RollingBack"): StatusClass.WARNING,
    # A cluster event of level Info: the cluster at work, nothing to act on.
    ("hyperpod", "Info"): StatusClass.IN_PROGRESS,
}


# Severity levels (a HyperPod cluster event's ``EventLevel``, any detail's ``Level`` or
# ``Severity``) as the status word a card shows; ``classify`` gives their class. HyperPod's
# documentation spells the middle level ``Warn``; some samples say ``Warning``.
_LEVELS = {
    "info": "Info",
    "informational": "Info",
    "notice": "Info",
    "warn": "Warning",
    "warning": "Warning",
    "error": "Error",
    "critical": "Error",
    "fatal": "Error",
    "severe": "Error",
    "emergency": "Error",
    "alert": "Error",
}


def level_status(raw: object) -> str | None:
    """The status word of a severity level (``Info``, ``Warning``, ``Error``); ``None`` for
    anything that is not a level."""
    if not isinstance(raw, str):
        return None
    return _LEVELS.get(raw.strip().lower())


def classify(status: str | None, kind: str | None = None) -> StatusClass:
    """Classify a normalised status, with per-kind overrides where a word means something else."""
    if status is None:
        return StatusClass.UNKNOWN
    if kind and (kind, status) in _KIND_OVERRIDES:
        return _KIND_OVERRIDES[(kind, status)]
    for members, cls in (
        (_WAITING, StatusClass.WAITING),
        (_FAILED, StatusClass.FAILED),
        (_WARNING, StatusClass.WARNING),
        (_DELETED, StatusClass.DELETED),
        (_STOPPED, StatusClass.STOPPED),
        (_SUCCEEDED, StatusClass.SUCCEEDED),
        (_IN_PROGRESS, StatusClass.IN_PROGRESS),
    ):
        if status in members:
            return cls
    return _by_ending(status)


# Words SageMaker adds with new resources (a tracking server's "StartFailed", "Updated",
# "MaintenanceComplete", a human task's "Expired") read by how they end, so a new word is not
# a ❔ when its ending says how it went.
_ENDINGS: tuple[tuple[tuple[str, ...], StatusClass], ...] = (
    (("Failed", "Failure", "Error", "Unhealthy", "Unavailable"), StatusClass.FAILED),
    # Ran out of time, like a job at its maximum runtime.
    (("Expired", "TimedOut", "Timeout", "Warning"), StatusClass.WARNING),
    (("Deleted",), StatusClass.DELETED),
    (("Stopped", "Cancelled", "Canceled"), StatusClass.STOPPED),
    (
        (
            "Complete",
            "Completed",
            "Created",
            "Updated",
            "Started",
            "Succeeded",
            "Finished",
            "Submitted",
            "Available",
            "Healthy",
        ),
        StatusClass.SUCCEEDED,
    ),
    # A task a worker accepted, returned or declined is still open.
    (("InProgress", "ing", "Accepted", "Returned", "Declined"), StatusClass.IN_PROGRESS),
)


def _by_ending(status: str) -> StatusClass:
    if status.startswith(("Not", "Un")) and not status.endswith(("Unhealthy", "Unavailable")):
        return StatusClass.UNKNOWN  # "NotStarted", "Uncompleted": the ending says the opposite
    for endings, cls in _ENDINGS:
        if status.endswith(endings):
            return cls
    return StatusClass.UNKNOWN


# Which of two states with the same event time and LastModifiedTime the parent shows: a failure
# or a warning wins (an alert is never hidden behind an older-looking success), then a terminal
# state over one still in progress; equal ranks go by arrival order (the store lets the later
# one win).
_RANK = {
    StatusClass.UNKNOWN: 0,
    StatusClass.IN_PROGRESS: 0,
    StatusClass.WAITING: 0,
    StatusClass.SUCCEEDED: 1,
    StatusClass.STOPPED: 1,
    StatusClass.DELETED: 1,
    StatusClass.FAILED: 2,
    StatusClass.WARNING: 2,
}


def status_rank(status: str | None, kind: str | None = None) -> int:
    """How a state ranks against another of the same time: failure, terminal, the rest."""
    return class_rank(classify(status, kind))


def class_rank(status_class: StatusClass) -> int:
    """How a status class ranks against another of the same time (see ``status_rank``)."""
    return _RANK[status_class]
