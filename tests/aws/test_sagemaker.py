"""bot.aws.sagemaker against moto's server over HTTP, with real boto3 clients.

moto 5.2 lacks some operations (StopTrainingJob, StopPipelineExecution,
RetryPipelineExecution, ListPipelineExecutionSteps) and some states (its jobs never fail, so
there is no FailureReason). For those single calls botocore's Stubber answers instead: it
runs the client's own request validation against the real service model first, so the
request shapes are still checked. Everything else goes over HTTP to moto.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from bot.aws import (
    ActionNotSupportedError,
    AwsPermissionError,
    AwsRequestError,
    AwsThrottledError,
    ResourceNotFoundError,
    SageMaker,
    as_event,
    model_package_metrics,
)
from bot.errors import ChatOpsError
from bot.events import ResourceKind, ResourceRef, parse_event
from bot.inspection import Inspection, LogLine
from bot.render.inspection import LOG_SECTION_CHARS, log_chunks, render_inspection
from bot.render.renderer import Renderer
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message
from tests.standins.aws import REGION, AwsClientFactory

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
ACCOUNT = "123456789012"  # moto's default account
TRAINING_LOGS = "/aws/sagemaker/TrainingJobs"
RENDERER = Renderer()
HOSTILE = '<!channel> <@U123> <https://evil.example|click> ``` & "q" \\'


# --- fixtures and builders ------------------------------------------------------------------


@pytest.fixture
def sm(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("sagemaker")


@pytest.fixture
def logs(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("logs")


@pytest.fixture
def api(sm: Any, logs: Any) -> SageMaker:
    return SageMaker(sm, logs)


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


@pytest.fixture
def stub(sm: Any) -> Iterator[Stubber]:
    """A Stubber on the moto-bound client, for the single calls moto cannot answer.

    Not active yet: a test sets up over moto first, then answers its one call with
    ``with stub:``. Every queued response must have been used.
    """
    stubber = Stubber(sm)
    yield stubber
    stubber.assert_no_pending_responses()


def no_template_errors(caplog: pytest.LogCaptureFixture) -> None:
    # The renderer falls back to the generic template silently for users, loudly in logs.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


# --- resolve ----------------------------------------------------------------------------------


def test_resolve_training_job_by_name_and_by_arn(api: SageMaker, sm: Any) -> None:
    name = unique("train")
    arn = create_training_job(sm, name)

    by_name = api.resolve(name)
    assert by_name == ResourceRef(ResourceKind.TRAINING, name, arn, ACCOUNT, REGION)
    assert api.resolve(arn) == by_name
    assert api.resolve(f"  {name}\n") == by_name  # typed in Slack: stray whitespace


def test_bare_name_tries_each_kind_in_order(api: SageMaker, sm: Any) -> None:
    name = unique("proc")
    arn = create_processing_job(sm, name)
    ref = api.resolve(name)
    assert (ref.kind, ref.name, ref.arn) == (ResourceKind.PROCESSING, name, arn)
    # A training job of the same name comes first in the order.
    create_training_job(sm, name)
    assert api.resolve(name).kind is ResourceKind.TRAINING
    # A kind hint skips the guessing.
    assert api.resolve(name, ResourceKind.PROCESSING).kind is ResourceKind.PROCESSING


def test_resolve_model_package_by_arn_and_group_version(api: SageMaker, sm: Any) -> None:
    group = create_group(sm)
    create_package(sm, group)
    arn = create_package(sm, group)

    ref = api.resolve(f"{group}/2")
    assert (ref.kind, ref.name, ref.arn) == (ResourceKind.MODEL_PACKAGE, f"{group}/2", arn)
    assert api.resolve(arn) == ref


def test_resolve_pipeline_execution_three_ways(api: SageMaker, sm: Any) -> None:
    pipeline, arn = start_execution(sm)
    execution_id = arn.rsplit("/", 1)[-1]

    ref = api.resolve(arn)
    assert ref.kind is ResourceKind.PIPELINE
    assert (ref.name, ref.arn, ref.label) == (f"{pipeline}/{execution_id}", arn, "nightly")
    assert api.resolve(f"{pipeline}/{execution_id}") == ref
    # The pipeline's own ARN means its latest execution.
    pipeline_arn = arn.split("/execution/")[0]
    assert api.resolve(pipeline_arn) == ref


def test_not_found_explains_what_was_tried(api: SageMaker) -> None:
    with pytest.raises(ResourceNotFoundError) as info:
        api.resolve(unique("nothing"))
    message = str(info.value)
    assert "training jobs" in message and "endpoints" in message and "GROUP/VERSION" in message

    missing_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{unique('gone')}"
    with pytest.raises(ResourceNotFoundError, match="Could not find training job"):
        api.resolve(missing_arn)
    with pytest.raises(ResourceNotFoundError):
        api.resolve(f"{unique('group')}/7")
    with pytest.raises(ResourceNotFoundError):
        api.resolve("   ")


def test_foreign_arn_is_refused(api: SageMaker) -> None:
    with pytest.raises(ActionNotSupportedError, match="not the ARN of a SageMaker resource"):
        api.resolve("arn:aws:s3:::bucket/key")
    with pytest.raises(ActionNotSupportedError):
        api.resolve(f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:workteam/private-crowd/x")


# --- describe → event → template ---------------------------------------------------------------


def _create_endpoint(sm: Any) -> str:
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
    return _create_endpoint(sm)


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
    api: SageMaker, sm: Any, caplog: pytest.LogCaptureFixture, kind: str, template: str
) -> None:
    ref, description = api.lookup(_subject(kind, sm))
    assert api.describe(ref) == description

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


def test_pipeline_event_uses_event_field_names(api: SageMaker, sm: Any) -> None:
    ref, description = api.lookup(start_execution(sm)[1])
    detail = as_event(ref, description)["detail"]
    assert detail["currentPipelineExecutionStatus"] == description["PipelineExecutionStatus"]
    assert detail["pipelineExecutionArn"] == ref.arn
    assert detail["executionStartTime"] == description["CreationTime"].isoformat()


# --- inspect: logs ------------------------------------------------------------------------------


def test_inspect_merges_every_stream_of_the_job(api: SageMaker, sm: Any, logs: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    start = now_ms()
    # Two instances writing alternately: algo-1 on even milliseconds, algo-2 on odd ones.
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-1-1700000000",
        [(start + 2 * i, f"one {i}") for i in range(40)],
    )
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-2-1700000000",
        [(start + 2 * i + 1, f"two {i}") for i in range(40)],
    )
    # Another job whose name starts with this one's: never part of its logs.
    write_logs(logs, TRAINING_LOGS, f"{name}-2/algo-1-1700000000", [(start + 500, "other")])

    inspection = api.inspect(api.resolve(name))

    lines = inspection.log_lines
    assert len(lines) == 50
    assert inspection.log_streams == 2
    assert [line.timestamp for line in lines] == sorted(line.timestamp for line in lines)
    expected = [
        (f"algo-{1 + n % 2}-1700000000", f"{'one' if n % 2 == 0 else 'two'} {n // 2}")
        for n in range(80)
    ][-50:]
    assert [(line.stream, line.message) for line in lines] == expected
    assert inspection.log_group == TRAINING_LOGS
    assert inspection.transitions  # moto's single "Starting" transition


def test_log_lines_are_truncated_and_split(api: SageMaker, sm: Any, logs: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    start = now_ms()
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-1-1700000000",
        [(start, "x" * 5_000), (start + 1, "Traceback:\n  File a.py\nValueError: boom")],
    )

    lines = api.inspect(api.resolve(name)).log_lines

    assert [len(line.message) for line in lines] == [300, 10, 11, 16]
    assert lines[0].message.endswith("…")
    assert lines[-1].message == "ValueError: boom"


def test_missing_logs_become_a_note(api: SageMaker, sm: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    inspection = api.inspect(api.resolve(name))
    assert inspection.log_lines == ()
    assert inspection.notes and "log" in inspection.notes[0].lower()
    assert_valid_message(render_inspection(RENDERER, inspection))

    no_logs_client = SageMaker(sm)  # e.g. an approvals-only deployment
    assert "not read" in no_logs_client.inspect(api.resolve(name)).notes[0]


# --- inspect: failures (moto's jobs never fail; Stubber answers the one Describe) -------------


def _failed_training(name: str) -> dict[str, Any]:
    created = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    return {
        "TrainingJobName": name,
        "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{name}",
        "TrainingJobStatus": "Failed",
        "SecondaryStatus": "Failed",
        "FailureReason": f"AlgorithmError: {HOSTILE}\nExitCode 1",
        "AlgorithmSpecification": {"TrainingInputMode": "File", "TrainingImage": "img"},
        "ModelArtifacts": {"S3ModelArtifacts": "s3://bucket/out/model.tar.gz"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "CreationTime": created,
        "SecondaryStatusTransitions": [
            {
                "Status": status,
                "StartTime": created + timedelta(minutes=i),
                "EndTime": created + timedelta(minutes=i + 1),
                "StatusMessage": f"{status} step {HOSTILE}",
            }
            for i, status in enumerate(["Starting", "Downloading", "Training", "Failed"])
        ],
    }


def test_inspect_failed_training_job_renders_escaped(
    api: SageMaker, sm: Any, logs: Any, stub: Stubber
) -> None:
    name = unique("train")
    start = now_ms()
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-1-1700000000",
        [(start + i, f"line {i} {HOSTILE}") for i in range(60)],
    )
    stub.add_response(
        "describe_training_job", _failed_training(name), expected_params={"TrainingJobName": name}
    )

    with stub:
        inspection = api.inspect(ResourceRef(ResourceKind.TRAINING, name))

    assert inspection.failed and inspection.status == "Failed"
    assert inspection.failure_reason and inspection.failure_reason.startswith("AlgorithmError")
    assert [t.status for t in inspection.transitions] == [
        "Starting",
        "Downloading",
        "Training",
        "Failed",
    ]
    assert len(inspection.log_lines) == 50
    assert inspection.log_lines[-1].message.startswith("line 59 ")

    message = render_inspection(RENDERER, inspection)
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    dumped = json.dumps(message)
    assert "<!channel>" not in dumped and "<@U123>" not in dumped
    assert "&lt;!channel&gt;" in dumped
    assert message["blocks"][0]["text"]["text"] == f":mag: Why {name} failed"
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    assert any(t.startswith(":rotating_light: *Failure reason*\n```AlgorithmError") for t in texts)
    assert any(t.startswith("*Timeline*\n• *Starting* <!date^") for t in texts)
    log_texts = [t for t in texts if "line 59" in t]
    assert log_texts and log_texts[-1].rstrip("`").endswith(f"line 59 {_escaped(HOSTILE)}")
    links = message["blocks"][-1]["elements"][-1]["text"]
    assert "jobs/" + name in links and "TrainingJobs" in links


def _escaped(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("```", "ˋˋˋ")
    )


def test_inspect_pipeline_lists_failed_steps(api: SageMaker, sm: Any, stub: Stubber) -> None:
    ref, description = api.lookup(start_execution(sm)[1])  # over moto
    job_arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/pipelines-abc-train"
    stub.add_response(
        "list_pipeline_execution_steps",
        {
            "PipelineExecutionSteps": [
                {"StepName": "Evaluate", "StepStatus": "Succeeded", "Metadata": {}},
                {
                    "StepName": "Train",
                    "StepStatus": "Failed",
                    "FailureReason": f"ClientError: {HOSTILE}",
                    "Metadata": {"TrainingJob": {"Arn": job_arn}},
                },
            ],
            "NextToken": "page-2",
        },
        expected_params={"PipelineExecutionArn": ref.arn, "SortOrder": "Ascending"},
    )
    stub.add_response(
        "list_pipeline_execution_steps",
        {
            "PipelineExecutionSteps": [
                {
                    "StepName": "CheckAccuracy",
                    "StepStatus": "Failed",
                    "Metadata": {"Fail": {"ErrorMessage": "accuracy 0.41 < 0.80"}},
                }
            ]
        },
        expected_params={
            "PipelineExecutionArn": ref.arn,
            "SortOrder": "Ascending",
            "NextToken": "page-2",
        },
    )

    with stub:
        inspection = api.inspect(ref, description)

    steps = inspection.failed_steps
    assert [(s.name, s.step_type, s.job_arn) for s in steps] == [
        ("Train", "TrainingJob", job_arn),
        ("CheckAccuracy", "Fail", None),
    ]
    assert steps[1].failure_reason == "accuracy 0.41 < 0.80"
    message = render_inspection(RENDERER, inspection)
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    dumped = json.dumps(message)
    assert "#/jobs/pipelines-abc-train|pipelines-abc-train>" in dumped  # the step's job, linked
    assert "*Failed steps* (2)" in dumped and "accuracy 0.41 &lt; 0.80" in dumped


def test_inspect_failed_endpoint_shows_variants(api: SageMaker, stub: Stubber) -> None:
    name = unique("ep")
    arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:endpoint/{name}"
    stub.add_response(
        "describe_endpoint",
        {
            "EndpointName": name,
            "EndpointArn": arn,
            "EndpointStatus": "Failed",
            "FailureReason": "The primary container did not pass the ping health check.",
            "CreationTime": datetime(2024, 5, 1, tzinfo=UTC),
            "LastModifiedTime": datetime(2024, 5, 1, 0, 10, tzinfo=UTC),
            "ProductionVariants": [
                {
                    "VariantName": "AllTraffic",
                    "CurrentInstanceCount": 0,
                    "DesiredInstanceCount": 1,
                    "VariantStatus": [{"Status": "Creating", "StatusMessage": "health check"}],
                }
            ],
        },
    )

    with stub:
        inspection = api.inspect(ResourceRef(ResourceKind.ENDPOINT, name, arn, ACCOUNT, REGION))

    assert inspection.failure_reason and "ping health check" in inspection.failure_reason
    variant = inspection.variants[0]
    assert (variant.name, variant.status, variant.current_instances) == (
        "AllTraffic",
        "Creating",
        0,
    )
    assert inspection.log_group == f"/aws/sagemaker/Endpoints/{name}"
    message = render_inspection(RENDERER, inspection)
    assert_valid_message(message)
    assert "*AllTraffic*: Creating · 0/1 instances" in json.dumps(message, ensure_ascii=False)


# --- rendering limits (pure) ------------------------------------------------------------------


def test_long_logs_keep_the_newest_lines_within_section_limits() -> None:
    start = datetime(2024, 5, 1, tzinfo=UTC)
    lines = tuple(
        LogLine(start + timedelta(seconds=i), "algo-1-1700000000", f"{i:03d} " + "<" * 290)
        for i in range(50)
    )
    chunks, omitted = log_chunks(lines)
    assert omitted > 0
    assert chunks[-1].endswith("049 " + "<" * 290)  # the newest line is always kept
    assert all(len(_escaped(c)) <= LOG_SECTION_CHARS for c in chunks)

    ref = ResourceRef(ResourceKind.TRAINING, "job", None, ACCOUNT, REGION)
    message = render_inspection(
        RENDERER, Inspection(ref=ref, status="Failed", log_lines=lines, log_streams=1)
    )
    assert_valid_message(message)
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    log_sections = [text for text in sections if "```" in text]
    assert len(log_sections) == len(chunks)
    assert f"({omitted} earlier not shown)" in log_sections[0]
    assert log_sections[-1].endswith("049 " + "&lt;" * 290 + "```")  # not cut by the limits


def test_broken_template_override_still_answers(tmp_path: Any) -> None:
    (tmp_path / "inspection.json.j2").write_text("{{ nope.nope }}")
    ref = ResourceRef(ResourceKind.TRAINING, "<!here>", None, ACCOUNT, REGION)
    inspection = Inspection(ref=ref, status="Failed", failure_reason=HOSTILE)
    message = render_inspection(Renderer(override_dir=tmp_path), inspection)
    assert_valid_message(message)
    assert_no_foreign_tokens(message)


# --- model registry -----------------------------------------------------------------------------


def test_approve_and_reject_update_the_package(api: SageMaker, sm: Any) -> None:
    group = create_group(sm)
    arn = create_package(sm, group)
    assert api.current_approval(arn) == "PendingManualApproval"

    outcome = api.approve_model_package(arn, "Approved", "looks good\nship it")
    assert outcome.status == "Approved" and outcome.arn == arn
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert described["ApprovalDescription"] == "looks good ship it"  # no line breaks allowed
    assert api.current_approval(arn) == "Approved"

    api.approve_model_package(arn, "Rejected", "x" * 2_000)
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Rejected"
    assert len(described["ApprovalDescription"]) == 1024

    with pytest.raises(ValueError, match="Approved or Rejected"):
        api.approve_model_package(arn, "Maybe", None)  # type: ignore[arg-type]


def test_approved_version_is_the_newest_approved(api: SageMaker, sm: Any) -> None:
    group = create_group(sm)
    assert api.approved_version(group) is None
    create_package(sm, group, "Approved")
    second = create_package(sm, group, "Approved")
    create_package(sm, group, "PendingManualApproval")
    create_package(sm, group, "Rejected")

    latest = api.approved_version(group)
    assert latest is not None
    assert latest["ModelPackageArn"] == second
    assert latest["ModelPackageVersion"] == 2


def test_model_package_metrics(api: SageMaker, sm: Any) -> None:
    group = create_group(sm)
    _, description = api.lookup(create_package(sm, group))
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


# --- actions --------------------------------------------------------------------------------------


def test_stop_processing_job_over_moto(api: SageMaker, sm: Any) -> None:
    name = unique("proc")
    create_processing_job(sm, name)
    outcome = api.stop(api.resolve(name))
    assert outcome.status == "Stopping" and name in outcome.summary
    assert sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"] == "Stopped"


def test_stop_training_job(api: SageMaker, sm: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    ref = api.resolve(name)
    with Stubber(sm) as stub:  # moto has no StopTrainingJob
        stub.add_response("stop_training_job", {}, expected_params={"TrainingJobName": name})
        outcome = api.stop(ref)
        stub.assert_no_pending_responses()
    assert outcome.summary.startswith(f"Stop requested for training job {name}")
    assert outcome.arn == ref.arn


def test_stop_and_retry_pipeline_execution(api: SageMaker, sm: Any) -> None:
    ref = api.resolve(start_execution(sm)[1])
    with Stubber(sm) as stub:  # moto has neither call
        stub.add_response(
            "stop_pipeline_execution",
            {"PipelineExecutionArn": ref.arn},
            expected_params={"PipelineExecutionArn": ref.arn, "ClientRequestToken": ANY},
        )
        stub.add_response(
            "retry_pipeline_execution",
            {"PipelineExecutionArn": ref.arn},
            expected_params={"PipelineExecutionArn": ref.arn, "ClientRequestToken": ANY},
        )
        assert api.stop(ref).status == "Stopping"
        retried = api.retry_pipeline_execution(str(ref.arn))
        stub.assert_no_pending_responses()
    assert retried.arn == ref.arn and retried.status == "Executing"


def test_only_jobs_and_executions_can_be_stopped(api: SageMaker) -> None:
    with pytest.raises(ActionNotSupportedError, match="cannot be stopped"):
        api.stop(ResourceRef(ResourceKind.ENDPOINT, "ep"))


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message", "expected", "text"),
    [
        (
            "AccessDeniedException",
            "User arn:aws:sts::1:assumed-role/x is not authorized",
            AwsPermissionError,
            "sagemaker:StopTrainingJob",
        ),
        ("ThrottlingException", "Rate exceeded", AwsThrottledError, "try again"),
        (
            "ValidationException",
            "Requested resource not found.",
            ResourceNotFoundError,
            "Could not find training job",
        ),
        (
            "ValidationException",
            "The job is in status Completed.",
            AwsRequestError,
            "status Completed",
        ),
        ("ResourceNotFound", "gone", ResourceNotFoundError, "Could not find"),
    ],
)
def test_client_errors_become_readable_chatops_errors(
    api: SageMaker, sm: Any, code: str, message: str, expected: type[Exception], text: str
) -> None:
    with Stubber(sm) as stub:
        stub.add_client_error("stop_training_job", service_error_code=code, service_message=message)
        with pytest.raises(expected) as info:
            api.stop(ResourceRef(ResourceKind.TRAINING, "job"))
    assert isinstance(info.value, ChatOpsError)
    assert text in str(info.value)
    assert "Traceback" not in str(info.value)
    assert "assumed-role" not in str(info.value)  # identities stay in the logs


def test_probe_with_no_permission_at_all_says_so(api: SageMaker, sm: Any) -> None:
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
            api.resolve("job")
