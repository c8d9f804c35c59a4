"""Show a ``LocalGateway``'s conversation: in the terminal, and as an HTML page reusing the
preview. What a person would see in each channel: parents with their current state, threads
indented below them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.gateway import LocalGateway, LocalMessage
from bot.preview.emoji import EMOJI
from bot.preview.page import PreviewMessage, PreviewSection, render_page

_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")
_TOKEN = re.compile(r"<(?:[^<>|]*\|)?([^<>]*)>")  # <url|label> → label, <!date^…|text> → text
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def plain(text: str) -> str:
    """mrkdwn → terminal text: links and dates to their labels, entities decoded."""
    text = _TOKEN.sub(lambda m: m.group(1), text)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return _SHORTCODE.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _line(message: LocalMessage) -> str:
    return (
        plain(str(message.message.get("text", ""))).splitlines()[0]
        if message.message.get("text")
        else "(no text)"
    )


def format_conversation(gateway: LocalGateway) -> str:
    """Each channel, its parent messages (current state), and their threads indented below."""
    lines: list[str] = []
    for channel, messages in gateway.channels.items():
        lines.append(f"#{channel.lstrip('#')}")
        for parent in messages:
            edited = f"  (updated {parent.edits}×)" if parent.edits else ""
            lines.append(f"  ● {_line(parent)}{edited}")
            for reply in parent.replies:
                marker = "  [also sent to the channel]" if reply.broadcast else ""
                lines.append(f"      ↳ {_line(reply)}{marker}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _clock(ts: str) -> str:
    try:
        return datetime.fromtimestamp(float(ts), tz=UTC).strftime("%H:%M")
    except (ValueError, OverflowError):
        return ts


def conversation_html(gateway: LocalGateway, title: str = "SageMaker ChatOps — local run") -> str:
    sections = [
        PreviewSection(
            heading=f"#{channel.lstrip('#')}",
            messages=[
                PreviewMessage(
                    message=parent.message,
                    edited=parent.edits > 0,
                    replies=[
                        PreviewMessage(
                            reply.message, broadcast=reply.broadcast, timestamp=_clock(reply.ts)
                        )
                        for reply in parent.replies
                    ],
                    timestamp=_clock(parent.ts),
                )
                for parent in messages
            ],
        )
        for channel, messages in gateway.channels.items()
    ]
    return render_page(title, sections, builder_links=False)
