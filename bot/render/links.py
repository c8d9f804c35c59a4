"""Links to a resource's page: the SageMaker console, SageMaker Studio, CloudWatch Logs.

One table (``PAGES``) holds the URL formats of every resource kind. Region- and
partition-aware (China, GovCloud); every name is percent-encoded; nothing from an event picks
a host: the region must look like one, and a Studio domain comes from the settings only, for
the account and region it lives in (``bot.render.studio``).

The Studio domains reach every link the renderer makes (the views, the ``arn_info`` filter)
through ``using_studio``, which the ``Renderer`` sets around each render: the helpers that
make links are called from many views, and a parameter threaded through all of them would
touch every view for one setting.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

from bot.events.identity import Arn, ResourceKind, ResourceRef
from bot.render.escape import url_component as enc
from bot.render.studio import NO_STUDIO, StudioDomains, valid_domain_id

_HOME = "sagemaker/home?region={region}#/"
# The console's page that opens Studio ("Open Studio"): the closest console page to what lives
# in Studio only. Launch Studio from the console:
# https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-launch.html
STUDIO_LANDING = _HOME + "studio-landing"


class Formats(NamedTuple):
    """Where a kind's page is: a path after the console host, and one after the Studio host
    (used when a domain is configured for the resource's account and region). ``{region}`` and
    the names (``{name}``, ``{group}``, …) are filled in encoded. None: no such page."""

    console: str | None
    studio: str | None = None


# AWS documents where each page is in the console or Studio (the page cited), but none of
# them documents a URL: each format is the one the console's own links use, seen in projects
# that link to it (named where it is not the bot's own earlier format). Tested as formats.
PAGES: dict[ResourceKind, Formats] = {
    # https://docs.aws.amazon.com/sagemaker/latest/dg/how-it-works-training.html
    ResourceKind.TRAINING: Formats(_HOME + "jobs/{name}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-monitor.html
    ResourceKind.TUNING: Formats(_HOME + "hyper-tuning-jobs/{name}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/processing-job.html
    ResourceKind.PROCESSING: Formats(_HOME + "processing-jobs/{name}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/batch-transform.html
    ResourceKind.TRANSFORM: Formats(_HOME + "transform-jobs/{name}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints.html
    ResourceKind.ENDPOINT: Formats(_HOME + "endpoints/{name}"),
    # A deployment has no page of its own: its endpoint's (same page as above).
    ResourceKind.DEPLOYMENT: Formats(_HOME + "endpoints/{endpoint}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints-create-config.html
    # Format as kubeflow/pipelines' SageMaker components (AWS's) log it.
    ResourceKind.ENDPOINT_CONFIG: Formats(_HOME + "endpointConfig/{name}"),
    # https://docs.aws.amazon.com/sagemaker/latest/dg/realtime-endpoints-deploy-models.html
    ResourceKind.MODEL: Formats(_HOME + "models/{name}"),
    # The model registry is in Studio: a group's versions. No console page; no URL of one
    # version seen, so a version opens its group's list.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-view.html
    # Studio format as CodePipeline approval links use it (…/models/registered-models/G/versions).
    ResourceKind.MODEL_PACKAGE: Formats(
        STUDIO_LANDING, "models/registered-models/{group}/versions"
    ),
    # Pipelines are in Studio only: an execution's graph. No console page.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/pipelines-studio-view-execution.html
    # Studio format as ZenML's SageMaker orchestrator builds it.
    ResourceKind.PIPELINE: Formats(
        STUDIO_LANDING, "pipelines/view/{pipeline}/executions/{execution}/graph"
    ),
    # A step is shown in its execution's graph: ``links.pipeline``, not a page of its own.
    ResourceKind.STEP: Formats(None),
    # Feature Store is in Studio (Data > Feature Store); no URL of a feature group's page seen:
    # Studio's home, else the console's Open Studio page.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/feature-store-use-with-studio.html
    ResourceKind.FEATURE_GROUP: Formats(STUDIO_LANDING, ""),
    # Admin configurations > Images.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/studio-byoi.html
    ResourceKind.IMAGE: Formats(_HOME + "images/{name}"),
    # A version opens its image's page (its versions are listed there).
    ResourceKind.IMAGE_VERSION: Formats(_HOME + "images/{image}"),
    # Governance > Model cards.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/model-cards.html
    ResourceKind.MODEL_CARD: Formats(_HOME + "model-cards/{name}"),
    # Applications and IDEs > Notebooks.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/nbi.html
    ResourceKind.NOTEBOOK: Formats(_HOME + "notebook-instances/{name}"),
    # Notebooks > Lifecycle configurations. Format seen in one third-party table of console
    # URLs per ARN type only: the least sure entry here.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/notebook-lifecycle-config.html
    ResourceKind.LIFECYCLE_CONFIG: Formats(_HOME + "notebook-lifecycle-config/{name}"),
    # Inference > Marketplace resources > Algorithms (your own algorithm resources).
    # https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-mkt-create-algo.html
    ResourceKind.ALGORITHM: Formats(_HOME + "algorithms/{name}"),
    # Ground Truth > Labeling jobs; format as kubeflow/pipelines' SageMaker components (AWS's)
    # link a job.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/sms-create-labeling-job-console.html
    ResourceKind.LABELING: Formats(
        "sagemaker/groundtruth?region={region}#/labeling-jobs/details/{name}"
    ),
    # HyperPod clusters > Cluster management; format as aws/sagemaker-hyperpod-cli links it.
    # https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-eks-operate-console-ui-create-cluster.html
    ResourceKind.CLUSTER: Formats(_HOME + "cluster-management/{name}"),
    # Whatever comes next: no page we know of.
    ResourceKind.OTHER: Formats(None),
}

# A pipeline named without an execution (a step's pipelineArn): its page in Studio.
PIPELINE_PAGE = Formats(STUDIO_LANDING, "pipelines/view/{pipeline}")

# CloudWatch log groups, with each resource's streams under ``<name>/``.
# https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html
_LOG_GROUPS = {
    ResourceKind.TRAINING: "/aws/sagemaker/TrainingJobs",
    ResourceKind.PROCESSING: "/aws/sagemaker/ProcessingJobs",
    ResourceKind.TRANSFORM: "/aws/sagemaker/TransformJobs",
    # Lifecycle scripts' output: "log group /aws/sagemaker/NotebookInstances in log stream
    # [notebook-instance-name]/[LifecycleConfigHook]".
    # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateNotebookInstanceLifecycleConfig.html
    ResourceKind.NOTEBOOK: "/aws/sagemaker/NotebookInstances",
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


def studio_host(domain: str, region: str) -> str | None:
    """A Studio domain's host. Both are checked again here, since they make the host name
    (the settings refuse a bad domain; this guards a ``StudioDomains`` made by hand)."""
    if not valid_domain_id(domain) or not valid_region(region):
        return None
    return f"https://studio-{domain}.studio.{region}.sagemaker.aws"


# Callers pass only regions that passed valid_region ([a-z0-9-]): nothing in them to encode.


def sagemaker_console(region: str, fragment: str) -> str:
    """A page of the SageMaker console, by its ``#/`` fragment (already encoded)."""
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


_STUDIO: ContextVar[StudioDomains] = ContextVar("studio_domains", default=NO_STUDIO)


@contextmanager
def using_studio(domains: StudioDomains) -> Iterator[None]:
    """Links made inside use these Studio domains (the renderer's setting)."""
    token = _STUDIO.set(domains)
    try:
        yield
    finally:
        _STUDIO.reset(token)


def page_url(
    formats: Formats,
    region: str,
    account: str | None,
    names: dict[str, str],
    studio: StudioDomains | None = None,
) -> tuple[str | None, bool]:
    """The URL of a page (and whether it is in Studio): Studio's when a domain is configured
    for exactly this account and region and the format's names are known, else the console's.
    ``names`` are raw; each is encoded here."""
    if not valid_region(region):
        return None, False
    values = {key: enc(value) for key, value in names.items()}
    domain = (_STUDIO.get() if studio is None else studio).domain_for(account, region)
    host = studio_host(domain, region) if domain else None
    if host and formats.studio is not None:
        try:
            path = formats.studio.format(**values)
        except KeyError:  # a name this event does not give: try the console
            pass
        else:
            return f"{host}/{path}", True
    if formats.console is None:
        return None, False
    try:
        path = formats.console.format(region=region, **values)
    except KeyError:
        return None, False
    return f"{console_host(region)}/{path}", False


def _pipeline_page(arn_text: str | None) -> tuple[Formats, dict[str, str]]:
    """A pipeline's or a run's page and its names, from ``…:pipeline/P[/execution/X]``."""
    arn = Arn.parse(arn_text)
    if arn is None or arn.resource_type != "pipeline" or not arn.resource:
        return PAGES[ResourceKind.PIPELINE], {}  # no names: the console's page
    pipeline, _, execution = arn.resource.partition("/execution/")
    if not execution:
        return PIPELINE_PAGE, {"pipeline": pipeline.rstrip("/")}
    return PAGES[ResourceKind.PIPELINE], {"pipeline": pipeline, "execution": execution}


def pipeline_url(
    arn_text: str, account: str | None = None, studio: StudioDomains | None = None
) -> str | None:
    """The page of a pipeline execution (or of a pipeline, for an ARN without an execution)."""
    arn = Arn.parse(arn_text)
    if arn is None or arn.resource_type != "pipeline":
        return None
    formats, names = _pipeline_page(arn_text)
    return page_url(formats, arn.region, arn.account or account, names, studio)[0]


class ResourceLinks(NamedTuple):
    console: str | None = None
    logs: str | None = None
    pipeline: str | None = None
    # ``console`` opens SageMaker Studio rather than the AWS console (its label says so).
    studio: bool = False


def _names(resource: ResourceRef, model_package_group: str | None) -> dict[str, str]:
    """The names a kind's formats use, from the resource's name and ARN."""
    kind = resource.kind
    arn = Arn.parse(resource.arn)
    names = {"name": resource.name}
    if kind in (ResourceKind.LABELING, ResourceKind.CLUSTER):
        # A labeling task (``JOB/task/ID``) or a HyperPod node (``CLUSTER/i-…``) is shown on
        # its job's or cluster's page; neither name may hold a "/" (CreateLabelingJob's and
        # CreateCluster's name patterns), so the first part is the parent's name.
        names["name"] = resource.name.split("/", 1)[0]
    elif kind is ResourceKind.DEPLOYMENT:
        # ``…:endpoint/E/deployment/C``; the name reads ``E → C``.
        names["endpoint"] = (
            arn.resource.split("/", 1)[0] if arn else resource.name.split(" → ", 1)[0]
        )
    elif kind is ResourceKind.MODEL_PACKAGE:
        # ``…:model-package/GROUP/VERSION``; an unversioned package's ARN names no group.
        group, versioned, _ = arn.resource.partition("/") if arn else ("", "", "")
        if model_package_group or versioned:
            names["group"] = model_package_group or group
    elif kind is ResourceKind.IMAGE_VERSION and arn and "/" in arn.resource:
        # ``…:image-version/IMAGE/VERSION``; AWS's sample event names the version by an id
        # alone, which says nothing of its image: no link then.
        names["image"] = arn.resource.split("/", 1)[0]
    return names


def resource_links(
    resource: ResourceRef,
    *,
    pipeline_execution_arn: str | None = None,
    model_package_group: str | None = None,
    studio: StudioDomains | None = None,
) -> ResourceLinks:
    """Console (or Studio), logs and pipeline links for a resource; ``None`` where none makes
    sense. ``studio``: the domains to link to; by default those the renderer set."""
    region = resource.region
    if not region or not valid_region(region):
        return ResourceLinks()
    kind = resource.kind
    execution = pipeline_execution_arn or (resource.arn if kind is ResourceKind.PIPELINE else None)
    if kind is ResourceKind.PIPELINE:
        formats, names = _pipeline_page(resource.arn or execution)
    else:
        formats, names = PAGES[kind], _names(resource, model_package_group)
    console, in_studio = page_url(formats, region, resource.account, names, studio)
    logs = None
    if kind in _LOG_GROUPS:
        logs = log_group_url(region, _LOG_GROUPS[kind], f"{resource.name}/")
    elif kind in (ResourceKind.ENDPOINT, ResourceKind.DEPLOYMENT):
        endpoint_name = resource.name.split(" → ", 1)[0]
        logs = log_group_url(region, f"/aws/sagemaker/Endpoints/{endpoint_name}")
    elif kind is ResourceKind.CLUSTER:
        cluster = Arn.parse(resource.arn)  # ``cluster/ID``, a node's ``cluster/ID/node/i-…``
        cluster_id = cluster.resource.split("/", 1)[0] if cluster else ""
        if re.fullmatch(r"[a-z0-9]{12}", cluster_id):
            # Lifecycle scripts log to /aws/sagemaker/Clusters/<name>/<id>, the id being the
            # ARN's (DescribeCluster: "cluster/[a-z0-9]{12}"), as AWS's HyperPod tools read it.
            # https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeCluster.html
            logs = log_group_url(region, f"/aws/sagemaker/Clusters/{names['name']}/{cluster_id}")
    # The run a job, model or step belongs to; a pipeline's own run is its console link.
    pipeline = None
    if kind is not ResourceKind.PIPELINE and execution:
        pipeline = pipeline_url(execution, resource.account, studio)
    return ResourceLinks(console=console, logs=logs, pipeline=pipeline, studio=in_studio)
