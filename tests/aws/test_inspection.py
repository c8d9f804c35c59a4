"""bot.aws.inspection against moto's server over HTTP: why a resource is in its state, as data,
and that data rendered.

moto's jobs never fail (there is no FailureReason) and it lacks ListPipelineExecutionSteps:
for those single calls botocore's Stubber answers instead, after validating the request
against the real service model.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.stub import Stubber

from bot.aws.inspection import inspect
from bot.aws.lookup import lookup, resolve
from bot.events.identity import ResourceKind, ResourceRef
from bot.inspection import Inspection, LogLine
from bot.render.inspection import LOG_SECTION_CHARS, log_chunks, render_inspection
from bot.render.renderer import Renderer
from tests.aws.resources import (
    ACCOUNT,
    create_training_job,
    now_ms,
    start_execution,
    unique,
    write_logs,
)
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message
from tests.standins.aws import REGION

TRAINING_LOGS = "/aws/sagemaker/TrainingJobs"
RENDERER = Renderer()
HOSTILE = '<!channel> <@U123> <https://evil.example|click> ``` & "q" \\'


# --- logs -----------------------------------------------------------------------------------------


def test_inspect_merges_every_stream_of_the_job(sm: Any, logs: Any) -> None:
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

    inspection = inspect(sm, logs, resolve(sm, name))

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


def test_log_lines_are_truncated_and_split(sm: Any, logs: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    start = now_ms()
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-1-1700000000",
        [(start, "x" * 5_000), (start + 1, "Traceback:\n  File a.py\nValueError: boom")],
    )

    lines = inspect(sm, logs, resolve(sm, name)).log_lines

    assert [len(line.message) for line in lines] == [300, 10, 11, 16]
    assert lines[0].message.endswith("…")
    assert lines[-1].message == "ValueError: boom"


def test_missing_logs_become_a_note(sm: Any, logs: Any) -> None:
    name = unique("train")
    create_training_job(sm, name)
    inspection = inspect(sm, logs, resolve(sm, name))
    assert inspection.log_lines == ()
    assert inspection.notes and "log" in inspection.notes[0].lower()
    assert_valid_message(render_inspection(RENDERER, inspection))

    no_logs_client = None  # e.g. an approvals-only deployment
    assert "not read" in inspect(sm, no_logs_client, resolve(sm, name)).notes[0]


# --- failures (moto's jobs never fail; Stubber answers the one Describe) -----------------------


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


def test_inspect_failed_training_job_renders_escaped(sm: Any, logs: Any, stub: Stubber) -> None:
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
        inspection = inspect(sm, logs, ResourceRef(ResourceKind.TRAINING, name))

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


def test_inspect_pipeline_lists_failed_steps(sm: Any, logs: Any, stub: Stubber) -> None:
    ref, description = lookup(sm, start_execution(sm)[1])  # over moto
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
        inspection = inspect(sm, logs, ref, description)

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


def test_inspect_failed_endpoint_shows_variants(sm: Any, logs: Any, stub: Stubber) -> None:
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
        inspection = inspect(
            sm, logs, ResourceRef(ResourceKind.ENDPOINT, name, arn, ACCOUNT, REGION)
        )

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


# --- rendering limits (pure) -------------------------------------------------------------------


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
