"""Telling a resource's owner about its alert: the deliverer's hooks, on the store and Slack.

:mod:`bot.delivery.owners` decides (pure), :mod:`bot.delivery.owner_lookup` finds the mention;
this does what they say. An alert reply mentions the owner; one that could not (not known
yet), or a new parent that is an alert (a card mentions nobody), is noted in its thread's
state (``owners.WANTED_KEY``); the first later event of the resource whose tags name the owner
posts one short reply that mentions them, made once by its delivery record. Nothing here
raises: the alert is out already, only a mention is at stake (logged, counted).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.delivery import owners as ow
from bot.delivery.metrics import Counter
from bot.render.renderer import section_message

if TYPE_CHECKING:
    from bot.delivery.owner_lookup import OwnerResolver
    from bot.events.parse import SageMakerEvent
    from bot.gateway import SlackGateway
    from bot.render.escape import Trusted
    from bot.store import ThreadRecord, ThreadStore

logger = logging.getLogger(__name__)


class OwnerPings:
    def __init__(
        self,
        resolver: OwnerResolver,
        store: ThreadStore,
        slack: SlackGateway,
        metrics: Counter,
        *,
        lease_seconds: float,
        dedup_seconds: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._resolver = resolver
        self._store = store
        self._slack = slack
        self._metrics = metrics
        self._lease = lease_seconds
        self._dedup = dedup_seconds
        self._clock = clock

    def mention(self, event: SageMakerEvent) -> Trusted | None:
        """The mention an alert reply makes of its owner, or None."""
        try:
            return self._resolver.mention(event)
        except Exception:  # never raises by contract; a bug must not cost the alert
            logger.exception("the owner of %s could not be resolved", event.resource.key)
            return None

    def alert_replied(
        self, channel: str, thread_key: str, event: SageMakerEvent, *, mentioned: bool
    ) -> None:
        """An alert reply went out: remember it when it could not mention its owner, so a
        later event that names them tells them; forget it when it did."""
        try:
            current = self._store.get_thread(channel, thread_key)
            state = current.state if current else {}
            wanted = ow.wanted_entries(state)
            key = event.resource.key
            if mentioned:
                if ow.wanted_entry(state, key) is not None:
                    entries = ow.without_wanted(wanted, key)
                    self._store.update_thread_state(channel, thread_key, {ow.WANTED_KEY: entries})
                return
            entries = ow.with_wanted(wanted, key, event.status)
            self._store.update_thread_state(channel, thread_key, {ow.WANTED_KEY: entries})
        except Exception:  # bookkeeping: the alert is out; only a later mention is at stake
            logger.warning("noting the owner of %s failed", event.resource.key, exc_info=True)

    def delivered(
        self,
        channel: str,
        thread_key: str,
        event: SageMakerEvent,
        *,
        new_alert_parent: bool,
        before: ThreadRecord | None = None,
    ) -> None:
        """After any other delivery of ``event``: a new parent that is an alert tells the
        owner in a short reply (or waits for them), and a later event of a resource whose
        alert went out without them tells them. ``before``: the thread as read before this
        delivery (which alerts wait for their owner), so most events read nothing again."""
        if not new_alert_parent:
            if self._resolver.owner(event) is None:
                return  # the tags name nobody
            if before is not None and ow.wanted_entry(before.state, event.resource.key) is None:
                return  # no alert of it waits for its owner here
        try:
            thread = self._store.get_thread(channel, thread_key)
            if thread is None or thread.ts is None:
                return
            mine = ow.wanted_entry(thread.state, event.resource.key)
            if not new_alert_parent and mine is None:
                return
            who = self.mention(event)
            step = ow.owner_step(
                alert_shown=new_alert_parent,
                mentioned=False,
                wanted=mine is not None,
                known=who is not None,
            )
            if step is ow.OwnerStep.WANT:
                self.alert_replied(channel, thread_key, event, mentioned=False)
            elif step is ow.OwnerStep.FOLLOW_UP and who is not None:
                shown = event.status if new_alert_parent or mine is None else mine["status"]
                self._follow_up(channel, thread, event, who, shown or None)
        except Exception:  # the event is delivered; only the follow-up is at stake
            logger.warning("telling the owner of %s failed", event.resource.key, exc_info=True)
            self._metrics.count("OwnerFollowUpsFailed")

    def _follow_up(
        self,
        channel: str,
        thread: ThreadRecord,
        event: SageMakerEvent,
        who: Trusted,
        status: str | None,
    ) -> None:
        """One short reply that mentions the owner; its delivery record makes it once, however
        many events (or workers) find them."""
        assert thread.ts is not None
        key = ow.FOLLOW_UP_PREFIX + event.resource.key
        if not self._store.begin_delivery(
            channel,
            thread.resource_key,
            key,
            lease_seconds=self._lease,
            now=self._clock(),
            ttl_seconds=self._dedup,
        ):
            return
        text = ow.follow_up_text(
            who, event.kind_title, event.resource.display_name, status or event.status
        )
        try:
            ts = self._slack.post_message(channel, section_message(text), thread_ts=thread.ts)
        except BaseException:
            self._store.abort_delivery(channel, thread.resource_key, key)
            raise
        self._store.complete_delivery(
            channel, thread.resource_key, key, ts, ttl_seconds=self._dedup
        )
        self._metrics.count("OwnersToldLater")
        wanted = ow.without_wanted(ow.wanted_entries(thread.state), event.resource.key)
        self._store.update_thread_state(channel, thread.resource_key, {ow.WANTED_KEY: wanted})
