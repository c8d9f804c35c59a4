"""The Approve / Reject modal's submission."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.slack_app import modals
from bot.slack_app.replies import user_message

if TYPE_CHECKING:
    from bot.service.chatops import ChatOpsService


def register(app: App, get_service: Callable[[], ChatOpsService]) -> None:
    """``get_service`` builds the service on its first call (see ``bot.slack_app.app``)."""

    def ack_submission(ack: Ack) -> None:
        ack()  # closes the modal; the decision is made right after

    def decide(body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        metadata, comment = modals.submission(view)
        user = body["user"]["id"]
        channel = str(metadata.get("channel") or "")
        try:
            result = get_service().decide(
                str(metadata.get("arn")),
                str(metadata.get("status")),
                user,
                comment or None,
                channel=channel or None,
                user_name=body["user"].get("username") or body["user"].get("name"),
            )
        except Exception as exc:
            if channel:
                client.chat_postEphemeral(channel=channel, user=user, text=user_message(exc))
            return
        if result.changed and channel and metadata.get("ts"):
            # The decision is kept in the package's thread, for everyone to see.
            client.chat_postMessage(
                channel=channel, thread_ts=metadata["ts"], text=result.reply.text
            )
        elif channel:
            client.chat_postEphemeral(channel=channel, user=user, text=result.reply.text)

    app.view(modals.CALLBACK_ID)(ack=ack_submission, lazy=[decide])
