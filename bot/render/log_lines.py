"""A failure reply with the last lines its job logged, added by an edit once they are read.

The lines are the Inspect button's (``bot/render/inspection.py`` formats and chunks them):
escaped for mrkdwn, a fence inside a line broken up, at most ``LOG_REPLY_SECTIONS`` sections
of Slack's 3,000 characters, the newest lines kept when not all fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.render import escape
from bot.render.inspection import log_chunks
from bot.render.limits import enforce_message

if TYPE_CHECKING:
    from bot.inspection import LogLine
    from bot.render.context import Message

# A reply stays short: two sections at most (about 5,000 characters).
LOG_REPLY_SECTIONS = 2


def with_log_lines(message: Message, lines: tuple[LogLine, ...] | list[LogLine]) -> Message:
    """``message`` (a reply) with the log lines under it; the message as it was without any."""
    chunks, dropped = log_chunks(lines, sections=LOG_REPLY_SECTIONS)
    if not chunks:
        return message
    shown = len(lines) - dropped
    heading = f":scroll: Last {shown} log line{'s' if shown != 1 else ''} (CloudWatch Logs)"
    blocks = [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": heading}]},
        *(
            {"type": "section", "text": {"type": "mrkdwn", "text": escape.code_block(chunk)}}
            for chunk in chunks
        ),
    ]
    return enforce_message({**message, "blocks": [*message.get("blocks", []), *blocks]})
