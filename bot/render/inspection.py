"""An inspection (why a resource failed) as a Slack message.

:func:`render_inspection` renders :class:`bot.inspection.Inspection` with
``templates/inspection.json.j2``. The template escapes every value through the renderer's
``finalize`` hook like any event template; this module only decides what fits where (log lines
into sections under Slack's limits).

An inspection is shown to the person who asked (ephemeral); its *Share in thread* button
(:func:`share_value`) carries where the resource and its thread are, not what was shown, and a
click reads the resource again, for someone allowed to read it, with the same bounds. The
button and the "Shared by" line are added here rather than by the template: they are the bot's
controls, and a template override that does not know them must not lose them.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.errors import TemplateError
from bot.events.identity import ResourceRef
from bot.events.status import STYLES
from bot.inspection import Inspection, LogLine
from bot.render import escape
from bot.render.context import Message
from bot.render.formatting import button_value, mention
from bot.render.limits import BUTTON_VALUE, enforce_message
from bot.render.links import resource_links
from bot.render.renderer import Renderer, section_message
from bot.render.studio import NO_STUDIO, StudioDomains

logger = logging.getLogger(__name__)

TEMPLATE = "inspection"
# A section's text holds 3,000 characters as Slack counts them (after our escaping); the rest
# is room for the heading line and the code fence.
LOG_SECTION_CHARS = 2_700
# Four sections of log are a screenful; older lines beyond that are dropped, never the newest.
LOG_SECTIONS = 4
TIMELINE_ENTRIES = 20
FAILED_STEPS = 10
SHARE_ACTION = "inspection.share"


def format_log_line(line: LogLine) -> str:
    """``12:00:01 [algo-1-1700000000] message`` (raw text: the template escapes it)."""
    return f"{line.timestamp:%H:%M:%S} [{line.stream}] {line.message}"


def log_chunks(
    lines: tuple[LogLine, ...] | list[LogLine],
    *,
    section_chars: int = LOG_SECTION_CHARS,
    sections: int = LOG_SECTIONS,
) -> tuple[list[str], int]:
    """Log lines grouped into chunks that each fit a section once escaped, oldest first.

    Filled from the newest line backwards, so when not everything fits it is the oldest lines
    that are dropped: the end of a log is where a failure shows. Returns the chunks and how
    many lines were dropped. Sizes are counted after mrkdwn escaping (``<`` is ``&lt;``),
    which is what Slack measures.
    """
    chunks: list[list[str]] = []
    size = 0
    kept = 0
    for line in reversed(lines):
        text = format_log_line(line)
        cost = len(escape.mrkdwn_escape(text)) + 1  # + the newline joining it
        if not chunks or size + cost > section_chars:
            if len(chunks) == sections:
                break
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += cost
        kept += 1
    ordered = ["\n".join(reversed(chunk)) for chunk in reversed(chunks)]
    return ordered, len(lines) - kept


def inspection_variables(
    inspection: Inspection, studio: StudioDomains = NO_STUDIO
) -> dict[str, Any]:
    """The template's variables; names mirror the event templates' (``r``, ``links``, …)."""
    ref = inspection.ref
    status_class = inspection.status_class
    chunks, omitted = log_chunks(inspection.log_lines)
    return {
        "i": inspection,
        "r": ref,
        "status": inspection.status,
        "status_class": status_class,
        "style": STYLES[status_class],
        "failed": inspection.failed,
        "kind_title": ref.kind.title,
        "links": resource_links(ref, studio=studio),
        "timeline": list(inspection.transitions[-TIMELINE_ENTRIES:]),
        "timeline_omitted": max(len(inspection.transitions) - TIMELINE_ENTRIES, 0),
        "failed_steps": list(inspection.failed_steps[:FAILED_STEPS]),
        "failed_steps_omitted": max(len(inspection.failed_steps) - FAILED_STEPS, 0),
        "log_chunks": chunks,
        "log_shown": len(inspection.log_lines) - omitted,
        "log_omitted": omitted,
    }


def render_inspection(
    renderer: Renderer,
    inspection: Inspection,
    *,
    share: str | None = None,
    shared_by: str | None = None,
) -> Message:
    """The inspection as a Slack message; a plain fallback if the template fails.

    ``share``: the value of a *Share in thread* button at its end (see :func:`share_value`);
    ``shared_by``: the user who shared it, said under its heading."""
    try:
        message = renderer.render_template(
            TEMPLATE, inspection_variables(inspection, renderer.studio)
        )
    except TemplateError:
        # A broken override of inspection.json.j2 must not leave the user with nothing.
        logger.exception("inspection template failed; sending a minimal message")
        message = minimal_inspection(inspection)
    blocks = message["blocks"]
    if shared_by:
        who = mention(shared_by)
        line = f"Shared by {who}" if isinstance(who, escape.Trusted) else "Shared"
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": line}]}
        blocks.insert(1 if blocks and blocks[0].get("type") == "header" else 0, note)
    if share:
        blocks.append(share_actions(share))
    return enforce_message(message)


def share_value(ref: ResourceRef, thread_ts: str) -> str | None:
    """The *Share in thread* button's value: the resource (its ARN, else its name and kind)
    and where its thread is; None when that would not fit a button (2,000 characters)."""
    value = button_value(
        kind=ref.kind.value,
        arn=ref.arn,
        name=None if ref.arn else ref.name,
        region=ref.region,
        account=ref.account,
        thread=thread_ts,
    )
    return value if len(value) <= BUTTON_VALUE else None


def share_actions(value: str) -> dict[str, Any]:
    """The actions block with the *Share in thread* button."""
    button = {
        "type": "button",
        "action_id": SHARE_ACTION,
        "text": {"type": "plain_text", "emoji": True, "text": ":speech_balloon: Share in thread"},
        "value": value,
    }
    return {"type": "actions", "elements": [button]}


def minimal_inspection(inspection: Inspection) -> Message:
    """An inspection message built without templates (escaped by hand, like minimal_message)."""
    ref = inspection.ref
    line = (
        f":mag: {ref.kind.title} *{escape.mrkdwn_escape(ref.display_name)}*: "
        f"{escape.mrkdwn_escape(inspection.status or 'unknown status')}"
    )
    if inspection.failure_reason:
        line += f"\n{escape.code_block(inspection.failure_reason[:2_000])}"
    return section_message(line)
