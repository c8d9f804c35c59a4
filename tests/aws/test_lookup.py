"""bot.aws.lookup against moto's server over HTTP: finding a resource by name or ARN, its
Describe response as an event, and the model registry's reads."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from botocore.stub import Stubber

from bot.aws.errors import ActionNotSupportedError, AwsPermissionError, ResourceNotFoundError
from bot.aws.lookup import (
    approved_version,
    as_event,
    describe,
    lookup,
    model_package_metrics,
    resolve,
)
from bot.events.identity import ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.render.renderer import Renderer
from tests.aws.resources import (
    ACCOUNT,
    create_endpoint,
    create_group,
    create_package,
    create_processing_job,
    create_training_job,
    start_execution,
    unique,
)
from tests.render.blockkit import assert_valid_message
from tests.standins.aws import REGION

RENDERER = Renderer()


def no_template_errors(caplog: pytest.LogCaptureFixture) -> None:
    # The renderer falls back to the generic template silently for users, loudly in logs.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


# --- resolve ----------------------------------------------------------------------------------


def test_resolve_training_job_by_name_and_by_arn(sm: Any) -> None:
    name = unique("train")
    arn = create_training_job(sm, name)

    by_name = resolve(sm, name)
    assert by_name == ResourceRef(ResourceKind.TRAINING, name, arn, ACCOUNT, REGION)
    assert resolve(sm, arn) == by_name
    assert resolve(sm, f"  {name}\n") == by_name  # typed in Slack: stray whitespace


def test_bare_name_tries_each_kind_in_order(sm: Any) -> None:
    name = unique("proc")
    arn = create_processing_job(sm, name)
    ref = resolve(sm, name)
    assert (ref.kind, ref.name, ref.arn) == (ResourceKind.PROCESSING, name, arn)
    # A training job of the same name comes first in the order.
    create_training_job(sm, name)
    assert resolve(sm, name).kind is ResourceKind.TRAINING
    # A kind hint skips the guessing.
    assert resolve(sm, name, ResourceKind.PROCESSING).kind is ResourceKind.PROCESSING


def test_resolve_model_package_by_arn_and_group_version(sm: Any) -> None:
    group = create_group(sm)
    create_package(sm, group)
    arn = create_package(sm, group)

    ref = resolve(sm, f"{group}/2")
    assert (ref.kind, ref.name, ref.arn) == (ResourceKind.MODEL_PACKAGE, f"{group}/2", arn)
    assert resolve(sm, arn) == ref


def test_resolve_pipeline_execution_three_ways(sm: Any) -> None:
    pipeline, arn = start_execution(sm)
    execution_id = arn.rsplit("/", 1)[-1]

    ref = resolve(sm, arn)
    assert ref.kind is ResourceKind.PIPELINE
    assert (ref.name, ref.arn, ref.label) == (f"{pipeline}/{execution_id}", arn, "nightly")
    assert resolve(sm, f"{pipeline}/{execution_id}") == ref
    # The pipeline's own ARN means its latest execution.
    pipeline_arn = arn.split("/execution/")[0]
    assert resolve(sm, pipeline_arn) == ref


def test_not_found_explains_what_was_tried(
    sm: Any,
) -> None:
    with pytest.raises(ResourceNotFoundError) as info:
        resolve(sm, unique("nothing"))
    message = str(info.value)
    assert "training jobs" in message and "endpoints" in message and "GROUP/VERSION" in message

    missing_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{unique('gone')}"
    with pytest.raises(ResourceNotFoundError, match="Could not find training job"):
        resolve(sm, missing_arn)
    with pytest.raises(ResourceNotFoundError):
        resolve(sm, f"{unique('group')}/7")
    with pytest.raises(ResourceNotFoundError):
        resolve(sm, "   ")


def test_foreign_arn_is_refused(
    sm: Any,
) -> None:
    with pytest.raises(ActionNotSupportedError, match="not the ARN of a SageMaker resource"):
        resolve(sm, "arn:aws:s3:::bucket/key")
    with pytest.raises(ActionNotSupportedError):
        resolve(sm, f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/x")


def test_probe_with_no_permission_at_all_says_so(sm: Any) -> None:
    with Stubber(sm) as stub:
        for operation in (
            "describe_training_job",
            "describe_processing_job",
            "describe_transform_job",
            "describe_hyper_parameter_tuning_job",
            "describe_endpoint",
            "describe_model",
        ):
            stub.add_client_error(operation, service_error_code="AccessDeniedException")
        with pytest.raises(AwsPermissionError, match="not allowed"):
            resolve(sm, "job")


# --- describe → event → template ---------------------------------------------------------------


def _subject(kind: str, sm: Any) -> str:
    if kind == "training":
        name = unique("train")
        create_training_job(sm, name)
        return name
    if kind == "processing":
        name = unique("proc")
        create_processing_job(sm, name)
        return name
    if kind == "model-package":
        group = create_group(sm)
        create_package(sm, group)
        return f"{group}/1"
    if kind == "pipeline":
        return start_execution(sm)[1]
    return create_endpoint(sm)


@pytest.mark.parametrize(
    ("kind", "template"),
    [
        ("training", "training_job"),
        ("processing", "processing_job"),
        ("model-package", "model_package"),
        ("pipeline", "pipeline_execution"),
        ("endpoint", "endpoint"),
    ],
)
def test_status_renders_like_an_event(
    sm: Any, caplog: pytest.LogCaptureFixture, kind: str, template: str
) -> None:
    ref, description = lookup(sm, _subject(kind, sm))
    assert describe(sm, ref) == description

    raw = as_event(ref, description)
    json.dumps(raw)  # datetimes made JSON-safe: it is an event like any other
    assert raw["account"] == ACCOUNT and raw["region"] == REGION
    assert "ResponseMetadata" not in raw["detail"]

    event = parse_event(raw)
    assert event.spec.template == template
    assert event.resource == ref  # same identity as the resource's real events: same thread
    assert event.status

    with caplog.at_level(logging.ERROR):
        message = RENDERER.render(event)
    no_template_errors(caplog)
    assert_valid_message(message)
    assert ref.display_name in json.dumps(message)


def test_pipeline_event_uses_event_field_names(sm: Any) -> None:
    ref, description = lookup(sm, start_execution(sm)[1])
    detail = as_event(ref, description)["detail"]
    assert detail["currentPipelineExecutionStatus"] == description["PipelineExecutionStatus"]
    assert detail["pipelineExecutionArn"] == ref.arn
    assert detail["executionStartTime"] == description["CreationTime"].isoformat()


# --- model registry ----------------------------------------------------------------------------


def test_approved_version_is_the_newest_approved(sm: Any) -> None:
    group = create_group(sm)
    assert approved_version(sm, group) is None
    create_package(sm, group, "Approved")
    second = create_package(sm, group, "Approved")
    create_package(sm, group, "PendingManualApproval")
    create_package(sm, group, "Rejected")

    latest = approved_version(sm, group)
    assert latest is not None
    assert latest["ModelPackageArn"] == second
    assert latest["ModelPackageVersion"] == 2


def test_model_package_metrics(sm: Any) -> None:
    group = create_group(sm)
    _, description = lookup(sm, create_package(sm, group))
    assert model_package_metrics(description) == [("Model quality statistics", "s3://b/eval.json")]

    full = {
        "ModelMetrics": {
            "ModelQuality": {"Constraints": {"ContentType": "j", "S3Uri": "s3://b/mq-c.json"}},
            "ModelDataQuality": {"Statistics": {"ContentType": "j", "S3Uri": "s3://b/dq.json"}},
            "Bias": {"PreTrainingReport": {"ContentType": "j", "S3Uri": "s3://b/bias.json"}},
            "Explainability": {"Report": {"ContentType": "j", "S3Uri": "s3://b/shap.json"}},
            "FutureThing": {"NewReport": {"S3Uri": "s3://b/new.json"}, "Junk": "x"},
        },
        "DriftCheckBaselines": {
            "ModelQuality": {"Statistics": {"ContentType": "j", "S3Uri": "s3://b/base.json"}}
        },
    }
    assert model_package_metrics(full) == [
        ("Model quality constraints", "s3://b/mq-c.json"),
        ("Data quality statistics", "s3://b/dq.json"),
        ("Bias pre-training report", "s3://b/bias.json"),
        ("Explainability report", "s3://b/shap.json"),
        ("Future Thing new report", "s3://b/new.json"),
        ("Drift baseline: Model quality statistics", "s3://b/base.json"),
    ]
    assert model_package_metrics({}) == []
