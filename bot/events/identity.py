"""Resource identity: what a Slack thread is about, and which thread it belongs in."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class ResourceKind(StrEnum):
    """Kinds of SageMaker resource, named as users type them in ``/sagemaker subscribe``."""

    TRAINING = "training"
    TUNING = "tuning"
    PROCESSING = "processing"
    TRANSFORM = "transform"
    ENDPOINT = "endpoint"
    DEPLOYMENT = "deployment"
    MODEL_PACKAGE = "model-package"
    MODEL = "model"
    PIPELINE = "pipeline"
    STEP = "step"
    FEATURE_GROUP = "feature-group"
    IMAGE = "image"
    IMAGE_VERSION = "image-version"
    MODEL_CARD = "model-card"
    NOTEBOOK = "notebook"
    LIFECYCLE_CONFIG = "lifecycle-config"
    ENDPOINT_CONFIG = "endpoint-config"
    ALGORITHM = "algorithm"
    LABELING = "labeling"
    CLUSTER = "hyperpod"
    OTHER = "other"

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title() is never wanted here
        return _TITLES[self]


_TITLES = {
    ResourceKind.TRAINING: "Training job",
    ResourceKind.TUNING: "Tuning job",
    ResourceKind.PROCESSING: "Processing job",
    ResourceKind.TRANSFORM: "Transform job",
    ResourceKind.ENDPOINT: "Endpoint",
    ResourceKind.DEPLOYMENT: "Endpoint deployment",
    ResourceKind.MODEL_PACKAGE: "Model package",
    ResourceKind.MODEL: "Model",
    ResourceKind.PIPELINE: "Pipeline execution",
    ResourceKind.STEP: "Pipeline step",
    ResourceKind.FEATURE_GROUP: "Feature group",
    ResourceKind.IMAGE: "Image",
    ResourceKind.IMAGE_VERSION: "Image version",
    ResourceKind.MODEL_CARD: "Model card",
    ResourceKind.NOTEBOOK: "Notebook instance",
    ResourceKind.LIFECYCLE_CONFIG: "Notebook lifecycle config",
    ResourceKind.ENDPOINT_CONFIG: "Endpoint config",
    ResourceKind.ALGORITHM: "Algorithm",
    ResourceKind.LABELING: "Labeling job",
    ResourceKind.CLUSTER: "HyperPod cluster",
    ResourceKind.OTHER: "SageMaker resource",
}


# ARN resource type (``arn:…:sagemaker:…:<type>/<name>``) → kind.
ARN_KINDS: dict[str, ResourceKind] = {
    "training-job": ResourceKind.TRAINING,
    "hyper-parameter-tuning-job": ResourceKind.TUNING,
    "processing-job": ResourceKind.PROCESSING,
    "transform-job": ResourceKind.TRANSFORM,
    "endpoint": ResourceKind.ENDPOINT,
    "model-package": ResourceKind.MODEL_PACKAGE,
    "pipeline": ResourceKind.PIPELINE,
    "model": ResourceKind.MODEL,
    "feature-group": ResourceKind.FEATURE_GROUP,
    "image": ResourceKind.IMAGE,
    "image-version": ResourceKind.IMAGE_VERSION,
    "model-card": ResourceKind.MODEL_CARD,
    "notebook-instance": ResourceKind.NOTEBOOK,
    "notebook-instance-lifecycle-config": ResourceKind.LIFECYCLE_CONFIG,
    "endpoint-config": ResourceKind.ENDPOINT_CONFIG,
    "algorithm": ResourceKind.ALGORITHM,
    "labeling-job": ResourceKind.LABELING,
    "cluster": ResourceKind.CLUSTER,
}


class Arn(NamedTuple):
    """The parts of an ARN. A named tuple: made for every ARN an event holds, several times
    cheaper to build than a frozen dataclass."""

    partition: str
    service: str
    region: str
    account: str
    resource_type: str
    resource: str

    @classmethod
    def parse(cls, text: object) -> Arn | None:
        """Parse ``arn:partition:service:region:account:type/name``; ``None`` if it is not one."""
        if not isinstance(text, str) or not text.startswith("arn:"):
            return None
        parts = text.split(":", 5)
        if len(parts) != 6:
            return None
        _, partition, service, region, account, rest = parts
        resource_type, _, resource = rest.partition("/")
        return cls(partition, service, region, account, resource_type, resource)


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """One SageMaker resource: the unit that gets one parent message per channel."""

    kind: ResourceKind
    name: str
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    label: str | None = None  # a friendlier name to show, e.g. a pipeline execution's display name

    @property
    def key(self) -> str:
        """Stable identity across events: the ARN when known, else kind, place and name."""
        if self.arn:
            return self.arn
        return f"{self.kind}:{self.account or '-'}:{self.region or '-'}:{self.name}"

    @property
    def display_name(self) -> str:
        return self.label or self.name
