"""``/sagemaker``: quick subcommands are answered in the ack, slow ones (AWS calls) after it.

A slow command is slow only for someone who may run it (``doctor`` for an admin, ``approve``
for an approver, ``status`` for a reader…): anyone else is refused in the ack, so nothing runs
on their behalf (see ``ChatOpsService.runs_later``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond

from bot.slack_app.replies import user_message
from bot.slash.commands import Command, Help, is_quick
from bot.slash.grammar import parse_command, slack_unescape
from bot.slash.help import code, help_text

if TYPE_CHECKING:
    from bot.service.chatops import ChatOpsService

logger = logging.getLogger(__name__)
COMMAND = "/sagemaker"


def _parsed(command: dict[str, Any]) -> Command | None:
    try:
        return parse_command(str(command.get("text") or ""))
    except Exception:
        return None  # answered (with usage) in the ack


def register(app: App, get_service: Callable[[], ChatOpsService]) -> None:
    """``get_service`` builds the service on its first call (see ``bot.slack_app.app``)."""

    def is_slow(command: dict[str, Any]) -> bool:
        parsed = _parsed(command)
        if parsed is None or is_quick(parsed):
            return False
        # Anyone who may not run it is refused in the ack: no second invocation on their behalf.
        return get_service().runs_later(parsed, str(command.get("user_id") or ""))

    def is_fast(command: dict[str, Any]) -> bool:
        return not is_slow(command)

    def answer_now(ack: Ack, command: dict[str, Any]) -> None:
        """Help, subscriptions and syntax errors: answered within the 3 seconds, no AWS call."""
        try:
            parsed = parse_command(str(command.get("text") or ""))
            if isinstance(parsed, Help):  # needs neither the service nor the store
                ack(response_type="ephemeral", text=help_text(parsed.topic))
                return
            reply = get_service().quick(parsed, command["user_id"], command["channel_id"])
            ack(**reply.payload())
        except Exception as exc:
            ack(response_type="ephemeral", text=user_message(exc))

    def ack_slow(ack: Ack, command: dict[str, Any]) -> None:
        # As the user typed it (Slack sends &, < and > escaped), then quoted: escaped once,
        # shortened, a code span nothing can close.
        text = slack_unescape(str(command.get("text") or "").strip())
        ack(response_type="ephemeral", text=f":hourglass_flowing_sand: Working on {code(text)}…")

    def run_slow(command: dict[str, Any], respond: Respond) -> None:
        try:
            parsed = parse_command(str(command.get("text") or ""))
            reply = get_service().slow(
                parsed,
                command["user_id"],
                command["channel_id"],
                command.get("user_name"),
                command.get("team_id"),
            )
            respond(**reply.payload(), replace_original=False)
        except Exception as exc:
            respond(response_type="ephemeral", text=user_message(exc), replace_original=False)

    # Two listeners, so only commands that call AWS pay for the lazy (second) invocation.
    app.command(COMMAND, matchers=[is_fast])(answer_now)
    app.command(COMMAND, matchers=[is_slow])(ack=ack_slow, lazy=[run_slow])
