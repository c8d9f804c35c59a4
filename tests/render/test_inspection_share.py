"""The inspection's own controls: the Share in thread button and the "Shared by" line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.events.identity import ResourceKind, ResourceRef
from bot.inspection import Inspection, LogLine
from bot.render.inspection import SHARE_ACTION, render_inspection, share_value
from bot.render.limits import BUTTON_VALUE, MAX_BLOCKS
from bot.render.renderer import Renderer
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

ACCOUNT, REGION = "123456789012", "us-east-1"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/churn-7"
THREAD = "1700000000.000100"
RENDERER = Renderer()


def job(name: str = "churn-7", arn: str | None = ARN) -> Inspection:
    start = datetime(2026, 11, 25, 10, tzinfo=UTC)
    lines = tuple(
        LogLine(start + timedelta(seconds=i), "algo-1", f"export DB_PASSWORD=s3cret {i}")
        for i in range(50)
    )
    ref = ResourceRef(ResourceKind.TRAINING, name, arn, ACCOUNT, REGION)
    return Inspection(ref=ref, status="Failed", log_lines=lines, log_streams=1)


def actions(message: dict[str, object]) -> list[dict[str, object]]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_share_value_names_the_resource_and_its_thread_not_what_was_shown() -> None:
    value = share_value(job().ref, THREAD)
    assert value is not None
    assert json.loads(value) == {
        "kind": "training",
        "arn": ARN,
        "region": REGION,
        "account": ACCOUNT,
        "thread": THREAD,
    }
    # without an ARN, the name (and the kind and place) say which resource it is
    bare = share_value(job(arn=None).ref, THREAD)
    assert bare is not None
    assert json.loads(bare)["name"] == "churn-7"


def test_share_value_that_would_not_fit_a_button_is_no_button() -> None:
    long = job(name="n" * BUTTON_VALUE, arn=None)
    assert share_value(long.ref, THREAD) is None


def test_the_share_button_ends_the_message_and_carries_no_log_text() -> None:
    value = share_value(job().ref, THREAD)
    message = render_inspection(RENDERER, job(), share=value)
    assert_valid_message(message)
    [button] = actions(message)
    assert button["action_id"] == SHARE_ACTION
    assert button["value"] == value
    assert message["blocks"][-1]["type"] == "actions"
    assert "DB_PASSWORD" not in str(button)
    # and without a thread to share in, there is no button
    assert actions(render_inspection(RENDERER, job())) == []


def test_shared_by_says_who_under_the_heading() -> None:
    message = render_inspection(RENDERER, job(), shared_by="U0VIEWER")
    assert message["blocks"][0]["type"] == "header"
    assert message["blocks"][1]["elements"][0]["text"] == "Shared by <@U0VIEWER>"
    assert actions(message) == []
    # something that is not a user id is never a mention
    odd = render_inspection(RENDERER, job(), shared_by="<!channel>")
    assert odd["blocks"][1]["elements"][0]["text"] == "Shared"
    assert_no_foreign_tokens(odd)


def test_a_template_override_neither_loses_the_controls_nor_breaks_the_limits(
    tmp_path: Path,
) -> None:
    # GIVEN an override of inspection.json.j2 that knows nothing of sharing and fills a message
    sections = ", ".join(
        f'{{"type": "section", "text": {{"type": "mrkdwn", "text": "part {i}"}}}}'
        for i in range(MAX_BLOCKS)
    )
    (tmp_path / "inspection.json.j2").write_text(
        '{"text": "custom", "blocks": [{"type": "header", "text": {"type": "plain_text",'
        f' "text": "custom"}}}}, {sections}]}}'
    )
    value = share_value(job().ref, THREAD)
    message = render_inspection(
        Renderer(override_dir=tmp_path), job(), share=value, shared_by="U0VIEWER"
    )
    # THEN the message fits, the button is still its last block, and the line under the header
    assert_valid_message(message)
    assert len(message["blocks"]) == MAX_BLOCKS
    assert [b["value"] for b in actions(message)] == [value]
    assert message["blocks"][1]["elements"][0]["text"] == "Shared by <@U0VIEWER>"


def test_a_broken_template_still_gets_the_button(tmp_path: Path) -> None:
    (tmp_path / "inspection.json.j2").write_text("{{ nope.nope }}")
    value = share_value(job().ref, THREAD)
    message = render_inspection(Renderer(override_dir=tmp_path), job(), share=value)
    assert_valid_message(message)
    assert [b["action_id"] for b in actions(message)] == [SHARE_ACTION]
