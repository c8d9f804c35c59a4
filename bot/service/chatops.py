"""What the ``/sagemaker`` command and the buttons do, without Slack's plumbing.

Listeners parse Slack's payload, call a method here, and send what it returns. Everything here
takes its collaborators (store, renderer, SageMaker, authorizer, auditor, Slack gateway) from
the caller; nothing is built at import time.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from bot import approvals as ap
from bot.aws.lookup import as_event, model_package_metrics
from bot.aws.sagemaker import SageMaker
from bot.delivery import state as st
from bot.delivery.routing import is_broken
from bot.errors import ChatOpsError, NotAuthorizedError, SlackDeliveryError, StoreConflictError
from bot.events.identity import Arn, ResourceKind, ResourceRef
from bot.events.parse import parse_event
from bot.evidence.compare import evidence_of, without_baseline
from bot.evidence.documents import documents_of
from bot.evidence.model import Evidence, VersionMetrics
from bot.gateway import SlackGateway
from bot.render.context import Decision, RenderContext
from bot.render.escape import code, mrkdwn_escape
from bot.render.formatting import mention, mentions
from bot.render.inspection import render_inspection, share_value
from bot.render.renderer import Renderer, section_message
from bot.service.audit import Auditor
from bot.service.authz import Authorizer
from bot.service.diagnosis import Outcome, doctor_message
from bot.service.doctor import Checkup
from bot.slash.commands import (
    Approve,
    Command,
    Doctor,
    Help,
    Inspect,
    ListSubscriptions,
    Reject,
    Retry,
    Status,
    Stop,
    Subscribe,
    Unsubscribe,
    is_quick,
)
from bot.slash.help import help_text
from bot.slash.subscriptions import (
    BOT_NAME,
    channel_mention,
    describe,
    format_everywhere,
    format_list,
    refusal_words,
    subscription_from,
    unique_id_factory,
)
from bot.store import (
    ApprovalRecord,
    Approvals,
    Locks,
    PackageMetricsStore,
    SubscriptionStore,
    ThreadStore,
)

logger = logging.getLogger(__name__)


class SageMakerFactory(Protocol):
    """The SageMaker service for a region (None: the default one) and an account (None: the
    bot's own); see :class:`bot.aws.accounts.SageMakers`."""

    def __call__(self, region: str | None, account: str | None = None) -> SageMaker: ...


class ServiceStore(ThreadStore, SubscriptionStore, Locks, Approvals, PackageMetricsStore, Protocol):
    """What the service uses of the store: subscriptions (the commands), threads (to show a
    decision or post an inspection in its thread), locks (one decision at a time), approvals
    (the approvals a decision takes, counted) and the metrics the events function read of
    model packages (the approval modal)."""


DECISION_LEASE_SECONDS = 60.0
COUNT_ATTEMPTS = 3  # a write conflicts only with a decision whose lock's lease ran out


DOCTOR_TARGET = "the bot"  # what the audit says doctor acted on


def approval_lock(arn: str) -> str:
    """The lock a decision on a package holds: one per package, whatever the channel."""
    return f"approval:{arn}"


@dataclass
class Reply:
    """What to answer the user: ephemeral unless ``in_channel``."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    in_channel: bool = False

    @classmethod
    def of(cls, message: dict[str, Any]) -> Reply:
        return cls(text=str(message.get("text", "")), blocks=list(message.get("blocks") or []))

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "text": self.text,
            "response_type": "in_channel" if self.in_channel else "ephemeral",
        }
        if self.blocks:
            body["blocks"] = self.blocks
        return body


@dataclass
class DecisionResult:
    changed: bool  # something was recorded: a decision, or an approval towards one
    status: str | None  # the package's approval status now
    reply: Reply


@dataclass
class ChatOpsService:
    store: ServiceStore
    renderer: Renderer
    authorizer: Authorizer
    auditor: Auditor
    sagemaker: SageMakerFactory
    slack: SlackGateway
    refresh_parent: Callable[[str, str, str], None]
    """(channel, resource key, ts): re-render a parent from the store (the deliverer's)."""
    clock: Callable[[], float] = time.time
    on_subscriptions_changed: Callable[[], None] | None = None
    approvals_required: int = 1  # different approvers a decision taken in Slack takes
    checkup: Checkup | None = None
    """What ``doctor`` runs; None where there is nothing to check (no Slack client)."""
    _ids: Callable[[], str] | None = field(default=None, repr=False)

    # --- commands: quick ones are answered in the ack, slow ones after it ---------------------

    @staticmethod
    def is_quick(command: Command) -> bool:
        """Commands answered within Slack's 3 seconds (store only, no AWS call)."""
        return is_quick(command)

    def runs_later(self, command: Command, user_id: str) -> bool:
        """Whether a command is done after the ack (in a second invocation, in Lambda).

        Only for someone who may run it: anyone else is refused in the ack, and nothing is
        done on their behalf, not even the second invocation. Decided from the settings and the
        user groups already fetched: no AWS call, and no Slack call before the ack."""
        if is_quick(command):
            return False
        # Offline: no Slack call before the ack. A user group not fetched yet counts as having
        # the user; the slow half then decides, online, before any AWS call.
        match command:
            case Status(target=target) | Inspect(target=target):
                return self.authorizer.can_read(user_id, target.account, offline=True)
            case Doctor() | Approve() | Reject() | Retry() | Stop():
                return self.authorizer.allowed(_action(command), user_id, offline=True)
        return True

    def _refuse(self, command: Command, user_id: str) -> None:
        """Refuse (audited) a slow command its user may not run, as its slow half would."""
        action = _action(command)
        match command:
            case Status(target=target) | Inspect(target=target):
                self._require_read(action, user_id, target.account, target.text)
            case Approve(package=package) | Reject(package=package):
                self._require(action, user_id, str(package))
            case Retry(execution_arn=arn):
                self._require(action, user_id, arn)
            case Stop(target=target):
                self._require(action, user_id, target.text)
            case _:
                self._require(action, user_id, DOCTOR_TARGET)

    @staticmethod
    def help(command: Help) -> Reply:
        """``help [TOPIC]``: needs nothing but the command."""
        return Reply(help_text(command.topic))

    def quick(self, command: Command, user_id: str, channel: str) -> Reply:
        match command:
            case Help():
                return self.help(command)
            case Doctor() | Approve() | Reject() | Retry() | Stop() | Status() | Inspect():
                # Here only for someone who may not (see runs_later): refused, and audited.
                self._refuse(command, user_id)
                raise ChatOpsError("Your rights changed a moment ago: run it again.")
            case ListSubscriptions(everywhere=True):
                self._require("list_all", user_id, "*")
                failures = {
                    c: f for c, f in self.store.list_channel_failures().items() if is_broken(f)
                }
                return Reply(format_everywhere(self.store.list_subscriptions(), failures))
            case ListSubscriptions():
                subscriptions = self.store.list_subscriptions(channel)
                if not subscriptions:
                    return Reply(
                        "This channel has no subscriptions. Try `/sagemaker subscribe training "
                        "status=failed`."
                    )
                failure = self.store.list_channel_failures().get(channel)
                return Reply(format_list(subscriptions, failure if is_broken(failure) else None))
            case Subscribe():
                self._require("subscribe", user_id, channel)
                ids = self._ids or unique_id_factory(self.store)
                subscription = subscription_from(command, channel, user_id, self.clock(), ids)
                self.store.add_subscription(subscription)
                text = (
                    f":white_check_mark: Subscribed this channel ({code(subscription.id)}): "
                    f"{describe(subscription)}."
                )
                refused = self._confirm_in_channel(channel, text)
                if refused is not None:
                    # The bot cannot post here (a DM, a private channel it is not in, archived):
                    # a subscription would only fail. Say why and how to fix it.
                    self.store.remove_subscription(channel, subscription.id)
                    self.auditor.record(user_id, "subscribe", channel, f"refused: {refused}")
                    return Reply(
                        f":warning: I cannot post in this channel: {refusal_words(refused)}. "
                        f"Invite the bot with `/invite @{BOT_NAME}`, then subscribe again."
                    )
                self.store.clear_channel_failing(channel)
                self._subscriptions_changed()
                self.auditor.record(user_id, "subscribe", channel, "ok", {"id": subscription.id})
                return Reply(f"{text} (The bot posted this in the channel: it can deliver here.)")
            case Unsubscribe(ids=ids, all=everything):
                self._require("unsubscribe", user_id, channel)
                targets = (
                    [s.id for s in self.store.list_subscriptions(channel)] if everything else ids
                )
                removed = [i for i in targets if self.store.remove_subscription(channel, i)]
                elsewhere, not_here = self._unsubscribe_elsewhere(
                    [i for i in targets if i not in removed], user_id
                )
                gone = {*removed, *elsewhere, *not_here}
                missing = [i for i in targets if i not in gone]
                self._subscriptions_changed()
                self.auditor.record(
                    user_id, "unsubscribe", channel, "ok", {"removed": removed, "missing": missing}
                )
                parts = []
                if removed:
                    parts.append(f"Removed {', '.join(code(i) for i in removed)}.")
                for i, other in elsewhere.items():
                    parts.append(f"Removed {code(i)} from {channel_mention(other)}.")
                if not_here:
                    parts.append(
                        f"{', '.join(code(i) for i in not_here)}: another channel's; only an"
                        " admin may remove it from here."
                    )
                if missing:
                    parts.append(
                        f"No subscription {', '.join(code(i) for i in missing)} in this channel "
                        "(see `/sagemaker list`)."
                    )
                return Reply(" ".join(parts) or "This channel has no subscriptions.")
        raise ChatOpsError("not a quick command")  # pragma: no cover - guarded by is_quick

    def slow(
        self,
        command: Command,
        user_id: str,
        channel: str,
        user_name: str | None = None,
        team_id: str | None = None,
    ) -> Reply:
        match command:
            case Doctor():
                return self.doctor(user_id, team_id)
            case Status(target=target):
                self._require_read("status", user_id, target.account, target.text)
                sm = self.sagemaker(target.region, target.account)
                ref, description = sm.lookup(target.text, target.kind)
                event = parse_event(as_event(ref, description))
                return Reply.of(self.renderer.render(event, RenderContext(show_actions=False)))
            case Inspect(target=target):
                return self.inspect(
                    target.text,
                    target.region,
                    channel,
                    user_id,
                    kind=target.kind,
                    account=target.account,
                )
            case Approve(package=package, comment=comment):
                return self.decide_by_command(
                    package, "Approved", comment, user_id, channel, user_name
                )
            case Reject(package=package, comment=comment):
                return self.decide_by_command(
                    package, "Rejected", comment, user_id, channel, user_name
                )
            case Retry(execution_arn=arn, region=region, account=account):
                self._require("retry", user_id, arn)
                with self._audit(user_id, "retry", arn):
                    outcome = self.sagemaker(region, account).retry_pipeline_execution(arn)
                return Reply(
                    f":repeat: {mrkdwn_escape(outcome.summary)} ({code(arn.rsplit('/', 1)[-1])}, "
                    f"by {mention(user_id)})",
                    in_channel=True,
                )
            case Stop(target=target):
                self._require("stop", user_id, target.text)
                with self._audit(user_id, "stop", target.text):
                    sm = self.sagemaker(target.region, target.account)
                    ref, _ = sm.lookup(target.text, target.kind)
                    outcome = sm.stop(ref)
                return Reply(
                    f":octagonal_sign: {mrkdwn_escape(outcome.summary)} (by {mention(user_id)})",
                    in_channel=True,
                )
        return self.quick(command, user_id, channel)

    # --- doctor -----------------------------------------------------------------------------

    def doctor(self, user_id: str, team_id: str | None = None) -> Reply:
        """Check the bot end to end (admins only); the report, for the admin alone."""
        self._require("doctor", user_id, DOCTOR_TARGET)
        if self.checkup is None:
            raise ChatOpsError("There is nothing to check here: the bot has no Slack token.")
        report = self.checkup.run(team_id)
        failed = [str(c.name) for c in report.failed]
        self.auditor.record(
            user_id,
            "doctor",
            DOCTOR_TARGET,
            f"{len(failed)} failed" if failed else "ok",
            {"failed": failed, "checks": len(report.checks), "skipped": report.count(Outcome.SKIP)},
        )
        return Reply.of(doctor_message(self.renderer, report))

    # --- inspection -------------------------------------------------------------------------

    def inspect(
        self,
        name_or_arn: str,
        region: str | None,
        channel: str,
        user_id: str,
        *,
        kind: ResourceKind | None = None,
        thread_ts: str | None = None,
        account: str | None = None,
    ) -> Reply:
        """Why a resource is in its state, for the user who asked alone (an ephemeral reply).

        The account is the ARN's, else ``account`` (a bare name without one: the bot's own);
        the user must be allowed to read there before anything is asked of AWS, and the call
        goes to the account that was checked. When the resource
        has a thread in this channel (``thread_ts``, else the store's), the reply has a *Share
        in thread* button: nothing is posted in the channel unless they click it."""
        account = _account(name_or_arn) or account
        self._require_read("inspect", user_id, account, name_or_arn)
        sm = self.sagemaker(region, account)
        ref, description = sm.lookup(name_or_arn, kind)
        thread_ts = thread_ts or self._thread_ts(channel, ref)
        share = share_value(ref, thread_ts) if thread_ts else None
        message = render_inspection(self.renderer, sm.inspect(ref, description), share=share)
        self.auditor.record(user_id, "inspect", ref.key, "ok")
        return Reply.of(message)

    def share(
        self,
        name_or_arn: str,
        region: str | None,
        channel: str,
        user_id: str,
        *,
        thread_ts: str,
        kind: ResourceKind | None = None,
        account: str | None = None,
    ) -> Reply:
        """*Share in thread*: the inspection, read again with the same bounds, posted in the
        resource's thread for the channel, if ``user_id`` may read it (checked again: the
        button outlives a change of settings, and anyone can click it in a shared screen)."""
        account = _account(name_or_arn) or account
        self._require_read("share", user_id, account, name_or_arn)
        with self._audit(user_id, "share", name_or_arn):
            sm = self.sagemaker(region, account)
            ref, description = sm.lookup(name_or_arn, kind)
            message = render_inspection(
                self.renderer, sm.inspect(ref, description), shared_by=user_id
            )
            self.slack.post_message(channel, message, thread_ts=thread_ts)
        return Reply(
            f":speech_balloon: Shared the inspection of {code(ref.display_name)} in its thread."
        )

    def _thread_ts(self, channel: str, ref: ResourceRef) -> str | None:
        for key in {ref.key, ref.arn or ""} - {""}:
            thread = self.store.get_thread(channel, key)
            if thread is not None and thread.ts:
                return thread.ts
        return None

    # --- approvals --------------------------------------------------------------------------

    def decide_by_command(
        self,
        package: Any,
        status: str,
        comment: str,
        user_id: str,
        channel: str,
        user_name: str | None = None,
    ) -> Reply:
        action = "approve" if status == "Approved" else "reject"
        self._require(action, user_id, str(package))
        sm = self.sagemaker(None, _account(package.arn) if package.arn else None)
        if package.arn:
            arn = package.arn
        else:
            ref, _ = sm.lookup(str(package), ResourceKind.MODEL_PACKAGE)
            arn = ref.arn or str(package)
        result = self.decide(
            arn,
            status,
            user_id,
            comment,
            channel=channel,
            only_pending=False,
            user_name=user_name,
        )
        return result.reply

    def decide(
        self,
        arn: str,
        status: str,
        user_id: str,
        comment: str | None,
        *,
        channel: str | None,
        only_pending: bool = True,
        user_name: str | None = None,
    ) -> DecisionResult:
        """Approve or reject a package, once, by as many approvers as a decision takes
        (``approvals_required``; a rejection takes one). An approval that does not decide yet
        is recorded, and the result says how many there are; an approver cannot count twice.
        A second click, or a package decided elsewhere, changes nothing; the result says what
        the state is."""
        action = "approve" if status == ap.APPROVED else "reject"
        self._require(action, user_id, arn)
        sm = self.sagemaker(_region(arn), _account(arn))
        # One decision at a time per package (a lease, released after): the status check, the
        # count and the update below never interleave with another click's or command's.
        locks: Locks = self.store
        lock, owner = approval_lock(arn), uuid.uuid4().hex  # an owner per attempt
        if not locks.acquire(
            lock, owner=owner, lease_seconds=DECISION_LEASE_SECONDS, now=self.clock()
        ):
            return self._already(arn, sm.current_approval(arn), user_id, channel)
        vote = ap.Vote(user_id, self.clock(), user_name, comment or None)
        try:
            counted = self._count(sm, arn, status, vote, channel, only_pending=only_pending)
            if isinstance(counted, DecisionResult):
                return counted
            before, tally = counted
            if tally.count is not ap.Count.DECIDED:
                return self._counted(arn, tally, user_id, action, comment)
            try:
                sm.approve_model_package(arn, status, ap.description(status, tally.votes))  # type: ignore[arg-type]
            except ChatOpsError:
                self._uncount(before)
                raise
        except ChatOpsError as exc:
            self.auditor.record(user_id, action, arn, f"error: {type(exc).__name__}")
            raise
        finally:
            locks.release(lock, owner=owner)
        deciders = [v.user_id for v in tally.votes]
        detail = {"comment": comment or "", "approvers": deciders}
        self.auditor.record(user_id, action, arn, "ok", detail)
        decision = ap.decision_from_state(tally.state.get("decision"))
        if channel and decision is not None:
            self._show_decision(channel, arn, decision)
        emoji = ":white_check_mark:" if status == ap.APPROVED else ":no_entry:"
        reply = Reply(
            f"{emoji} {code(_package_name(arn))} {status.lower()} by {mentions(deciders)}"
            + (f": {mrkdwn_escape(comment)}" if comment else "."),
            in_channel=True,
        )
        return DecisionResult(True, status, reply)

    def _count(
        self,
        sm: SageMaker,
        arn: str,
        status: str,
        vote: ap.Vote,
        channel: str | None,
        *,
        only_pending: bool,
    ) -> tuple[ApprovalRecord, ap.Tally] | DecisionResult:
        """Count ``vote`` in the package's approval record: one conditional write, so that of
        two approvals that would each complete a decision (one whose lock's lease ran out
        under it, say), only one does, and SageMaker is updated once. The record as it was
        and the count; or, when the package is decided already, what to answer."""
        for attempt in range(COUNT_ATTEMPTS):
            current = sm.current_approval(arn)
            if current == status or (only_pending and current in ap.DECIDED):
                return self._already(arn, current, vote.user_id, channel)
            before = self.store.get_approval(arn) or ApprovalRecord(arn)
            taken = ap.decision_from_state(before.state.get("decision"))
            if attempt and taken is not None and taken.status == status:
                # Another approver's vote completed this very decision while this one was
                # counted (its update of SageMaker may still be under way): nothing to add.
                self.auditor.record(vote.user_id, "decide", arn, f"unchanged: {status} meanwhile")
                text = (
                    f"{code(_package_name(arn))} has just been {status.lower()} by "
                    f"{mentions(taken.users)}: nothing more was changed."
                )
                return DecisionResult(False, current, Reply(text))
            tally = ap.tally(before.state, current, status, vote, self.approvals_required)
            if tally.count is ap.Count.AGAIN or self.store.put_approval(
                ApprovalRecord(arn, before.revision, tally.state)
            ):
                return before, tally
        raise StoreConflictError(f"the approvals of {_package_name(arn)} keep changing")

    def _uncount(self, before: ApprovalRecord) -> None:
        """SageMaker refused the decision: the approvals it would have used count again."""
        if not self.store.put_approval(replace(before, revision=before.revision + 1)):
            logger.warning("the approvals of %s changed meanwhile: not restored", before.arn)

    def _counted(
        self, arn: str, tally: ap.Tally, user_id: str, action: str, comment: str | None
    ) -> DecisionResult:
        """An approval that does not decide: recorded, or refused as its approver's second."""
        name = _package_name(arn)
        current = tally.state.get("against")  # what the counted approvals were given against
        if tally.count is ap.Count.AGAIN:
            self.auditor.record(user_id, action, arn, "refused: approved already")
            return DecisionResult(
                False,
                current,
                Reply(
                    f":no_entry: You have approved {code(name)} already. It takes "
                    f"{tally.required} different approvers: another one has to approve it."
                ),
            )
        progress = f"{len(tally.votes)} of {tally.required}"
        self.auditor.record(
            user_id, action, arn, f"counted: {progress}", {"comment": comment or ""}
        )
        reply = Reply(ap.progress_text(name, tally.votes, tally.required), in_channel=True)
        return DecisionResult(True, ap.PENDING, reply)

    def _already(
        self, arn: str, current: str | None, user_id: str, channel: str | None
    ) -> DecisionResult:
        self.auditor.record(user_id, "decide", arn, f"unchanged: {current}")
        if channel and current in ap.DECIDED:
            self._show_current(channel, arn, str(current))
        text = (
            f"{code(_package_name(arn))} is already *{mrkdwn_escape(current or 'unknown')}*: "
            "nothing was changed."
        )
        return DecisionResult(False, current, Reply(text))

    def _show_decision(self, channel: str, arn: str, decision: Decision) -> None:
        """Replace the buttons on the package's message with who decided, and when."""
        thread = self.store.get_thread(channel, arn)
        if thread is None or not thread.ts:
            return
        self.store.update_thread_state(channel, arn, {st.DECISION_KEY: ap.decision_state(decision)})
        self.refresh_parent(channel, arn, thread.ts)

    def _show_current(self, channel: str, arn: str, current: str) -> None:
        """Make the message say what the package's state is, when its event has not (yet)
        done so: decided in Slack (in another channel) or outside Slack."""
        thread = self.store.get_thread(channel, arn)
        if thread is None or not thread.ts:
            return
        shown = ap.decision_from_state(thread.state.get(st.DECISION_KEY))
        record = self.store.get_approval(arn)
        now = datetime.fromtimestamp(self.clock(), UTC)
        decision = ap.decision_seen(current, None, now, shown, record.state if record else None)
        if decision is not None:
            state = {st.DECISION_KEY: ap.decision_state(decision)}
            self.store.update_thread_state(channel, arn, state)
        self.refresh_parent(channel, arn, thread.ts)

    def approval_details(self, arn: str) -> dict[str, Any]:
        """What the approval modal shows: the package, its metrics, the approved version."""
        sm = self.sagemaker(_region(arn), _account(arn))
        ref, description = sm.lookup(arn, ResourceKind.MODEL_PACKAGE)
        group = description.get("ModelPackageGroupName")
        approved = sm.approved_version(group) if isinstance(group, str) else None
        return {
            "arn": arn,
            "name": ref.display_name,
            "group": group,
            "version": description.get("ModelPackageVersion"),
            "status": description.get("ModelApprovalStatus"),
            "description": description.get("ModelPackageDescription"),
            "metrics": model_package_metrics(description),
            "evidence": self.kept_evidence(arn, description, approved),
            "drift": documents_of(description.get("DriftCheckBaselines")),
            "approved": approved,
        }

    def kept_evidence(
        self, arn: str, description: dict[str, Any], approved: dict[str, Any] | None
    ) -> Evidence | None:
        """The package's metrics beside the approved version's, as the events function read
        them (kept in the store: this function reads no S3). None until they were read: the
        documents are then linked only."""
        group = description.get("ModelPackageGroupName")
        package = VersionMetrics.from_json(self.store.get_package_metrics(arn))
        if package is None or not package.documents or not isinstance(group, str):
            return None
        approved_arn = str(approved.get("ModelPackageArn") or "") if approved else None
        note = without_baseline(arn, approved_arn, group)
        baseline = None
        if note is None and approved_arn:
            baseline = VersionMetrics.from_json(self.store.get_package_metrics(approved_arn))
            if baseline is None:
                version = (approved or {}).get("ModelPackageVersion", "?")
                note = f"the metrics of version {version}, the approved one, have not been read"
        return evidence_of(package, baseline, group=group, baseline_note=note)

    # --- helpers ----------------------------------------------------------------------------

    @contextmanager
    def _audit(self, user_id: str, action: str, target: str) -> Iterator[None]:
        """Record an action's result, failures included (then re-raised for the user)."""
        try:
            yield
        except ChatOpsError as exc:
            self.auditor.record(user_id, action, target, f"error: {type(exc).__name__}")
            raise
        self.auditor.record(user_id, action, target, "ok")

    def _unsubscribe_elsewhere(
        self, ids: list[str], user_id: str
    ) -> tuple[dict[str, str], list[str]]:
        """For an admin, remove the subscriptions of other channels named by id (a channel
        nobody can type in any more: archived, deleted): those removed, with their channels,
        and those of other channels this user may not remove (the refusal audited)."""
        others = {s.id: s.channel for s in self.store.list_subscriptions() if s.id in ids}
        if not others:
            return {}, []
        if not self.authorizer.allowed("unsubscribe_elsewhere", user_id):
            self.auditor.record(user_id, "unsubscribe_elsewhere", ",".join(others), "denied")
            return {}, sorted(others)
        removed = {i: c for i, c in others.items() if self.store.remove_subscription(c, i)}
        for i, c in removed.items():
            self.auditor.record(user_id, "unsubscribe", c, "ok", {"removed": [i]})
            if not self.store.list_subscriptions(c):
                self.store.clear_channel_failing(c)  # nothing is routed there any more
        return removed, []

    def _require_read(self, action: str, user_id: str, account: str | None, target: str) -> None:
        """Refuse (audited) a read by someone who may not read in ``account``: before any AWS
        call, with the account the call would go to."""
        if not self.authorizer.can_read(user_id, account):
            self.auditor.record(user_id, action, target, "denied")
            raise NotAuthorizedError(self.authorizer.read_refusal(account))

    def _require(self, action: str, user_id: str, target: str) -> None:
        if not self.authorizer.allowed(action, user_id):
            self.auditor.record(user_id, action, target, "denied")
            raise NotAuthorizedError(self.authorizer.refusal(action, user_id))

    def _confirm_in_channel(self, channel: str, text: str) -> str | None:
        """Post the confirmation as the bot, which also checks that the bot can post there.
        Slack's refusal of the channel (``not_in_channel``, ``is_archived``…), or None."""
        try:
            self.slack.post_message(channel, section_message(text))
        except SlackDeliveryError as exc:
            if exc.channel_refused and exc.code:
                return exc.code
            raise
        return None

    def _subscriptions_changed(self) -> None:
        if self.on_subscriptions_changed:
            self.on_subscriptions_changed()


def _action(command: Command) -> str:
    """The authorization action a slow command is."""
    return {
        Doctor: "doctor",
        Approve: "approve",
        Reject: "reject",
        Retry: "retry",
        Stop: "stop",
        Status: "status",
        Inspect: "inspect",
    }[type(command)]


def _region(arn: str) -> str | None:
    parsed = Arn.parse(arn)
    return parsed.region if parsed else None


def _account(arn: str) -> str | None:
    parsed = Arn.parse(arn)
    return parsed.account if parsed and parsed.account else None


def _package_name(arn: str) -> str:
    parsed = Arn.parse(arn)
    return parsed.resource if parsed and parsed.resource else arn
