"""Links to the AWS console for a resource: region- and partition-aware, every name encoded."""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.events.identity import Arn, ResourceKind, ResourceRef
from bot.render.escape import url_component as enc

_LOG_GROUPS = {
    ResourceKind.TRAINING: "/aws/sagemaker/TrainingJobs",
    ResourceKind.PROCESSING: "/aws/sagemaker/ProcessingJobs",
    ResourceKind.TRANSFORM: "/aws/sagemaker/TransformJobs",
}

# Fragments of the SageMaker console (``#/...``) per kind.
_CONSOLE_PATHS = {
    ResourceKind.TRAINING: "jobs/{name}",
    ResourceKind.TUNING: "hyper-tuning-jobs/{name}",
    ResourceKind.PROCESSING: "processing-jobs/{name}",
    ResourceKind.TRANSFORM: "transform-jobs/{name}",
    ResourceKind.ENDPOINT: "endpoints/{name}",
    ResourceKind.MODEL: "models/{name}",
    ResourceKind.IMAGE: "images/{name}",
    ResourceKind.MODEL_CARD: "model-cards/{name}",
    ResourceKind.FEATURE_GROUP: "feature-groups/{name}",
}


_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")


def valid_region(region: object) -> bool:
    """Only real-looking region names go into a host name: a value from an event such as
    ``evil.example/`` must never choose where a link points."""
    return isinstance(region, str) and bool(_REGION.match(region))


def console_host(region: str) -> str:
    """The console host of a region's partition (commercial, China, GovCloud)."""
    if region.startswith("cn-"):
        return f"https://{region}.console.amazonaws.cn"
    if region.startswith("us-gov-"):
        return f"https://{region}.console.amazonaws-us-gov.com"
    return f"https://{region}.console.aws.amazon.com"


# Callers pass only regions that passed valid_region ([a-z0-9-]): nothing in them to encode.


def sagemaker_console(region: str, fragment: str) -> str:
    return f"{console_host(region)}/sagemaker/home?region={region}#/{fragment}"


def _cw(text: str) -> str:
    """The CloudWatch console's encoding: percent-encoded twice, then ``%`` as ``$``, so each
    reserved byte becomes ``$25XX``."""
    return enc(enc(text)).replace("%", "$")


def log_group_url(region: str, log_group: str, stream_prefix: str | None = None) -> str:
    """CloudWatch Logs console URL; the console wants ``$25``-style double encoding."""
    url = (
        f"{console_host(region)}/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{_cw(log_group)}"
    )
    if stream_prefix:
        url += "/log-events$3FlogStreamNameFilter$3D" + _cw(stream_prefix)
    return url


def pipeline_execution_url(region: str, execution_arn: str) -> str | None:
    arn = Arn.parse(execution_arn)
    if arn is None or "/execution/" not in arn.resource:
        return None
    pipeline, _, execution = arn.resource.partition("/execution/")
    return sagemaker_console(region, f"pipelines/{enc(pipeline)}/executions/{enc(execution)}")


class ResourceLinks(NamedTuple):
    console: str | None = None
    logs: str | None = None
    pipeline: str | None = None


def resource_links(
    resource: ResourceRef,
    *,
    pipeline_execution_arn: str | None = None,
    model_package_group: str | None = None,
) -> ResourceLinks:
    """Console, logs and pipeline links for a resource; ``None`` where none makes sense."""
    region = resource.region
    if not region or not valid_region(region):
        return ResourceLinks()
    console = None
    kind = resource.kind
    if kind in _CONSOLE_PATHS:
        console = sagemaker_console(region, _CONSOLE_PATHS[kind].format(name=enc(resource.name)))
    elif kind is ResourceKind.MODEL_PACKAGE and model_package_group:
        console = sagemaker_console(region, f"model-registry/{enc(model_package_group)}")
    elif kind is ResourceKind.DEPLOYMENT and resource.arn:
        endpoint = Arn.parse(resource.arn)
        if endpoint:
            name = endpoint.resource.split("/", 1)[0]
            console = sagemaker_console(region, f"endpoints/{enc(name)}")
    logs = None
    if kind in _LOG_GROUPS:
        logs = log_group_url(region, _LOG_GROUPS[kind], f"{resource.name}/")
    elif kind in (ResourceKind.ENDPOINT, ResourceKind.DEPLOYMENT):
        endpoint_name = resource.name.split(" → ", 1)[0]
        logs = log_group_url(region, f"/aws/sagemaker/Endpoints/{endpoint_name}")
    execution = pipeline_execution_arn or (resource.arn if kind is ResourceKind.PIPELINE else None)
    pipeline = pipeline_execution_url(region, execution) if execution else None
    if kind is ResourceKind.PIPELINE:
        console, pipeline = pipeline, None
    return ResourceLinks(console=console, logs=logs, pipeline=pipeline)
