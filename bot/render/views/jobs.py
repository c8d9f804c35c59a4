"""Views of jobs: training, processing, transform and hyperparameter tuning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.render.escape import code
from bot.render.formatting import (
    as_list,
    dig,
    duration,
    number,
    pairs,
    s3,
    seconds_text,
    when,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.links import ResourceLinks
    from bot.render.renderer import RenderContext


def training_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    rc = d.ResourceConfig
    instance_type = dig(rc, "InstanceType")
    count = dig(rc, "InstanceCount")
    max_runtime = dig(d.StoppingCondition, "MaxRuntimeInSeconds")
    image = dig(d.AlgorithmSpecification, "TrainingImage")
    facts = [
        ("Instance", f"{instance_type}{f' × {count}' if count else ''}" if instance_type else None),
        ("Duration", duration(d.TrainingStartTime, d.TrainingEndTime)),
        (
            "Billable time",
            seconds_text(d.BillableTimeInSeconds) if d.BillableTimeInSeconds is not None else None,
        ),
        ("Max runtime", seconds_text(max_runtime) if max_runtime else None),
        ("Image", code(image) if image else None),
        ("Output", s3(dig(d.OutputDataConfig, "S3OutputPath"))),
        ("Model artifacts", s3(dig(d.ModelArtifacts, "S3ModelArtifacts"))),
        ("Tuning job", d.TuningJobArn.split("/")[-1] if d.TuningJobArn else None),
        ("Started", when(d.TrainingStartTime)),
    ]
    inputs = [
        (
            dig(channel, "ChannelName") or "channel",
            s3(dig(channel, "DataSource", "S3DataSource", "S3Uri")),
        )
        for channel in as_list(d.InputDataConfig)[:10]
    ]
    metrics = [
        (dig(m, "MetricName"), number(dig(m, "Value"))) for m in as_list(d.FinalMetricDataList)[:15]
    ]
    return {
        "facts": facts,
        "inputs": inputs,
        "hyperparameters": pairs(d.HyperParameters, 20),
        "metrics": metrics,
    }


def processing_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def transform_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def tuning_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}
