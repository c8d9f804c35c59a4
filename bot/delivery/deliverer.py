"""The heart of the bot: one event → the right channels, once, in the right thread.

For each (channel, resource) there is one parent message. The first event posts it; each
later distinct state posts a reply in its thread and updates the parent in place, unless a newer
state is already shown. Children (steps, deployments, image versions, trials) reply in their
parent's thread and update its checklist or roll-up. Every decision is a conditional write in
the store, so duplicates, reordering and concurrent workers all give the same conversation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Protocol

from bot import approvals as ap
from bot.delivery import state as st
from bot.delivery import throttle
from bot.delivery.log_follow_up import LogLinesFollowUp
from bot.delivery.log_lines import FailureLogs
from bot.delivery.metrics import NO_METRICS, Counter
from bot.delivery.owner_lookup import OwnerResolver
from bot.delivery.owner_pings import OwnerPings
from bot.delivery.routing import BROKEN_AFTER_FAILURES, route, skipped_channels, wants_run
from bot.errors import ChatOpsError, SlackDeliveryError
from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent, parse_event
from bot.events.workflow import RunLink, step_jobs
from bot.gateway import SlackGateway
from bot.render.context import RenderContext
from bot.render.formatting import configured_mentions
from bot.render.renderer import Renderer, minimal_message
from bot.settings import Settings
from bot.store import (
    CHILDREN_KEY,
    Approvals,
    ChannelFailure,
    ChildMerge,
    Reminder,
    Reminders,
    Subscription,
    SubscriptionStore,
    ThreadRecord,
    ThreadStore,
)

logger = logging.getLogger(__name__)

INVALID_BLOCKS = frozenset({"invalid_blocks", "invalid_blocks_format"})


class ThreadBusyError(ChatOpsError):
    """Another worker is creating this thread's parent right now; try the event again later."""


class Outcome(StrEnum):
    POSTED = "posted"  # a new parent message
    REPLIED = "replied"  # a reply (and usually a parent update)
    UPDATED = "updated"  # progress within a status class: the parent edited, no reply
    ROLLED_UP = "rolled_up"  # folded into the parent (tuning trials), no reply
    LATE = "late"  # older than what the thread shows, and no failure: no Slack call
    DUPLICATE = "duplicate"  # this state was already delivered: no Slack call
    REFUSED = "refused"  # Slack refuses this channel for good (archived, bot not in it)


class DeliveryStore(ThreadStore, SubscriptionStore, Approvals, Reminders, Protocol):
    """What the deliverer uses of the store: threads and their deliveries, the subscriptions
    it routes by, who decided a package in Slack (its card says so) and the reminders of the
    packages it shows waiting."""


class EvidenceSource(Protocol):
    """A model package card's metrics beside the approved version's, as thread state
    (``bot/aws/evidence.py``): ``known`` (what the thread keeps) when it is complete, else
    gathered within a time budget; None for any other event. Never raises."""

    def for_package(self, event: SageMakerEvent, known: Any) -> dict[str, Any] | None: ...


@dataclass
class DeliveryReport:
    event_id: str | None
    outcomes: dict[str, Outcome] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryOptions:
    default_channel: str | None = None
    broadcast_failures: bool = True
    rollup_tuning: bool = True
    reply_every_state: bool = False
    lease_seconds: float = 60.0
    finished_ttl_seconds: float = 30 * 86400
    wait_for_thread_seconds: float = 3.0
    subscriptions_cache_seconds: float = 30.0
    # Who a package waiting for approval mentions (user and group ids); empty: nobody.
    approvers: tuple[str, ...] = ()
    # A package still waiting this long after it started gets a reminder; 0: none.
    reminder_seconds: float = 0.0
    # A failed job's reply gets this many of its last log lines, by an edit; 0: none.
    failure_log_lines: int = 0

    @property
    def child_seconds(self) -> float:
        """How long a child's record is kept: its thread's summary counts it, so past the
        longest a run or a tuning job runs, and past its thread once finished."""
        return 2 * self.finished_ttl_seconds

    @property
    def dedup_seconds(self) -> float:
        """How long a delivery record is kept: past every redelivery of its event (the queue
        keeps a message 4 days, its DLQ 14), as long as a finished thread is kept."""
        return self.finished_ttl_seconds

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryOptions:
        return cls(
            default_channel=settings.default_channel,
            broadcast_failures=settings.broadcast_failures,
            rollup_tuning=settings.rollup_tuning,
            reply_every_state=settings.reply_every_state,
            lease_seconds=settings.delivery_lease_seconds,
            finished_ttl_seconds=settings.finished_ttl_days * 86400,
            approvers=tuple(settings.approvers) if settings.mention_approvers else (),
            reminder_seconds=settings.approval_reminder_hours * 3600,
            failure_log_lines=settings.failure_log_lines,
        )


class Deliverer:
    """Delivers events. Store, Slack and renderer are passed in; nothing is built here."""

    MAX_REFRESHES = 4
    RECORD_ATTEMPTS = 3

    def __init__(
        self,
        store: DeliveryStore,
        slack: SlackGateway,
        renderer: Renderer,
        options: DeliveryOptions | None = None,
        *,
        metrics: Counter | None = None,
        evidence: EvidenceSource | None = None,
        owners: OwnerResolver | None = None,
        failure_logs: FailureLogs | None = None,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.store = store
        self.evidence = evidence
        self.slack = slack
        self.renderer = renderer
        self.options = options or DeliveryOptions()
        self.metrics = metrics or NO_METRICS
        # Alerts mention their owner (bot/delivery/owner_pings.py); failed jobs' replies get
        # their last log lines (bot/delivery/log_follow_up.py). None: off.
        self.owners = (
            OwnerPings(
                owners,
                store,
                slack,
                self.metrics,
                lease_seconds=self.options.lease_seconds,
                dedup_seconds=self.options.dedup_seconds,
                clock=clock,
            )
            if owners is not None
            else None
        )
        self.log_lines = (
            LogLinesFollowUp(failure_logs, slack, self.options.failure_log_lines, self.metrics)
            if failure_logs is not None and self.options.failure_log_lines > 0
            else None
        )
        self._clock = clock
        self._sleep = sleep
        self._subscriptions: tuple[float, list[Subscription]] | None = None
        self._approvers = configured_mentions(self.options.approvers) or None
        # Channels Slack keeps refusing, read with the subscriptions and kept up to date by
        # this instance's own refusals and successes.
        self._failing: dict[str, ChannelFailure] = {}

    # --- entry points --------------------------------------------------------------------

    def deliver_raw(self, raw: dict[str, Any]) -> DeliveryReport:
        return self.deliver(parse_event(raw))

    def deliver(self, event: SageMakerEvent) -> DeliveryReport:
        """Deliver to every channel it is routed to; raise if any channel failed (retry)."""
        self.metrics.count("EventsReceived")
        report = DeliveryReport(event.id)
        link = st.run_link(event)
        subscriptions = self._current_subscriptions()
        if st.is_run_child(link) and link is not None and not link.pipeline_name:
            link = self._with_pipeline_name(link, subscriptions)
        skip = skipped_channels(self._failing, self.options.default_channel, self._clock())
        channels = route(event, subscriptions, self.options.default_channel, run=link, skip=skip)
        if not channels:
            logger.info("no channel wants event %s (%s)", event.id, event.resource.key)
        failures: list[Exception] = []
        for channel in channels:
            # A channel that follows the run gets the run's thread; one that wants only this
            # job (say `training status=failed`) gets the job's own thread.
            in_run = link is not None and (
                not st.is_run_child(link)
                or channel == self.options.default_channel
                or wants_run(channel, event, subscriptions, link)
            )
            root = st.thread_root(event, link if in_run else None)
            if link is None:
                root = self._tuning_in_run(channel, event) or root
            try:
                outcome = self._deliver_to_channel(channel, event, root)
            except SlackDeliveryError as exc:
                if exc.permanent:
                    # The same call would fail again: not retried, said and counted, and the
                    # other channels are not held up by this one.
                    logger.warning(
                        "event %s cannot be posted in %s: %s (not retried)",
                        event.id,
                        channel,
                        exc.code,
                    )
                    self.metrics.count("SlackPermanentErrors")
                    report.outcomes[channel] = Outcome.REFUSED
                    if exc.channel_refused and exc.code:
                        self._channel_refused(channel, exc.code)
                    continue
                failures.append(exc)
                logger.warning("delivery of %s to %s failed: %s", event.id, channel, exc)
                continue
            except ThreadBusyError as exc:
                failures.append(exc)
                logger.warning("delivery of %s to %s failed: %s", event.id, channel, exc)
                continue
            except Exception as exc:
                # Anything else (a throttled store write, a bug) fails this channel alone; the
                # event is retried, and lands in the dead-letter queue if it keeps failing.
                failures.append(exc)
                logger.exception("delivery of %s to %s failed", event.id, channel)
                continue
            report.outcomes[channel] = outcome
            if channel in self._failing:
                self._channel_works(channel)
            self.metrics.count(
                "EventsDeduplicated" if outcome is Outcome.DUPLICATE else "EventsPosted"
            )
        if failures:
            self.metrics.count("EventsFailed")
            raise failures[0]
        return report

    # --- channels Slack keeps refusing -----------------------------------------------------

    def _channel_refused(self, channel: str, reason: str) -> None:
        """Count a refusal; a channel refused ``BROKEN_AFTER_FAILURES`` times is skipped."""
        if channel == self.options.default_channel:
            return  # configuration: never skipped, its refusals are in the logs and metrics
        now = self._clock()
        try:
            count = self.store.mark_channel_failing(channel, reason, now)
        except Exception:
            # Bookkeeping only: the refusal is logged and counted already.
            logger.warning("recording that %s refused a message failed", channel, exc_info=True)
            return
        known = self._failing.get(channel)
        self._failing[channel] = ChannelFailure(
            channel, count, reason, since=known.since if known else now, last_at=now
        )
        if count == BROKEN_AFTER_FAILURES:
            logger.warning(
                "channel %s refused %d messages in a row (%s): its subscriptions are skipped"
                " until it takes a message again",
                channel,
                count,
                reason,
            )
            self.metrics.count("ChannelsBroken")

    def _channel_works(self, channel: str) -> None:
        try:
            self.store.clear_channel_failing(channel)
        except Exception:
            logger.warning("clearing the refusals of %s failed", channel, exc_info=True)
            return
        self._failing.pop(channel, None)
        logger.info("channel %s takes messages again", channel)

    # --- per channel ---------------------------------------------------------------------

    def _deliver_to_channel(self, channel: str, event: SageMakerEvent, root: st.Root) -> Outcome:
        try:
            return self._deliver_to(channel, event, root)
        except SlackDeliveryError as exc:
            if not exc.gone:
                raise
            logger.warning(
                "the parent of %s in %s is gone (%s): posting it again", root.key, channel, exc.code
            )
            self.metrics.count("ParentsRecreated")
            self._recreate_parent(channel, root.key)
            return self._deliver_to(channel, event, root)

    def _deliver_to(self, channel: str, event: SageMakerEvent, root: st.Root) -> Outcome:
        state_key = st.delivery_key(event)
        now = self._clock()
        self._remind_later(channel, event)

        thread = self.store.get_thread(channel, root.key)
        if thread is None and root.legacy_key:
            thread = self._adopt(channel, root)
        if thread is None or thread.ts is None:
            created = self._create_thread(channel, root, event, state_key)
            if created is not None:
                self._delivered(channel, root, event, created, fresh=True)
                return created
            thread = self._wait_for_thread(channel, root.key)

        if not self.store.begin_delivery(
            channel,
            root.key,
            state_key,
            lease_seconds=self.options.lease_seconds,
            now=now,
            ttl_seconds=self.options.dedup_seconds,
        ):
            return Outcome.DUPLICATE
        try:
            if root.is_child:
                outcome, reply_ts = self._deliver_child(channel, thread, event, root)
            else:
                outcome, reply_ts = self._deliver_root(channel, thread, event, root)
        except BaseException:
            self.store.abort_delivery(channel, root.key, state_key)
            raise
        self.store.complete_delivery(
            channel, root.key, state_key, reply_ts, ttl_seconds=self.options.dedup_seconds
        )
        self._delivered(channel, root, event, outcome, thread)
        return outcome

    def _delivered(
        self,
        channel: str,
        root: st.Root,
        event: SageMakerEvent,
        outcome: Outcome,
        before: ThreadRecord | None = None,
        *,
        fresh: bool = False,
    ) -> None:
        """What follows a delivery: the owner told, when an alert went out without them (an
        alert's reply says it itself). ``fresh``: this event made the thread (nothing in it
        waits for an owner yet); ``before``: the thread as read before it."""
        if self.owners is None or outcome is Outcome.DUPLICATE:
            return
        if st.is_alert(event) and outcome is Outcome.REPLIED:
            return
        new_alert_parent = st.is_alert(event) and outcome is Outcome.POSTED
        if fresh and not new_alert_parent:
            return
        self.owners.delivered(
            channel, root.key, event, new_alert_parent=new_alert_parent, before=before
        )

    def _with_pipeline_name(self, link: RunLink, subscriptions: list[Subscription]) -> RunLink:
        """A job's event does not name its pipeline; the run's thread, in a channel that has
        one, does (its execution or step events carried the ARN). Subscriptions that filter
        on the pipeline's name then match the run's jobs too. One read per channel at most."""
        channels = dict.fromkeys(
            [self.options.default_channel, *(s.channel for s in subscriptions if s.names)]
        )
        for channel in channels:
            if channel is None:
                continue
            thread = self.store.get_thread(channel, link.run.key)
            name = thread.name if thread is not None else None
            if name and "/" in name:
                return replace(link, pipeline_name=name.rsplit("/", 1)[0])
        return link

    def _tuning_in_run(self, channel: str, event: SageMakerEvent) -> st.Root | None:
        """A tuning job (or one of its trials) that a run's step launched goes to the run's
        thread in this channel, as the step's metadata said (its pointer), unless the tuning
        job already has a thread of its own here (its events came first)."""
        tuning = st.tuning_key(event)
        if tuning is None:
            return None
        pointer = self.store.get_thread(channel, st.run_pointer_key(tuning))
        if pointer is None or self.store.get_thread(channel, tuning) is not None:
            return None
        link = st.run_from_pointer(pointer.state, event)
        return st.thread_root(event, link) if link is not None else None

    def _point_to_run(self, channel: str, thread: ThreadRecord, event: SageMakerEvent) -> None:
        """Note, for this channel, the tuning jobs a run's step launched: their events and
        their trials' then come to the run's thread (see ``_tuning_in_run``)."""
        link = st.run_link(event)
        if link is None:
            return
        for job in step_jobs(event):
            if job.kind is not ResourceKind.TUNING or not job.launched_by_step:
                continue
            now = self._clock()
            pointer = ThreadRecord(
                channel=channel,
                resource_key=st.run_pointer_key(job.ref.key),
                ts=thread.ts,
                kind="pointer",
                name=link.run.key,
                claimed_at=now,
                finished=True,  # it expires with the run's records
                state=st.run_pointer_state(link.run),
            )
            self.store.claim_thread(
                pointer,
                lease_seconds=self.options.lease_seconds,
                now=now,
                ttl_seconds=self.options.finished_ttl_seconds,
            )

    def _adopt(self, channel: str, root: st.Root) -> ThreadRecord | None:
        """A run's thread posted by the previous layout (keyed by its execution ARN) goes on
        under the run's key: same parent message, its state carried over, so the jobs' events,
        which cannot name the ARN, find it too. None when there is none."""
        assert root.legacy_key is not None
        legacy = self.store.get_thread(channel, root.legacy_key)
        if legacy is None or legacy.ts is None:
            return None
        now = self._clock()
        record = ThreadRecord(
            channel=channel,
            resource_key=root.key,
            status=legacy.status,
            order_key=legacy.order_key,
            kind=legacy.kind,
            name=legacy.name,
            claimed_at=now,
            finished=legacy.finished,
            state={**legacy.state, st.SCHEMA_KEY: st.SCHEMA},
        )
        if self.store.claim_thread(record, lease_seconds=self.options.lease_seconds, now=now):
            self.store.set_thread_ts(channel, root.key, legacy.ts)
            logger.info("thread of %s in %s now kept as %s", root.legacy_key, channel, root.key)
        return self._wait_for_thread(channel, root.key)

    def _create_thread(
        self, channel: str, root: st.Root, event: SageMakerEvent, state_key: str
    ) -> Outcome | None:
        """Claim and post the parent message. None if another worker owns the thread."""
        now = self._clock()
        record = ThreadRecord(
            channel=channel,
            resource_key=root.key,
            kind=root.ref.kind.value,
            name=root.ref.name,
            claimed_at=now,
        )
        if not self.store.claim_thread(record, lease_seconds=self.options.lease_seconds, now=now):
            return None
        lease = self.options.lease_seconds
        if not self.store.begin_delivery(
            channel,
            root.key,
            state_key,
            lease_seconds=lease,
            now=now,
            ttl_seconds=self.options.dedup_seconds,
        ):
            # Only possible after a crash between posting and recording: nothing more to do.
            self.store.release_thread(channel, root.key)
            return Outcome.DUPLICATE
        try:
            if root.is_child:
                ts = self._post_placeholder_parent(channel, root, event)
            else:
                state = {**st.new_state(event), **self._evidence(event, None)}
                message = self._render(event, st.render_context(event, state))
                ts = self._post(channel, message, event)
                # State first, ts last: workers waiting for the ts then find the state the
                # parent shows, so their own (newer) events can advance and refresh it.
                self._after_post(
                    lambda: self.store.advance_thread(
                        channel,
                        root.key,
                        order_key=event.order_key,
                        status=event.status,
                        state=state,
                        **self._expiry(event),
                    ),
                    lambda: self.store.set_thread_ts(channel, root.key, ts),
                )
        except BaseException:
            self.store.abort_delivery(channel, root.key, state_key)
            self.store.release_thread(channel, root.key)
            raise
        if root.is_child:
            # The parent now exists: the child itself is delivered as a reply.
            thread = self.store.get_thread(channel, root.key)
            assert thread is not None and thread.ts is not None
            try:
                outcome, reply_ts = self._deliver_child(
                    channel, thread, event, root, parent_fresh=True
                )
            except BaseException:
                self.store.abort_delivery(channel, root.key, state_key)
                raise
            self.store.complete_delivery(
                channel, root.key, state_key, reply_ts, ttl_seconds=self.options.dedup_seconds
            )
            return outcome
        self.store.complete_delivery(
            channel, root.key, state_key, ts, ttl_seconds=self.options.dedup_seconds
        )
        return Outcome.POSTED

    def _post_placeholder_parent(self, channel: str, root: st.Root, child: SageMakerEvent) -> str:
        placeholder = parse_event(st.placeholder_raw(root.ref, child))
        state = st.new_state(placeholder)
        key = st.child_key(child, root)
        _, summary = st.fold_child(child, key, None, state)
        note = f"Started from its {child.kind.title.lower()} event; updates as events arrive."
        context = st.render_context(placeholder, {**state, CHILDREN_KEY: summary}, note=note)
        ts = self._post(channel, self._render(placeholder, context), placeholder)
        # State before ts (see above): a concurrent newer child state is merged after this.
        self._after_post(
            lambda: self.store.update_thread_state(channel, root.key, state),
            lambda: self._merge_child(channel, root.key, child, key),
            lambda: self.store.set_thread_ts(channel, root.key, ts),
        )
        return ts

    def _merge_child(
        self, channel: str, thread_key: str, event: SageMakerEvent, key: str
    ) -> tuple[ChildMerge, bool]:
        """Store a child's new state and its thread's summary, unless a newer one is stored;
        and whether the summary written took its turn to refresh the parent (throttled
        children only)."""
        now = self._clock()
        written: list[dict[str, Any]] = []

        def build(
            old: dict[str, Any] | None, state: dict[str, Any]
        ) -> tuple[dict[str, Any], dict[str, Any]]:
            entry, summary = st.fold_child(event, key, old, state, now=now)
            written[:] = [summary]  # the store writes what the last call built
            return entry, summary

        merged = self.store.merge_child(
            channel,
            thread_key,
            key,
            event.order_key,
            build,
            ttl_seconds=self.options.child_seconds,
        )
        return merged, merged.written and throttle.refreshes(written[-1], now)

    def _after_post(self, *writes: Callable[[], object]) -> None:
        """The store writes that record a parent just posted. Each is tried a few times: if
        they failed for good the claim would be released and the event's retry would post a
        second parent, so a write that fails once (throttled) must not end the delivery."""
        for write in writes:
            for attempt in range(self.RECORD_ATTEMPTS):
                try:
                    write()
                    break
                except Exception:
                    if attempt == self.RECORD_ATTEMPTS - 1:
                        raise
                    logger.warning("recording a posted parent failed; trying again", exc_info=True)
                    self._sleep(0.1 * 2**attempt)

    def _wait_for_thread(self, channel: str, key: str) -> ThreadRecord:
        deadline = self._clock() + self.options.wait_for_thread_seconds
        delay = 0.05
        while True:
            thread = self.store.get_thread(channel, key)
            if thread is not None and thread.ts is not None:
                return thread
            if self._clock() >= deadline:
                raise ThreadBusyError(f"parent message of {key} in {channel} is still being posted")
            self._sleep(delay)
            delay = min(delay * 2, 0.5)

    def _deliver_root(
        self, channel: str, thread: ThreadRecord, event: SageMakerEvent, root: st.Root
    ) -> tuple[Outcome, str | None]:
        assert thread.ts is not None
        previous = st.previous_status(thread.state.get(st.PREVIOUS_KEY), event, thread.status)
        newer = self.store.advance_thread(
            channel,
            thread.resource_key,
            order_key=event.order_key,
            status=event.status,
            state={
                **st.new_state(event),
                st.PREVIOUS_KEY: st.previous_entry(event, previous),
                **self._evidence(event, thread.state),
            },
            **self._expiry(event),
        )
        step = st.next_step(
            event,
            root,
            current=newer,
            previous=previous,
            every_state=self.options.reply_every_state,
        )
        if step in (st.Next.LATE, st.Next.LATE_ALERT):
            return self._late(channel, thread, event, root, step)
        self._note_decision(channel, thread, event)
        # The parent is updated before the reply is posted: if the reply fails, the retry only
        # repeats the (idempotent) update, and a reply is never posted twice.
        self.refresh_parent(channel, thread.resource_key, thread.ts)
        if step is not st.Next.REPLY:
            return Outcome.UPDATED, None
        return Outcome.REPLIED, self._reply(channel, thread, event, root, previous)

    def _deliver_child(
        self,
        channel: str,
        thread: ThreadRecord,
        event: SageMakerEvent,
        root: st.Root,
        *,
        parent_fresh: bool = False,
    ) -> tuple[Outcome, str | None]:
        assert thread.ts is not None
        if root.run is not None and event.kind is ResourceKind.STEP:
            self._point_to_run(channel, thread, event)
        key = st.child_key(event, root)
        # A child seen for the first time is news in the thread, whatever its status.
        previous: str | None = None
        current = parent_fresh
        if not parent_fresh:
            # The store decides, in one atomic write, whether this is the child's newest
            # state (or a retry of it): a concurrent older event can never overwrite it.
            merged, turn = self._merge_child(channel, thread.resource_key, event, key)
            _, previous = st.child_before(event, key, merged.old, thread.state)
            current = merged.written
            # A flood's child (a labeling task, a cluster's Info event) edits the parent only
            # when its fold took the refresh turn (bot/delivery/throttle.py).
            flood = st.throttled(event)
            if current and (turn or not flood):
                # Parent first, reply second: a retry repeats the update, never the reply.
                # A flood's turn is one update: what changes meanwhile shows at the next turn.
                self.refresh_parent(channel, thread.resource_key, thread.ts, settle=not flood)
        card = None
        if root.run is not None and event.kind is ResourceKind.MODEL_PACKAGE:
            card = self.store.get_thread(channel, event.resource.key)
        step = st.next_step(
            event,
            root,
            current=current,
            previous=previous,
            every_state=self.options.reply_every_state,
            rollup_tuning=self.options.rollup_tuning,
            has_card=card is not None and card.ts is not None,
        )
        match step:
            case st.Next.LATE | st.Next.LATE_ALERT:
                return self._late(channel, thread, event, root, step)
            case st.Next.ROLL_UP:
                return Outcome.ROLLED_UP, None
            case st.Next.CARD:
                return self._package_card(channel, thread, event, card)
            case st.Next.EDIT:
                return Outcome.UPDATED, None
        shown = previous or event.detail.previous_status
        return Outcome.REPLIED, self._reply(channel, thread, event, root, shown)

    def _package_card(
        self,
        channel: str,
        thread: ThreadRecord,
        event: SageMakerEvent,
        card: ThreadRecord | None,
    ) -> tuple[Outcome, str | None]:
        """A model package a run registered: when it waits for approval, its full card (with
        Approve / Reject) is posted in the run's thread and broadcast, so approvers see it;
        from then on that reply is the package's card, kept current like a parent (decisions
        update it)."""
        assert thread.ts is not None
        key = event.resource.key
        # The card is a reply: what is said about it later goes to the run's thread.
        state = {**st.new_state(event), st.IN_THREAD_KEY: thread.ts}
        if card is not None and card.ts is not None:
            if self.store.advance_thread(
                channel,
                key,
                order_key=event.order_key,
                status=event.status,
                state={**state, **self._evidence(event, card.state)},
            ):
                self._note_decision(channel, card, event)
                self.refresh_parent(channel, key, card.ts)
            return Outcome.UPDATED, None
        now = self._clock()
        record = ThreadRecord(
            channel=channel,
            resource_key=key,
            kind=event.kind.value,
            name=event.resource.name,
            claimed_at=now,
        )
        if not self.store.claim_thread(record, lease_seconds=self.options.lease_seconds, now=now):
            raise ThreadBusyError(f"the card of {key} in {channel} is being posted")
        try:
            state = {**state, **self._evidence(event, None)}
            ts = self._post(
                channel,
                self._render(event, st.render_context(event, state)),
                event,
                thread_ts=thread.ts,
                reply_broadcast=True,
            )
            self.store.advance_thread(
                channel,
                key,
                order_key=event.order_key,
                status=event.status,
                state=state,
            )
            self.store.set_thread_ts(channel, key, ts)
        except BaseException:
            self.store.release_thread(channel, key)
            raise
        return Outcome.REPLIED, ts

    def _evidence(self, event: SageMakerEvent, state: dict[str, Any] | None) -> dict[str, Any]:
        """A package card's evidence, as the keys to merge into its thread state: nothing when
        the thread already keeps it complete (a refresh never reads S3), or for other events."""
        if self.evidence is None or event.kind is not ResourceKind.MODEL_PACKAGE:
            return {}
        known = (state or {}).get(st.EVIDENCE_KEY)
        found = self.evidence.for_package(event, known)
        return {st.EVIDENCE_KEY: found} if found is not None and found != known else {}

    def _late(
        self,
        channel: str,
        thread: ThreadRecord,
        event: SageMakerEvent,
        root: st.Root,
        step: st.Next,
    ) -> tuple[Outcome, str | None]:
        """An event older than what the thread shows: the parent stays as it is, and nothing is
        posted, except an alert: a failure is never dropped; its line carries its own time."""
        if step is st.Next.LATE:
            return Outcome.LATE, None
        return Outcome.REPLIED, self._reply(channel, thread, event, root, None)

    def _reply(
        self,
        channel: str,
        thread: ThreadRecord,
        event: SageMakerEvent,
        root: st.Root,
        previous: str | None,
    ) -> str:
        assert thread.ts is not None
        broadcast = self._broadcast(event)
        if broadcast and root.run is not None:
            # One alert per run reaches the channel: the first failure to arrive (a job's is
            # the most specific and usually first); the step's and the run's stay in the
            # thread. Claimed before posting, by event, so a retry broadcasts it again.
            current = self.store.get_thread(channel, thread.resource_key)
            alerted = current.state.get(st.ALERTED_KEY) if current else None
            if alerted not in (None, event.id):
                broadcast = False
            else:
                self.store.update_thread_state(
                    channel, thread.resource_key, {st.ALERTED_KEY: event.id}
                )
        # An alert mentions its owner, or notes that it could not (a later event may).
        owners = self.owners if st.is_alert(event) else None
        owner = owners.mention(event) if owners is not None else None
        context = RenderContext(mode="reply", previous_status=previous, owner=owner)
        message = self._render(event, context)
        ts = self._post(channel, message, event, thread_ts=thread.ts, reply_broadcast=broadcast)
        if owners is not None:
            owners.alert_replied(channel, thread.resource_key, event, mentioned=owner is not None)
        if self.log_lines is not None:
            self.log_lines.reply_posted(channel, ts, message, event)
        return ts

    def _post(
        self,
        channel: str,
        message: dict[str, Any],
        event: SageMakerEvent,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> str:
        """Post a message; one Slack refuses as invalid (a broken user template) is sent again
        as the plain message built without templates, so the event still shows."""
        try:
            return self.slack.post_message(
                channel, message, thread_ts=thread_ts, reply_broadcast=reply_broadcast
            )
        except SlackDeliveryError as exc:
            if exc.code not in INVALID_BLOCKS:
                raise
            self._invalid_blocks(channel, event, exc)
            return self.slack.post_message(
                channel,
                minimal_message(event),
                thread_ts=thread_ts,
                reply_broadcast=reply_broadcast,
            )

    def _invalid_blocks(self, channel: str, event: SageMakerEvent, exc: Exception) -> None:
        logger.warning(
            "Slack refused the message of %s (%s) in %s: %s; sending it plain",
            event.id,
            event.spec.template,
            channel,
            exc,
        )
        self.metrics.count("MessagesSentPlain")

    def _recreate_parent(self, channel: str, key: str) -> None:
        """The thread's parent was deleted (by a person, by a retention policy): post it
        again with the current state; the thread goes on under the new one."""
        thread = self.store.get_thread(channel, key)
        root = st.root_event(thread.state) if thread is not None else None
        if thread is None or root is None:
            return
        message = self._render(root, st.render_context(root, thread.state))
        self.store.set_thread_ts(channel, key, self._post(channel, message, root))

    def refresh_parent(self, channel: str, key: str, ts: str, *, settle: bool = True) -> None:
        """Re-render the parent from the store's newest state and update it in place.

        Another worker may update the same parent meanwhile, and Slack may apply the two
        updates in either order (a 429 wait in between). So after updating, the state is read
        again: if it moved on, the parent is rendered and updated again, until what Slack
        shows is what the store holds. ``settle=False``: one update only (a flood's turn,
        whose state moves on with every child).
        """
        thread = self.store.get_thread(channel, key)
        for _ in range(self.MAX_REFRESHES):
            if thread is None:
                return
            root = st.root_event(thread.state)
            if root is None:
                return
            message = self._render(root, st.render_context(root, thread.state))
            try:
                self.slack.update_message(channel, ts, message)
            except SlackDeliveryError as exc:
                if exc.code not in INVALID_BLOCKS:
                    raise
                self._invalid_blocks(channel, root, exc)
                self.slack.update_message(channel, ts, minimal_message(root))
            if not settle:
                return
            after = self.store.get_thread(channel, key)
            if after is None or after.state == thread.state:
                return
            thread = after
        logger.warning(
            "parent of %s in %s kept changing; the next event refreshes it", key, channel
        )

    def _render(self, event: SageMakerEvent, context: RenderContext) -> dict[str, Any]:
        """Render with what every message of this deliverer knows: whom a package waiting for
        approval mentions."""
        return self.renderer.render(event, replace(context, approvers=self._approvers))

    # --- approvals -----------------------------------------------------------------------

    def _remind_later(self, channel: str, event: SageMakerEvent) -> None:
        """A package waiting for approval gets one reminder in its thread in this channel, due
        the configured time after it started waiting (its event's time). Scheduled once per
        channel and package (the store's note of it is the condition), so every delivery of a
        waiting state may ask; whether it still waits is decided when it is due."""
        if not (self.options.reminder_seconds > 0 and st.waits_for_approval(event)):
            return
        since = event.time.timestamp() if event.time is not None else self._clock()
        reminder = Reminder(channel, event.resource.key, since + self.options.reminder_seconds)
        self.store.add_reminder(reminder, ttl_seconds=self.options.finished_ttl_seconds)

    def _note_decision(self, channel: str, thread: ThreadRecord, event: SageMakerEvent) -> None:
        """A package decided (Approved, Rejected): its card, refreshed next, says by whom: the
        approvers when Slack decided it, else "outside Slack" with SageMaker's approval note.
        ``thread`` is the card's record as read before this event."""
        if event.kind is not ResourceKind.MODEL_PACKAGE:
            return
        status = event.detail.field("ModelApprovalStatus")
        shown = ap.decision_from_state(thread.state.get(st.DECISION_KEY))
        if status not in ap.DECIDED or (shown is not None and shown.status == status):
            return
        record = self.store.get_approval(event.resource.arn or event.resource.key)
        decision = ap.decision_seen(
            status,
            event.detail.field("ApprovalDescription"),
            event.time,
            shown,
            record.state if record is not None else None,
        )
        if decision is not None:
            self.store.update_thread_state(
                channel, thread.resource_key, {st.DECISION_KEY: ap.decision_state(decision)}
            )

    def _broadcast(self, event: SageMakerEvent) -> bool:
        return self.options.broadcast_failures and st.is_alert(event)

    def _expiry(self, event: SageMakerEvent) -> dict[str, Any]:
        finished = st.is_finished(event)
        return {
            "finished": finished,
            "ttl_seconds": self.options.finished_ttl_seconds if finished else None,
        }

    def _current_subscriptions(self) -> list[Subscription]:
        now = self._clock()
        cached = self._subscriptions
        if cached is None or now - cached[0] > self.options.subscriptions_cache_seconds:
            cached = (now, self.store.list_subscriptions())
            self._failing = self.store.list_channel_failures()
            self._subscriptions = cached
        return cached[1]

    def forget_subscriptions(self) -> None:
        """Drop the subscription cache (after a subscribe/unsubscribe in this process)."""
        self._subscriptions = None
