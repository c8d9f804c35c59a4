"""Pydantic models of SageMaker EventBridge events: the envelope and each detail-type.

Every field is optional and every model keeps unknown fields, because real events are messy. A
value that cannot be coerced is kept as it arrived (``Lenient``) so that rendering can still show
it; one bad field never rejects an event.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainValidator,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import core_schema

from bot.events.coerce import first_string, parse_number, parse_tags, parse_timestamp
from bot.events.guess import Guess, guess, status_from_detail_type
from bot.events.identity import Arn, ResourceKind, ResourceRef
from bot.events.status import StatusClass, classify, level_status, normalize_status

T = TypeVar("T")


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value)
    return json.dumps(value, default=str, ensure_ascii=False)


def _try(parser: Any) -> Any:
    def parse(value: Any) -> Any:
        if value is None:
            return None
        try:
            return parser(value)
        except (ValueError, TypeError):
            return value  # degrade to the raw value; templates show it as it came

    return parse


class _KeepRaw:
    """``Lenient[T]``: ``T`` when the value validates as ``T``, else the value as it came."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.union_schema(
            [handler(source), core_schema.any_schema()], mode="left_to_right"
        )


Lenient = Annotated[T, _KeepRaw()]
"""A field that keeps the raw value when it does not validate as ``T``."""

# Each lenient scalar is read by its coercer alone: a value it cannot clean is kept as it came.
Timestamp = Annotated[datetime | Any, PlainValidator(_try(parse_timestamp))]
Number = Annotated[int | float | Any, PlainValidator(_try(parse_number))]
TagMap = Annotated[dict[str, str] | Any, PlainValidator(_try(parse_tags))]
Text = Annotated[str | None, PlainValidator(_text)]
StatusText = Annotated[str | None, PlainValidator(normalize_status)]
Source = Annotated[str | None, PlainValidator(_try(first_string))]
# Objects and lists are kept as they came: a template digs into them and copes with any shape.
Obj = Any
Objs = Any


class Lax(BaseModel):
    """Base of every model here: keeps unknown fields, never strict."""

    # defer_build: a model's validator is built on first use, so a cold start builds only the
    # one or two models its first event needs, not all of them.
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)


# --- shared nested shapes -------------------------------------------------------------------


class ResourceConfigModel(Lax):
    InstanceType: Text = None
    InstanceCount: Number = None
    VolumeSizeInGB: Number = None


class VariantStatusModel(Lax):
    Status: StatusText = None
    StatusMessage: Text = None
    StartTime: Timestamp = None


class ProductionVariantModel(Lax):
    VariantName: Text = None
    CurrentWeight: Number = None
    DesiredWeight: Number = None
    CurrentInstanceCount: Number = None
    DesiredInstanceCount: Number = None
    InstanceType: Text = None
    VariantStatus: Lenient[list[VariantStatusModel] | None] = None


class PendingDeploymentModel(Lax):
    EndpointConfigName: Text = None
    StartTime: Timestamp = None
    ProductionVariants: Lenient[list[ProductionVariantModel] | None] = None


class TransitionModel(Lax):
    Status: StatusText = None
    StartTime: Timestamp = None
    EndTime: Timestamp = None
    StatusMessage: Text = None


# --- details ----------------------------------------------------------------------------------


class Detail(Lax):
    """Common behaviour. Subclasses name where their identity, status and times live."""

    kind: ClassVar[ResourceKind] = ResourceKind.OTHER
    name_field: ClassVar[str] = ""
    arn_field: ClassVar[str] = ""
    status_field: ClassVar[str] = ""
    failure_field: ClassVar[str] = "FailureReason"
    previous_status_field: ClassVar[str] = ""
    # The envelope's ``resources`` name this resource when the detail has no ARN (a labeling
    # job's event often carries its status alone).
    arn_in_resources: ClassVar[bool] = False

    Tags: TagMap = None
    CreationTime: Timestamp = None
    LastModifiedTime: Timestamp = None

    def field(self, name: str) -> Any:
        """A field by its event name, declared or extra; ``None`` when absent."""
        if not name:
            return None
        # Declared fields live in __dict__, the others in the extra: no failing getattr.
        value = self.__dict__.get(name)
        if value is None and self.__pydantic_extra__:
            value = self.__pydantic_extra__.get(name)
        return value

    @property
    def arn(self) -> str | None:
        value = self.field(self.arn_field)
        return value if isinstance(value, str) and value else None

    @property
    def name(self) -> str | None:
        value = self.field(self.name_field)
        if isinstance(value, str) and value:
            return value
        arn = Arn.parse(self.arn)
        return arn.resource if arn and arn.resource else None

    @property
    def status(self) -> str | None:
        return normalize_status(self.field(self.status_field))

    @property
    def previous_status(self) -> str | None:
        """The status before this change, for the event types that carry it."""
        return normalize_status(self.field(self.previous_status_field))

    @property
    def failure_reason(self) -> str | None:
        value = self.field(self.failure_field)
        return _text(value) if value not in (None, "") else None

    @property
    def last_modified(self) -> datetime | None:
        value = self.LastModifiedTime
        return value if isinstance(value, datetime) else None

    @property
    def sub_status(self) -> str | None:
        """The finer state within ``status`` (a training job's secondary status, a deployment's
        variant status), when it says more than the status itself."""
        return None

    @property
    def implied_class(self) -> StatusClass | None:
        """How it went when no status word says (only a detail of an unknown type can tell)."""
        return None

    def parent(self) -> ResourceRef | None:
        return None

    def label(self) -> str | None:
        return None


class ExistenceDetail(Detail):
    """A resource whose events carry no status (models, endpoint configs, lifecycle configs:
    AWS's schemas name none, and its guide says a model's event comes when it "is either
    created or deleted"). A status field, when one is there, wins. Otherwise an event that
    describes the resource (``describing_fields``: its containers, variants, scripts or
    creation time) is its creation; one that only names it is its deletion: a deleted
    resource has nothing left to describe, and its tags are gone too (awslabs/mlspace reads a
    model's or an endpoint config's event without tags as its deletion)."""

    describing_fields: ClassVar[tuple[str, ...]] = ("CreationTime",)

    @property
    def status(self) -> str | None:
        explicit = normalize_status(self.field(self.status_field))
        if explicit:
            return explicit
        described = any(
            self.field(name) not in (None, "", [], {}) for name in self.describing_fields
        )
        return "Created" if described else "Deleted"


class ModelDetail(ExistenceDetail):
    kind = ResourceKind.MODEL
    name_field = "ModelName"
    arn_field = "ModelArn"
    status_field = "ModelStatus"
    describing_fields = (
        "PrimaryContainer",
        "Containers",
        "ExecutionRoleArn",
        "CreationTime",
        "InferenceExecutionConfig",
    )
    ModelName: Text = None
    ModelArn: Text = None
    PrimaryContainer: Obj = None
    Containers: Objs = None
    ExecutionRoleArn: Text = None
    EnableNetworkIsolation: Lenient[bool | None] = None


class NotebookInstanceDetail(Detail):
    kind = ResourceKind.NOTEBOOK
    name_field = "NotebookInstanceName"
    arn_field = "NotebookInstanceArn"
    status_field = "NotebookInstanceStatus"
    NotebookInstanceName: Text = None
    NotebookInstanceArn: Text = None
    NotebookInstanceStatus: StatusText = None
    FailureReason: Text = None
    InstanceType: Text = None
    VolumeSizeInGB: Number = None
    NotebookInstanceLifecycleConfigName: Text = None
    PlatformIdentifier: Text = None
    RootAccess: Text = None
    DirectInternetAccess: Text = None
    AcceleratorTypes: Objs = None
    RoleArn: Text = None
    SubnetId: Text = None
    SecurityGroups: Objs = None
    KmsKeyId: Text = None
    DefaultCodeRepository: Text = None
    AdditionalCodeRepositories: Objs = None


class LifecycleConfigDetail(ExistenceDetail):
    kind = ResourceKind.LIFECYCLE_CONFIG
    name_field = "NotebookInstanceLifecycleConfigName"
    arn_field = "NotebookInstanceLifecycleConfigArn"
    status_field = "NotebookInstanceLifecycleConfigStatus"
    describing_fields = ("OnCreate", "OnStart", "CreationTime")
    NotebookInstanceLifecycleConfigName: Text = None
    NotebookInstanceLifecycleConfigArn: Text = None
    OnCreate: Objs = None
    OnStart: Objs = None


class EndpointConfigDetail(ExistenceDetail):
    kind = ResourceKind.ENDPOINT_CONFIG
    name_field = "EndpointConfigName"
    arn_field = "EndpointConfigArn"
    status_field = "EndpointConfigStatus"
    describing_fields = ("ProductionVariants", "CreationTime")
    EndpointConfigName: Text = None
    EndpointConfigArn: Text = None
    ProductionVariants: Objs = None
    ShadowProductionVariants: Objs = None
    DataCaptureConfig: Obj = None
    KmsKeyId: Text = None
    AsyncInferenceConfig: Obj = None
    ExplainerConfig: Obj = None


class AlgorithmDetail(Detail):
    kind = ResourceKind.ALGORITHM
    name_field = "AlgorithmName"
    arn_field = "AlgorithmArn"
    status_field = "AlgorithmStatus"
    AlgorithmName: Text = None
    AlgorithmArn: Text = None
    AlgorithmDescription: Text = None
    AlgorithmStatus: StatusText = None
    AlgorithmStatusDetails: Obj = None
    FailureReason: Text = None
    TrainingSpecification: Obj = None
    InferenceSpecification: Obj = None
    ValidationSpecification: Obj = None
    CertifyForMarketplace: Lenient[bool | None] = None
    ProductId: Text = None

    def checks(self) -> list[dict[str, Any]]:
        """Its validation and image scan checks (``AlgorithmStatusDetails``), each with the
        group it is in."""
        details = self.AlgorithmStatusDetails
        found = []
        for group in ("ValidationStatuses", "ImageScanStatuses"):
            items = details.get(group) if isinstance(details, dict) else None
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict):
                    found.append({**item, "group": group})
        return found

    @property
    def failure_reason(self) -> str | None:
        # DescribeAlgorithm keeps why it failed on the check that failed, not at the top.
        reason = super().failure_reason
        if reason:
            return reason
        for check in self.checks():
            if normalize_status(check.get("Status")) == "Failed" and check.get("FailureReason"):
                name = check.get("Name")
                return (
                    f"{name}: {_text(check['FailureReason'])}"
                    if name
                    else _text(check["FailureReason"])
                )
        return None


class TrainingJobDetail(Detail):
    kind = ResourceKind.TRAINING
    name_field = "TrainingJobName"
    arn_field = "TrainingJobArn"
    status_field = "TrainingJobStatus"
    TrainingJobName: Text = None
    TrainingJobArn: Text = None
    TrainingJobStatus: StatusText = None
    SecondaryStatus: StatusText = None
    FailureReason: Text = None
    HyperParameters: Obj = None
    AlgorithmSpecification: Obj = None
    InputDataConfig: Objs = None
    OutputDataConfig: Obj = None
    ResourceConfig: Lenient[ResourceConfigModel | None] = None
    StoppingCondition: Obj = None
    TrainingStartTime: Timestamp = None
    TrainingEndTime: Timestamp = None
    TrainingTimeInSeconds: Number = None
    BillableTimeInSeconds: Number = None
    EnableManagedSpotTraining: Lenient[bool | None] = None
    TuningJobArn: Text = None
    ModelArtifacts: Obj = None
    FinalMetricDataList: Objs = None
    SecondaryStatusTransitions: Lenient[list[TransitionModel] | None] = None

    @property
    def sub_status(self) -> str | None:
        secondary = self.SecondaryStatus
        return secondary if secondary and secondary != self.status else None

    def parent(self) -> ResourceRef | None:
        arn = Arn.parse(self.TuningJobArn)
        if arn is None:
            return None
        return ResourceRef(
            ResourceKind.TUNING, arn.resource, self.TuningJobArn, arn.account, arn.region
        )


class TuningJobDetail(Detail):
    kind = ResourceKind.TUNING
    name_field = "HyperParameterTuningJobName"
    arn_field = "HyperParameterTuningJobArn"
    status_field = "HyperParameterTuningJobStatus"
    HyperParameterTuningJobName: Text = None
    HyperParameterTuningJobArn: Text = None
    HyperParameterTuningJobStatus: StatusText = None
    HyperParameterTuningJobConfig: Obj = None
    TrainingJobDefinition: Obj = None
    TrainingJobStatusCounters: Obj = None
    ObjectiveStatusCounters: Obj = None
    BestTrainingJob: Obj = None
    HyperParameterTuningEndTime: Timestamp = None
    FailureReason: Text = None


class TransformJobDetail(Detail):
    kind = ResourceKind.TRANSFORM
    name_field = "TransformJobName"
    arn_field = "TransformJobArn"
    status_field = "TransformJobStatus"
    TransformJobName: Text = None
    TransformJobArn: Text = None
    TransformJobStatus: StatusText = None
    FailureReason: Text = None
    ModelName: Text = None
    TransformInput: Obj = None
    TransformOutput: Obj = None
    TransformResources: Lenient[ResourceConfigModel | None] = None
    TransformStartTime: Timestamp = None
    TransformEndTime: Timestamp = None


class ProcessingJobDetail(Detail):
    kind = ResourceKind.PROCESSING
    name_field = "ProcessingJobName"
    arn_field = "ProcessingJobArn"
    status_field = "ProcessingJobStatus"
    ProcessingJobName: Text = None
    ProcessingJobArn: Text = None
    ProcessingJobStatus: StatusText = None
    FailureReason: Text = None
    ExitMessage: Text = None
    ProcessingInputs: Objs = None
    ProcessingOutputConfig: Obj = None
    ProcessingResources: Obj = None
    AppSpecification: Obj = None
    ProcessingStartTime: Timestamp = None
    ProcessingEndTime: Timestamp = None

    @property
    def cluster(self) -> ResourceConfigModel | None:
        resources = self.ProcessingResources
        cluster = resources.get("ClusterConfig") if isinstance(resources, dict) else None
        try:
            return (
                ResourceConfigModel.model_validate(cluster) if isinstance(cluster, dict) else None
            )
        except ValidationError:
            return None


class EndpointDetail(Detail):
    kind = ResourceKind.ENDPOINT
    name_field = "EndpointName"
    arn_field = "EndpointArn"
    status_field = "EndpointStatus"
    EndpointName: Text = None
    EndpointArn: Text = None
    EndpointConfigName: Text = None
    EndpointStatus: StatusText = None
    FailureReason: Text = None
    ProductionVariants: Lenient[list[ProductionVariantModel] | None] = None
    PendingDeploymentSummary: Lenient[PendingDeploymentModel | None] = None


class EndpointDeploymentDetail(EndpointDetail):
    kind = ResourceKind.DEPLOYMENT

    @property
    def target_config(self) -> str | None:
        pending = self.PendingDeploymentSummary
        if isinstance(pending, PendingDeploymentModel) and pending.EndpointConfigName:
            return pending.EndpointConfigName
        return self.EndpointConfigName

    @property
    def sub_status(self) -> str | None:
        # The newest variant status of the deployment in progress (Creating, Baking, ...).
        pending = self.PendingDeploymentSummary
        groups = [getattr(pending, "ProductionVariants", None), self.ProductionVariants]
        for group in groups:
            for variant in group if isinstance(group, list) else []:
                statuses = getattr(variant, "VariantStatus", None)
                if isinstance(statuses, list) and statuses:
                    latest = statuses[-1]
                    status = getattr(latest, "Status", None)
                    if isinstance(status, str) and status != self.status:
                        return status
        return None

    @property
    def name(self) -> str | None:
        endpoint = super().name
        if endpoint is None:
            return None
        return f"{endpoint} → {self.target_config}" if self.target_config else endpoint

    @property
    def arn(self) -> str | None:
        endpoint_arn = super().arn
        if endpoint_arn is None:
            return None
        return f"{endpoint_arn}/deployment/{self.target_config or '-'}"

    def parent(self) -> ResourceRef | None:
        arn = Arn.parse(self.EndpointArn)
        name = self.EndpointName or (arn.resource if arn else None)
        if not name:
            return None
        return ResourceRef(
            ResourceKind.ENDPOINT,
            name,
            self.EndpointArn,
            arn.account if arn else None,
            arn.region if arn else None,
        )


class FeatureGroupDetail(Detail):
    kind = ResourceKind.FEATURE_GROUP
    name_field = "FeatureGroupName"
    arn_field = "FeatureGroupArn"
    status_field = "FeatureGroupStatus"
    FeatureGroupName: Text = None
    FeatureGroupArn: Text = None
    FeatureGroupStatus: StatusText = None
    OfflineStoreStatus: Obj = None
    FailureReason: Text = None
    RecordIdentifierFeatureName: Text = None
    EventTimeFeatureName: Text = None
    FeatureDefinitions: Objs = None
    OnlineStoreConfig: Obj = None
    OfflineStoreConfig: Obj = None

    @property
    def sub_status(self) -> str | None:
        offline = self.offline_store_status
        return f"offline store {offline}" if offline else None

    @property
    def offline_store_status(self) -> str | None:
        value = self.OfflineStoreStatus
        raw = value.get("Status") if isinstance(value, dict) else value
        return normalize_status(raw)


class ModelPackageDetail(Detail):
    kind = ResourceKind.MODEL_PACKAGE
    name_field = ""
    arn_field = "ModelPackageArn"
    status_field = "ModelPackageStatus"
    ModelPackageGroupName: Text = None
    ModelPackageVersion: Number = None
    ModelPackageName: Text = None
    ModelPackageArn: Text = None
    ModelPackageDescription: Text = None
    ModelPackageStatus: StatusText = None
    ModelApprovalStatus: StatusText = None
    ApprovalDescription: Text = None
    InferenceSpecification: Obj = None
    ModelMetrics: Obj = None
    MetadataProperties: Obj = None
    CustomerMetadataProperties: Obj = None
    ModelPackageStatusDetails: Obj = None

    @property
    def name(self) -> str | None:
        if self.ModelPackageGroupName and self.ModelPackageVersion is not None:
            return f"{self.ModelPackageGroupName}/{self.ModelPackageVersion}"
        return self.ModelPackageName or super().name

    @property
    def status(self) -> str | None:
        # Once a package is built, what people act on is its approval status.
        package = self.ModelPackageStatus
        if package in (None, "Completed") and self.ModelApprovalStatus:
            return self.ModelApprovalStatus
        return package

    @property
    def pending_approval(self) -> bool:
        return self.ModelApprovalStatus == "PendingManualApproval"


class PipelineExecutionDetail(Detail):
    kind = ResourceKind.PIPELINE
    arn_field = "pipelineExecutionArn"
    status_field = "currentPipelineExecutionStatus"
    previous_status_field = "previousPipelineExecutionStatus"
    failure_field = "failureReason"
    pipelineArn: Text = None
    pipelineExecutionArn: Text = None
    pipelineExecutionDisplayName: Text = None
    pipelineExecutionDescription: Text = None
    currentPipelineExecutionStatus: StatusText = None
    previousPipelineExecutionStatus: StatusText = None
    executionStartTime: Timestamp = None
    executionEndTime: Timestamp = None
    failureReason: Text = None

    @property
    def name(self) -> str | None:
        return execution_name(self.pipelineExecutionArn)

    @property
    def pipeline_name(self) -> str | None:
        arn = Arn.parse(self.pipelineArn) or Arn.parse(self.pipelineExecutionArn)
        return arn.resource.split("/", 1)[0] if arn else None

    @property
    def execution_id(self) -> str | None:
        arn = Arn.parse(self.pipelineExecutionArn)
        return arn.resource.rsplit("/", 1)[-1] if arn and "/execution/" in arn.resource else None

    def label(self) -> str | None:
        return self.pipelineExecutionDisplayName

    @property
    def last_modified(self) -> datetime | None:
        for value in (self.executionEndTime, self.executionStartTime):
            if isinstance(value, datetime):
                return value
        return None


class PipelineStepDetail(Detail):
    kind = ResourceKind.STEP
    status_field = "currentStepStatus"
    previous_status_field = "previousStepStatus"
    failure_field = "failureReason"
    pipelineArn: Text = None
    pipelineExecutionArn: Text = None
    stepName: Text = None
    stepType: Text = None
    stepDisplayName: Text = None
    currentStepStatus: StatusText = None
    previousStepStatus: StatusText = None
    stepStartTime: Timestamp = None
    stepEndTime: Timestamp = None
    failureReason: Text = None
    cacheHitResult: Obj = None
    metadata: Obj = None

    @property
    def name(self) -> str | None:
        return self.stepName

    @property
    def arn(self) -> str | None:
        # Steps have no ARN of their own; this key is unique within the execution.
        if self.pipelineExecutionArn and self.stepName:
            return f"{self.pipelineExecutionArn}/step/{self.stepName}"
        return None

    @property
    def job_arn(self) -> str | None:
        """The ARN of the job the step ran (training, processing, ...), when the event has it."""
        metadata = self.metadata
        if not isinstance(metadata, dict):
            return None
        for value in metadata.values():
            if isinstance(value, dict):
                arn = value.get("arn", value.get("Arn"))
                if isinstance(arn, str):
                    return arn
        return None

    @property
    def cache_hit(self) -> bool:
        return isinstance(self.cacheHitResult, dict) and bool(self.cacheHitResult)

    @property
    def last_modified(self) -> datetime | None:
        for value in (self.stepEndTime, self.stepStartTime):
            if isinstance(value, datetime):
                return value
        return None

    def parent(self) -> ResourceRef | None:
        arn = Arn.parse(self.pipelineExecutionArn)
        name = execution_name(self.pipelineExecutionArn)
        if arn is None or name is None:
            return None
        return ResourceRef(
            ResourceKind.PIPELINE, name, self.pipelineExecutionArn, arn.account, arn.region
        )


class ImageDetail(Detail):
    kind = ResourceKind.IMAGE
    name_field = "ImageName"
    arn_field = "ImageArn"
    status_field = "ImageStatus"
    ImageName: Text = None
    ImageArn: Text = None
    ImageStatus: StatusText = None
    FailureReason: Text = None
    Version: Number = None
    DisplayName: Text = None
    Description: Text = None


class ImageVersionDetail(Detail):
    kind = ResourceKind.IMAGE_VERSION
    arn_field = "ImageVersionArn"
    status_field = "ImageVersionStatus"
    ImageArn: Text = None
    ImageVersionArn: Text = None
    ImageVersionStatus: StatusText = None
    FailureReason: Text = None
    Version: Number = None
    BaseImage: Text = None
    ContainerImage: Text = None

    @property
    def image_name(self) -> str | None:
        arn = Arn.parse(self.ImageArn)
        if arn:
            return arn.resource
        version_arn = Arn.parse(self.ImageVersionArn)
        return version_arn.resource.split("/", 1)[0] if version_arn else None

    @property
    def name(self) -> str | None:
        image = self.image_name
        if image and self.Version is not None:
            return f"{image} v{self.Version}"
        return image or super().name

    def parent(self) -> ResourceRef | None:
        arn = Arn.parse(self.ImageArn)
        if arn is None:
            return None
        return ResourceRef(ResourceKind.IMAGE, arn.resource, self.ImageArn, arn.account, arn.region)


class ModelCardDetail(Detail):
    kind = ResourceKind.MODEL_CARD
    name_field = "ModelCardName"
    arn_field = "ModelCardArn"
    status_field = "ModelCardStatus"
    ModelCardName: Text = None
    ModelCardArn: Text = None
    ModelCardVersion: Number = None
    ModelCardStatus: StatusText = None
    ModelId: Text = None
    CreatedBy: Obj = None
    LastModifiedBy: Obj = None
    AccountId: Text = None


class LabelCountersModel(Lax):
    TotalLabeled: Number = None
    HumanLabeled: Number = None
    MachineLabeled: Number = None
    FailedNonRetryableError: Number = None
    Unlabeled: Number = None


class LabelingJobDetail(Detail):
    """A Ground Truth labeling job. Real events often carry ``LabelingJobStatus`` alone (the
    name comes from ``resources``); the rest follows DescribeLabelingJob when present."""

    kind = ResourceKind.LABELING
    name_field = "LabelingJobName"
    arn_field = "LabelingJobArn"
    arn_in_resources = True
    status_field = "LabelingJobStatus"
    LabelingJobName: Text = None
    LabelingJobArn: Text = None
    LabelingJobStatus: StatusText = None
    FailureReason: Text = None
    LabelCounters: Lenient[LabelCountersModel | None] = None
    LabelingJobOutput: Obj = None
    OutputConfig: Obj = None
    InputConfig: Obj = None
    HumanTaskConfig: Obj = None
    LabelAttributeName: Text = None
    JobReferenceCode: Text = None


# Where a labeling task event may name its task: the schema registry's
# (``aws.sagemaker@SageMakerGroundTruthLabelingJobTaskStatusChange``) has none, so the event's
# own id stands in when none of these is there (see ``bot/delivery/state.py``).
TASK_ID_FIELDS = ("task-id", "TaskId", "taskId", "HumanTaskId", "task-arn", "TaskArn")


class LabelingTaskDetail(Detail):
    """A task of a labeling job changed status: ``State``, ``labeling-job-arn`` and
    ``workteam-team-arn``, as the schema registry spells them. It belongs to its job."""

    kind = ResourceKind.LABELING
    status_field = "State"
    State: StatusText = None
    labeling_job_arn: Text = Field(default=None, alias="labeling-job-arn")
    workteam_arn: Text = Field(default=None, alias="workteam-team-arn")

    @property
    def task_id(self) -> str | None:
        for name in TASK_ID_FIELDS:
            value = self.field(name)
            if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
                return str(value)
        return None

    @property
    def job_name(self) -> str | None:
        arn = Arn.parse(self.labeling_job_arn)
        return arn.resource if arn and arn.resource else None

    @property
    def name(self) -> str | None:
        job = self.job_name
        if job is None:
            return None
        return f"{job}/task/{self.task_id}" if self.task_id else f"{job}/task"

    @property
    def arn(self) -> str | None:
        if self.labeling_job_arn and self.task_id:
            return f"{self.labeling_job_arn}/task/{self.task_id}"
        return None

    def parent(self) -> ResourceRef | None:
        arn = Arn.parse(self.labeling_job_arn)
        if arn is None or not arn.resource:
            return None
        return ResourceRef(
            ResourceKind.LABELING, arn.resource, self.labeling_job_arn, arn.account, arn.region
        )


class InstanceGroupModel(Lax):
    InstanceGroupName: Text = None
    InstanceType: Text = None
    CurrentCount: Number = None
    TargetCount: Number = None
    Status: StatusText = None


class ClusterDetail(Detail):
    """A HyperPod cluster's state (DescribeCluster's shape): the parent of its thread."""

    kind = ResourceKind.CLUSTER
    name_field = "ClusterName"
    arn_field = "ClusterArn"
    arn_in_resources = True
    status_field = "ClusterStatus"
    failure_field = "FailureMessage"
    ClusterName: Text = None
    ClusterArn: Text = None
    ClusterStatus: StatusText = None
    FailureMessage: Text = None
    InstanceGroups: Lenient[list[InstanceGroupModel] | None] = None
    NodeRecovery: Text = None
    Orchestrator: Obj = None


def _cluster_ref(cluster_arn: object, cluster_name: object) -> ResourceRef | None:
    """The cluster a HyperPod event or node is about: the parent of its thread."""
    arn = Arn.parse(cluster_arn)
    name = cluster_name if isinstance(cluster_name, str) and cluster_name else None
    name = name or (arn.resource if arn and arn.resource else None)
    if name is None:
        return None
    return ResourceRef(
        ResourceKind.CLUSTER,
        name,
        cluster_arn if isinstance(cluster_arn, str) and arn else None,
        arn.account if arn else None,
        arn.region if arn else None,
    )


class ClusterEventDetail(Detail):
    """An event of a HyperPod cluster, an instance group or an instance. EventBridge nests the
    record in ``detail.EventDetails`` (its own ``EventDetails.EventMetadata`` holds the
    ``FailureMessage``); a flat record is read the same way."""

    kind = ResourceKind.CLUSTER
    EventDetails: Obj = None

    @property
    def record(self) -> dict[str, Any]:
        nested = self.EventDetails if isinstance(self.EventDetails, dict) else {}
        flat = {k: v for k, v in (self.model_extra or {}).items() if k != "EventDetails"}
        return {**flat, **nested}

    def field(self, name: str) -> Any:
        value = super().field(name)
        return self.record.get(name) if value is None else value

    @property
    def cluster_name(self) -> str | None:
        ref = _cluster_ref(self.field("ClusterArn"), self.field("ClusterName"))
        return ref.name if ref else None

    @property
    def event_id(self) -> str | None:
        value = self.field("EventId")
        return str(value) if isinstance(value, str | int) and str(value) else None

    @property
    def level(self) -> str | None:
        raw = self.field("EventLevel")
        if not isinstance(raw, str) or not raw.strip():
            return None
        return level_status(raw) or normalize_status(raw)

    @property
    def status(self) -> str | None:
        return self.level

    @property
    def description(self) -> str | None:
        value = self.field("Description")
        return _text(value) if value not in (None, "") else None

    @property
    def metadata(self) -> dict[str, Any]:
        """``EventMetadata``'s entry for the event's scope (Instance, InstanceGroup, Cluster),
        or the first entry there is."""
        details = self.field("EventDetails")
        inner = details.get("EventDetails") if isinstance(details, dict) else None
        meta = (inner if isinstance(inner, dict) else {}).get("EventMetadata")
        if not isinstance(meta, dict):
            return {}
        scope = meta.get(str(self.field("ResourceType") or ""))
        if isinstance(scope, dict):
            return scope
        return next((v for v in meta.values() if isinstance(v, dict)), {})

    @property
    def failure_reason(self) -> str | None:
        message = self.metadata.get("FailureMessage")
        if message not in (None, ""):
            return str(_text(message))
        # An Error without a FailureMessage: its description is what went wrong.
        return self.description if self.level == "Error" else None

    @property
    def name(self) -> str | None:
        return self.cluster_name

    @property
    def arn(self) -> str | None:
        cluster = self.field("ClusterArn")
        if isinstance(cluster, str) and cluster and self.event_id:
            return f"{cluster}/event/{self.event_id}"
        return None

    @property
    def last_modified(self) -> datetime | None:
        value = _try(parse_timestamp)(self.field("EventTime"))
        return value if isinstance(value, datetime) else None

    def label(self) -> str | None:
        """Where in the cluster: ``sample-cluster · p5Inst · i-0391…``."""
        parts = [self.cluster_name, self.field("InstanceGroupName"), self.field("InstanceId")]
        shown = [str(p) for p in parts if isinstance(p, str) and p]
        return " · ".join(shown) if len(shown) > 1 else None

    def parent(self) -> ResourceRef | None:
        return _cluster_ref(self.field("ClusterArn"), self.field("ClusterName"))


class HealthSummaryModel(Lax):
    HealthStatus: StatusText = None
    HealthStatusReason: Text = None
    RepairAction: Text = None
    Recommendation: Text = None


class ClusterNodeHealthDetail(Detail):
    """A HyperPod node's health (its Health Monitoring Agent): one node of a cluster."""

    kind = ResourceKind.CLUSTER
    ClusterName: Text = None
    ClusterArn: Text = None
    InstanceId: Text = None
    InstanceGroupName: Text = None
    HealthSummary: Lenient[HealthSummaryModel | None] = None

    @property
    def health(self) -> HealthSummaryModel:
        summary = self.HealthSummary
        return summary if isinstance(summary, HealthSummaryModel) else HealthSummaryModel()

    @property
    def status(self) -> str | None:
        return self.health.HealthStatus

    @property
    def failure_reason(self) -> str | None:
        return self.health.HealthStatusReason or None

    @property
    def name(self) -> str | None:
        cluster = _cluster_ref(self.ClusterArn, self.ClusterName)
        if cluster is None:
            return self.InstanceId
        return f"{cluster.name}/{self.InstanceId}" if self.InstanceId else cluster.name

    @property
    def arn(self) -> str | None:
        if self.ClusterArn and self.InstanceId:
            return f"{self.ClusterArn}/node/{self.InstanceId}"
        return None

    def label(self) -> str | None:
        """``sample-cluster node i-0123…``: after the kind's title, a node of that cluster."""
        cluster = _cluster_ref(self.ClusterArn, self.ClusterName)
        if not self.InstanceId:
            return None
        return f"{cluster.name} node {self.InstanceId}" if cluster else f"node {self.InstanceId}"

    def parent(self) -> ResourceRef | None:
        return _cluster_ref(self.ClusterArn, self.ClusterName)


class GenericDetail(Detail):
    """Any other detail-type: identity, status, failure and level are found by the usual
    field names, at the top or one level down, and the status also in the detail-type
    (``bot/events/guess.py``); ``parse_event`` passes the detail-type as validation context."""

    _detail_type: str | None = PrivateAttr(default=None)
    _guess: Guess | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _remember_detail_type(self, info: ValidationInfo) -> GenericDetail:
        context = info.context
        if isinstance(context, dict) and isinstance(context.get("detail_type"), str):
            self._detail_type = context["detail_type"]
        return self

    @property
    def found(self) -> Guess:
        """What the detail says about itself (computed once: every property reads it)."""
        if self._guess is None:
            self._guess = guess(self.model_extra or {}, self._detail_type)
        return self._guess

    @property
    def arn(self) -> str | None:
        found = self.found.arn
        return found.value if found else None

    @property
    def name(self) -> str | None:
        found = self.found.name
        return found.value if found else super().name

    @property
    def status(self) -> str | None:
        found = self.found.status
        status = normalize_status(found.value) if found is not None else None
        unknown = status is None or classify(status) is StatusClass.UNKNOWN
        if unknown or not self.found.status_is_subjects:
            # The state the detail-type names ("… Create Failed") beats a word nobody knows
            # and the status of something else the detail mentions.
            return status_from_detail_type(self._detail_type) or status
        return status

    @property
    def previous_status(self) -> str | None:
        found = self.found.previous_status
        return normalize_status(found.value) if found else None

    @property
    def failure_reason(self) -> str | None:
        found = self.found.failure or self.found.message
        return str(found.value) if found else None

    @property
    def implied_class(self) -> StatusClass | None:
        """How it went when no status word says: an ``Error``/``Warn`` level, else an error
        message (a detail that carries one failed)."""
        return self.found.level_class or (StatusClass.FAILED if self.found.failure else None)


def execution_name(execution_arn: object) -> str | None:
    """``…:pipeline/P/execution/X`` → ``P/X``."""
    arn = Arn.parse(execution_arn)
    if arn is None:
        return None
    pipeline, _, execution = arn.resource.partition("/execution/")
    return f"{pipeline}/{execution}" if execution else arn.resource or None


# --- envelope ---------------------------------------------------------------------------------


class EventEnvelope(Lax):
    """The EventBridge envelope. ``detail`` stays a dict; the registry picks its model."""

    version: Text = None
    id: Text = None
    detail_type: Text = Field(default=None, alias="detail-type")
    source: Source = None
    account: Text = None
    time: Timestamp = None
    region: Text = None
    resources: Lenient[list[str] | None] = None
    detail: Any = None
