"""Severity: the status class of an event from its whole detail (bot/events/severity.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent, parse_event
from bot.events.severity import Attention, shows_failure_reason
from bot.events.status import StatusClass
from tests.conftest import load_sample


def parsed(name: str, **detail: Any) -> SageMakerEvent:
    raw = copy.deepcopy(load_sample(name))
    raw["detail"].update(detail)
    return parse_event(raw)


def test_training_job_stopped_at_max_runtime_is_a_timeout_warning() -> None:
    event = parsed("training_job_state_change_max_runtime")
    assert (event.status, event.status_class) == ("Stopped", StatusClass.WARNING)
    assert event.attention is Attention.TIMEOUT
    assert event.style.emoji == ":stopwatch:"
    assert event.rank == 2  # ranks like a failure


def test_training_job_stopped_by_a_person_is_still_a_stop() -> None:
    event = parsed("training_job_state_change_max_runtime", SecondaryStatus="Stopped")
    assert event.status_class is StatusClass.STOPPED
    assert event.attention is None
    assert event.style.emoji == ":octagonal_sign:"


def test_a_job_still_stopping_at_max_runtime_is_not_yet_a_timeout() -> None:
    event = parsed("training_job_state_change_max_runtime", TrainingJobStatus="Stopping")
    assert event.status_class is StatusClass.IN_PROGRESS


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("FailureReason", "MaxRuntimeExceeded: Job exceeded the maximum runtime of 3600 seconds"),
        ("ExitMessage", "Processing job exceeded MaxRuntimeInSeconds"),
    ],
)
def test_processing_job_stopped_at_max_runtime_is_a_timeout(field: str, text: str) -> None:
    stopped = parsed("processing_job_state_change_failed", ProcessingJobStatus="Stopped")
    assert stopped.status_class is StatusClass.STOPPED  # its reason says nothing of time
    detail: dict[str, Any] = {"ProcessingJobStatus": "Stopped", "FailureReason": None}
    detail[field] = text
    event = parsed("processing_job_state_change_failed", **detail)
    assert (event.status_class, event.attention) == (StatusClass.WARNING, Attention.TIMEOUT)


def test_tuning_job_stopped_at_max_runtime_is_a_timeout() -> None:
    event = parsed(
        "tuning_job_state_change",
        HyperParameterTuningJobStatus="Stopped",
        FailureReason="The tuning job reached its MaxRuntimeInSeconds.",
    )
    assert (event.status_class, event.attention) == (StatusClass.WARNING, Attention.TIMEOUT)


def test_a_failed_job_stays_a_failure_whatever_its_reason_says() -> None:
    event = parsed(
        "processing_job_state_change_failed",
        FailureReason="ClientError: MaxRuntimeInSeconds must be at most 432000",
    )
    assert event.status_class is StatusClass.FAILED


def test_monitoring_job_completed_with_violations_is_a_warning_never_a_success() -> None:
    event = parsed("processing_job_state_change_violations")
    assert (event.status_class, event.attention) == (StatusClass.WARNING, Attention.VIOLATIONS)
    assert event.style.emoji == ":warning:"
    plain = parsed("processing_job_state_change_violations", ExitMessage="Completed: Job completed")
    assert plain.status_class is StatusClass.SUCCEEDED


@pytest.mark.parametrize("status", ["RollingBack", "ROLLING_BACK", "UpdateRollbackFailed"])
def test_endpoint_rolling_back_is_a_warning(status: str) -> None:
    event = parsed("endpoint_state_change", EndpointStatus=status)
    assert (event.status_class, event.attention) == (StatusClass.WARNING, Attention.ROLLBACK)


def test_failed_endpoint_stays_a_failure() -> None:
    event = parsed("endpoint_state_change", EndpointStatus="Failed", FailureReason="boom")
    assert event.status_class is StatusClass.FAILED
    assert event.failure_reason == "boom"


def test_deployment_whose_variants_roll_back_is_a_warning() -> None:
    event = parsed("endpoint_deployment_state_change_rollback")
    assert event.status == "Updating"
    assert (event.status_class, event.attention) == (StatusClass.WARNING, Attention.ROLLBACK)
    baking = parsed("endpoint_deployment_state_change_canary")
    assert baking.status_class is StatusClass.IN_PROGRESS


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("endpoint_state_change", {"FailureReason": "Old: health check failed last week"}),
        ("training_job_state_change", {"FailureReason": "Old: from a warm pool's last run"}),
        (
            "processing_job_state_change_failed",
            {"ProcessingJobStatus": "Completed"},  # the sample carries a FailureReason
        ),
    ],
)
def test_a_failure_reason_left_on_a_healthy_resource_is_not_news(
    name: str, detail: dict[str, Any]
) -> None:
    event = parsed(name, **detail)
    assert event.status_class is StatusClass.SUCCEEDED
    assert event.detail.failure_reason  # still in the detail, for whoever digs
    assert event.failure_reason is None


@pytest.mark.parametrize(
    ("status_class", "kind", "shown"),
    [
        (StatusClass.STOPPED, ResourceKind.NOTEBOOK, False),  # stopped for the night
        (StatusClass.SUCCEEDED, ResourceKind.NOTEBOOK, False),  # InService again
        (StatusClass.FAILED, ResourceKind.NOTEBOOK, True),
        (StatusClass.STOPPED, ResourceKind.TRAINING, True),  # a job cut short may say why
        (StatusClass.STOPPED, None, True),
    ],
)
def test_a_failure_reason_is_news_unless_the_resource_is_healthy_or_resting(
    status_class: StatusClass, kind: ResourceKind | None, shown: bool
) -> None:
    assert shows_failure_reason(status_class, kind) is shown
