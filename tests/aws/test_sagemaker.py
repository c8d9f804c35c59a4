"""bot.aws.sagemaker: one object per place whose methods are those of bot.aws.lookup,
bot.aws.inspection and bot.aws.actions, on the clients it was made with (moto's here)."""

from __future__ import annotations

from typing import Any

from botocore.stub import ANY, Stubber

from bot.aws.sagemaker import SageMaker
from tests.aws.resources import (
    create_group,
    create_package,
    create_processing_job,
    start_execution,
    unique,
)


def test_one_object_finds_inspects_and_stops(sm: Any, logs: Any) -> None:
    api = SageMaker(sm, logs)
    name = unique("proc")
    arn = create_processing_job(sm, name)

    ref, description = api.lookup(name)
    assert api.resolve(arn) == ref
    assert api.describe(ref) == description
    inspection = api.inspect(ref, description)
    assert inspection.ref == ref
    assert inspection.log_group == "/aws/sagemaker/ProcessingJobs"
    assert api.stop(ref).status == "Stopping"


def test_model_registry_and_retry(sm: Any) -> None:
    api = SageMaker(sm)  # no logs client: an approvals-only deployment needs none
    group = create_group(sm)
    arn = create_package(sm, group)

    assert api.current_approval(arn) == "PendingManualApproval"
    assert api.approve_model_package(arn, "Approved", "ok").status == "Approved"
    latest = api.approved_version(group)
    assert latest is not None and latest["ModelPackageArn"] == arn

    _, execution = start_execution(sm)
    with Stubber(sm) as stub:  # moto has no RetryPipelineExecution
        stub.add_response(
            "retry_pipeline_execution",
            {"PipelineExecutionArn": execution},
            expected_params={"PipelineExecutionArn": execution, "ClientRequestToken": ANY},
        )
        assert api.retry_pipeline_execution(execution).arn == execution
        stub.assert_no_pending_responses()
