import json
from pathlib import Path

import pytest

from bot.events.status import StatusClass, classify, normalize_status, status_rank

STATUSES = json.loads(
    (Path(__file__).resolve().parents[1] / "reference" / "sagemaker-statuses.json").read_text()
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("InService", "InService"),
        ("IN_SERVICE", "InService"),
        ("in_service", "InService"),
        ("CREATE_FAILED", "CreateFailed"),
        ("CREATED", "Created"),
        ("UPDATING", "Updating"),
        ("PendingManualApproval", "PendingManualApproval"),
        ("SOME_NEW_STATE", "SomeNewState"),
        ("another status... GO", "another status... GO"),
        ("", None),
        (None, None),
    ],
)
def test_normalize(raw: str | None, expected: str | None) -> None:
    assert normalize_status(raw) == expected


def test_every_documented_status_is_classified() -> None:
    # GIVEN every status enum of the SageMaker service model
    unknown = [
        (shape, status)
        for shape, values in STATUSES["requested"].items()
        for status in values
        if shape not in ("SecondaryStatus",)
        and classify(normalize_status(status)) is StatusClass.UNKNOWN
    ]
    # THEN none of them falls through to "unknown"
    assert unknown == []


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        ("Completed", "training", StatusClass.SUCCEEDED),
        ("Failed", "training", StatusClass.FAILED),
        ("Stopped", "training", StatusClass.STOPPED),
        ("InProgress", "training", StatusClass.IN_PROGRESS),
        ("PendingManualApproval", "model-package", StatusClass.WAITING),
        ("Rejected", "model-package", StatusClass.STOPPED),
        ("Deleting", "endpoint", StatusClass.DELETED),
        ("CompletedWithFailures", "pipeline", StatusClass.FAILED),
        # An endpoint rolling back (or failing to) still serves its old config: a warning.
        ("UpdateRollbackFailed", "endpoint", StatusClass.WARNING),
        ("RollingBack", "endpoint", StatusClass.WARNING),
        ("RollingBack", "deployment", StatusClass.WARNING),
        ("UpdateRollbackFailed", None, StatusClass.FAILED),
        ("Failed", "endpoint", StatusClass.FAILED),
        ("CompletedWithViolations", "processing", StatusClass.WARNING),
        ("MaxRuntimeExceeded", "training", StatusClass.WARNING),
        ("Active", "feature-group", StatusClass.SUCCEEDED),
        ("PendingReview", "model-card", StatusClass.WAITING),
        ("Nonsense", "training", StatusClass.UNKNOWN),
        (None, "training", StatusClass.UNKNOWN),
    ],
)
def test_classify(status: str | None, kind: str | None, expected: StatusClass) -> None:
    assert classify(status, kind) is expected


def test_rank_puts_a_failure_first_then_a_terminal_state() -> None:
    # Only for states with the same times: a failure wins, then a terminal state.
    assert status_rank("Failed") > status_rank("InService") > status_rank("Updating")
    assert status_rank("Failed") > status_rank("Completed") > status_rank("InProgress")
    assert status_rank("Stopping") < status_rank("Stopped")
    # Within a class, arrival order decides (equal ranks).
    assert status_rank("Starting") == status_rank("InProgress") == status_rank("Creating")
