"""Parsing: every sample resolves to the right kind, identity, parent and status."""

import math
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import EventInputError
from bot.events.identity import ResourceKind
from bot.events.models import EndpointDetail, EventEnvelope, ModelPackageDetail, TrainingJobDetail
from bot.events.parse import load_event_json, parse_event
from bot.events.status import StatusClass
from tests.conftest import load_sample, sample_paths

EXPECTED = {
    "training_job_state_change": (ResourceKind.TRAINING, "Completed", StatusClass.SUCCEEDED),
    "tuning_job_state_change": (ResourceKind.TUNING, "status", StatusClass.UNKNOWN),
    "transform_job_state_change": (
        ResourceKind.TRANSFORM,
        "another status... GO",
        StatusClass.UNKNOWN,
    ),
    "endpoint_state_change": (ResourceKind.ENDPOINT, "InService", StatusClass.SUCCEEDED),
    "feature_group_state_change": (ResourceKind.FEATURE_GROUP, "Active", StatusClass.SUCCEEDED),
    "model_package_state_change": (ResourceKind.MODEL_PACKAGE, "Rejected", StatusClass.STOPPED),
    "pipeline_execution_status_change": (
        ResourceKind.PIPELINE,
        "Succeeded",
        StatusClass.SUCCEEDED,
    ),
    "pipeline_step_status_change": (ResourceKind.STEP, "Succeeded", StatusClass.SUCCEEDED),
    "processing_job_state_change_failed": (ResourceKind.PROCESSING, "Failed", StatusClass.FAILED),
    "image_state_change": (ResourceKind.IMAGE, "Creating", StatusClass.IN_PROGRESS),
    "image_version_state_change": (ResourceKind.IMAGE_VERSION, "Creating", StatusClass.IN_PROGRESS),
    "endpoint_deployment_state_change_canary": (
        ResourceKind.DEPLOYMENT,
        "Updating",
        StatusClass.IN_PROGRESS,
    ),
    "endpoint_deployment_state_change_scale_out": (
        ResourceKind.DEPLOYMENT,
        "Updating",
        StatusClass.IN_PROGRESS,
    ),
    "model_card_state_change": (ResourceKind.MODEL_CARD, "Draft", StatusClass.IN_PROGRESS),
    "model_state_change": (ResourceKind.MODEL, "Created", StatusClass.SUCCEEDED),
    "model_state_change_deleted": (ResourceKind.MODEL, "Deleted", StatusClass.DELETED),
    "notebook_instance_state_change": (ResourceKind.NOTEBOOK, "InService", StatusClass.SUCCEEDED),
    "notebook_instance_state_change_failed": (
        ResourceKind.NOTEBOOK,
        "Failed",
        StatusClass.FAILED,
    ),
    "notebook_lifecycle_config_state_change": (
        ResourceKind.LIFECYCLE_CONFIG,
        "Created",
        StatusClass.SUCCEEDED,
    ),
    "endpoint_config_state_change": (
        ResourceKind.ENDPOINT_CONFIG,
        "Created",
        StatusClass.SUCCEEDED,
    ),
    "endpoint_config_state_change_serverless": (
        ResourceKind.ENDPOINT_CONFIG,
        "Created",
        StatusClass.SUCCEEDED,
    ),
    "algorithm_state_change": (ResourceKind.ALGORITHM, "Completed", StatusClass.SUCCEEDED),
    "algorithm_state_change_failed": (ResourceKind.ALGORITHM, "Failed", StatusClass.FAILED),
    "training_job_state_change_max_runtime": (
        ResourceKind.TRAINING,
        "Stopped",
        StatusClass.WARNING,
    ),
    "processing_job_state_change_violations": (
        ResourceKind.PROCESSING,
        "Completed",
        StatusClass.WARNING,
    ),
    "endpoint_deployment_state_change_rollback": (
        ResourceKind.DEPLOYMENT,
        "Updating",
        StatusClass.WARNING,
    ),
    "labeling_job_state_change_minimal": (
        ResourceKind.LABELING,
        "InProgress",
        StatusClass.IN_PROGRESS,
    ),
    "labeling_job_state_change_completed": (
        ResourceKind.LABELING,
        "Completed",
        StatusClass.SUCCEEDED,
    ),
    "labeling_job_state_change_failed": (ResourceKind.LABELING, "Failed", StatusClass.FAILED),
    "labeling_job_task_status_change_completed": (
        ResourceKind.LABELING,
        "Completed",
        StatusClass.SUCCEEDED,
    ),
    "labeling_job_task_status_change_failed": (
        ResourceKind.LABELING,
        "Failed",
        StatusClass.FAILED,
    ),
    "hyperpod_cluster_state_change_inservice": (
        ResourceKind.CLUSTER,
        "InService",
        StatusClass.SUCCEEDED,
    ),
    "hyperpod_cluster_state_change_failed": (ResourceKind.CLUSTER, "Failed", StatusClass.FAILED),
    "hyperpod_cluster_event_error": (ResourceKind.CLUSTER, "Error", StatusClass.FAILED),
    "hyperpod_cluster_event_warn": (ResourceKind.CLUSTER, "Warning", StatusClass.WARNING),
    "hyperpod_cluster_event_info": (ResourceKind.CLUSTER, "Info", StatusClass.IN_PROGRESS),
    "hyperpod_cluster_node_health_event_unhealthy": (
        ResourceKind.CLUSTER,
        "Unhealthy",
        StatusClass.FAILED,
    ),
    "hyperpod_cluster_node_health_event_healthy": (
        ResourceKind.CLUSTER,
        "Healthy",
        StatusClass.SUCCEEDED,
    ),
    # Types without a card of their own (generic_*): status found by field name, or in the
    # detail-type; the kind from the ARN when it names one we know.
    "generic_monitoring_schedule": (ResourceKind.OTHER, "Failed", StatusClass.FAILED),
    "generic_tracking_server_create_failed": (
        ResourceKind.OTHER,
        "CreateFailed",
        StatusClass.FAILED,
    ),
    "generic_model_card_export_job": (ResourceKind.OTHER, "Completed", StatusClass.SUCCEEDED),
    "training_job_state_change_completed_spot": (
        ResourceKind.TRAINING,
        "Completed",
        StatusClass.SUCCEEDED,
    ),
}


def test_every_sample_has_an_expectation() -> None:
    assert {p.stem for p in sample_paths()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_samples_resolve_kind_status_and_class(name: str) -> None:
    event = parse_event(load_sample(name))
    kind, status, status_class = EXPECTED[name]
    assert event.kind is kind
    assert event.status == status
    assert event.status_class is status_class
    assert event.is_known_type is not name.startswith("generic_")
    assert event.resource.name


def test_training_identity_uses_detail_arn_and_account_region_from_it() -> None:
    event = parse_event(load_sample("training_job_state_change"))
    assert event.resource.arn == "arn:aws:sagemaker:us-east-1:123456789012:training-job/kmeans-1"
    assert event.resource.name == "89c96cc8-dded-4739-afcc-6f1dc936701d"
    assert (event.resource.account, event.resource.region) == ("123456789012", "us-east-1")
    assert event.parent is None


def test_processing_job_region_comes_from_its_arn_not_the_envelope() -> None:
    # The AWS sample's envelope says us-east-1 while the job's ARN says us-west-2.
    event = parse_event(load_sample("processing_job_state_change_failed"))
    assert event.resource.region == "us-west-2"
    assert event.resource.account == "037210630506"
    assert event.failure_reason and event.failure_reason.startswith("InternalServerError")


def test_step_threads_under_its_pipeline_execution() -> None:
    event = parse_event(load_sample("pipeline_step_status_change"))
    execution = (
        "arn:aws:sagemaker:us-east-1:123456789012:pipeline/myPipeline-123/execution/p4jn9xou8a8s"
    )
    assert event.resource.arn == execution + "/step/myprocessingstep1"
    assert event.parent is not None
    assert event.parent.kind is ResourceKind.PIPELINE
    assert event.parent.arn == execution
    assert (
        event.parent.key
        == parse_event(load_sample("pipeline_execution_status_change")).resource.key
    )
    assert event.detail.previous_status == "Executing"


def test_deployment_threads_under_its_endpoint() -> None:
    event = parse_event(load_sample("endpoint_deployment_state_change_canary"))
    assert event.parent is not None
    assert event.parent.kind is ResourceKind.ENDPOINT
    assert event.parent.arn == "arn:aws:sagemaker:us-west-2:651393343886:endpoint/sample-endpoint"
    assert event.resource.key != event.parent.key
    assert "sample-endpoint-config-2" in event.resource.name


def test_image_version_threads_under_its_image() -> None:
    event = parse_event(load_sample("image_version_state_change"))
    assert event.parent is not None
    assert event.parent.kind is ResourceKind.IMAGE
    assert event.parent.name == "a70ff896-c832-4fe8-add6-eba25a0f43e6"


def test_training_job_of_a_tuning_job_threads_under_it() -> None:
    raw = load_sample("training_job_state_change")
    raw["detail"]["TuningJobArn"] = (
        "arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/hpo-1"
    )
    event = parse_event(raw)
    assert event.parent is not None
    assert (event.parent.kind, event.parent.name) == (ResourceKind.TUNING, "hpo-1")


def test_model_package_source_list_and_approval_status() -> None:
    # This AWS sample has "source" twice; the second, a list, wins in JSON parsing.
    event = parse_event(load_sample("model_package_state_change"))
    assert event.envelope.source == "aws.sagemaker"
    assert event.resource.name == "versionedmp-p-idy6c3e1fiqj/2"


def test_model_card_nanosecond_timestamp() -> None:
    event = parse_event(load_sample("model_card_state_change"))
    assert event.detail.last_modified is not None
    assert event.detail.last_modified.microsecond == 893854


def test_bad_fields_degrade_to_raw_values() -> None:
    raw: dict[str, Any] = load_sample("training_job_state_change")
    raw["time"] = "not a time"
    raw["detail"].update(
        {
            "ResourceConfig": "ml.m5.xlarge",  # a string where an object belongs
            "CreationTime": {"weird": True},
            "BillableTimeInSeconds": "lots",
            "Tags": [{"Key": "team", "Value": "ml"}],
            "SomethingNew": {"kept": 1},
            "TrainingJobStatus": "IN_PROGRESS",
        }
    )
    event = parse_event(raw)
    assert event.time is None and event.envelope.time == "not a time"
    assert event.detail.ResourceConfig == "ml.m5.xlarge"
    assert event.detail.CreationTime == {"weird": True}
    assert event.detail.BillableTimeInSeconds == "lots"
    assert event.detail.Tags == {"team": "ml"}
    assert event.detail.field("SomethingNew") == {"kept": 1}
    assert event.status == "InProgress"


def test_numbers_as_strings_are_numbers() -> None:
    raw = load_sample("training_job_state_change")
    raw["detail"]["ResourceConfig"]["InstanceCount"] = "4"
    assert parse_event(raw).detail.ResourceConfig.InstanceCount == 4


@pytest.mark.parametrize(
    ("value", "expected"),
    [("job", "job"), (7, "7"), (2.5, "2.5"), (True, "True"), ({"a": 1}, '{"a": 1}'), (None, None)],
)
def test_text_fields_take_any_scalar_or_object_as_text(value: Any, expected: str | None) -> None:
    assert TrainingJobDetail.model_validate({"TrainingJobName": value}).TrainingJobName == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("InService", "InService"),
        ("IN_PROGRESS", "InProgress"),
        ("in progress", "InProgress"),
        (7, "7"),
        ("", None),
    ],
)
def test_status_fields_are_normalized(value: Any, expected: str | None) -> None:
    detail = TrainingJobDetail.model_validate({"TrainingJobStatus": value})
    assert detail.TrainingJobStatus == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("aws.sagemaker", "aws.sagemaker"), (["aws.sagemaker"], "aws.sagemaker"), (5, 5), ([], [])],
)
def test_envelope_source_string_or_list(value: Any, expected: Any) -> None:
    assert EventEnvelope.model_validate({"source": value}).source == expected


def test_values_that_do_not_validate_are_kept_raw() -> None:
    assert TrainingJobDetail.model_validate({"ResourceConfig": "x"}).ResourceConfig == "x"
    assert EventEnvelope.model_validate({"resources": ["arn:x", 3]}).resources == ["arn:x", 3]
    variants = [{"VariantName": "a"}, "not a variant"]
    endpoint = EndpointDetail.model_validate({"ProductionVariants": variants})
    assert endpoint.ProductionVariants == variants
    package = ModelPackageDetail.model_validate({"ModelPackageVersion": [1], "Tags": "t"})
    assert (package.ModelPackageVersion, package.Tags) == ([1], "t")
    detail = TrainingJobDetail.model_validate({"CreationTime": 10**16})
    assert detail.CreationTime == 10**16  # past year 9999


def test_far_future_epoch_milliseconds_keep_their_microseconds() -> None:
    detail = TrainingJobDetail.model_validate({"CreationTime": 253402300799999})
    assert detail.CreationTime == datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"detail": "a string"},
        {"detail-type": "SageMaker Notebook Instance State Change", "detail": {}},
        {"source": ["aws.sagemaker"], "detail-type": ["SageMaker Model State Change"]},
        {"detail-type": "SageMaker Training Job State Change", "detail": None},
        {"resources": "not a list", "time": 12, "detail": {"a": [1, 2]}},
    ],
)
def test_anything_object_shaped_parses(raw: dict[str, Any]) -> None:
    event = parse_event(raw)
    assert event.resource.name


def test_unknown_sagemaker_type_uses_generic_model_with_guessed_identity() -> None:
    event = parse_event(
        {
            # A detail-type with no card of its own (HyperPod's state change has one now).
            "detail-type": "SageMaker HyperPod Cluster Widget Change",
            "source": "aws.sagemaker",
            "region": "eu-west-1",
            "account": "111122223333",
            "resources": ["arn:aws:sagemaker:eu-west-1:111122223333:cluster/abc"],
            "detail": {"ClusterName": "hp-1", "ClusterStatus": "INSERVICE", "FailureReason": ""},
        }
    )
    assert not event.is_known_type
    assert event.kind is ResourceKind.CLUSTER  # the ARN's type names a kind we know
    assert event.resource.name == "hp-1"
    assert event.resource.arn == "arn:aws:sagemaker:eu-west-1:111122223333:cluster/abc"
    assert event.status == "InService"


def test_detail_type_matching_ignores_case_and_spacing() -> None:
    raw = load_sample("endpoint_state_change")
    raw["detail-type"] = "  sagemaker   endpoint state change "
    assert parse_event(raw).kind is ResourceKind.ENDPOINT


@pytest.mark.parametrize(("text", "message"), [("[1]", "JSON object"), ("{", "not valid JSON")])
def test_load_event_json_errors(text: str, message: str) -> None:
    with pytest.raises(EventInputError, match=message):
        load_event_json(text)


def test_load_event_json_reads_what_the_json_module_reads() -> None:
    # NaN and Infinity, integers past 64 bits (exact), lone surrogates, the last duplicate key
    event = load_event_json(
        '{"n": NaN, "i": -Infinity, "big": 123456789012345678901234567890, "s": "\\ud800",'
        ' "k": 1, "k": 2}'
    )
    assert math.isnan(event["n"]) and event["i"] == float("-inf")
    assert event["big"] == 123456789012345678901234567890
    assert (event["s"], event["k"]) == ("\ud800", 2)


def test_order_key_prefers_event_time_then_last_modified_then_status() -> None:
    raw = load_sample("training_job_state_change")
    done = parse_event(raw)
    raw["detail"]["TrainingJobStatus"] = "InProgress"
    running = parse_event(raw)
    assert running.order_key < done.order_key  # same times: status order decides
    raw["time"] = "2018-10-06T12:30:00Z"
    later_running = parse_event(raw)
    assert later_running.order_key > done.order_key  # event time first
