"""bot.aws.actions against moto's server over HTTP: approving, stopping, retrying, and the
errors a user reads when AWS refuses.

moto 5.2 lacks StopTrainingJob, StopPipelineExecution and RetryPipelineExecution: for those
single calls botocore's Stubber answers instead, after validating the request against the real
service model.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from bot.aws.actions import approve_model_package, retry_pipeline_execution, stop
from bot.aws.errors import (
    ActionNotSupportedError,
    AwsPermissionError,
    AwsRequestError,
    AwsThrottledError,
    ResourceNotFoundError,
)
from bot.aws.lookup import current_approval, resolve
from bot.errors import ChatOpsError
from bot.events.identity import ResourceKind, ResourceRef
from tests.aws.resources import (
    create_group,
    create_package,
    create_processing_job,
    create_training_job,
    start_execution,
    unique,
)

# --- model registry ------------------------------------------------------------------------------


def test_approve_and_reject_update_the_package(sm: Any) -> None:
    group = create_group(sm)
    arn = create_package(sm, group)
    assert current_approval(sm, arn) == "PendingManualApproval"

    outcome = approve_model_package(sm, arn, "Approved", "looks good\nship it")
    assert outcome.status == "Approved" and outcome.arn == arn
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "looks good ship it"  # no line breaks allowed
    assert current_approval(sm, arn) == "Approved"

    approve_model_package(sm, arn, "Rejected", "x" * 2_000)
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Rejected"
    assert len(described["ApprovalDescription"]) == 1024

    with pytest.raises(ValueError, match="Approved or Rejected"):
        approve_model_package(sm, arn, "Maybe", None)  # type: ignore[arg-type]


# --- stop and retry ----------------------------------------------------------------------------


def test_stop_processing_job_over_moto(sm: Any) -> None:
    name = unique("proc")
    create_processing_job(sm, name)
    outcome = stop(sm, resolve(sm, name))
    assert outcome.status == "Stopping" and name in outcome.summary
    assert sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"] == "Stopped"


def test_stop_training_job(sm: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    ref = resolve(sm, name)
    with Stubber(sm) as stub:  # moto has no StopTrainingJob
        stub.add_response("stop_training_job", {}, expected_params={"TrainingJobName": name})
        outcome = stop(sm, ref)
        stub.assert_no_pending_responses()
    assert outcome.summary.startswith(f"Stop requested for training job {name}")
    assert outcome.arn == ref.arn


def test_stop_and_retry_pipeline_execution(sm: Any) -> None:
    ref = resolve(sm, start_execution(sm)[1])
    with Stubber(sm) as stub:  # moto has neither call
        stub.add_response(
            "stop_pipeline_execution",
            {"PipelineExecutionArn": ref.arn},
            expected_params={"PipelineExecutionArn": ref.arn, "ClientRequestToken": ANY},
        )
        stub.add_response(
            "retry_pipeline_execution",
            {"PipelineExecutionArn": ref.arn},
            expected_params={"PipelineExecutionArn": ref.arn, "ClientRequestToken": ANY},
        )
        assert stop(sm, ref).status == "Stopping"
        retried = retry_pipeline_execution(sm, str(ref.arn))
        stub.assert_no_pending_responses()
    assert retried.arn == ref.arn and retried.status == "Executing"


def test_only_jobs_and_executions_can_be_stopped(
    sm: Any,
) -> None:
    with pytest.raises(ActionNotSupportedError, match="cannot be stopped"):
        stop(sm, ResourceRef(ResourceKind.ENDPOINT, "ep"))


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message", "expected", "text"),
    [
        (
            "AccessDeniedException",
            "User arn:aws:sts::1:assumed-role/x is not authorized",
            AwsPermissionError,
            "sagemaker:StopTrainingJob",
        ),
        ("ThrottlingException", "Rate exceeded", AwsThrottledError, "try again"),
        (
            "ValidationException",
            "Requested resource not found.",
            ResourceNotFoundError,
            "Could not find training job",
        ),
        (
            "ValidationException",
            "The job is in status Completed.",
            AwsRequestError,
            "status Completed",
        ),
        ("ResourceNotFound", "gone", ResourceNotFoundError, "Could not find"),
    ],
)
def test_client_errors_become_readable_chatops_errors(
    sm: Any, code: str, message: str, expected: type[Exception], text: str
) -> None:
    with Stubber(sm) as stub:
        stub.add_client_error("stop_training_job", service_error_code=code, service_message=message)
        with pytest.raises(expected) as info:
            stop(sm, ResourceRef(ResourceKind.TRAINING, "job"))
    assert isinstance(info.value, ChatOpsError)
    assert text in str(info.value)
    assert "Traceback" not in str(info.value)
    assert "assumed-role" not in str(info.value)  # identities stay in the logs
