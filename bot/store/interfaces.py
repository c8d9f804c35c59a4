"""The store's interfaces: small ones, each for what one kind of consumer uses.

- :class:`ThreadStore`: threads (one per channel and resource: the parent message's ``ts`` and
  the newest state shown in it) and their deliveries (one per channel, resource and state, so
  a state is posted once however many times its event arrives; a lease lets a crashed
  worker's claim be taken over). The deliverer's, and what re-renders a parent.
- :class:`SubscriptionStore`: which channels want which events (routing, the commands).
- :class:`AuditLog`: who did what, when, with what result.
- :class:`Locks`: named lease locks (one approval decision at a time per model package).
- :class:`Approvals`: per model package, the approvals given in Slack (the two-person rule).
- :class:`Reminders`: reminders of packages still waiting for approval, found by due time.
- :class:`PackageMetricsStore`: what was read of each model package version's metrics
  documents (the events function reads them once; the approval modal shows them).
- :class:`EmailUsers`: the Slack users found by email (a resource's owner named by an email
  tag), kept for a while so that a cold start does not ask Slack again.

:class:`Store` is all of them: what the backends implement (they may keep everything in one
table) and what :func:`bot.store.open_store` returns. A consumer's parameter names the small
interface it uses, so what it touches is plain from its signature.

Every method that decides something (claim, advance, begin, acquire) is a single conditional
write, so several Lambda instances working at once agree without any other coordination.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Protocol

from bot.store.base import (
    ApprovalRecord,
    AuditRecord,
    ChannelFailure,
    ChildBuild,
    ChildMerge,
    DeliveryRecord,
    EmailUser,
    OrderKey,
    Reminder,
    Subscription,
    ThreadRecord,
)


class ThreadStore(Protocol):
    """Threads and the delivery records that keep each state from being posted twice."""

    @abstractmethod
    def get_thread(self, channel: str, resource_key: str) -> ThreadRecord | None:
        """The thread of a resource in a channel, or ``None`` (also once it has expired).

        Expiry is by wall clock (``time.time()``), as DynamoDB's TTL sweeper's is.
        """

    @abstractmethod
    def claim_thread(
        self,
        record: ThreadRecord,
        *,
        lease_seconds: float,
        now: float,
        ttl_seconds: float | None = None,
    ) -> bool:
        """Create the thread record if absent (or take over a stale claim with no ``ts``).

        Returns True for exactly one caller, which must post the parent message and then call
        :meth:`set_thread_ts`. Others get False and read the record (retrying if ``ts`` is
        still None). The stored ``claimed_at`` is ``now``; a claim is stale once
        ``claimed_at < now - lease_seconds``. A record past its expiry counts as absent.
        ``ttl_seconds`` gives the record an expiry when ``record.finished`` (a resource first
        seen in a final state), as :meth:`advance_thread` does.
        """

    @abstractmethod
    def release_thread(self, channel: str, resource_key: str) -> None:
        """Drop a claim whose parent message was never posted (``ts`` still None), so a retry
        can claim it at once instead of waiting for the lease. A posted thread is never touched.
        """

    @abstractmethod
    def set_thread_ts(self, channel: str, resource_key: str, ts: str) -> None:
        """Record the parent message's ``ts`` once it is posted."""

    @abstractmethod
    def advance_thread(
        self,
        channel: str,
        resource_key: str,
        *,
        order_key: OrderKey,
        status: str | None,
        state: dict[str, Any],
        finished: bool = False,
        ttl_seconds: float | None = None,
    ) -> bool:
        """Move the parent's shown state forward if ``order_key`` is as new as the stored one
        or newer: of two states with equal keys the later arrival wins.

        Returns False (and changes nothing) when the stored state is newer, or when there is
        no record. ``state``'s keys are merged into the stored state (like
        :meth:`update_thread_state`), so keys kept by other writers (a pipeline's steps)
        survive. ``ttl_seconds`` sets an expiry (wall clock + ttl) on a finished resource's
        record (DynamoDB TTL); advancing to an unfinished state clears it. One write, whatever
        the thread holds: its deliveries carry expiries of their own.
        """

    @abstractmethod
    def update_thread_state(self, channel: str, resource_key: str, state: dict[str, Any]) -> None:
        """Merge keys into ``state`` without touching order (e.g. a pipeline's step checklist).

        Does nothing when there is no record.
        """

    @abstractmethod
    def merge_child(
        self,
        channel: str,
        resource_key: str,
        key: str,
        order_key: OrderKey,
        build: ChildBuild,
        *,
        ttl_seconds: float | None = None,
    ) -> ChildMerge:
        """Store a child's new entry (a step, a job of a run, a trial) as a record of its own,
        and the thread's summary of its children (``state[CHILDREN_KEY]``) with it, in one
        atomic step; unless the child's stored entry is newer than ``order_key`` (an equal one
        is written again: a retry of the same event must finish its work).

        ``build(old, state)`` gets the child's stored entry (None when first seen) and the
        thread's state, and returns the entry to store and the new summary. It must be pure
        and take any input: under a race it may see the two as of different moments, and its
        result is then not written; it is called again when another writer changed the child
        or the summary meanwhile.
        The stored entry's ``order`` is ``order_key``. ``ttl_seconds`` gives the child's
        record an expiry (wall clock + ttl), past which it counts as absent. Returns
        ``ChildMerge(False, None)`` when there is no thread. Each call reads and writes the
        same few records whatever the number of children.
        """

    @abstractmethod
    def get_child(self, channel: str, resource_key: str, key: str) -> dict[str, Any] | None:
        """A child's stored entry (as :meth:`merge_child` wrote it), or ``None``."""

    # --- deliveries: one record per (channel, resource, state), to post each state once ----

    @abstractmethod
    def begin_delivery(
        self,
        channel: str,
        resource_key: str,
        state_key: str,
        *,
        lease_seconds: float,
        now: float,
        ttl_seconds: float | None = None,
    ) -> bool:
        """Claim the right to post one state: True if absent, or pending with an expired lease.

        False when it is done, or another worker holds a live lease (``leased_until >= now``).
        A record past its expiry counts as absent. ``ttl_seconds`` gives the record an expiry
        (wall clock + ttl) from the start: it only has to outlive every redelivery of its
        event, so nothing has to find and stamp a thread's deliveries when the thread ends.
        """

    @abstractmethod
    def complete_delivery(
        self,
        channel: str,
        resource_key: str,
        state_key: str,
        ts: str | None,
        *,
        ttl_seconds: float | None = None,
    ) -> None:
        """Mark a state as posted (creating the record if it is missing, with ``ttl_seconds``
        as :meth:`begin_delivery`'s; an existing record keeps its expiry)."""

    @abstractmethod
    def abort_delivery(self, channel: str, resource_key: str, state_key: str) -> None:
        """Release a claim after a failed post, so a retry can take it at once.

        Does nothing to a delivery that is already done.
        """

    @abstractmethod
    def get_delivery(
        self, channel: str, resource_key: str, state_key: str
    ) -> DeliveryRecord | None:
        """The delivery record, or ``None`` (also once it has expired with its thread)."""


class SubscriptionStore(Protocol):
    """Which channels want which events."""

    @abstractmethod
    def add_subscription(self, subscription: Subscription) -> None: ...

    @abstractmethod
    def remove_subscription(self, channel: str, subscription_id: str) -> bool:
        """True if it existed in that channel."""

    @abstractmethod
    def list_subscriptions(self, channel: str | None = None) -> list[Subscription]:
        """A channel's subscriptions, or all of them, oldest first."""

    # --- channels Slack keeps refusing: one small record per channel ------------------------

    @abstractmethod
    def mark_channel_failing(self, channel: str, reason: str, now: float) -> int:
        """Count one more refusal of ``channel`` (``reason``: Slack's error code) and return
        the count since it last took a message. One write; ``since`` keeps the first one's
        ``now``."""

    @abstractmethod
    def clear_channel_failing(self, channel: str) -> None:
        """Forget a channel's refusals (a message went through). Nothing if there were none."""

    @abstractmethod
    def list_channel_failures(self) -> dict[str, ChannelFailure]:
        """Every channel with refusals on record, by channel id."""


class AuditLog(Protocol):
    """Who did what, to what, when, with what result."""

    @abstractmethod
    def record_audit(self, record: AuditRecord) -> None: ...

    @abstractmethod
    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        """Newest first."""


class Locks(Protocol):
    """Named lease locks: one holder at a time, taken over once its lease has run out.

    A holder is identified by ``owner``, which the caller makes unique per attempt; ``now`` is
    epoch seconds, as for a delivery's lease. Locks share nothing with threads or deliveries.
    """

    @abstractmethod
    def acquire(self, name: str, *, owner: str, lease_seconds: float, now: float) -> bool:
        """Take the lock ``name`` until ``now + lease_seconds``.

        True when it was free or its lease had run out (``leased_until < now``); False while
        someone holds it, ``owner`` itself included (a lock is not re-entrant). One
        conditional write: of several callers at once, exactly one gets True.
        """

    @abstractmethod
    def release(self, name: str, *, owner: str) -> None:
        """Free the lock if ``owner`` holds it; otherwise (someone else took it over after the
        lease ran out, or it is free) do nothing. One conditional write."""


class Approvals(Protocol):
    """Per model package (by ARN): what Slack knows of its approval (:mod:`bot.approvals`)."""

    @abstractmethod
    def get_approval(self, arn: str) -> ApprovalRecord | None:
        """The package's record, read strongly consistent; ``None`` when there is none."""

    @abstractmethod
    def put_approval(self, record: ApprovalRecord) -> bool:
        """Store ``record.state`` if the stored record is still at ``record.revision`` (0: none
        is stored); it is then at ``record.revision + 1``. False, and nothing written, when
        another writer got there first. One conditional write: of several callers writing from
        the same revision, exactly one gets True."""


class Reminders(Protocol):
    """Reminders of packages still waiting for approval: one per channel and package, ever,
    found by their due time without reading the others."""

    @abstractmethod
    def add_reminder(self, reminder: Reminder, *, ttl_seconds: float) -> bool:
        """Schedule ``reminder`` unless one was ever scheduled for its channel and resource
        (sent or not): True when this call scheduled it. It and the note that it was
        scheduled expire ``ttl_seconds`` after it is due. One conditional write."""

    @abstractmethod
    def due_reminders(self, now: float, limit: int = 50) -> list[Reminder]:
        """Reminders due at ``now`` or before and not taken, the longest due first, at most
        ``limit``. Reads only those: never the whole store."""

    @abstractmethod
    def take_reminder(self, reminder: Reminder) -> bool:
        """Take a due reminder to send it: True for exactly one caller, however many try."""

    @abstractmethod
    def release_reminder(self, reminder: Reminder) -> None:
        """Give back a taken reminder (its message failed for a reason that may pass): it is
        due again, at its own time."""


class PackageMetricsStore(Protocol):
    """What was read of each model package version's metrics documents, by package ARN.

    A version's documents never change, so what was read of them is kept rather than read
    again, and what is kept may be shown without reading anything (the approval modal).
    """

    @abstractmethod
    def get_package_metrics(self, arn: str) -> dict[str, Any] | None:
        """The record kept for the package (JSON-safe), or ``None`` (also once expired)."""

    @abstractmethod
    def put_package_metrics(
        self, arn: str, record: dict[str, Any], *, ttl_seconds: float | None = None
    ) -> None:
        """Keep ``record`` for the package, in place of what was kept. ``ttl_seconds`` gives
        it an expiry (wall clock + ttl). One write; of two writers the later one's is kept
        (both read the same documents)."""


class EmailUsers(Protocol):
    """The Slack users found by email address, each kept until its expiry, an unknown address
    too (for a shorter time). Keyed by a digest of the address (``key``), never the address."""

    @abstractmethod
    def get_email_user(self, key: str) -> EmailUser | None:
        """What was kept for ``key``, or ``None`` (never asked, or expired)."""

    @abstractmethod
    def put_email_user(self, key: str, user_id: str | None, *, ttl_seconds: float) -> None:
        """Keep what Slack said (``user_id``, None: no such user) for ``ttl_seconds``, in
        place of what was kept. One write."""


class Store(
    ThreadStore,
    SubscriptionStore,
    AuditLog,
    Locks,
    Approvals,
    Reminders,
    PackageMetricsStore,
    EmailUsers,
    Protocol,
):
    """The whole store: what a backend implements. Implementations are thread-safe."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""
