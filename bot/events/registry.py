"""Which detail model and template belong to which EventBridge detail-type."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.events import models
from bot.events.identity import ResourceKind


@dataclass(frozen=True, slots=True)
class EventSpec:
    detail_type: str
    model: type[models.Detail]
    template: str

    @property
    def kind(self) -> ResourceKind:
        return self.model.kind


SPECS: tuple[EventSpec, ...] = (
    EventSpec("SageMaker Model State Change", models.ModelDetail, "model"),
    EventSpec(
        "SageMaker Notebook Instance State Change", models.NotebookInstanceDetail, "notebook"
    ),
    EventSpec(
        "SageMaker Notebook Lifecycle Config State Change",
        models.LifecycleConfigDetail,
        "lifecycle_config",
    ),
    EventSpec(
        "SageMaker Endpoint Config State Change", models.EndpointConfigDetail, "endpoint_config"
    ),
    EventSpec("SageMaker Algorithm State Change", models.AlgorithmDetail, "algorithm"),
    EventSpec("SageMaker Training Job State Change", models.TrainingJobDetail, "training_job"),
    EventSpec(
        "SageMaker HyperParameter Tuning Job State Change", models.TuningJobDetail, "tuning_job"
    ),
    EventSpec("SageMaker Transform Job State Change", models.TransformJobDetail, "transform_job"),
    EventSpec("SageMaker Endpoint State Change", models.EndpointDetail, "endpoint"),
    EventSpec("SageMaker Feature Group State Change", models.FeatureGroupDetail, "feature_group"),
    EventSpec("SageMaker Model Package State Change", models.ModelPackageDetail, "model_package"),
    EventSpec(
        "SageMaker Model Building Pipeline Execution Status Change",
        models.PipelineExecutionDetail,
        "pipeline_execution",
    ),
    EventSpec(
        "SageMaker Model Building Pipeline Execution Step Status Change",
        models.PipelineStepDetail,
        "pipeline_step",
    ),
    EventSpec(
        "SageMaker Processing Job State Change", models.ProcessingJobDetail, "processing_job"
    ),
    EventSpec("SageMaker Image State Change", models.ImageDetail, "image"),
    EventSpec("SageMaker Image Version State Change", models.ImageVersionDetail, "image_version"),
    EventSpec(
        "SageMaker Endpoint Deployment State Change",
        models.EndpointDeploymentDetail,
        "endpoint_deployment",
    ),
    EventSpec("SageMaker Model Card State Change", models.ModelCardDetail, "model_card"),
    # The first spec of a kind is its parent's (a placeholder parent is made of it).
    EventSpec(
        "SageMaker Ground Truth Labeling Job State Change",
        models.LabelingJobDetail,
        "labeling_job",
    ),
    EventSpec(
        "SageMaker Ground Truth Labeling Job Task Status Change",
        models.LabelingTaskDetail,
        "labeling_task",
    ),
    EventSpec("SageMaker HyperPod Cluster State Change", models.ClusterDetail, "cluster"),
    EventSpec("SageMaker HyperPod Cluster Event", models.ClusterEventDetail, "cluster_event"),
    EventSpec(
        "SageMaker HyperPod Cluster Node Health Event",
        models.ClusterNodeHealthDetail,
        "cluster_node_health",
    ),
)
GENERIC = EventSpec("", models.GenericDetail, "generic")


def _key(detail_type: str) -> str:
    return re.sub(r"\s+", " ", detail_type).strip().lower()


_BY_TYPE = {_key(spec.detail_type): spec for spec in SPECS}


def spec_for(detail_type: str | None) -> EventSpec:
    """The spec of a detail-type; case and spacing do not matter; unknown types are generic."""
    if not detail_type:
        return GENERIC
    return _BY_TYPE.get(_key(detail_type), GENERIC)
