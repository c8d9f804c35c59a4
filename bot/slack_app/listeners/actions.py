"""Buttons: Approve / Reject (open a modal), Inspect failure (shown to the clicker alone) and
the inspection's Share in thread."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.errors import CommandError
from bot.events.identity import ResourceKind
from bot.render.inspection import SHARE_ACTION
from bot.slack_app import modals
from bot.slack_app.replies import user_message

if TYPE_CHECKING:
    from bot.service.chatops import ChatOpsService

logger = logging.getLogger(__name__)

APPROVE = "model_package.approve"
REJECT = "model_package.reject"
INSPECT = "resource.inspect"
SHARE = SHARE_ACTION


def button(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The clicked button's action and its value (JSON we put there)."""
    action = (body.get("actions") or [{}])[0]
    try:
        value = json.loads(action.get("value") or "{}")
    except json.JSONDecodeError:
        value = {}
    return action, value if isinstance(value, dict) else {}


def where(body: dict[str, Any]) -> tuple[str, str, str | None]:
    """(user, channel, ts of the thread the clicked message is in). A click in an ephemeral
    message has no message, so no thread."""
    message = body.get("message") or {}
    ts = message.get("thread_ts") or message.get("ts")
    return body["user"]["id"], (body.get("channel") or {}).get("id", ""), ts


def in_thread(body: dict[str, Any]) -> str | None:
    """The thread the clicked message is a reply in (None: a message in the channel), where an
    ephemeral answer is seen by the person who clicked."""
    message = body.get("message") or {}
    thread_ts = message.get("thread_ts")
    return thread_ts if thread_ts and thread_ts != message.get("ts") else None


class Target(NamedTuple):
    """What the Inspect and Share buttons' values name: the resource and where it is."""

    name_or_arn: str
    region: str | None
    kind: ResourceKind | None
    account: str | None

    @classmethod
    def of(cls, value: dict[str, Any]) -> Target:
        kind, region, account = value.get("kind"), value.get("region"), value.get("account")
        return cls(
            str(value.get("arn") or value.get("name")),
            region if isinstance(region, str) and region else None,
            ResourceKind(kind) if kind in set(ResourceKind) else None,
            account if isinstance(account, str) and account else None,
        )


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
                channel=channel, user=user, text=service.authorizer.refusal(verb, user)
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

    def ack_only(ack: Ack) -> None:
        ack()  # the work, authorization first, is the lazy listener's

    def run_inspect(body: dict[str, Any], client: WebClient) -> None:
        _, value = button(body)
        user, channel, ts = where(body)
        thread = in_thread(body)
        try:
            # Refused before any AWS call (the service checks who may read, and where).
            t = Target.of(value)
            reply = get_service().inspect(
                t.name_or_arn, t.region, channel, user, kind=t.kind, thread_ts=ts, account=t.account
            )
            client.chat_postEphemeral(
                channel=channel, user=user, text=reply.text, blocks=reply.blocks, thread_ts=thread
            )
        except Exception as exc:
            client.chat_postEphemeral(
                channel=channel, user=user, text=user_message(exc), thread_ts=thread
            )

    def run_share(body: dict[str, Any], client: WebClient) -> None:
        _, value = button(body)
        user, channel, _ = where(body)
        try:
            thread = value.get("thread")
            if not isinstance(thread, str) or not thread:
                raise CommandError("This inspection has no thread to share it in.")
            t = Target.of(value)
            reply = get_service().share(
                t.name_or_arn,
                t.region,
                channel,
                user,
                thread_ts=thread,
                kind=t.kind,
                account=t.account,
            )
            client.chat_postEphemeral(channel=channel, user=user, text=reply.text)
        except Exception as exc:
            client.chat_postEphemeral(channel=channel, user=user, text=user_message(exc))

    app.action(APPROVE)(ack=ack_decision, lazy=[load_decision_details])
    app.action(REJECT)(ack=ack_decision, lazy=[load_decision_details])
    app.action(INSPECT)(ack=ack_only, lazy=[run_inspect])
    app.action(SHARE)(ack=ack_only, lazy=[run_share])
