"""A realistic, deterministic scenario for ``make demo`` and the benchmarks.

One morning of an ML team: a pipeline execution and its steps, a tuning job with its training
jobs, an endpoint rolled out with a canary deployment, a model package waiting for approval, and
a training job that fails. As in real delivery, some events arrive twice and some out of order.
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


def pipeline_events(ids: _Ids) -> list[dict[str, Any]]:
    pipeline = f"{PREFIX}:pipeline/churn-training"
    execution = f"{pipeline}/execution/k2x9p4q7wz1a"
    common = {"pipelineArn": pipeline, "pipelineExecutionArn": execution}

    def execution_event(minutes: float, current: str, previous: str | None) -> dict[str, Any]:
        detail = {
            **common,
            "pipelineExecutionDisplayName": "nightly-2026-11-25",
            "currentPipelineExecutionStatus": current,
            "executionStartTime": _iso(0),
        }
        if previous:
            detail["previousPipelineExecutionStatus"] = previous
        if current != "Executing":
            detail["executionEndTime"] = _iso(minutes)
        return _event(
            ids,
            "SageMaker Model Building Pipeline Execution Status Change",
            minutes,
            execution,
            detail,
        )

    def step(
        minutes: float,
        name: str,
        kind: str,
        current: str,
        previous: str,
        job: str | None = None,
        cached: bool = False,
    ) -> dict[str, Any]:
        detail: dict[str, Any] = {
            **common,
            "stepName": name,
            "stepType": kind,
            "currentStepStatus": current,
            "previousStepStatus": previous,
            "stepStartTime": _iso(minutes if current == "Starting" else minutes - 5),
        }
        if current in ("Succeeded", "Failed"):
            detail["stepEndTime"] = _iso(minutes)
        if job:
            key = {"Processing": "processingJob", "Training": "trainingJob"}[kind]
            detail["metadata"] = {key: {"arn": job}}
        if cached:
            detail["cacheHitResult"] = {
                "sourcePipelineExecutionArn": f"{pipeline}/execution/a1b2c3d4e5f6"
            }
        return _event(
            ids,
            "SageMaker Model Building Pipeline Execution Step Status Change",
            minutes,
            execution,
            detail,
        )

    prep_job = f"{PREFIX}:processing-job/pipelines-k2x9p4q7wz1a-preprocess-abc123"
    train_job = f"{PREFIX}:training-job/pipelines-k2x9p4q7wz1a-train-def456"
    return [
        execution_event(0, "Executing", None),
        step(1, "Preprocess", "Processing", "Starting", "Starting", prep_job),
        step(2, "Preprocess", "Processing", "Executing", "Starting", prep_job),
        step(9, "Preprocess", "Processing", "Succeeded", "Executing", prep_job),
        step(10, "Train", "Training", "Executing", "Starting", train_job),
        step(10, "Baseline", "QualityCheck", "Succeeded", "Executing", cached=True),
        step(31, "Train", "Training", "Succeeded", "Executing", train_job),
        step(33, "Evaluate", "Processing", "Succeeded", "Executing"),
        step(34, "CheckAccuracy", "Condition", "Succeeded", "Executing"),
        step(35, "RegisterModel", "RegisterModel", "Succeeded", "Executing"),
        execution_event(36, "Succeeded", "Executing"),
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


def model_package_events(ids: _Ids) -> list[dict[str, Any]]:
    group = "churn-models"
    arn = f"{PREFIX}:model-package/{group}/7"

    def package(minutes: float, status: str, approval: str) -> dict[str, Any]:
        return _event(
            ids,
            "SageMaker Model Package State Change",
            minutes,
            arn,
            {
                "ModelPackageGroupName": group,
                "ModelPackageVersion": 7,
                "ModelPackageArn": arn,
                "ModelPackageDescription": "XGBoost churn model from nightly-2026-11-25",
                "CreationTime": _iso(minutes),
                "LastModifiedTime": _iso(minutes),
                "InferenceSpecification": {
                    "Containers": [
                        {
                            "Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
                            "ModelDataUrl": "s3://ml-artifacts-123456789012/churn/k2x9p4q7wz1a/model.tar.gz",
                        }
                    ],
                    "SupportedContentTypes": ["text/csv"],
                    "SupportedResponseMIMETypes": ["text/csv"],
                },
                "ModelPackageStatus": status,
                "ModelApprovalStatus": approval,
                "ModelMetrics": {
                    "ModelQuality": {
                        "Statistics": {
                            "ContentType": "application/json",
                            "S3Uri": "s3://ml-artifacts-123456789012/churn/k2x9p4q7wz1a/evaluation.json",
                        }
                    }
                },
                "MetadataProperties": {
                    "GeneratedBy": f"{PREFIX}:pipeline/churn-training/execution/k2x9p4q7wz1a"
                },
            },
        )

    return [
        package(35, "InProgress", "PendingManualApproval"),
        package(36, "Completed", "PendingManualApproval"),
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


def scenario(*, seed: int = 7) -> list[dict[str, Any]]:
    """The demo events in arrival order: mostly chronological, with duplicates and a few
    late arrivals, as EventBridge and SQS really deliver them."""
    ids = _Ids()
    streams = [
        pipeline_events(ids),
        model_package_events(ids),
        tuning_events(ids),
        failed_training_events(ids),
        endpoint_events(ids),
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
