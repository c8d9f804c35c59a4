"""Why a SageMaker resource is in its state, as data: a :class:`~bot.inspection.Inspection`.

Its Describe response (failure reason, status transitions, endpoint variants), the tail of its
CloudWatch logs and a pipeline execution's failed steps, through clients the caller passes in.
``bot.render.inspection`` turns the result into a Slack message.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.aws.errors import AwsError, aws_call, resource_subject
from bot.aws.logs import tail_logs
from bot.aws.lookup import DEPLOYMENT_SEPARATOR, as_event, describe
from bot.events.coerce import parse_number, parse_timestamp
from bot.events.identity import ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.inspection import FailedStep, Inspection, Transition, VariantState

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient
    from mypy_boto3_sagemaker.client import SageMakerClient

K = ResourceKind

LOG_GROUPS = {
    K.TRAINING: "/aws/sagemaker/TrainingJobs",
    K.PROCESSING: "/aws/sagemaker/ProcessingJobs",
    K.TRANSFORM: "/aws/sagemaker/TransformJobs",
}


def inspect(
    sm: SageMakerClient,
    logs: CloudWatchLogsClient | None,
    ref: ResourceRef,
    description: dict[str, Any] | None = None,
) -> Inspection:
    """Why ``ref`` is in its state: failure reason, timeline, logs, failed steps, variants.

    ``description`` saves a Describe call when the caller has one (from
    :func:`bot.aws.lookup.lookup`). Parts that cannot be read (logs the bot may not see) become
    notes, not errors; without a ``logs`` client, a note says that logs were not read.
    """
    if description is None:
        description = describe(sm, ref)
    event = parse_event(as_event(ref, description))
    resource = event.resource
    kind = resource.kind
    notes: list[str] = []
    exit_message = _text(description.get("ExitMessage"))
    result: dict[str, Any] = {
        "ref": resource,
        "status": event.status,
        "failure_reason": event.failure_reason,
        "exit_message": exit_message if exit_message != event.failure_reason else None,
        "transitions": _transitions(description.get("SecondaryStatusTransitions")),
    }
    if kind in LOG_GROUPS:
        result.update(_logs_of(logs, LOG_GROUPS[kind], f"{resource.name}/", notes))
    elif kind in (K.ENDPOINT, K.DEPLOYMENT):
        endpoint = resource.name.split(DEPLOYMENT_SEPARATOR, 1)[0]
        result["variants"] = _variants(description)
        result.update(_logs_of(logs, f"/aws/sagemaker/Endpoints/{endpoint}", "", notes))
    elif kind is K.PIPELINE and resource.arn:
        try:
            result["failed_steps"] = failed_steps(sm, resource.arn)
        except AwsError as exc:
            notes.append(f"Could not list the pipeline's steps: {exc}")
    return Inspection(**result, notes=tuple(notes))


def _logs_of(
    logs: CloudWatchLogsClient | None, log_group: str, prefix: str, notes: list[str]
) -> dict[str, Any]:
    if logs is None:
        notes.append("Logs were not read (no CloudWatch Logs client).")
        return {"log_group": log_group}
    tail = tail_logs(logs, log_group, prefix)
    if tail.note:
        notes.append(tail.note)
    return {"log_group": log_group, "log_lines": tail.lines, "log_streams": tail.streams}


def failed_steps(sm: SageMakerClient, execution_arn: str) -> tuple[FailedStep, ...]:
    """The failed steps of a pipeline execution, in the order they ran."""
    failed: list[FailedStep] = []
    with aws_call(resource_subject(K.PIPELINE, execution_arn)):
        pages = sm.get_paginator("list_pipeline_execution_steps").paginate(
            PipelineExecutionArn=execution_arn, SortOrder="Ascending"
        )
        for page in pages:
            for step in page.get("PipelineExecutionSteps", []):
                if step.get("StepStatus") == "Failed":
                    failed.append(_failed_step(dict(step)))
    return tuple(failed)


def _transitions(value: Any) -> tuple[Transition, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Transition(
            status=_text(item.get("Status")),
            start=_time(item.get("StartTime")),
            end=_time(item.get("EndTime")),
            message=_text(item.get("StatusMessage")),
        )
        for item in value
        if isinstance(item, dict)
    )


def _failed_step(step: dict[str, Any]) -> FailedStep:
    metadata = step.get("Metadata")
    step_type = job_arn = None
    fail_message = None
    for key, value in (metadata or {}).items() if isinstance(metadata, dict) else ():
        if not isinstance(value, dict):
            continue
        step_type = step_type or key
        if isinstance(value.get("Arn"), str):
            step_type, job_arn = key, value["Arn"]
            break
        # A Fail step carries its message here, not in FailureReason.
        fail_message = fail_message or _text(value.get("ErrorMessage"))
    return FailedStep(
        name=str(step.get("StepName") or "step"),
        display_name=_text(step.get("StepDisplayName")),
        step_type=step_type,
        status=_text(step.get("StepStatus")),
        failure_reason=_text(step.get("FailureReason")) or fail_message,
        job_arn=job_arn,
        start=_time(step.get("StartTime")),
        end=_time(step.get("EndTime")),
    )


def _variants(description: dict[str, Any]) -> tuple[VariantState, ...]:
    found: list[VariantState] = []
    pending = description.get("PendingDeploymentSummary")
    groups: Iterable[tuple[str, Any]] = (
        ("", description.get("ProductionVariants")),
        (" (new)", pending.get("ProductionVariants") if isinstance(pending, dict) else None),
    )
    for suffix, variants in groups:
        for variant in variants if isinstance(variants, list) else []:
            if not isinstance(variant, dict):
                continue
            statuses = variant.get("VariantStatus")
            last = statuses[-1] if isinstance(statuses, list) and statuses else None
            latest: dict[str, Any] = last if isinstance(last, dict) else {}
            found.append(
                VariantState(
                    name=f"{variant.get('VariantName') or 'variant'}{suffix}",
                    status=_text(latest.get("Status")),
                    message=_text(latest.get("StatusMessage")),
                    current_instances=_int(variant.get("CurrentInstanceCount")),
                    desired_instances=_int(variant.get("DesiredInstanceCount")),
                )
            )
    return tuple(found)


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_timestamp(value)
    except (ValueError, TypeError):
        return None


def _int(value: Any) -> int | None:
    try:
        number = parse_number(value)
    except (ValueError, TypeError):
        return None
    return int(number)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
