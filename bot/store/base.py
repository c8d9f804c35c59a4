"""The state store: one interface, two backends (SQLite locally, DynamoDB in AWS).

What it keeps:
- threads: one record per (channel, resource) holding the parent message's ``ts`` and the
  newest state shown in it (so late, older events never overwrite it);
- deliveries: one record per (channel, resource, state) so a state is posted once, however
  many times its event arrives, with a lease so a crashed worker's claim can be taken over;
- subscriptions: which channels want which events;
- audit: who did what, when, with what result.

Every method that decides something (claim, advance, begin) is a single conditional write, so
several Lambda instances working at once agree without locks.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

OrderKey = tuple[float, float, int]
"""(event time, LastModifiedTime, status rank) as epoch seconds; bigger is newer."""


@dataclass(slots=True)
class ThreadRecord:
    channel: str
    resource_key: str
    ts: str | None = None  # the parent message; None while its claimant is still posting it
    status: str | None = None  # the status the parent shows now
    order_key: OrderKey = (0.0, 0.0, 0)
    kind: str | None = None
    name: str | None = None
    claimed_at: float = 0.0  # epoch seconds; a claim without ts older than the lease is stale
    finished: bool = False  # the resource reached a final state: the record gets a TTL
    state: dict[str, Any] = field(default_factory=dict)  # what re-renders the parent (JSON-safe)


@dataclass(slots=True)
class DeliveryRecord:
    channel: str
    resource_key: str
    state_key: str
    done: bool = False
    ts: str | None = None  # the reply's ts once posted
    leased_until: float = 0.0


@dataclass(slots=True)
class Subscription:
    id: str
    channel: str
    kinds: list[str] = field(default_factory=list)  # empty = all kinds
    names: list[str] = field(default_factory=list)  # glob patterns, OR
    statuses: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)  # name globs that never match
    created_by: str | None = None
    created_at: float = 0.0


@dataclass(slots=True)
class AuditRecord:
    id: str
    at: float
    user_id: str
    action: str
    target: str
    result: str
    detail: dict[str, Any] = field(default_factory=dict)


class Store(abc.ABC):
    """Persistence for delivery state, subscriptions and audit. Implementations are thread-safe."""

    # --- threads ---------------------------------------------------------------------------

    @abc.abstractmethod
    def get_thread(self, channel: str, resource_key: str) -> ThreadRecord | None:
        """The thread of a resource in a channel, or ``None`` (also once it has expired).

        Expiry is by wall clock (``time.time()``), as DynamoDB's TTL sweeper's is.
        """

    @abc.abstractmethod
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

    @abc.abstractmethod
    def release_thread(self, channel: str, resource_key: str) -> None:
        """Drop a claim whose parent message was never posted (``ts`` still None), so a retry
        can claim it at once instead of waiting for the lease. A posted thread is never touched.
        """

    @abc.abstractmethod
    def set_thread_ts(self, channel: str, resource_key: str, ts: str) -> None:
        """Record the parent message's ``ts`` once it is posted."""

    @abc.abstractmethod
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
        """Move the parent's shown state forward if ``order_key`` is newer than the stored one.

        Returns False (and changes nothing) when the stored state is as new or newer, or when
        there is no record. ``state``'s keys are merged into the stored state (like
        :meth:`update_thread_state`), so keys kept by other writers (a pipeline's steps)
        survive. ``ttl_seconds`` sets an expiry (wall clock + ttl) on finished resources'
        records and their deliveries (DynamoDB TTL); advancing to an unfinished state clears
        the thread's expiry.
        """

    @abc.abstractmethod
    def update_thread_state(self, channel: str, resource_key: str, state: dict[str, Any]) -> None:
        """Merge keys into ``state`` without touching order (e.g. a pipeline's step checklist).

        Does nothing when there is no record.
        """

    @abc.abstractmethod
    def merge_child_state(
        self,
        channel: str,
        resource_key: str,
        key: str,
        entry: dict[str, Any],
        order_key: OrderKey,
    ) -> bool:
        """Set ``state[key] = entry`` (a child: a step, a trial) unless the stored entry is newer.

        ``entry["order"]`` is set to ``order_key``. An equal order is written again (a retry of
        the same event must finish its work). Returns whether it was written; False also when
        the thread does not exist. One conditional write, so concurrent workers never put an
        older child state over a newer one.
        """

    # --- deliveries (dedup) ----------------------------------------------------------------

    @abc.abstractmethod
    def begin_delivery(
        self, channel: str, resource_key: str, state_key: str, *, lease_seconds: float, now: float
    ) -> bool:
        """Claim the right to post one state: True if absent, or pending with an expired lease.

        False when it is done, or another worker holds a live lease (``leased_until >= now``).
        A record past its expiry counts as absent.
        """

    @abc.abstractmethod
    def complete_delivery(
        self, channel: str, resource_key: str, state_key: str, ts: str | None
    ) -> None:
        """Mark a state as posted (creating the record if it is missing)."""

    @abc.abstractmethod
    def abort_delivery(self, channel: str, resource_key: str, state_key: str) -> None:
        """Release a claim after a failed post, so a retry can take it at once.

        Does nothing to a delivery that is already done.
        """

    @abc.abstractmethod
    def get_delivery(
        self, channel: str, resource_key: str, state_key: str
    ) -> DeliveryRecord | None:
        """The delivery record, or ``None`` (also once it has expired with its thread)."""

    # --- subscriptions -----------------------------------------------------------------------

    @abc.abstractmethod
    def add_subscription(self, subscription: Subscription) -> None: ...

    @abc.abstractmethod
    def remove_subscription(self, channel: str, subscription_id: str) -> bool:
        """True if it existed in that channel."""

    @abc.abstractmethod
    def list_subscriptions(self, channel: str | None = None) -> list[Subscription]:
        """A channel's subscriptions, or all of them, oldest first."""

    # --- audit -------------------------------------------------------------------------------

    @abc.abstractmethod
    def record_audit(self, record: AuditRecord) -> None: ...

    @abc.abstractmethod
    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        """Newest first."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
