"""SageMaker for the ``/sagemaker`` command: find, describe, inspect, approve, stop, retry.

Thin, typed wrappers over a SageMaker client and a CloudWatch Logs client that the caller
builds and passes in (nothing talks to AWS at import time, and tests hand in clients for a
stand-in). Every AWS failure comes out as an :class:`~bot.aws.errors.AwsError` with a message
for people.

A Describe response becomes an EventBridge-shaped event (:func:`as_event`), so ``/sagemaker
status NAME`` is rendered by the same templates, and identified by the same
:class:`~bot.events.identity.ResourceRef`, as the events of that resource.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal

from bot.aws.errors import (
    ActionNotSupportedError,
    AwsError,
    AwsPermissionError,
    AwsRequestError,
    ResourceNotFoundError,
    aws_call,
)
from bot.aws.logs import tail_logs
from bot.events.coerce import parse_number, parse_timestamp
from bot.events.identity import ARN_KINDS, Arn, ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.events.registry import SPECS
from bot.inspection import FailedStep, Inspection, Transition, VariantState

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient
    from mypy_boto3_sagemaker.client import SageMakerClient

K = ResourceKind
ApprovalStatus = Literal["Approved", "Rejected"]

# ARN resource types (``arn:…:sagemaker:…:<type>/<name>``) that can be looked up.

# The order a bare name is tried in: jobs first (what people inspect most), then the
# long-lived resources. Model packages and pipeline executions have two-part names.
NAME_PROBE_ORDER = (K.TRAINING, K.PROCESSING, K.TRANSFORM, K.TUNING, K.ENDPOINT, K.MODEL)
TUNING_NAME_MAX = 32  # longer names cannot be tuning jobs: not worth a call

LOG_GROUPS = {
    K.TRAINING: "/aws/sagemaker/TrainingJobs",
    K.PROCESSING: "/aws/sagemaker/ProcessingJobs",
    K.TRANSFORM: "/aws/sagemaker/TransformJobs",
}
_SPECS = {spec.kind: spec for spec in SPECS}
_PIPELINE_FINISHED = {"Succeeded", "Failed", "Stopped"}
_STOPPABLE = (K.TRAINING, K.PROCESSING, K.TRANSFORM, K.TUNING, K.PIPELINE)
APPROVAL_DESCRIPTION_MAX = 1024
DEPLOYMENT_SEPARATOR = " → "  # EndpointDeploymentDetail names are ``endpoint → config``


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """What an action did, for the caller to show. ``summary`` is plain text: escape it."""

    summary: str
    arn: str | None = None  # the ARN acted on (for a retry: the execution that runs again)
    status: str | None = None  # the status the resource is now in, when AWS said


def _subject(kind: ResourceKind, name: str) -> str:
    return f"{kind.title.lower()} {name}"


def _plain(response: Any) -> dict[str, Any]:
    """A response as a plain dict, without botocore's ResponseMetadata."""
    return {k: v for k, v in dict(response).items() if k != "ResponseMetadata"}


def json_safe(value: Any) -> Any:
    """``value`` with datetimes as ISO-8601 text, so it survives ``json.dumps`` like an event."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def _pipeline_detail(description: dict[str, Any]) -> dict[str, Any]:
    """DescribePipelineExecution's fields under the names its status-change event uses."""
    status = description.get("PipelineExecutionStatus")
    renamed = {
        "pipelineArn": description.get("PipelineArn"),
        "pipelineExecutionArn": description.get("PipelineExecutionArn"),
        "pipelineExecutionDisplayName": description.get("PipelineExecutionDisplayName"),
        "pipelineExecutionDescription": description.get("PipelineExecutionDescription"),
        "currentPipelineExecutionStatus": status,
        "executionStartTime": description.get("CreationTime"),
        # The API has no end time; a finished execution was last modified when it ended.
        "executionEndTime": description.get("LastModifiedTime")
        if status in _PIPELINE_FINISHED
        else None,
        "failureReason": description.get("FailureReason"),
    }
    return {**description, **{k: v for k, v in renamed.items() if v not in (None, "")}}


def as_event(
    ref: ResourceRef, description: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """A Describe response as the EventBridge event of its kind (``detail-type``, envelope).

    ``bot.events.parse_event`` reads it like a real event, so the resource's own template
    renders it. The envelope's account and region come from the resource's ARN (the Describe
    response has them nowhere else); its time is ``now``: the state is as of the call.
    """
    spec = _SPECS.get(ref.kind)
    if spec is None:
        raise ActionNotSupportedError(f"A {ref.kind.title.lower()} has no status event to show.")
    detail: dict[str, Any] = json_safe(_plain(description))
    resources: list[str] = []
    if ref.kind is K.PIPELINE:
        detail = _pipeline_detail(detail)
        if isinstance(detail.get("pipelineArn"), str):
            resources.append(detail["pipelineArn"])
    # The response's own ARN first: a deployment's ref carries a made-up one.
    own_arn = detail.get(spec.model.arn_field)
    arn_text = own_arn if isinstance(own_arn, str) and own_arn else ref.arn
    if arn_text and arn_text not in resources:
        resources.append(arn_text)
    arn = Arn.parse(arn_text)
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "version": "0",
        "id": f"describe-{uuid.uuid4()}",
        "detail-type": spec.detail_type,
        "source": "aws.sagemaker",
        "account": (arn.account if arn else None) or ref.account,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": (arn.region if arn else None) or ref.region,
        "resources": resources,
        "detail": detail,
    }


def ref_from_description(kind: ResourceKind, description: dict[str, Any]) -> ResourceRef:
    """The ref an event about this resource would carry (same name, ARN, so the same key)."""
    return parse_event(as_event(ResourceRef(kind, "-"), description)).resource


_METRIC_GROUPS = {
    "ModelQuality": "Model quality",
    "ModelDataQuality": "Data quality",
    "Bias": "Bias",
    "Explainability": "Explainability",
}
_METRIC_REPORTS = {
    "Statistics": "statistics",
    "Constraints": "constraints",
    "Report": "report",
    "PreTrainingReport": "pre-training report",
    "PostTrainingReport": "post-training report",
    "ConfigFile": "config file",
    "PreTrainingConstraints": "pre-training constraints",
    "PostTrainingConstraints": "post-training constraints",
}


def model_package_metrics(description: dict[str, Any]) -> list[tuple[str, str]]:
    """The reports a model package points at, as ``(label, S3 URI)``.

    ModelMetrics (``ModelQuality.Statistics``, ``Bias.Report``, …) come first, then the drift
    check baselines, labelled as such. Keys AWS may add later get a label from their name.
    """
    found: list[tuple[str, str]] = []
    for field, prefix in (("ModelMetrics", ""), ("DriftCheckBaselines", "Drift baseline: ")):
        groups = description.get(field)
        if not isinstance(groups, dict):
            continue
        for group, reports in groups.items():
            if not isinstance(reports, dict):
                continue
            for report, source in reports.items():
                uri = source.get("S3Uri") if isinstance(source, dict) else None
                if isinstance(uri, str) and uri:
                    label = (
                        f"{prefix}{_METRIC_GROUPS.get(group, _words(group))} "
                        f"{_METRIC_REPORTS.get(report, _words(report).lower())}"
                    )
                    found.append((label, uri))
    return found


def _words(name: str) -> str:
    """``PreTrainingReport`` → ``Pre Training Report``."""
    return "".join(f" {c}" if c.isupper() and i else c for i, c in enumerate(name))


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


class SageMaker:
    """SageMaker and its logs, through clients made by the caller.

    ``logs`` is optional: without it an inspection says that logs were not read.
    """

    def __init__(
        self, sagemaker: SageMakerClient, logs: CloudWatchLogsClient | None = None
    ) -> None:
        self._sm = sagemaker
        self._logs = logs

    # --- finding --------------------------------------------------------------------------

    def resolve(self, name_or_arn: str, kind: ResourceKind | None = None) -> ResourceRef:
        """The resource a user named, confirmed to exist. See :meth:`lookup`."""
        return self.lookup(name_or_arn, kind)[0]

    def lookup(
        self, name_or_arn: str, kind: ResourceKind | None = None
    ) -> tuple[ResourceRef, dict[str, Any]]:
        """Find a resource by ARN or name; its ref and Describe response (one call, not two).

        An ARN says its kind. A bare name is tried as a training, processing and transform
        job, a tuning job, an endpoint and a model, in that order; the first that exists wins.
        ``GROUP/VERSION`` is a model package version, ``PIPELINE/EXECUTION-ID`` a pipeline
        execution. ``kind`` skips the guessing (a button knows what it is about).
        """
        text = name_or_arn.strip()
        if not text:
            raise ResourceNotFoundError("Give the name or ARN of a SageMaker resource.")
        arn = Arn.parse(text)
        if arn is not None:
            return self._lookup_arn(text, arn)
        if kind is not None:
            description = self._describe(kind, text, None)
            return ref_from_description(kind, description), description
        return self._probe(text)

    def _lookup_arn(self, text: str, arn: Arn) -> tuple[ResourceRef, dict[str, Any]]:
        kind = ARN_KINDS.get(arn.resource_type) if arn.service == "sagemaker" else None
        if kind is None or not arn.resource:
            supported = ", ".join(sorted(ARN_KINDS))
            raise ActionNotSupportedError(
                f"{text} is not the ARN of a SageMaker resource the bot can look up "
                f"(it knows: {supported})."
            )
        name = arn.resource
        if kind is K.ENDPOINT:
            name = name.split("/", 1)[0]  # a deployment's key is ``endpoint/NAME/deployment/…``
        if kind is K.PIPELINE and "/execution/" not in name:
            # A pipeline's ARN: what people want to know about is its latest execution.
            text = self._latest_execution(name)
        description = self._describe(kind, name, text)
        return ref_from_description(kind, description), description

    def _probe(self, name: str) -> tuple[ResourceRef, dict[str, Any]]:
        if "/" in name:
            version = name.rsplit("/", 1)[-1]
            candidates: list[ResourceKind] = [K.MODEL_PACKAGE] if version.isdigit() else []
            candidates.append(K.PIPELINE)
        else:
            candidates = [
                k for k in NAME_PROBE_ORDER if k is not K.TUNING or len(name) <= TUNING_NAME_MAX
            ]
        denied: list[AwsPermissionError] = []
        for kind in candidates:
            try:
                description = self._describe(kind, name, None)
            except (ResourceNotFoundError, AwsRequestError):
                # Not this kind; a name this kind cannot have is a validation error, same thing.
                continue
            except AwsPermissionError as exc:
                denied.append(exc)
                continue
            return ref_from_description(kind, description), description
        if denied and len(denied) == len(candidates):
            raise denied[-1]
        checked = ", ".join(f"{k.title.lower()}s" for k in candidates)
        unchecked = f" ({len(denied)} kinds could not be checked: access denied)" if denied else ""
        hint = (
            ""
            if "/" in name
            else " For a model package give GROUP/VERSION or its ARN; for a pipeline execution,"
            " PIPELINE/EXECUTION-ID or its ARN."
        )
        raise ResourceNotFoundError(f"Nothing named {name} among {checked}{unchecked}.{hint}")

    # --- describing -----------------------------------------------------------------------

    def describe(self, ref: ResourceRef) -> dict[str, Any]:
        """The Describe response for ``ref`` (without ResponseMetadata; datetimes as is)."""
        return self._describe(ref.kind, ref.name, ref.arn)

    def _describe(self, kind: ResourceKind, name: str, arn: str | None) -> dict[str, Any]:
        sm = self._sm
        with aws_call(_subject(kind, name)):
            match kind:
                case K.TRAINING:
                    return _plain(sm.describe_training_job(TrainingJobName=name))
                case K.PROCESSING:
                    return _plain(sm.describe_processing_job(ProcessingJobName=name))
                case K.TRANSFORM:
                    return _plain(sm.describe_transform_job(TransformJobName=name))
                case K.TUNING:
                    return _plain(
                        sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
                    )
                case K.ENDPOINT | K.DEPLOYMENT:
                    endpoint = name.split(DEPLOYMENT_SEPARATOR, 1)[0]
                    return _plain(sm.describe_endpoint(EndpointName=endpoint))
                case K.MODEL:
                    return _plain(sm.describe_model(ModelName=name))
                case K.FEATURE_GROUP:
                    return _plain(sm.describe_feature_group(FeatureGroupName=arn or name))
                case K.IMAGE:
                    return _plain(sm.describe_image(ImageName=name))
                case K.MODEL_CARD:
                    return _plain(sm.describe_model_card(ModelCardName=arn or name))
                case K.IMAGE_VERSION:
                    image, version = _image_version(arn)
                    return _plain(sm.describe_image_version(ImageName=image, Version=version))
        if kind is K.MODEL_PACKAGE:
            return self._describe_model_package(arn or name)
        if kind is K.PIPELINE:
            execution = arn or self._execution_arn(name)
            with aws_call(_subject(kind, name)):
                return _plain(sm.describe_pipeline_execution(PipelineExecutionArn=execution))
        raise ActionNotSupportedError(f"The bot cannot describe a {kind.title.lower()}.")

    def _describe_model_package(self, ident: str) -> dict[str, Any]:
        subject = _subject(K.MODEL_PACKAGE, ident)
        try:
            with aws_call(subject):
                return _plain(self._sm.describe_model_package(ModelPackageName=ident))
        except (ResourceNotFoundError, AwsRequestError):
            group, _, version = ident.rpartition("/")
            if Arn.parse(ident) or not group or not version.isdigit():
                raise
            # Not every implementation takes ``GROUP/VERSION`` as a name (the API's pattern
            # allows it): find the version's ARN in its group, which always works.
            package_arn = self._package_arn(group, int(version))
            if package_arn is None:
                raise
        with aws_call(subject):
            return _plain(self._sm.describe_model_package(ModelPackageName=package_arn))

    def _package_arn(self, group: str, version: int) -> str | None:
        try:
            with aws_call(_subject(K.MODEL_PACKAGE, f"{group}/{version}")):
                pages = self._sm.get_paginator("list_model_packages").paginate(
                    ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Descending"
                )
                for page in pages:
                    for summary in page.get("ModelPackageSummaryList", []):
                        if summary.get("ModelPackageVersion") == version:
                            return summary["ModelPackageArn"]
        except (ResourceNotFoundError, AwsRequestError):
            return None
        return None

    def _execution_arn(self, name: str) -> str:
        """``PIPELINE/EXECUTION-ID`` → the execution's ARN (the API wants nothing else)."""
        pipeline, _, execution = name.partition("/")
        if not pipeline or not execution:
            raise ResourceNotFoundError(
                f"{name} is not a pipeline execution: give PIPELINE/EXECUTION-ID or its ARN."
            )
        with aws_call(f"pipeline {pipeline}"):
            pipeline_arn = self._sm.describe_pipeline(PipelineName=pipeline)["PipelineArn"]
        return f"{pipeline_arn}/execution/{execution}"

    def _latest_execution(self, pipeline: str) -> str:
        with aws_call(f"pipeline {pipeline}"):
            pages = self._sm.get_paginator("list_pipeline_executions").paginate(
                PipelineName=pipeline, SortBy="CreationTime", SortOrder="Descending"
            )
            for page in pages:
                for summary in page.get("PipelineExecutionSummaries", []):
                    if summary.get("PipelineExecutionArn"):
                        return summary["PipelineExecutionArn"]
        raise ResourceNotFoundError(f"Pipeline {pipeline} has no executions yet.")

    # --- inspecting -----------------------------------------------------------------------

    def inspect(self, ref: ResourceRef, description: dict[str, Any] | None = None) -> Inspection:
        """Why ``ref`` is in its state: failure reason, timeline, logs, failed steps, variants.

        ``description`` saves a Describe call when the caller has one (from :meth:`lookup`).
        Parts that cannot be read (logs the bot may not see) become notes, not errors.
        """
        if description is None:
            description = self.describe(ref)
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
            result.update(self._logs_of(LOG_GROUPS[kind], f"{resource.name}/", notes))
        elif kind in (K.ENDPOINT, K.DEPLOYMENT):
            endpoint = resource.name.split(DEPLOYMENT_SEPARATOR, 1)[0]
            result["variants"] = _variants(description)
            result.update(self._logs_of(f"/aws/sagemaker/Endpoints/{endpoint}", "", notes))
        elif kind is K.PIPELINE and resource.arn:
            try:
                result["failed_steps"] = self.failed_steps(resource.arn)
            except AwsError as exc:
                notes.append(f"Could not list the pipeline's steps: {exc}")
        return Inspection(**result, notes=tuple(notes))

    def _logs_of(self, log_group: str, prefix: str, notes: list[str]) -> dict[str, Any]:
        if self._logs is None:
            notes.append("Logs were not read (no CloudWatch Logs client).")
            return {"log_group": log_group}
        tail = tail_logs(self._logs, log_group, prefix)
        if tail.note:
            notes.append(tail.note)
        return {"log_group": log_group, "log_lines": tail.lines, "log_streams": tail.streams}

    def failed_steps(self, execution_arn: str) -> tuple[FailedStep, ...]:
        """The failed steps of a pipeline execution, in the order they ran."""
        failed: list[FailedStep] = []
        with aws_call(_subject(K.PIPELINE, execution_arn)):
            pages = self._sm.get_paginator("list_pipeline_execution_steps").paginate(
                PipelineExecutionArn=execution_arn, SortOrder="Ascending"
            )
            for page in pages:
                for step in page.get("PipelineExecutionSteps", []):
                    if step.get("StepStatus") == "Failed":
                        failed.append(_failed_step(dict(step)))
        return tuple(failed)

    # --- model registry -------------------------------------------------------------------

    def approve_model_package(
        self, arn: str, status: ApprovalStatus, description: str | None = None
    ) -> ActionOutcome:
        """Set a model package's approval status (UpdateModelPackage), with a comment."""
        if status not in ("Approved", "Rejected"):
            raise ValueError(f"approval status must be Approved or Rejected, not {status!r}")
        kwargs: dict[str, Any] = {"ModelPackageArn": arn, "ModelApprovalStatus": status}
        if description:
            # The API's pattern (".*") matches no line break, and it takes 1,024 characters.
            text = " ".join(description.split())
            kwargs["ApprovalDescription"] = text[:APPROVAL_DESCRIPTION_MAX]
        with aws_call(_subject(K.MODEL_PACKAGE, arn)):
            response = self._sm.update_model_package(**kwargs)
        name = _package_name(arn)
        return ActionOutcome(
            f"Model package {name} is now {status}.",
            arn=response.get("ModelPackageArn", arn),
            status=status,
        )

    def current_approval(self, arn: str) -> str | None:
        """A model package's approval status now (to refuse a stale Approve button)."""
        status = self._describe_model_package(arn).get("ModelApprovalStatus")
        return status if isinstance(status, str) else None

    def approved_version(self, group: str) -> dict[str, Any] | None:
        """The group's newest Approved package (its ListModelPackages summary), if any."""
        with aws_call(f"model package group {group}"):
            pages = self._sm.get_paginator("list_model_packages").paginate(
                ModelPackageGroupName=group,
                ModelApprovalStatus="Approved",
                SortBy="CreationTime",
                SortOrder="Descending",
            )
            # Pages may come back empty while more follow (the filter runs per page).
            for page in pages:
                for summary in page.get("ModelPackageSummaryList", []):
                    return _plain(summary)
        return None

    # --- actions --------------------------------------------------------------------------

    def retry_pipeline_execution(self, arn: str) -> ActionOutcome:
        """Run a failed pipeline execution again from its failed steps (RetryPipelineExecution)."""
        with aws_call(_subject(K.PIPELINE, arn)):
            response = self._sm.retry_pipeline_execution(
                PipelineExecutionArn=arn, ClientRequestToken=_token()
            )
        return ActionOutcome(
            "Retry started: the execution runs again from its failed steps.",
            arn=response.get("PipelineExecutionArn", arn),
            status="Executing",
        )

    def stop(self, ref: ResourceRef) -> ActionOutcome:
        """Ask SageMaker to stop a job or pipeline execution; it goes Stopping, then Stopped."""
        sm = self._sm
        name = ref.name
        with aws_call(_subject(ref.kind, ref.display_name)):
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
                    execution = ref.arn or self._execution_arn(name)
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


def _image_version(arn: str | None) -> tuple[str, int]:
    parsed = Arn.parse(arn)
    image, _, version = (parsed.resource if parsed else "").rpartition("/")
    if not image or not version.isdigit():
        raise ResourceNotFoundError("An image version is looked up by its ARN.")
    return image, int(version)


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
