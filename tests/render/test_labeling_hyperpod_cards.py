"""The cards of Ground Truth labeling jobs and HyperPod clusters, events and nodes: what each
shows of its samples, EventLevel as severity, escaping, and messy values."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.events.status import StatusClass
from bot.render.context import RenderContext
from bot.render.hints import BUILTIN, hint_for
from bot.render.renderer import Renderer
from tests.conftest import load_sample
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
CAPACITY_HINT = hint_for("InsufficientInstanceCapacity", BUILTIN)
HOSTILE = "<!channel> *bold* <https://evil.example|click> & `tick`"


def render(raw: dict[str, Any], context: RenderContext | None = None) -> dict[str, Any]:
    message = RENDERER.render(parse_event(raw), context)
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    return message


def visible(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if "text" in b and b["type"] != "header"]


def fields(message: dict[str, Any]) -> dict[str, str]:
    found = {}
    for block in message["blocks"]:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            found[label.strip("*")] = value
    return found


# --- labeling jobs ------------------------------------------------------------------------


def test_a_completed_labeling_job_says_so_once_with_its_counters_and_output() -> None:
    message = render(load_sample("labeling_job_state_change_completed"))
    assert message["blocks"][0]["text"]["text"] == (
        ":white_check_mark: Completed · Labeling job street-signs-bbox-1201"
    )
    assert visible(message).count("Completed") == 1
    assert (
        "*9,950 of 10,000 objects labeled* · 6,120 by workers · 3,830 automatically"
        " · 12 failed · 38 unlabeled" in sections(message)[0]
    )
    facts = fields(message)
    assert facts["Task"] == "Draw a box around every street sign"
    assert facts["Work team"] == "sign-labelers"
    assert "manifests/output/output.manifest" in facts["Output"]
    assert facts["Output"].startswith("<https://s3.console.aws.amazon.com/")


def test_a_labeling_job_event_with_its_status_alone_still_gets_its_card() -> None:
    # What EventBridge sends in practice: the status, and the job's ARN in `resources`.
    event = parse_event(load_sample("labeling_job_state_change_minimal"))
    assert event.resource.arn and event.resource.arn.endswith("labeling-job/street-signs-bbox-1201")
    message = render(load_sample("labeling_job_state_change_minimal"))
    assert (
        "InProgress · Labeling job street-signs-bbox-1201" in message["blocks"][0]["text"]["text"]
    )
    assert visible(message).count("InProgress") == 1


def test_a_failed_labeling_job_shows_its_reason_and_a_hint() -> None:
    message = render(load_sample("labeling_job_state_change_failed"))
    assert any("Failure reason" in s and "Access Denied" in s for s in sections(message))
    assert "The execution role was refused" in visible(message)
    assert "*0 of 10,000 objects labeled* · 10,000 unlabeled" in visible(message)


def test_a_labeling_jobs_parent_shows_its_tasks_by_status() -> None:
    context = RenderContext(rollup={"tasks": {"Failed": 2, "Completed": 9870}, "total": 9872})
    message = render(load_sample("labeling_job_state_change_minimal"), context)
    assert "*Tasks by status*" in visible(message)
    assert "Completed 9,870 · Failed 2" in visible(message)


# --- HyperPod ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("Error", StatusClass.FAILED),
        ("ERROR", StatusClass.FAILED),
        ("Warn", StatusClass.WARNING),  # AWS's spelling
        ("warning", StatusClass.WARNING),
        ("Info", StatusClass.IN_PROGRESS),
        ("Debug", StatusClass.UNKNOWN),
        (None, StatusClass.UNKNOWN),
        (7, StatusClass.UNKNOWN),
    ],
)
def test_event_level_sets_the_severity(level: object, expected: StatusClass) -> None:
    raw = copy.deepcopy(load_sample("hyperpod_cluster_event_error"))
    raw["detail"]["EventDetails"]["EventLevel"] = level
    assert parse_event(raw).status_class is expected
    render(raw)


def test_the_capacity_error_reads_as_an_error_with_its_message_and_hint() -> None:
    message = render(load_sample("hyperpod_cluster_event_error"))
    header = message["blocks"][0]["text"]["text"]
    assert header.startswith(":x: Error · HyperPod cluster sample-cluster")
    assert (
        "Instance creation in Cluster sample-cluster and InstanceGroup p5Inst failed"
        in (sections(message)[0])
    )
    assert any(
        "Failure reason" in s and "sufficient capacity to launch new ml.p5.48xlarge" in s
        for s in sections(message)
    )
    assert CAPACITY_HINT and CAPACITY_HINT in visible(message)
    assert "EventDetails" not in visible(message)  # text, never a dump
    assert fields(message)["Instance"] == "`i-0391f86fa0fe0d465`"


def test_a_failed_cluster_lists_its_instance_groups_and_the_hint() -> None:
    message = render(load_sample("hyperpod_cluster_state_change_failed"))
    groups = next(s for s in sections(message) if s.startswith("*Instance groups*"))
    assert ":x: `worker-p5` ml.p5.48xlarge · 0 of 2 · Failed" in groups
    assert ":white_check_mark: `controller` ml.m5.xlarge · 1 of 1 · InService" in groups
    assert CAPACITY_HINT and CAPACITY_HINT in visible(message)
    assert fields(message)["Instances"] == "1 of 3"


def test_a_cluster_parent_shows_its_events_last_event_and_unhealthy_nodes() -> None:
    context = RenderContext(
        rollup={
            "events": {"Info": 40, "Error": 1},
            "last_event": {"status": "Info", "order": [1796100000.0, 0, 0],
                           "description": "Instance lifecycle script has Started"},
            "nodes": {"Unhealthy": 1},
            "unhealthy": [{"name": "sample-cluster node i-1", "status": "Unhealthy",
                           "status_class": "failed", "failure_reason": "GPU fell off"}],
        }
    )  # fmt: skip
    message = render(load_sample("hyperpod_cluster_state_change_inservice"), context)
    shown = visible(message)
    assert "Events: Error 1 · Info 40 · Node health: Unhealthy 1" in shown
    assert "Last event: :information_source: Info · <!date^1796100000^" in shown
    assert "*sample-cluster node i-1*: Unhealthy · GPU fell off" in shown


def test_an_unhealthy_node_is_an_alert_with_its_reason_and_recommendation() -> None:
    event = parse_event(load_sample("hyperpod_cluster_node_health_event_unhealthy"))
    assert event.status_class is StatusClass.FAILED
    assert event.parent is not None and event.parent.name == "sample-cluster"
    message = render(load_sample("hyperpod_cluster_node_health_event_unhealthy"))
    assert message["blocks"][0]["text"]["text"] == (
        ":x: Unhealthy · HyperPod cluster sample-cluster node i-12345678abcdefghi"
    )
    assert "NvidiaErrorTerminate" in visible(message)
    assert ":wrench: *Recommendation*\nPlease Replace the Faulty Node." in sections(message)
    healthy = parse_event(load_sample("hyperpod_cluster_node_health_event_healthy"))
    assert healthy.status_class is StatusClass.SUCCEEDED


# --- escaping and messy values -----------------------------------------------------------


def test_event_text_is_escaped_everywhere() -> None:
    raw = copy.deepcopy(load_sample("hyperpod_cluster_event_error"))
    record = raw["detail"]["EventDetails"]
    record.update(Description=HOSTILE, InstanceGroupName=HOSTILE)
    record["EventDetails"]["EventMetadata"]["Instance"]["FailureMessage"] = HOSTILE
    for message in (render(raw), render(raw, RenderContext(mode="reply"))):
        assert "&lt;!channel&gt;" in visible(message)
    job = copy.deepcopy(load_sample("labeling_job_state_change_completed"))
    job["detail"]["HumanTaskConfig"]["TaskTitle"] = HOSTILE
    assert "&lt;!channel&gt;" in visible(render(job))
    node = copy.deepcopy(load_sample("hyperpod_cluster_node_health_event_unhealthy"))
    node["detail"]["HealthSummary"]["Recommendation"] = HOSTILE
    assert "&lt;!channel&gt;" in visible(render(node))
    context = RenderContext(
        rollup={"events": {HOSTILE: 1}, "last_event": {"status": HOSTILE, "description": HOSTILE},
                "unhealthy": [{"name": HOSTILE, "status": HOSTILE, "failure_reason": HOSTILE}]}
    )  # fmt: skip
    assert "&lt;!channel&gt;" in visible(
        render(load_sample("hyperpod_cluster_state_change_inservice"), context)
    )


@pytest.mark.parametrize(
    ("sample", "change"),
    [
        ("hyperpod_cluster_event_error", {"EventDetails": "not an object"}),
        ("hyperpod_cluster_event_error", {"EventDetails": {"EventLevel": [1], "EventTime": "x"}}),
        ("hyperpod_cluster_state_change_failed", {"InstanceGroups": "three", "Orchestrator": 5}),
        ("hyperpod_cluster_state_change_failed", {"InstanceGroups": [{"CurrentCount": "two"}, 7]}),
        ("hyperpod_cluster_node_health_event_unhealthy", {"HealthSummary": ["Unhealthy"]}),
        ("labeling_job_state_change_completed", {"LabelCounters": {"TotalLabeled": "lots"}}),
        ("labeling_job_state_change_completed", {"HumanTaskConfig": [], "LabelingJobOutput": 1}),
        ("labeling_job_task_status_change_completed", {"task-id": {"nested": True}, "State": 3}),
    ],
)  # fmt: skip
def test_messy_values_still_render_their_own_card(
    sample: str, change: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    raw = copy.deepcopy(load_sample(sample))
    raw["detail"].update(change)
    render(raw)
    assert "failed" not in caplog.text  # no fall back to the generic card


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Initializing", StatusClass.IN_PROGRESS),
        ("InProgress", StatusClass.IN_PROGRESS),
        ("Stopping", StatusClass.IN_PROGRESS),
        ("Stopped", StatusClass.STOPPED),
        ("COMPLETED", StatusClass.SUCCEEDED),
        ("Failed", StatusClass.FAILED),
    ],
)
def test_every_labeling_job_status_has_its_class(status: str, expected: StatusClass) -> None:
    raw = copy.deepcopy(load_sample("labeling_job_state_change_minimal"))
    raw["detail"]["LabelingJobStatus"] = status
    assert parse_event(raw).status_class is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Creating", StatusClass.IN_PROGRESS),
        ("Updating", StatusClass.IN_PROGRESS),
        ("SystemUpdating", StatusClass.IN_PROGRESS),
        ("RollingBack", StatusClass.WARNING),  # an update that failed is being undone
        ("InService", StatusClass.SUCCEEDED),
        ("Deleting", StatusClass.DELETED),
        ("Failed", StatusClass.FAILED),
    ],
)
def test_every_cluster_status_has_its_class(status: str, expected: StatusClass) -> None:
    raw = copy.deepcopy(load_sample("hyperpod_cluster_state_change_inservice"))
    raw["detail"]["ClusterStatus"] = status
    assert parse_event(raw).status_class is expected
