"""A realistic, deterministic scenario for ``make demo`` and the benchmarks.

One morning of an ML team, as delivery threads it (one thread per pipeline run, per resource
outside a run):

* the nightly pipeline run: Preprocess launches a processing job, Train a training job
  (Starting → Downloading → Training → Uploading → Completed, with its final metrics),
  RegisterModel registers a model package that waits for manual approval; jobs named as
  SageMaker Pipelines names them, steps whose ``metadata`` names the jobs, the package's
  ``MetadataProperties.GeneratedBy`` the run;
* a tuning job and its training jobs (rolled up);
* a training job outside any run that fails;
* an endpoint rolled out with a canary deployment;
* a run that fails: its training job fails with an AlgorithmError, then its step, then the run.

As in real delivery, some events arrive twice and some out of order.
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime, timedelta
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
T0 = datetime(2026, 11, 25, 9, 0, 0, tzinfo=UTC)
PREFIX = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}"


def _iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ms(minutes: float) -> int:
    return int((T0 + timedelta(minutes=minutes)).timestamp() * 1000)


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"00000000-demo-4000-8000-{self.n:012d}"


def _event(
    ids: _Ids, detail_type: str, minutes: float, resource: str, detail: dict[str, Any]
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": ids(),
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": ACCOUNT,
        "time": _iso(minutes),
        "region": REGION,
        "resources": [resource],
        "detail": detail,
    }


PIPELINE = f"{PREFIX}:pipeline/churn-training"
NIGHTLY = "k2x9p4q7wz1a"  # the nightly run's execution id
FAILED_RUN = "w5n8d2h6kq3j"  # the failed run's execution id
PACKAGE_GROUP = "churn-models"
ARTIFACTS = "s3://ml-artifacts-123456789012/churn-training"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
TRAIN_FAILURE = (
    'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "ValueError: could not '
    "convert string to float: 'tenure_12-24'\"\nCommand \"/miniconda3/bin/python3 -m train "
    '--max_depth 6 --eta 0.2", exit code: 1'
)


def job_name(execution_id: str, step: str, suffix: str) -> str:
    """A job as SageMaker Pipelines names it: ``pipelines-<execution id>-<step[:20]>-<suffix>``."""
    return f"pipelines-{execution_id}-{step[:20]}-{suffix}"


class _Run:
    """The events of one pipeline execution and of the jobs its steps launch."""

    def __init__(self, ids: _Ids, execution_id: str, display_name: str, start: float) -> None:
        self.ids = ids
        self.execution_id = execution_id
        self.execution = f"{PIPELINE}/execution/{execution_id}"
        self.display_name = display_name
        self.start = start
        self.common = {"pipelineArn": PIPELINE, "pipelineExecutionArn": self.execution}

    def execution_event(
        self, minutes: float, current: str, previous: str | None, reason: str | None = None
    ) -> dict[str, Any]:
        detail: dict[str, Any] = {
            **self.common,
            "pipelineExecutionDisplayName": self.display_name,
            "currentPipelineExecutionStatus": current,
            "executionStartTime": _iso(self.start),
        }
        if previous:
            detail["previousPipelineExecutionStatus"] = previous
        if current != "Executing":
            detail["executionEndTime"] = _iso(minutes)
        if reason:
            detail["failureReason"] = reason
        return _event(
            self.ids,
            "SageMaker Model Building Pipeline Execution Status Change",
            minutes,
            self.execution,
            detail,
        )

    def step(
        self,
        minutes: float,
        name: str,
        kind: str,
        current: str,
        previous: str,
        *,
        started: float,
        metadata: dict[str, Any] | None = None,
        reason: str | None = None,
        cached_from: str | None = None,
    ) -> dict[str, Any]:
        """A step's status change; ``metadata`` as EventBridge sends it, e.g.
        ``{"trainingJob": {"arn": ...}}`` (the API's ListPipelineExecutionSteps says
        ``{"TrainingJob": {"Arn": ...}}``)."""
        detail: dict[str, Any] = {
            **self.common,
            "stepName": name,
            "stepType": kind,
            "currentStepStatus": current,
            "previousStepStatus": previous,
            "stepStartTime": _iso(started),
        }
        if current in ("Succeeded", "Failed"):
            detail["stepEndTime"] = _iso(minutes)
        if metadata:
            detail["metadata"] = metadata
        if reason:
            detail["failureReason"] = reason
        if cached_from:
            detail["cacheHitResult"] = {
                "sourcePipelineExecutionArn": f"{PIPELINE}/execution/{cached_from}"
            }
        return _event(
            self.ids,
            "SageMaker Model Building Pipeline Execution Step Status Change",
            minutes,
            self.execution,
            detail,
        )

    def experiment(self, step: str) -> dict[str, str]:
        """The experiment Pipelines puts every job of a run in (the pipeline, lowercased; the
        execution id as the trial)."""
        return {
            "ExperimentName": "churn-training",
            "TrialName": self.execution_id,
            "TrialComponentDisplayName": step,
        }

    def processing_job(
        self, minutes: float, name: str, status: str, created: float
    ) -> dict[str, Any]:
        arn = f"{PREFIX}:processing-job/{name}"
        detail: dict[str, Any] = {
            "ProcessingJobName": name,
            "ProcessingJobArn": arn,
            "ProcessingJobStatus": status,
            "ProcessingInputs": [
                {
                    "InputName": "raw",
                    "S3Input": {
                        "S3Uri": "s3://ml-data-123456789012/churn/raw/2026-11-25/",
                        "LocalPath": "/opt/ml/processing/input",
                        "S3DataType": "S3Prefix",
                        "S3InputMode": "File",
                    },
                }
            ],
            "ProcessingOutputConfig": {
                "Outputs": [
                    {
                        "OutputName": "train",
                        "S3Output": {
                            "S3Uri": f"{ARTIFACTS}/{self.execution_id}/train/",
                            "LocalPath": "/opt/ml/processing/train",
                            "S3UploadMode": "EndOfJob",
                        },
                    }
                ]
            },
            "ProcessingResources": {
                "ClusterConfig": {
                    "InstanceCount": 1,
                    "InstanceType": "ml.m5.xlarge",
                    "VolumeSizeInGB": 30,
                }
            },
            "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
            "AppSpecification": {"ImageUri": SKLEARN_IMAGE},
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/SageMakerPipelineRole",
            "ExperimentConfig": self.experiment("Preprocess"),
            "CreationTime": _ms(created),
            "LastModifiedTime": _ms(minutes),
        }
        if status != "InProgress":
            detail["ProcessingStartTime"] = _ms(created + 1.5)
            detail["ProcessingEndTime"] = _ms(minutes)
        return _event(self.ids, "SageMaker Processing Job State Change", minutes, arn, detail)

    def training_job(
        self,
        minutes: float,
        name: str,
        status: str,
        secondary: str,
        created: float,
        *,
        auc: float | None = None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        arn = f"{PREFIX}:training-job/{name}"
        detail: dict[str, Any] = {
            "TrainingJobName": name,
            "TrainingJobArn": arn,
            "TrainingJobStatus": status,
            "SecondaryStatus": secondary,
            "AlgorithmSpecification": {
                "TrainingImage": XGBOOST_IMAGE,
                "TrainingInputMode": "File",
            },
            "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/SageMakerPipelineRole",
            "InputDataConfig": [
                {
                    "ChannelName": "train",
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": f"{ARTIFACTS}/{NIGHTLY}/train/",
                        }
                    },
                    "ContentType": "text/csv",
                }
            ],
            "OutputDataConfig": {"S3OutputPath": f"{ARTIFACTS}/{self.execution_id}/model/"},
            "ResourceConfig": {
                "InstanceType": "ml.m5.2xlarge",
                "InstanceCount": 1,
                "VolumeSizeInGB": 30,
            },
            "HyperParameters": {"objective": "binary:logistic", "max_depth": "6", "eta": "0.2"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 7200},
            "ExperimentConfig": self.experiment("Train"),
            "CreationTime": _ms(created),
            "LastModifiedTime": _ms(minutes),
        }
        if secondary != "Starting":
            detail["TrainingStartTime"] = _ms(created + 1)
        if status != "InProgress":
            detail["TrainingEndTime"] = _ms(minutes)
        if auc is not None:
            detail["FinalMetricDataList"] = [
                {"MetricName": "validation:auc", "Value": auc, "Timestamp": _ms(minutes)},
                {"MetricName": "train:auc", "Value": 0.941, "Timestamp": _ms(minutes)},
            ]
        if reason:
            detail["FailureReason"] = reason
        return _event(self.ids, "SageMaker Training Job State Change", minutes, arn, detail)


def pipeline_events(ids: _Ids) -> list[dict[str, Any]]:
    """The nightly run: Preprocess (a processing job) → Train (a training job) →
    RegisterModel (a model package waiting for manual approval), then the run succeeds."""
    run = _Run(ids, NIGHTLY, "nightly-2026-11-25", start=0)
    prep = job_name(NIGHTLY, "Preprocess", "Xy7kP2mQ9a")
    train = job_name(NIGHTLY, "Train", "Hq3vN8rT2c")
    prep_meta = {"processingJob": {"arn": f"{PREFIX}:processing-job/{prep}"}}
    train_meta = {"trainingJob": {"arn": f"{PREFIX}:training-job/{train}"}}
    package_meta = {"registerModel": {"arn": f"{PREFIX}:model-package/{PACKAGE_GROUP}/7"}}
    return [
        run.execution_event(0, "Executing", None),
        run.step(0.5, "Preprocess", "Processing", "Starting", "Starting", started=0.5),
        run.processing_job(1, prep, "InProgress", created=1),
        run.step(
            1, "Preprocess", "Processing", "Executing", "Starting", started=0.5, metadata=prep_meta
        ),
        run.processing_job(8.5, prep, "Completed", created=1),
        run.step(
            9, "Preprocess", "Processing", "Succeeded", "Executing", started=0.5, metadata=prep_meta
        ),
        run.step(9.5, "Train", "Training", "Starting", "Starting", started=9.5),
        run.training_job(10, train, "InProgress", "Starting", created=10),
        run.step(
            10, "Train", "Training", "Executing", "Starting", started=9.5, metadata=train_meta
        ),
        run.training_job(12, train, "InProgress", "Downloading", created=10),
        run.training_job(13.5, train, "InProgress", "Training", created=10),
        run.training_job(28, train, "InProgress", "Uploading", created=10),
        run.training_job(29.5, train, "Completed", "Completed", created=10, auc=0.902),
        run.step(
            30, "Train", "Training", "Succeeded", "Executing", started=9.5, metadata=train_meta
        ),
        run.step(30.5, "RegisterModel", "RegisterModel", "Starting", "Starting", started=30.5),
        *model_package_events(ids),
        run.step(
            32,
            "RegisterModel",
            "RegisterModel",
            "Succeeded",
            "Starting",
            started=30.5,
            metadata=package_meta,
        ),
        run.execution_event(32.5, "Succeeded", "Executing"),
    ]


def failed_pipeline_events(ids: _Ids) -> list[dict[str, Any]]:
    """A run with new features: Preprocess is a cache hit of the nightly run; its training job
    fails with an AlgorithmError; the step fails with the reason; the run fails."""
    start = 90
    run = _Run(ids, FAILED_RUN, "tenure-buckets-test", start=start)
    prep = job_name(NIGHTLY, "Preprocess", "Xy7kP2mQ9a")  # the nightly run's, reused
    train = job_name(FAILED_RUN, "Train", "Lm4sB7xE1d")
    prep_meta = {"processingJob": {"arn": f"{PREFIX}:processing-job/{prep}"}}
    train_meta = {"trainingJob": {"arn": f"{PREFIX}:training-job/{train}"}}
    return [
        run.execution_event(start, "Executing", None),
        run.step(
            start + 0.5,
            "Preprocess",
            "Processing",
            "Succeeded",
            "Starting",
            started=start + 0.5,
            metadata=prep_meta,
            cached_from=NIGHTLY,
        ),
        run.step(start + 1, "Train", "Training", "Starting", "Starting", started=start + 1),
        run.training_job(start + 1.5, train, "InProgress", "Starting", created=start + 1.5),
        run.step(
            start + 1.5,
            "Train",
            "Training",
            "Executing",
            "Starting",
            started=start + 1,
            metadata=train_meta,
        ),
        run.training_job(start + 3, train, "InProgress", "Downloading", created=start + 1.5),
        run.training_job(start + 4.5, train, "InProgress", "Training", created=start + 1.5),
        run.training_job(
            start + 6, train, "Failed", "Failed", created=start + 1.5, reason=TRAIN_FAILURE
        ),
        run.step(
            start + 6.5,
            "Train",
            "Training",
            "Failed",
            "Executing",
            started=start + 1,
            metadata=train_meta,
            reason=TRAIN_FAILURE,
        ),
        run.execution_event(
            start + 7, "Failed", "Executing", "Step failure: One or multiple steps failed."
        ),
    ]


def tuning_events(ids: _Ids, trials: int = 4) -> list[dict[str, Any]]:
    name = "churn-hpo-1125"
    arn = f"{PREFIX}:hyper-parameter-tuning-job/{name}"
    config = {
        "Strategy": "Bayesian",
        "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "validation:auc"},
        "ResourceLimits": {"MaxNumberOfTrainingJobs": trials, "MaxParallelTrainingJobs": 2},
    }

    def tuning(
        minutes: float, status: str, counters: dict[str, int], best: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "HyperParameterTuningJobName": name,
            "HyperParameterTuningJobArn": arn,
            "HyperParameterTuningJobStatus": status,
            "HyperParameterTuningJobConfig": config,
            "TrainingJobDefinition": {
                "StaticHyperParameters": {"objective": "binary:logistic", "num_round": "200"},
                "ResourceConfig": {
                    "InstanceType": "ml.m5.2xlarge",
                    "InstanceCount": 1,
                    "VolumeSizeInGB": 30,
                },
            },
            "TrainingJobStatusCounters": {
                "Completed": 0,
                "InProgress": 0,
                "RetryableError": 0,
                "NonRetryableError": 0,
                "Stopped": 0,
                **counters,
            },
            "ObjectiveStatusCounters": {
                "Succeeded": counters.get("Completed", 0),
                "Pending": 0,
                "Failed": 0,
            },
            "CreationTime": _ms(40),
            "LastModifiedTime": _ms(minutes),
        }
        if best:
            detail["BestTrainingJob"] = best
        return _event(ids, "SageMaker HyperParameter Tuning Job State Change", minutes, arn, detail)

    def trial(minutes: float, index: int, status: str, auc: float | None = None) -> dict[str, Any]:
        job = f"{name}-{index:03d}-{index * 7919 % 100000:05d}"
        detail: dict[str, Any] = {
            "TrainingJobName": job,
            "TrainingJobArn": f"{PREFIX}:training-job/{job}",
            "TrainingJobStatus": status,
            "SecondaryStatus": {"InProgress": "Training", "Completed": "Completed"}.get(
                status, status
            ),
            "TuningJobArn": arn,
            "HyperParameters": {
                "eta": str(round(0.05 * index, 2)),
                "max_depth": str(3 + index % 5),
            },
            "ResourceConfig": {
                "InstanceType": "ml.m5.2xlarge",
                "InstanceCount": 1,
                "VolumeSizeInGB": 30,
            },
            "LastModifiedTime": _ms(minutes),
        }
        if auc is not None:
            detail["FinalMetricDataList"] = [
                {"MetricName": "validation:auc", "Value": auc, "Timestamp": _ms(minutes)}
            ]
        return _event(
            ids, "SageMaker Training Job State Change", minutes, detail["TrainingJobArn"], detail
        )

    events = [tuning(40, "InProgress", {"InProgress": min(2, trials)})]
    aucs = [0.871, 0.893, 0.884, 0.902, 0.879, 0.888]
    for i in range(1, trials + 1):
        start = 41 + (i - 1) * 6
        events.append(trial(start, i, "InProgress"))
        events.append(trial(start + 5, i, "Completed", aucs[(i - 1) % len(aucs)]))
    best_index = max(range(1, trials + 1), key=lambda i: aucs[(i - 1) % len(aucs)])
    best_job = f"{name}-{best_index:03d}-{best_index * 7919 % 100000:05d}"
    events.append(
        tuning(
            41 + trials * 6,
            "Completed",
            {"Completed": trials},
            {
                "TrainingJobName": best_job,
                "FinalHyperParameterTuningJobObjectiveMetric": {
                    "MetricName": "validation:auc",
                    "Value": aucs[(best_index - 1) % len(aucs)],
                },
            },
        )
    )
    return events


def endpoint_events(ids: _Ids) -> list[dict[str, Any]]:
    name = "churn-scoring"
    arn = f"{PREFIX}:endpoint/{name}"

    def variants(
        current: int, desired: int, status: str | None, message: str | None
    ) -> list[dict[str, Any]]:
        variant: dict[str, Any] = {
            "VariantName": "AllTraffic",
            "CurrentWeight": 1,
            "DesiredWeight": 1,
            "CurrentInstanceCount": current,
            "DesiredInstanceCount": desired,
        }
        if status:
            variant["VariantStatus"] = [
                {"Status": status, "StatusMessage": message, "StartTime": _ms(70)}
            ]
        return [variant]

    def endpoint(minutes: float, status: str, config: str) -> dict[str, Any]:
        return _event(
            ids,
            "SageMaker Endpoint State Change",
            minutes,
            arn,
            {
                "EndpointName": name,
                "EndpointArn": arn,
                "EndpointConfigName": config,
                "ProductionVariants": [
                    {
                        "VariantName": "AllTraffic",
                        "CurrentWeight": 1,
                        "DesiredWeight": 1,
                        "CurrentInstanceCount": 3,
                        "DesiredInstanceCount": 3,
                    }
                ],
                "EndpointStatus": status,
                "CreationTime": _ms(-1440),
                "LastModifiedTime": _ms(minutes),
            },
        )

    def deployment(minutes: float, status: str, message: str) -> dict[str, Any]:
        return _event(
            ids,
            "SageMaker Endpoint Deployment State Change",
            minutes,
            arn,
            {
                "EndpointName": name,
                "EndpointArn": arn,
                "EndpointConfigName": "churn-scoring-config-41",
                "ProductionVariants": variants(3, 3, None, None),
                "EndpointStatus": "UPDATING",
                "CreationTime": _ms(-1440),
                "LastModifiedTime": _ms(minutes),
                "PendingDeploymentSummary": {
                    "EndpointConfigName": "churn-scoring-config-42",
                    "StartTime": _ms(70),
                    "ProductionVariants": variants(1, 3, status, message),
                },
            },
        )

    return [
        endpoint(70, "Updating", "churn-scoring-config-41"),
        deployment(71, "Creating", "Launching 1 instance(s)."),
        deployment(
            74, "ActivatingTraffic", "Activating traffic on canary capacity of 1 instance(s)."
        ),
        deployment(
            75,
            "Baking",
            "Baking for 600 seconds (TerminationWaitInSeconds) with traffic enabled on canary capacity of 1 instance(s).",
        ),
        endpoint(86, "InService", "churn-scoring-config-42"),
    ]


def package_metrics(run: str) -> dict[str, Any]:
    """The documents a run's RegisterModel step attaches: its evaluation, Clarify's bias and
    explainability reports (deploy/screenshots.sh puts them in a stand-in S3)."""

    def document(path: str) -> dict[str, str]:
        return {"ContentType": "application/json", "S3Uri": f"{ARTIFACTS}/{run}/{path}"}

    return {
        "ModelQuality": {"Statistics": document("evaluation/evaluation.json")},
        "Bias": {"Report": document("clarify-bias/analysis.json")},
        "Explainability": {"Report": document("clarify-explainability/analysis.json")},
    }


def model_package_events(ids: _Ids) -> list[dict[str, Any]]:
    """The package the nightly run's RegisterModel step registers, waiting for approval;
    ``MetadataProperties.GeneratedBy`` names the run, as Pipelines sets it."""
    arn = f"{PREFIX}:model-package/{PACKAGE_GROUP}/7"
    train = job_name(NIGHTLY, "Train", "Hq3vN8rT2c")

    def package(minutes: float, status: str, approval: str) -> dict[str, Any]:
        return _event(
            ids,
            "SageMaker Model Package State Change",
            minutes,
            arn,
            {
                "ModelPackageGroupName": PACKAGE_GROUP,
                "ModelPackageVersion": 7,
                "ModelPackageArn": arn,
                "ModelPackageDescription": "XGBoost churn model from nightly-2026-11-25",
                "CreationTime": _iso(31),
                "LastModifiedTime": _iso(minutes),
                "InferenceSpecification": {
                    "Containers": [
                        {
                            "Image": XGBOOST_IMAGE,
                            "ModelDataUrl": f"{ARTIFACTS}/{NIGHTLY}/model/{train}/output/model.tar.gz",
                        }
                    ],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
                "ModelPackageStatus": status,
                "ModelApprovalStatus": approval,
                "ModelMetrics": package_metrics(NIGHTLY),
                "MetadataProperties": {"GeneratedBy": f"{PIPELINE}/execution/{NIGHTLY}"},
            },
        )

    return [
        package(31, "InProgress", "PendingManualApproval"),
        package(31.5, "Completed", "PendingManualApproval"),
    ]


def failed_training_events(ids: _Ids) -> list[dict[str, Any]]:
    name = "churn-experiment-gpu-03"
    arn = f"{PREFIX}:training-job/{name}"

    def job(
        minutes: float, status: str, secondary: str, reason: str | None = None
    ) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "TrainingJobName": name,
            "TrainingJobArn": arn,
            "TrainingJobStatus": status,
            "SecondaryStatus": secondary,
            "AlgorithmSpecification": {
                "TrainingImage": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3-gpu-py311",
                "TrainingInputMode": "File",
            },
            "ResourceConfig": {
                "InstanceType": "ml.g5.2xlarge",
                "InstanceCount": 1,
                "VolumeSizeInGB": 100,
            },
            "InputDataConfig": [
                {
                    "ChannelName": "train",
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": "s3://ml-data-123456789012/churn/train/",
                        }
                    },
                }
            ],
            "OutputDataConfig": {"S3OutputPath": "s3://ml-artifacts-123456789012/experiments/"},
            "HyperParameters": {"epochs": "20", "lr": "0.003", "batch_size": "512"},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            "CreationTime": _ms(50),
            "TrainingStartTime": _ms(52),
            "LastModifiedTime": _ms(minutes),
        }
        if reason:
            detail["FailureReason"] = reason
            detail["TrainingEndTime"] = _ms(minutes)
        return _event(ids, "SageMaker Training Job State Change", minutes, arn, detail)

    return [
        job(50, "InProgress", "Starting"),
        job(53, "InProgress", "Downloading"),
        job(55, "InProgress", "Training"),
        job(
            64,
            "Failed",
            "Failed",
            "AlgorithmError: CUDA out of memory. Tried to allocate 2.50 GiB (GPU 0; 22.20 GiB total capacity). ExitCode 1",
        ),
    ]


HYPERPOD = f"{PREFIX}:cluster/k7r2m9x4q1dz"  # a HyperPod cluster's ARN names its id


def hyperpod_events(ids: _Ids) -> list[dict[str, Any]]:
    """A HyperPod cluster scaling its GPU group out: one instance cannot be had (an Error
    event, the alert), the cluster settles one short."""

    def state(minutes: float, status: str, p5_now: int) -> dict[str, Any]:
        groups = [
            ("controller", "ml.m5.xlarge", 1, 1),
            ("worker-p5", "ml.p5.48xlarge", p5_now, 4),
        ]
        return _event(
            ids,
            "SageMaker HyperPod Cluster State Change",
            minutes,
            HYPERPOD,
            {
                "ClusterArn": HYPERPOD,
                "ClusterName": "llm-pretrain",
                "ClusterStatus": status,
                "InstanceGroups": [
                    {
                        "InstanceGroupName": name,
                        "InstanceType": instance_type,
                        "CurrentCount": now,
                        "TargetCount": target,
                        "Status": "InService" if now == target else "Updating",
                    }
                    for name, instance_type, now, target in groups
                ],
                "NodeRecovery": "Automatic",
            },
        )

    def cluster_event(minutes: float, level: str, text: str, failure: str | None) -> dict[str, Any]:
        record: dict[str, Any] = {
            "EventId": f"0c1d2e3f-0000-4000-8000-{int(minutes * 100):012d}",
            "ClusterArn": HYPERPOD,
            "ClusterName": "llm-pretrain",
            "InstanceGroupName": "worker-p5",
            "ResourceType": "InstanceGroup",
            "EventTime": _ms(minutes),
            "EventLevel": level,
            "Description": text,
        }
        if failure:
            record["EventDetails"] = {
                "EventMetadata": {"InstanceGroup": {"FailureMessage": failure}}
            }
        return _event(
            ids, "SageMaker HyperPod Cluster Event", minutes, HYPERPOD, {"EventDetails": record}
        )

    return [
        state(12, "Updating", 2),
        cluster_event(13, "Info", "Scaling InstanceGroup worker-p5 from 2 to 4 instances", None),
        cluster_event(
            21,
            "Error",
            "Instance creation in Cluster llm-pretrain and InstanceGroup worker-p5 failed",
            "We currently do not have sufficient capacity to launch new ml.p5.48xlarge "
            "instances. Please try again.",
        ),
        state(24, "InService", 3),
    ]


def scenario(*, seed: int = 7) -> list[dict[str, Any]]:
    """The demo events in arrival order: mostly chronological, with duplicates and a few
    late arrivals, as EventBridge and SQS really deliver them."""
    ids = _Ids()
    streams = [
        pipeline_events(ids),
        tuning_events(ids),
        failed_training_events(ids),
        endpoint_events(ids),
        failed_pipeline_events(ids),
        hyperpod_events(ids),
    ]
    events = sorted((e for stream in streams for e in stream), key=lambda e: e["time"])
    rng = random.Random(seed)
    arrived: list[dict[str, Any]] = []
    for event in events:
        arrived.append(event)
        if rng.random() < 0.25:  # SageMaker sends several events for one change
            arrived.append(copy.deepcopy(event))
    # A few events overtake their predecessors.
    for _ in range(4):
        i = rng.randrange(1, len(arrived))
        arrived[i - 1], arrived[i] = arrived[i], arrived[i - 1]
    return arrived


def tuning_burst(trials: int = 200) -> list[dict[str, Any]]:
    """A tuning job with ``trials`` training jobs: the burst benchmark's load."""
    return tuning_events(_Ids(), trials=trials)
