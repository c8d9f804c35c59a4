"""What changes SageMaker: approving or rejecting a model package, stopping, retrying.

Functions over a SageMaker client the caller passes in; each says what it did as an
:class:`ActionOutcome`, and every AWS failure comes out as an :class:`~bot.aws.errors.AwsError`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from bot.aws.errors import ActionNotSupportedError, aws_call, resource_subject
from bot.aws.lookup import execution_arn
from bot.events.identity import Arn, ResourceKind, ResourceRef

if TYPE_CHECKING:
    from mypy_boto3_sagemaker.client import SageMakerClient

K = ResourceKind
ApprovalStatus = Literal["Approved", "Rejected"]

APPROVAL_DESCRIPTION_MAX = 1024
_STOPPABLE = (K.TRAINING, K.PROCESSING, K.TRANSFORM, K.TUNING, K.PIPELINE)


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What an action did, for the caller to show. ``summary`` is plain text: escape it."""

    summary: str
    arn: str | None = None  # the ARN acted on (for a retry: the execution that runs again)
    status: str | None = None  # the status the resource is now in, when AWS said


def approve_model_package(
    sm: SageMakerClient, arn: str, status: ApprovalStatus, description: str | None = None
) -> ActionOutcome:
    """Set a model package's approval status (UpdateModelPackage), with a comment."""
    if status not in ("Approved", "Rejected"):
        raise ValueError(f"approval status must be Approved or Rejected, not {status!r}")
    kwargs: dict[str, Any] = {"ModelPackageArn": arn, "ModelApprovalStatus": status}
    if description:
        # The API's pattern (".*") matches no line break, and it takes 1,024 characters.
        text = " ".join(description.split())
        kwargs["ApprovalDescription"] = text[:APPROVAL_DESCRIPTION_MAX]
    with aws_call(resource_subject(K.MODEL_PACKAGE, arn)):
        response = sm.update_model_package(**kwargs)
    name = _package_name(arn)
    return ActionOutcome(
        f"Model package {name} is now {status}.",
        arn=response.get("ModelPackageArn", arn),
        status=status,
    )


def retry_pipeline_execution(sm: SageMakerClient, arn: str) -> ActionOutcome:
    """Run a failed pipeline execution again from its failed steps (RetryPipelineExecution)."""
    with aws_call(resource_subject(K.PIPELINE, arn)):
        response = sm.retry_pipeline_execution(
            PipelineExecutionArn=arn, ClientRequestToken=_token()
        )
    return ActionOutcome(
        "Retry started: the execution runs again from its failed steps.",
        arn=response.get("PipelineExecutionArn", arn),
        status="Executing",
    )


def stop(sm: SageMakerClient, ref: ResourceRef) -> ActionOutcome:
    """Ask SageMaker to stop a job or pipeline execution; it goes Stopping, then Stopped."""
    name = ref.name
    with aws_call(resource_subject(ref.kind, ref.display_name)):
        match ref.kind:
            case K.TRAINING:
                sm.stop_training_job(TrainingJobName=name)
            case K.PROCESSING:
                sm.stop_processing_job(ProcessingJobName=name)
            case K.TRANSFORM:
                sm.stop_transform_job(TransformJobName=name)
            case K.TUNING:
                sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            case K.PIPELINE:
                execution = ref.arn or execution_arn(sm, name)
                # The token makes a repeated click (or a retried request) one stop.
                sm.stop_pipeline_execution(
                    PipelineExecutionArn=execution, ClientRequestToken=_token()
                )
            case _:
                kinds = ", ".join(f"{k.title.lower()}s" for k in _STOPPABLE)
                raise ActionNotSupportedError(
                    f"A {ref.kind.title.lower()} cannot be stopped (only {kinds})."
                )
    return ActionOutcome(
        f"Stop requested for {ref.kind.title.lower()} {ref.display_name}; "
        "it will show Stopping, then Stopped.",
        arn=ref.arn,
        status="Stopping",
    )


def _token() -> str:
    return str(uuid.uuid4())


def _package_name(arn: str) -> str:
    parsed = Arn.parse(arn)
    return parsed.resource if parsed and parsed.resource else arn
