"""What any detail says about itself: identity, status, failure and level by their usual names."""

from typing import Any

import pytest

from bot.events.guess import guess, status_from_detail_type, subject_of
from bot.events.identity import ResourceKind
from bot.events.parse import parse_event
from bot.events.status import StatusClass, classify


@pytest.mark.parametrize(
    ("detail_type", "subject", "status"),
    [
        ("SageMaker Tracking Server Create Failed", "Tracking Server", "CreateFailed"),
        ("SageMaker Tracking Server Created", "Tracking Server", "Created"),
        ("SageMaker Tracking Server Stop Failed", "Tracking Server", "StopFailed"),
        (
            "SageMaker Tracking Server Maintenance In Progress",
            "Tracking Server",
            "MaintenanceInProgress",
        ),
        ("SageMaker Human Task Expired", "Human Task", "Expired"),
        ("SageMaker Human Loop Step Execution Finished", "Human Loop Step Execution", "Finished"),
        ("SageMaker Model Card Export Job State Change", "Model Card Export Job", None),
        ("SageMaker HyperPod Cluster Node Health Event", "HyperPod Cluster Node", None),
        ("SageMaker HyperPod Cluster Event", "HyperPod Cluster", None),
        ("SageMaker Evaluation Job Status Change", "Evaluation Job", None),
        # An action, not a state: the run is created, the server is not "Creating".
        (
            "SageMaker MLFlow Tracking Server Creating Run",
            "MLFlow Tracking Server Creating Run",
            None,
        ),
        ("  sagemaker   tracking server   deleted ", "tracking server", "Deleted"),
        ("Created", "Created", None),  # a word alone names no subject, so no state either
        (None, "", None),
        (12, "", None),
    ],
)
def test_the_detail_type_names_a_subject_and_maybe_a_state(
    detail_type: Any, subject: str, status: str | None
) -> None:
    assert subject_of(detail_type) == subject
    assert status_from_detail_type(detail_type) == status


@pytest.mark.parametrize(
    ("status", "status_class"),
    [
        ("CreateFailed", StatusClass.FAILED),
        ("StartFailed", StatusClass.FAILED),
        ("MaintenanceFailed", StatusClass.FAILED),
        ("Unhealthy", StatusClass.FAILED),
        ("Expired", StatusClass.WARNING),
        ("Updated", StatusClass.SUCCEEDED),
        ("Started", StatusClass.SUCCEEDED),
        ("MaintenanceComplete", StatusClass.SUCCEEDED),
        ("Submitted", StatusClass.SUCCEEDED),
        ("Finished", StatusClass.SUCCEEDED),
        ("MaintenanceInProgress", StatusClass.IN_PROGRESS),
        ("Accepted", StatusClass.IN_PROGRESS),
        ("Cancelled", StatusClass.STOPPED),
        ("Deleted", StatusClass.DELETED),
        ("Nonsense", StatusClass.UNKNOWN),
        ("NotCompleted", StatusClass.UNKNOWN),  # an ending after "Not" says the opposite
        ("Unfinished", StatusClass.UNKNOWN),
        # The words already known keep their class: an ending never overrides them.
        ("Scheduled", StatusClass.IN_PROGRESS),
        ("OutOfService", StatusClass.FAILED),
    ],
)
def test_new_status_words_are_read_by_their_ending(status: str, status_class: StatusClass) -> None:
    assert classify(status) is status_class


def test_the_field_that_names_the_subject_wins_over_the_first() -> None:
    detail = {
        "EndpointName": "churn-prod",
        "EndpointArn": "arn:aws:sagemaker:us-east-1:1:endpoint/churn-prod",
        "EndpointStatus": "InService",
        "MonitoringScheduleName": "churn-dq",
        "MonitoringScheduleArn": "arn:aws:sagemaker:us-east-1:1:monitoring-schedule/churn-dq",
        "MonitoringScheduleStatus": "Failed",
    }
    found = guess(detail, "SageMaker Monitoring Schedule State Change")
    assert found.name and found.name.value == "churn-dq"
    assert found.arn and found.arn.value.endswith("monitoring-schedule/churn-dq")
    assert found.status and found.status.value == "Failed"
    # Without a subject to go by: the first of each, in the detail's order.
    plain = guess(detail)
    assert plain.name and plain.name.value == "churn-prod"


def test_fields_one_level_down_are_found_top_level_first() -> None:
    detail = {
        "Summary": {"JobName": "nested", "Status": "Failed", "ErrorMessage": "disk full"},
        "Version": 3,
    }
    found = guess(detail, "SageMaker Example Job Status Change")
    assert found.name and (found.name.path, found.name.value) == (("Summary", "JobName"), "nested")
    assert found.status and found.status.value == "Failed"
    assert found.failure and found.failure.value == "disk full"
    top = guess({"Status": "Completed", "Summary": {"Status": "Failed"}})
    assert top.status and top.status.path == ("Status",)


def test_previous_and_secondary_statuses_are_not_the_status() -> None:
    found = guess({"PreviousStatus": "InProgress", "SecondaryStatus": "Uploading"})
    assert found.status is None
    assert found.previous_status and found.previous_status.value == "InProgress"
    found = guess({"currentStatus": "Completed", "previousStatus": "InProgress"})
    assert found.status and found.status.value == "Completed"


def test_a_sentence_in_a_status_field_is_not_a_status() -> None:
    assert guess({"Status": "x" * 65}).status is None
    assert guess({"Status": ""}).status is None
    assert guess({"Status": 3}).status is None


@pytest.mark.parametrize(
    ("level", "status_class"),
    [
        ("Error", StatusClass.FAILED),
        ("CRITICAL", StatusClass.FAILED),
        ("Warn", StatusClass.WARNING),
        ("warning", StatusClass.WARNING),
        ("Info", None),
        (7, None),
    ],
)
def test_a_level_says_how_it_went(level: Any, status_class: StatusClass | None) -> None:
    assert guess({"EventDetails": {"EventLevel": level}}).level_class is status_class


@pytest.mark.parametrize("detail", [None, "text", [1, 2], 3, {1: "int key"}, {"a": {2: "b"}}])
def test_anything_that_is_not_a_detail_says_nothing(detail: Any) -> None:
    found = guess(detail, "SageMaker Something State Change")
    assert (found.name, found.status, found.failure) == (None, None, None)


def _event(detail_type: str, detail: dict[str, Any], resources: list[str] | None = None) -> Any:
    return parse_event(
        {
            "id": "e-1",
            "detail-type": detail_type,
            "source": "aws.sagemaker",
            "account": "123456789012",
            "region": "us-east-1",
            "time": "2026-12-01T10:00:00Z",
            "resources": resources or [],
            "detail": detail,
        }
    )


def test_an_unknown_type_gets_an_identity_good_enough_for_a_thread() -> None:
    # GIVEN two events of a type without a model, about the same schedule
    arn = "arn:aws:sagemaker:us-east-1:123456789012:monitoring-schedule/churn-dq"
    first = _event(
        "SageMaker Monitoring Schedule State Change",
        {
            "EndpointName": "churn-prod",
            "MonitoringScheduleName": "churn-dq",
            "MonitoringScheduleArn": arn,
            "MonitoringScheduleStatus": "Pending",
        },
    )
    second = _event(
        "SageMaker Monitoring Schedule State Change",
        {"MonitoringScheduleArn": arn, "MonitoringScheduleStatus": "Scheduled"},
    )
    # THEN both are the schedule (not its endpoint), so they share one thread
    assert first.resource.name == second.resource.name == "churn-dq"
    assert first.resource.key == second.resource.key == arn
    assert (first.status, second.status) == ("Pending", "Scheduled")


def test_the_kind_comes_from_the_arn_when_it_names_one() -> None:
    event = _event(
        "SageMaker HyperPod Cluster Capacity Change",  # not a type the bot has a model for
        {"EventDetails": {"ClusterName": "hp", "EventLevel": "Error"}},
        ["arn:aws:sagemaker:us-west-2:123456789012:cluster/abcdefgh1234"],
    )
    assert event.kind is ResourceKind.CLUSTER
    assert event.resource.name == "hp"
    assert (event.resource.region, event.resource.account) == ("us-west-2", "123456789012")
    # Something under a resource is not that resource: a model card's export job.
    export = _event(
        "SageMaker Model Card Export Job State Change",
        {"ModelCardExportJobName": "pdf-3", "Status": "Completed"},
        ["arn:aws:sagemaker:us-east-1:123456789012:model-card/card/export-job/pdf-3"],
    )
    assert export.kind is ResourceKind.OTHER
    assert export.resource.name == "pdf-3"


@pytest.mark.parametrize(
    ("detail_type", "detail", "status", "status_class"),
    [
        (
            "SageMaker Tracking Server Start Failed",
            {"TrackingServerName": "t"},
            "StartFailed",
            StatusClass.FAILED,
        ),
        # The detail's own status wins over the detail-type's.
        (
            "SageMaker Human Loop Finished",
            {"HumanLoopStatus": "Failed"},
            "Failed",
            StatusClass.FAILED,
        ),
        (
            "SageMaker Example Event",
            {"EventDetails": {"EventLevel": "Error"}},
            None,
            StatusClass.FAILED,
        ),
        (
            "SageMaker Example Event",
            {"Details": {"Severity": "Warning"}},
            None,
            StatusClass.WARNING,
        ),
        ("SageMaker Example Event", {"EventLevel": "Info"}, None, StatusClass.UNKNOWN),
        # An error message with no status word: it failed.
        ("SageMaker Example Event", {"Job": {"FailureReason": "OOM"}}, None, StatusClass.FAILED),
        # A status word beats the level: "Completed" with a Warn level is a success.
        (
            "SageMaker Example Event",
            {"Status": "Completed", "Level": "Warn"},
            "Completed",
            StatusClass.SUCCEEDED,
        ),
    ],
)
def test_an_unknown_type_is_classified_from_status_type_level_or_error(
    detail_type: str, detail: dict[str, Any], status: str | None, status_class: StatusClass
) -> None:
    event = _event(detail_type, detail)
    assert event.status == status
    assert event.status_class is status_class
