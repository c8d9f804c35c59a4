"""Buttons on event messages: Approve / Reject (open a modal) and Inspect failure."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.events.identity import ResourceKind
from bot.slack_app import modals
from bot.slack_app.replies import user_message

if TYPE_CHECKING:
    from bot.service.chatops import ChatOpsService

logger = logging.getLogger(__name__)

APPROVE = "model_package.approve"
REJECT = "model_package.reject"
INSPECT = "resource.inspect"


def button(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clicked button's action and its value (JSON we put there)."""
    action = (body.get("actions") or [{}])[0]
    try:
        value = json.loads(action.get("value") or "{}")
    except json.JSONDecodeError:
        value = {}
    return action, value if isinstance(value, dict) else {}


def where(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(user, channel, ts of the thread the clicked message is in)."""
    message = body.get("message") or {}
    ts = message.get("thread_ts") or message.get("ts")
    return body["user"]["id"], (body.get("channel") or {}).get("id", ""), ts


def register(app: App, get_service: Callable[[], ChatOpsService]) -> None:
    """``get_service`` builds the service on its first call (see ``bot.slack_app.app``)."""

    def ack_decision(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        action, value = button(body)
        user, channel, ts = where(body)
        status = "Approved" if action.get("action_id") == APPROVE else "Rejected"
        verb = "approve" if status == "Approved" else "reject"
        service = get_service()
        if not service.authorizer.allowed(verb, user):
            service.auditor.record(user, verb, str(value.get("arn")), "denied")
            client.chat_postEphemeral(
                channel=channel, user=user, text=f":no_entry: {service.authorizer.refusal(verb)}"
            )
            return
        # The trigger_id is valid for 3 seconds: open now, fill in the details after the ack.
        client.views_open(
            trigger_id=body["trigger_id"],
            view=modals.decision_loading(value, status, channel, ts, body["trigger_id"]),
        )

    def load_decision_details(body: dict[str, Any], client: WebClient) -> None:
        action, value = button(body)
        status = "Approved" if action.get("action_id") == APPROVE else "Rejected"
        user, channel, ts = where(body)
        # Bolt runs this after every ack, refused ones too: there is no modal to fill in then,
        # and nothing to read from SageMaker for someone who may not decide.
        service = get_service()
        if not service.authorizer.allowed("approve" if status == "Approved" else "reject", user):
            return
        external_id = modals.external_id(body["trigger_id"])
        try:
            details = service.approval_details(str(value.get("arn")))
            view = modals.decision_view(service.renderer, details, status, channel, ts, external_id)
        except Exception as exc:
            view = modals.problem_view(user_message(exc), external_id)
        client.views_update(external_id=external_id, view=view)

    def ack_inspect(ack: Ack) -> None:
        ack()

    def run_inspect(body: dict[str, Any], client: WebClient) -> None:
        _, value = button(body)
        user, channel, ts = where(body)
        kind = value.get("kind")
        try:
            reply = get_service().inspect(
                str(value.get("arn") or value.get("name")),
                value.get("region"),
                channel,
                user,
                kind=ResourceKind(kind) if kind in set(ResourceKind) else None,
                thread_ts=ts,
                account=value.get("account") or None,
            )
            if reply.blocks:  # not posted in a thread: show it to the user
                client.chat_postEphemeral(
                    channel=channel, user=user, text=reply.text, blocks=reply.blocks
                )
        except Exception as exc:
            client.chat_postEphemeral(channel=channel, user=user, text=user_message(exc))

    app.action(APPROVE)(ack=ack_decision, lazy=[load_decision_details])
    app.action(REJECT)(ack=ack_decision, lazy=[load_decision_details])
    app.action(INSPECT)(ack=ack_inspect, lazy=[run_inspect])
