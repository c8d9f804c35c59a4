"""Finding a SageMaker resource by name or ARN, and what its Describe call says about it.

Functions over a SageMaker client the caller builds and passes in. Every AWS failure comes
out as an :class:`~bot.aws.errors.AwsError` with a message for people.

A Describe response becomes an EventBridge-shaped event (:func:`as_event`), so ``/sagemaker
status NAME`` is rendered by the same templates, and identified by the same
:class:`~bot.events.identity.ResourceRef`, as the events of that resource.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from bot.aws.errors import (
    ActionNotSupportedError,
    AwsPermissionError,
    AwsRequestError,
    ResourceNotFoundError,
    aws_call,
    resource_subject,
)
from bot.events.identity import ARN_KINDS, Arn, ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.events.registry import SPECS
from bot.evidence.documents import documents_of

if TYPE_CHECKING:
    from mypy_boto3_sagemaker.client import SageMakerClient

K = ResourceKind

# The order a bare name is tried in: jobs first (what people inspect most), then the
# long-lived resources. Model packages and pipeline executions have two-part names.
NAME_PROBE_ORDER = (K.TRAINING, K.PROCESSING, K.TRANSFORM, K.TUNING, K.ENDPOINT, K.MODEL)
TUNING_NAME_MAX = 32  # longer names cannot be tuning jobs: not worth a call

_SPECS = {spec.kind: spec for spec in SPECS}
_PIPELINE_FINISHED = {"Succeeded", "Failed", "Stopped"}
DEPLOYMENT_SEPARATOR = " → "  # EndpointDeploymentDetail names are ``endpoint → config``


# --- finding ----------------------------------------------------------------------------------


def resolve(sm: SageMakerClient, name_or_arn: str, kind: ResourceKind | None = None) -> ResourceRef:
    """The resource a user named, confirmed to exist. See :func:`lookup`."""
    return lookup(sm, name_or_arn, kind)[0]


def lookup(
    sm: SageMakerClient, name_or_arn: str, kind: ResourceKind | None = None
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
        return _lookup_arn(sm, text, arn)
    if kind is not None:
        description = _describe(sm, kind, text, None)
        return ref_from_description(kind, description), description
    return _probe(sm, text)


def _lookup_arn(sm: SageMakerClient, text: str, arn: Arn) -> tuple[ResourceRef, dict[str, Any]]:
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
        text = _latest_execution(sm, name)
    description = _describe(sm, kind, name, text)
    return ref_from_description(kind, description), description


def _probe(sm: SageMakerClient, name: str) -> tuple[ResourceRef, dict[str, Any]]:
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
            description = _describe(sm, kind, name, None)
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


# --- describing -------------------------------------------------------------------------------


def describe(sm: SageMakerClient, ref: ResourceRef) -> dict[str, Any]:
    """The Describe response for ``ref`` (without ResponseMetadata; datetimes as is)."""
    return _describe(sm, ref.kind, ref.name, ref.arn)


def _describe(
    sm: SageMakerClient, kind: ResourceKind, name: str, arn: str | None
) -> dict[str, Any]:
    with aws_call(resource_subject(kind, name)):
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
        return describe_model_package(sm, arn or name)
    if kind is K.PIPELINE:
        execution = arn or execution_arn(sm, name)
        with aws_call(resource_subject(kind, name)):
            return _plain(sm.describe_pipeline_execution(PipelineExecutionArn=execution))
    raise ActionNotSupportedError(f"The bot cannot describe a {kind.title.lower()}.")


def describe_model_package(sm: SageMakerClient, ident: str) -> dict[str, Any]:
    """A model package's DescribeModelPackage response, by ARN or ``GROUP/VERSION``."""
    subject = resource_subject(K.MODEL_PACKAGE, ident)
    try:
        with aws_call(subject):
            return _plain(sm.describe_model_package(ModelPackageName=ident))
    except (ResourceNotFoundError, AwsRequestError):
        group, _, version = ident.rpartition("/")
        if Arn.parse(ident) or not group or not version.isdigit():
            raise
        # Not every implementation takes ``GROUP/VERSION`` as a name (the API's pattern
        # allows it): find the version's ARN in its group, which always works.
        package_arn = _package_arn(sm, group, int(version))
        if package_arn is None:
            raise
    with aws_call(subject):
        return _plain(sm.describe_model_package(ModelPackageName=package_arn))


def _package_arn(sm: SageMakerClient, group: str, version: int) -> str | None:
    try:
        with aws_call(resource_subject(K.MODEL_PACKAGE, f"{group}/{version}")):
            pages = sm.get_paginator("list_model_packages").paginate(
                ModelPackageGroupName=group, SortBy="CreationTime", SortOrder="Descending"
            )
            for page in pages:
                for summary in page.get("ModelPackageSummaryList", []):
                    if summary.get("ModelPackageVersion") == version:
                        return summary["ModelPackageArn"]
    except (ResourceNotFoundError, AwsRequestError):
        return None
    return None


def execution_arn(sm: SageMakerClient, name: str) -> str:
    """``PIPELINE/EXECUTION-ID`` → the execution's ARN (the API wants nothing else)."""
    pipeline, _, execution = name.partition("/")
    if not pipeline or not execution:
        raise ResourceNotFoundError(
            f"{name} is not a pipeline execution: give PIPELINE/EXECUTION-ID or its ARN."
        )
    with aws_call(f"pipeline {pipeline}"):
        pipeline_arn = sm.describe_pipeline(PipelineName=pipeline)["PipelineArn"]
    return f"{pipeline_arn}/execution/{execution}"


def _latest_execution(sm: SageMakerClient, pipeline: str) -> str:
    with aws_call(f"pipeline {pipeline}"):
        pages = sm.get_paginator("list_pipeline_executions").paginate(
            PipelineName=pipeline, SortBy="CreationTime", SortOrder="Descending"
        )
        for page in pages:
            for summary in page.get("PipelineExecutionSummaries", []):
                if summary.get("PipelineExecutionArn"):
                    return summary["PipelineExecutionArn"]
    raise ResourceNotFoundError(f"Pipeline {pipeline} has no executions yet.")


def _image_version(arn: str | None) -> tuple[str, int]:
    parsed = Arn.parse(arn)
    image, _, version = (parsed.resource if parsed else "").rpartition("/")
    if not image or not version.isdigit():
        raise ResourceNotFoundError("An image version is looked up by its ARN.")
    return image, int(version)


def _plain(response: Any) -> dict[str, Any]:
    """A response as a plain dict, without botocore's ResponseMetadata."""
    return {k: v for k, v in dict(response).items() if k != "ResponseMetadata"}


# --- model registry ---------------------------------------------------------------------------


def current_approval(sm: SageMakerClient, arn: str) -> str | None:
    """A model package's approval status now (to refuse a stale Approve button)."""
    status = describe_model_package(sm, arn).get("ModelApprovalStatus")
    return status if isinstance(status, str) else None


def approved_version(sm: SageMakerClient, group: str) -> dict[str, Any] | None:
    """The group's newest Approved package (its ListModelPackages summary), if any."""
    with aws_call(f"model package group {group}"):
        pages = sm.get_paginator("list_model_packages").paginate(
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


def model_package_metrics(description: dict[str, Any]) -> list[tuple[str, str]]:
    """The reports a model package points at, as ``(label, S3 URI)``.

    ModelMetrics (``ModelQuality.Statistics``, ``Bias.Report``, …) come first, then the drift
    check baselines, labelled as such. Keys AWS may add later get a label from their name.
    """
    drift = documents_of(description.get("DriftCheckBaselines"))
    return [
        *documents_of(description.get("ModelMetrics")),
        *((f"Drift baseline: {label}", uri) for label, uri in drift),
    ]


# --- a description as an event ----------------------------------------------------------------


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
