"""The Approve / Reject modal: opened at once with what the button knows, then filled in."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from bot.errors import TemplateError
from bot.render.escape import mrkdwn_escape
from bot.render.evidence import evidence_text

if TYPE_CHECKING:
    from bot.render.renderer import Renderer

CALLBACK_ID = "model_package_decision"
COMMENT_BLOCK = "comment"
COMMENT_ACTION = "comment_input"


def external_id(trigger_id: str) -> str:
    """The modal's id, derived from its trigger, so the work after the ack can update it."""
    return f"approval-{trigger_id}"[:255]


def _frame(
    status: str, channel: str, ts: str | None, arn: str, ext_id: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    verb = "Approve" if status == "Approved" else "Reject"
    metadata = {"arn": arn, "status": status, "channel": channel, "ts": ts}
    comment = {
        "type": "input",
        "block_id": COMMENT_BLOCK,
        "optional": True,
        "label": {"type": "plain_text", "text": "Comment"},
        "element": {
            "type": "plain_text_input",
            "action_id": COMMENT_ACTION,
            "multiline": True,
            "max_length": 900,  # SageMaker keeps 1,024 characters, with who decided
            "placeholder": {"type": "plain_text", "text": "Why? (saved with the decision)"},
        },
    }
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "external_id": ext_id,
        "title": {"type": "plain_text", "text": f"{verb} model package"},
        "submit": {"type": "plain_text", "text": verb},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps(metadata, separators=(",", ":"))[:3000],
        "blocks": [*blocks, comment],
    }


def decision_loading(
    value: dict[str, Any], status: str, channel: str, ts: str | None, trigger_id: str
) -> dict[str, Any]:
    name = f"{value.get('group', '?')}/{value.get('version', '?')}"
    text = (
        f":hourglass_flowing_sand: Loading *{mrkdwn_escape(name)}*: "
        "its metrics and the approved version…"
    )
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]
    return _frame(status, channel, ts, str(value.get("arn", "")), external_id(trigger_id), blocks)


def decision_view(
    renderer: Renderer,
    details: dict[str, Any],
    status: str,
    channel: str,
    ts: str | None,
    ext_id: str,
) -> dict[str, Any]:
    evidence = details.get("evidence")
    shown = evidence_text(evidence) if evidence is not None else None
    try:
        message = renderer.render_template(
            "approval_modal", {"d": details, "decision": status, "evidence": shown}
        )
        blocks = list(message["blocks"])[:90]
    except TemplateError:
        name = mrkdwn_escape(details.get("name") or details.get("arn"))
        blocks = [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"Set *{name}* to *{status}*?"}}
        ]
    return _frame(status, channel, ts, str(details.get("arn", "")), ext_id, blocks)


def problem_view(text: str, ext_id: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "external_id": ext_id,
        "title": {"type": "plain_text", "text": "Model package"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
    }


def submission(view: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(private metadata, comment) of a submitted decision modal."""
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        metadata = {}
    values = (view.get("state") or {}).get("values") or {}
    comment = ((values.get(COMMENT_BLOCK) or {}).get(COMMENT_ACTION) or {}).get("value") or ""
    return (metadata if isinstance(metadata, dict) else {}), str(comment).strip()
