"""What a card shows of a warning: the timeout, the violations, a rollback; no stale failures."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.render.renderer import Renderer
from tests.conftest import load_sample
from tests.render.blockkit import assert_valid_message

RENDERER = Renderer()


def render(name: str, **detail: Any) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample(name))
    raw["detail"].update(detail)
    message = RENDERER.render(parse_event(raw))
    assert_valid_message(message)
    return message


def header(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e["text"]["text"])
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def text_of(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_training_job_out_of_time_is_a_stopwatch_with_its_runtime_and_inspect() -> None:
    message = render("training_job_state_change_max_runtime")
    assert header(message).startswith(":stopwatch: Stopped")
    assert ":octagonal_sign:" not in text_of(message)
    assert "Ran out of time after 1h 00m 00s" in text_of(message)
    assert buttons(message) == [("resource.inspect", ":mag: Inspect")]


def test_the_runtime_falls_back_to_the_max_runtime_without_times() -> None:
    message = render(
        "training_job_state_change_max_runtime", TrainingStartTime=None, TrainingEndTime=None
    )
    assert "Ran out of time after 1h 00m 00s" in text_of(message)


def test_processing_job_out_of_time() -> None:
    message = render(
        "processing_job_state_change_failed",
        ProcessingJobStatus="Stopped",
        FailureReason="MaxRuntimeExceeded: the job ran longer than MaxRuntimeInSeconds",
    )
    assert header(message).startswith(":stopwatch: Stopped")
    assert "Ran out of time after 12s" in text_of(message)  # the sample's start and end
    assert "(MaxRuntimeExceeded)" in message["text"]
    assert buttons(message) == [("resource.inspect", ":mag: Inspect")]


def test_tuning_job_out_of_time() -> None:
    message = render(
        "tuning_job_state_change",
        HyperParameterTuningJobStatus="Stopped",
        FailureReason="The tuning job exceeded its MaxRuntimeInSeconds.",
        HyperParameterTuningJobConfig={"ResourceLimits": {"MaxRuntimeInSeconds": 7200}},
        HyperParameterTuningEndTime=None,
    )
    assert header(message).startswith(":stopwatch: Stopped")
    assert "Ran out of time after 2h 00m 00s" in text_of(message)
    assert buttons(message) == [("resource.inspect", ":mag: Inspect")]


def test_violations_show_the_count_and_the_report_never_a_check_mark() -> None:
    message = render("processing_job_state_change_violations")
    text = text_of(message)
    assert header(message).startswith(":warning: Completed")
    assert message["text"].endswith(": Completed (CompletedWithViolations)")
    assert ":white_check_mark:" not in text
    assert "*3 constraint violations*" in text
    assert (
        "<https://s3.console.aws.amazon.com/s3/buckets/ml-monitoring?prefix=reports%2F"
        "churn-endpoint%2Fchurn-data-quality%2F2024%2F03%2F04%2F13%2F"
        "constraint_violations.json|Violations report>"
    ) in text


@pytest.mark.parametrize(
    ("exit_message", "headline"),
    [
        (
            "CompletedWithViolations: Job completed successfully with 1 violations.",
            "*1 constraint violation*",
        ),
        ("CompletedWithViolations", "*Constraint violations*"),
    ],
)
def test_violations_without_a_usable_count(exit_message: str, headline: str) -> None:
    message = render("processing_job_state_change_violations", ExitMessage=exit_message)
    assert headline in text_of(message)


def test_the_report_link_stays_inside_its_link_whatever_the_output_uri() -> None:
    hostile = "s3://bucket/a|<!channel>&b>"
    outputs = {"Outputs": [{"OutputName": "result", "S3Output": {"S3Uri": hostile}}]}
    message = render("processing_job_state_change_violations", ProcessingOutputConfig=outputs)
    text = text_of(message)
    assert "<!channel>" not in text
    assert (
        "prefix=a%7C%3C%21channel%3E%26b%3E%2Fconstraint_violations.json|Violations report>" in text
    )


@pytest.mark.parametrize("status", ["RollingBack", "UpdateRollbackFailed"])
def test_endpoint_rolling_back_is_a_warning_with_its_reason(status: str) -> None:
    message = render("endpoint_state_change", EndpointStatus=status, FailureReason="alarm 5xx")
    assert header(message).startswith(f":warning: {status}")
    text = text_of(message)
    assert ":warning: *Reason*" in text and "alarm 5xx" in text
    assert "Failure reason" not in text
    assert buttons(message) == [("resource.inspect", ":mag: Inspect")]


def test_a_failed_endpoint_is_still_a_failure() -> None:
    message = render("endpoint_state_change", EndpointStatus="Failed", FailureReason="boom")
    assert header(message).startswith(":x: Failed")
    assert "Failure reason" in text_of(message)
    assert buttons(message) == [("resource.inspect", ":mag: Inspect failure")]


def test_a_deployment_rolling_back_is_a_warning() -> None:
    message = render("endpoint_deployment_state_change_rollback")
    assert header(message).startswith(":warning: Updating")
    assert "(RollingBack)" in message["text"]


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("endpoint_state_change", {"FailureReason": "Old: ping health check failed"}),
        ("training_job_state_change", {"FailureReason": "Old: ping health check failed"}),
        (
            "generic",
            {
                "NotebookInstanceStatus": "InService",
                "FailureReason": "Old: ping health check failed",
            },
        ),
    ],
)
def test_a_failure_reason_left_on_a_healthy_resource_is_not_shown_as_a_failure(
    name: str, detail: dict[str, Any]
) -> None:
    if name == "generic":
        raw = {
            "version": "0",
            "id": "nb-1",
            "detail-type": "SageMaker Notebook Instance State Change",
            "source": "aws.sagemaker",
            "account": "123456789012",
            "region": "us-east-1",
            "time": "2024-03-04T10:00:00Z",
            "resources": ["arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"],
            "detail": {"NotebookInstanceName": "nb", **detail},
        }
        message = RENDERER.render(parse_event(raw))
    else:
        message = render(name, **detail)
    assert ":white_check_mark:" in message["text"]
    assert "Failure reason" not in text_of(message)
    assert "Old: ping health check failed" not in message["text"]
    assert buttons(message) == []
