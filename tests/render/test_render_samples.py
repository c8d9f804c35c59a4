"""Every sample event renders to valid Block Kit; snapshots make each change visible."""

from pathlib import Path
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from bot.events.parse import parse_event
from bot.render.context import Decision, RenderContext
from bot.render.renderer import Renderer
from tests.conftest import load_sample, sample_paths
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
SAMPLES = [p.stem for p in sample_paths()]


def render(raw: dict[str, Any], context: RenderContext | None = None) -> dict[str, Any]:
    return RENDERER.render(parse_event(raw), context)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_renders_valid_block_kit(name: str) -> None:
    message = render(load_sample(name))
    assert_valid_message(message)
    assert_no_foreign_tokens(message)


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_uses_its_own_template(name: str, caplog: pytest.LogCaptureFixture) -> None:
    # A template failure would silently fall back to the generic one: make it loud here.
    render(load_sample(name))
    assert "failed" not in caplog.text


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    assert render(load_sample(name)) == snapshot


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_reply_mode_snapshot(name: str, snapshot: SnapshotAssertion) -> None:
    message = render(load_sample(name), RenderContext(mode="reply", previous_status="InProgress"))
    assert_valid_message(message)
    assert message == snapshot


def test_failure_reason_is_prominent_and_failed_jobs_get_inspect() -> None:
    message = render(load_sample("processing_job_state_change_failed"))
    texts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]
    assert any("Failure reason" in t and "InternalServerError" in t for t in texts)
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == ["resource.inspect"]
    assert "InternalServerError" in message["text"]


def test_pending_model_package_gets_approve_and_reject_with_confirm() -> None:
    raw = load_sample("model_package_state_change")
    raw["detail"]["ModelApprovalStatus"] = "PendingManualApproval"
    message = render(raw)
    assert_valid_message(message)
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert {b["action_id"] for b in buttons} == {"model_package.approve", "model_package.reject"}
    for button in buttons:
        assert "confirm" in button
        assert '"group":"versionedmp-p-idy6c3e1fiqj"' in button["value"]
        assert '"version":2' in button["value"]
        assert "model-package/versionedmp-p-idy6c3e1fiqj/2" in button["value"]


def test_decided_model_package_shows_decision_instead_of_buttons() -> None:
    from datetime import UTC, datetime

    raw = load_sample("model_package_state_change")
    raw["detail"]["ModelApprovalStatus"] = "PendingManualApproval"
    decision = Decision("Approved", ("U012ABC",), datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), "lgtm")
    message = render(raw, RenderContext(decision=decision))
    assert not [b for b in message["blocks"] if b["type"] == "actions"]
    assert "<@U012ABC>" in str(message["blocks"])


def test_console_links_are_region_aware() -> None:
    raw = load_sample("endpoint_state_change")
    raw["region"] = "cn-north-1"
    raw["detail"]["EndpointArn"] = "arn:aws-cn:sagemaker:cn-north-1:123456789012:endpoint/x"
    assert "https://cn-north-1.console.amazonaws.cn/sagemaker/" in str(render(raw))


def test_user_templates_override_builtin(tmp_path: Path) -> None:
    (tmp_path / "endpoint.json.j2").write_text(
        '{"text": "mine {{ r.name }}", "blocks": [{"type": "divider"}, null]}'
    )
    message = Renderer(tmp_path).render(parse_event(load_sample("endpoint_state_change")))
    assert message == {"text": "mine MyEndpoint", "blocks": [{"type": "divider"}]}


def test_broken_user_template_falls_back_to_generic(tmp_path: Path) -> None:
    (tmp_path / "endpoint.json.j2").write_text('{"text": "{{ no_such_variable }}", "blocks": []}')
    message = Renderer(tmp_path).render(parse_event(load_sample("endpoint_state_change")))
    assert_valid_message(message)
    assert "MyEndpoint" in message["text"]
