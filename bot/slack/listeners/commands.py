"""``/sagemaker``: quick subcommands are answered in the ack, slow ones (AWS calls) after it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.commands import parse_command
from bot.render.escape import code
from bot.slack.errors import user_message
from bot.slack.service import ChatOpsService

logger = logging.getLogger(__name__)
COMMAND = "/sagemaker"


def register(app: App, service: ChatOpsService) -> None:
    def ack_command(ack: Ack, command: dict[str, Any]) -> None:
        text = str(command.get("text") or "")
        try:
            parsed = parse_command(text)
            if service.is_quick(parsed):
                reply = service.quick(parsed, command["user_id"], command["channel_id"])
                ack(**reply.payload())
                return
        except Exception as exc:
            ack(response_type="ephemeral", text=user_message(exc))
            return
        ack(response_type="ephemeral", text=f":hourglass_flowing_sand: Working on {code(text)}…")

    def run_command(command: dict[str, Any], respond: Respond) -> None:
        try:
            parsed = parse_command(str(command.get("text") or ""))
            if service.is_quick(parsed):
                return  # answered in the ack
            reply = service.slow(parsed, command["user_id"], command["channel_id"])
            respond(**reply.payload(), replace_original=False)
        except Exception as exc:
            respond(response_type="ephemeral", text=user_message(exc), replace_original=False)

    app.command(COMMAND)(ack=ack_command, lazy=[run_command])
