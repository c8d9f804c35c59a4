"""The records the store keeps; its interfaces are in :mod:`bot.store.interfaces`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

OrderKey = tuple[float, float, int]
"""(event time, LastModifiedTime, status rank) as epoch seconds; bigger is newer."""

CHILDREN_KEY = "children"
"""Where a thread's state keeps the summary of its children (see ``ThreadStore.merge_child``)."""

ChildBuild = Callable[
    [dict[str, Any] | None, dict[str, Any]], tuple[dict[str, Any], dict[str, Any]]
]
"""``(old entry or None, the thread's state) -> (new entry, new summary of the children)``."""


class ChildMerge(NamedTuple):
    written: bool  # the entry was the child's newest state (or a retry of it), and is stored
    old: dict[str, Any] | None  # the child's stored entry before (None: first seen)


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


@dataclass(slots=True)
class ChannelFailure:
    """A channel Slack keeps refusing (the bot was removed, the channel archived or deleted).

    ``failures`` counts the refusals since the channel last took a message; ``reason`` is
    Slack's error code of the latest one; ``since`` and ``last_at`` are epoch seconds.
    """

    channel: str
    failures: int
    reason: str
    since: float
    last_at: float


@dataclass(slots=True)
class ApprovalRecord:
    """What Slack knows of one model package's approval (key: its ARN): the approvals given
    towards a decision that needs several, and the last decision taken in Slack.

    ``state`` is JSON-safe and read by :mod:`bot.approvals`; ``revision`` is what the stored
    record was at when read (0: none stored), and every write is conditional on it.
    """

    arn: str
    revision: int = 0
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Reminder:
    """A reminder due in a package's thread in one channel, at ``due_at`` (epoch seconds).

    ``resource_key`` is the package's key (its card's thread record says where to post). Both
    the reminder and the note that it was scheduled expire at ``expires_at``.
    """

    channel: str
    resource_key: str
    due_at: float
    expires_at: float | None = None


@dataclass(frozen=True, slots=True)
class EmailUser:
    """What Slack said of an email address (``users.lookupByEmail``), as kept: the user's id,
    or None when Slack knows no user with it."""

    user_id: str | None
