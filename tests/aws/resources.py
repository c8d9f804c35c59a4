"""SageMaker resources and log streams made on moto's server for the bot.aws tests."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
ACCOUNT = "123456789012"  # moto's default account


def unique(prefix: str) -> str:
    """Tests share one moto server: unique names keep them apart."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_training_job(sm: Any, name: str) -> str:
    response = sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": "img:latest", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://bucket/out"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"epochs": "3"},
    )
    arn: str = response["TrainingJobArn"]
    return arn


def create_processing_job(sm: Any, name: str) -> str:
    response = sm.create_processing_job(
        ProcessingJobName=name,
        ProcessingResources={
            "ClusterConfig": {
                "InstanceCount": 1,
                "InstanceType": "ml.m5.xlarge",
                "VolumeSizeInGB": 10,
            }
        },
        AppSpecification={"ImageUri": "img:latest"},
        RoleArn=ROLE,
    )
    arn: str = response["ProcessingJobArn"]
    return arn


def create_group(sm: Any) -> str:
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    return group


def create_package(sm: Any, group: str, status: str = "PendingManualApproval") -> str:
    response = sm.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": "img:latest", "ModelDataUrl": "s3://bucket/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        ModelMetrics={
            "ModelQuality": {
                "Statistics": {"ContentType": "application/json", "S3Uri": "s3://b/eval.json"}
            }
        },
    )
    arn: str = response["ModelPackageArn"]
    return arn


def start_execution(sm: Any) -> tuple[str, str]:
    pipeline = unique("pipe")
    sm.create_pipeline(
        PipelineName=pipeline,
        PipelineDefinition=json.dumps({"Version": "2020-12-01", "Steps": []}),
        RoleArn=ROLE,
    )
    response = sm.start_pipeline_execution(
        PipelineName=pipeline, PipelineExecutionDisplayName="nightly"
    )
    arn: str = response["PipelineExecutionArn"]
    return pipeline, arn


def create_endpoint(sm: Any) -> str:
    name = unique("ep")
    sm.create_model(
        ModelName=name,
        PrimaryContainer={"Image": "img:latest", "ModelDataUrl": "s3://b/m.tar.gz"},
        ExecutionRoleArn=ROLE,
    )
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": name,
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    return name


def write_logs(logs: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    # The group is shared by every test on this server.
    with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
        logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def now_ms() -> int:
    # moto, like CloudWatch, refuses events older than 14 days: recent timestamps only.
    return int(time.time() * 1000) - 60_000


DOCUMENTS = Path(__file__).resolve().parent.parent / "evidence" / "documents"


def metrics_bucket(s3: Any) -> str:
    """A fresh bucket for one test's metrics documents."""
    name = unique("metrics")
    s3.create_bucket(Bucket=name)
    return name


def put_document(s3: Any, bucket: str, key: str, body: bytes | dict[str, Any]) -> str:
    """A metrics document in S3 (a dict is written as JSON); its ``s3://`` URI."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    s3.put_object(Bucket=bucket, Key=key, Body=data, ContentType="application/json")
    return f"s3://{bucket}/{key}"


def sample_document(name: str) -> dict[str, Any]:
    """One of tests/evidence/documents/*.json."""
    data: dict[str, Any] = json.loads((DOCUMENTS / f"{name}.json").read_text())
    return data


def create_metrics_package(
    sm: Any, group: str, metrics: dict[tuple[str, str], str], status: str = "PendingManualApproval"
) -> str:
    """A package version whose ModelMetrics point at ``{(group, report): s3 uri}``."""
    model_metrics: dict[str, dict[str, Any]] = {}
    for (kind, report), uri in metrics.items():
        model_metrics.setdefault(kind, {})[report] = {
            "ContentType": "application/json",
            "S3Uri": uri,
        }
    response = sm.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus=status,
        InferenceSpecification={
            "Containers": [{"Image": "img:latest", "ModelDataUrl": "s3://bucket/model.tar.gz"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        **({"ModelMetrics": model_metrics} if model_metrics else {}),
    )
    arn: str = response["ModelPackageArn"]
    return arn
