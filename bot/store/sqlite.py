"""The SQLite backend: local runs, the demo, and tests.

One connection (``check_same_thread=False``) behind a lock makes it thread-safe in a process;
every deciding method runs in one ``BEGIN IMMEDIATE`` transaction, which takes the database's
write lock up front, so several processes sharing the file agree as Lambda instances sharing a
DynamoDB table do. Files use WAL so readers never wait for a writer.

Expiry mirrors the DynamoDB backend: a finished thread gets an ``expires_at``, and so does
each delivery when it is begun (its own, so finishing a thread writes one row). SQLite has no
TTL sweeper: expired rows are ignored on read and deleted when a thread is claimed (a write
that already holds the lock).

Locks are rows of their own table (name, owner, lease end): one statement takes a lock (an
insert, or an update of a row whose lease has run out) and one frees it (a delete by the
owner). A lock whose holder died stays until someone takes it over.

An approval is a row per package with its revision; a reminder a row per channel and package,
``taken`` once sent (the row stays, so it is never scheduled again), found by an index on its
due time.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.errors import StoreError
from bot.store.base import (
    CHILDREN_KEY,
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
from bot.store.interfaces import Store

MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS threads (
    channel      TEXT NOT NULL,
    resource_key TEXT NOT NULL,
    ts           TEXT,
    status       TEXT,
    ok_event     REAL NOT NULL,
    ok_modified  REAL NOT NULL,
    ok_rank      INTEGER NOT NULL,
    kind         TEXT,
    name         TEXT,
    claimed_at   REAL NOT NULL,
    finished     INTEGER NOT NULL,
    state        TEXT NOT NULL,
    expires_at   REAL,
    PRIMARY KEY (channel, resource_key)
);
CREATE INDEX IF NOT EXISTS threads_expiry ON threads (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS deliveries (
    channel      TEXT NOT NULL,
    resource_key TEXT NOT NULL,
    state_key    TEXT NOT NULL,
    done         INTEGER NOT NULL,
    ts           TEXT,
    leased_until REAL NOT NULL,
    expires_at   REAL,
    PRIMARY KEY (channel, resource_key, state_key)
);
CREATE INDEX IF NOT EXISTS deliveries_expiry
    ON deliveries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS children (
    channel      TEXT NOT NULL,
    resource_key TEXT NOT NULL,
    child_key    TEXT NOT NULL,
    entry        TEXT NOT NULL,
    expires_at   REAL,
    PRIMARY KEY (channel, resource_key, child_key)
);
CREATE INDEX IF NOT EXISTS children_expiry ON children (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS subscriptions (
    channel    TEXT NOT NULL,
    id         TEXT NOT NULL,
    kinds      TEXT NOT NULL,
    names      TEXT NOT NULL,
    statuses   TEXT NOT NULL,
    accounts   TEXT NOT NULL,
    regions    TEXT NOT NULL,
    excludes   TEXT NOT NULL,
    created_by TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (channel, id)
);
CREATE TABLE IF NOT EXISTS audit (
    at      REAL NOT NULL,
    id      TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    result  TEXT NOT NULL,
    detail  TEXT NOT NULL,
    PRIMARY KEY (at, id)
);
CREATE TABLE IF NOT EXISTS channel_failures (
    channel  TEXT NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL,
    reason   TEXT NOT NULL,
    since    REAL NOT NULL,
    last_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS locks (
    name         TEXT NOT NULL PRIMARY KEY,
    owner        TEXT NOT NULL,
    leased_until REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS approvals (
    arn      TEXT NOT NULL PRIMARY KEY,
    revision INTEGER NOT NULL,
    state    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reminders (
    channel      TEXT NOT NULL,
    resource_key TEXT NOT NULL,
    due_at       REAL NOT NULL,
    taken        INTEGER NOT NULL,
    expires_at   REAL,
    PRIMARY KEY (channel, resource_key)
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (due_at) WHERE taken = 0;
CREATE TABLE IF NOT EXISTS package_metrics (
    arn        TEXT NOT NULL PRIMARY KEY,
    record     TEXT NOT NULL,
    expires_at REAL
);
CREATE TABLE IF NOT EXISTS email_users (
    key        TEXT NOT NULL PRIMARY KEY,
    user_id    TEXT,
    expires_at REAL NOT NULL
);
"""

# Expired means "expires_at <= wall clock": reads keep rows with
# "(expires_at IS NULL OR expires_at > ?)", the ? being time.time().


class SqliteStore(Store):
    """A :class:`Store` in one SQLite file (or ``":memory:"``)."""

    def __init__(self, path: str | Path) -> None:
        self._path = str(path)
        memory = self._path == MEMORY
        try:
            if not memory:
                Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions, so ours are exactly what we write.
            # The timeout is how long a write waits for another process's lock.
            self._conn = sqlite3.connect(
                self._path, timeout=30.0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the SQLite store at {self._path}: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            if not memory:
                self._conn.execute("PRAGMA journal_mode=WAL")
                # In WAL mode NORMAL loses at most the last commits on power loss, never
                # consistency; enough for local state and much faster than FULL.
                self._conn.execute("PRAGMA synchronous=NORMAL")
        # Under the write lock so two processes opening a new file at once do not race.
        with self._write() as conn:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    @property
    def path(self) -> str:
        return self._path

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that holds the database lock from its first statement."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                # SQLite rolls some failures back itself; a second ROLLBACK would mask them.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _read(self, sql: str, params: tuple[Any, ...]) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # --- threads ---------------------------------------------------------------------------

    def get_thread(self, channel: str, resource_key: str) -> ThreadRecord | None:
        rows = self._read(
            "SELECT * FROM threads WHERE channel = ? AND resource_key = ?"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (channel, resource_key, time.time()),
        )
        return _thread(rows[0]) if rows else None

    def claim_thread(
        self,
        record: ThreadRecord,
        *,
        lease_seconds: float,
        now: float,
        ttl_seconds: float | None = None,
    ) -> bool:
        wall = time.time()
        with self._write() as conn:
            # Housekeeping rides on this write: it already holds the lock.
            conn.execute("DELETE FROM threads WHERE expires_at <= ?", (wall,))
            conn.execute("DELETE FROM deliveries WHERE expires_at <= ?", (wall,))
            conn.execute("DELETE FROM children WHERE expires_at <= ?", (wall,))
            row = conn.execute(
                "SELECT ts, claimed_at FROM threads WHERE channel = ? AND resource_key = ?",
                (record.channel, record.resource_key),
            ).fetchone()
            if row is not None and not (
                row["ts"] is None and row["claimed_at"] < now - lease_seconds
            ):
                return False
            event, modified, rank = record.order_key
            conn.execute(
                "INSERT OR REPLACE INTO threads (channel, resource_key, ts, status, ok_event,"
                " ok_modified, ok_rank, kind, name, claimed_at, finished, state, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.channel,
                    record.resource_key,
                    record.ts,
                    record.status,
                    float(event),
                    float(modified),
                    int(rank),
                    record.kind,
                    record.name,
                    now,
                    int(record.finished),
                    json.dumps(record.state),
                    _expiry(record.finished, ttl_seconds, wall),
                ),
            )
            return True

    def release_thread(self, channel: str, resource_key: str) -> None:
        with self._write() as conn:
            conn.execute(
                "DELETE FROM threads WHERE channel = ? AND resource_key = ? AND ts IS NULL",
                (channel, resource_key),
            )

    def set_thread_ts(self, channel: str, resource_key: str, ts: str) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE threads SET ts = ? WHERE channel = ? AND resource_key = ?",
                (ts, channel, resource_key),
            )

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
        event, modified, rank = float(order_key[0]), float(order_key[1]), int(order_key[2])
        expires_at = _expiry(finished, ttl_seconds, time.time())
        with self._write() as conn:
            # A row-value comparison is the lexicographic tuple order the order key means; of
            # two states with equal keys the later arrival wins.
            row = conn.execute(
                "SELECT state FROM threads WHERE channel = ? AND resource_key = ?"
                " AND (ok_event, ok_modified, ok_rank) <= (?, ?, ?)",
                (channel, resource_key, event, modified, rank),
            ).fetchone()
            if row is None:
                return False
            merged = json.loads(row["state"])
            merged.update(state)
            conn.execute(
                "UPDATE threads SET status = ?, ok_event = ?, ok_modified = ?, ok_rank = ?,"
                " finished = ?, state = ?, expires_at = ? WHERE channel = ? AND resource_key = ?",
                (
                    status,
                    event,
                    modified,
                    rank,
                    int(finished),
                    json.dumps(merged),
                    expires_at,
                    channel,
                    resource_key,
                ),
            )
            return True

    def update_thread_state(self, channel: str, resource_key: str, state: dict[str, Any]) -> None:
        with self._write() as conn:
            merged = _thread_state(conn, channel, resource_key)
            if merged is None:
                return
            merged.update(state)
            _save_thread_state(conn, channel, resource_key, merged)

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
        wall = time.time()
        with self._write() as conn:
            state = _thread_state(conn, channel, resource_key)
            if state is None:
                return ChildMerge(False, None)
            row = conn.execute(
                "SELECT entry FROM children WHERE channel = ? AND resource_key = ?"
                " AND child_key = ? AND (expires_at IS NULL OR expires_at > ?)",
                (channel, resource_key, key, wall),
            ).fetchone()
            old = json.loads(row["entry"]) if row is not None else None
            if old is not None and tuple(old.get("order") or ()) > tuple(order_key):
                return ChildMerge(False, old)
            entry, summary = build(old, state)
            conn.execute(
                "INSERT OR REPLACE INTO children"
                " (channel, resource_key, child_key, entry, expires_at) VALUES (?, ?, ?, ?, ?)",
                (
                    channel,
                    resource_key,
                    key,
                    json.dumps({**entry, "order": list(order_key)}),
                    None if ttl_seconds is None else wall + ttl_seconds,
                ),
            )
            _save_thread_state(conn, channel, resource_key, {**state, CHILDREN_KEY: summary})
            return ChildMerge(True, old)

    def get_child(self, channel: str, resource_key: str, key: str) -> dict[str, Any] | None:
        rows = self._read(
            "SELECT entry FROM children WHERE channel = ? AND resource_key = ? AND child_key = ?"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (channel, resource_key, key, time.time()),
        )
        return dict(json.loads(rows[0]["entry"])) if rows else None

    # --- deliveries ----------------------------------------------------------------------------

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
        wall = time.time()
        with self._write() as conn:
            row = conn.execute(
                "SELECT done, leased_until, expires_at FROM deliveries"
                " WHERE channel = ? AND resource_key = ? AND state_key = ?",
                (channel, resource_key, state_key),
            ).fetchone()
            expired = (
                row is not None and row["expires_at"] is not None and row["expires_at"] <= wall
            )
            if row is not None and not expired and (row["done"] or row["leased_until"] >= now):
                return False
            conn.execute(
                "INSERT OR REPLACE INTO deliveries"
                " (channel, resource_key, state_key, done, ts, leased_until, expires_at)"
                " VALUES (?, ?, ?, 0, NULL, ?, ?)",
                (
                    channel,
                    resource_key,
                    state_key,
                    now + lease_seconds,
                    None if ttl_seconds is None else wall + ttl_seconds,
                ),
            )
            return True

    def complete_delivery(
        self,
        channel: str,
        resource_key: str,
        state_key: str,
        ts: str | None,
        *,
        ttl_seconds: float | None = None,
    ) -> None:
        expires_at = None if ttl_seconds is None else time.time() + ttl_seconds
        with self._write() as conn:
            conn.execute(
                "INSERT INTO deliveries"
                " (channel, resource_key, state_key, done, ts, leased_until, expires_at)"
                " VALUES (?, ?, ?, 1, ?, 0, ?)"
                " ON CONFLICT (channel, resource_key, state_key) DO UPDATE SET done = 1,"
                " ts = excluded.ts, leased_until = 0,"
                " expires_at = COALESCE(deliveries.expires_at, excluded.expires_at)",
                (channel, resource_key, state_key, ts, expires_at),
            )

    def abort_delivery(self, channel: str, resource_key: str, state_key: str) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE deliveries SET leased_until = 0"
                " WHERE channel = ? AND resource_key = ? AND state_key = ? AND done = 0",
                (channel, resource_key, state_key),
            )

    def get_delivery(
        self, channel: str, resource_key: str, state_key: str
    ) -> DeliveryRecord | None:
        rows = self._read(
            "SELECT * FROM deliveries WHERE channel = ? AND resource_key = ? AND state_key = ?"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (channel, resource_key, state_key, time.time()),
        )
        if not rows:
            return None
        row = rows[0]
        return DeliveryRecord(
            channel=row["channel"],
            resource_key=row["resource_key"],
            state_key=row["state_key"],
            done=bool(row["done"]),
            ts=row["ts"],
            leased_until=row["leased_until"],
        )

    # --- subscriptions -------------------------------------------------------------------------

    def add_subscription(self, subscription: Subscription) -> None:
        s = subscription
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO subscriptions (channel, id, kinds, names, statuses,"
                " accounts, regions, excludes, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    s.channel,
                    s.id,
                    json.dumps(s.kinds),
                    json.dumps(s.names),
                    json.dumps(s.statuses),
                    json.dumps(s.accounts),
                    json.dumps(s.regions),
                    json.dumps(s.excludes),
                    s.created_by,
                    s.created_at,
                ),
            )

    def remove_subscription(self, channel: str, subscription_id: str) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM subscriptions WHERE channel = ? AND id = ?",
                (channel, subscription_id),
            )
            return cursor.rowcount > 0

    def list_subscriptions(self, channel: str | None = None) -> list[Subscription]:
        if channel is None:
            rows = self._read("SELECT * FROM subscriptions ORDER BY created_at, id", ())
        else:
            rows = self._read(
                "SELECT * FROM subscriptions WHERE channel = ? ORDER BY created_at, id",
                (channel,),
            )
        return [
            Subscription(
                id=row["id"],
                channel=row["channel"],
                kinds=json.loads(row["kinds"]),
                names=json.loads(row["names"]),
                statuses=json.loads(row["statuses"]),
                accounts=json.loads(row["accounts"]),
                regions=json.loads(row["regions"]),
                excludes=json.loads(row["excludes"]),
                created_by=row["created_by"],
                created_at=row["created_at"],
            )
            for row in rows
        ]

    # --- failing channels ---------------------------------------------------------------------

    def mark_channel_failing(self, channel: str, reason: str, now: float) -> int:
        with self._write() as conn:
            row = conn.execute(
                "INSERT INTO channel_failures (channel, failures, reason, since, last_at)"
                " VALUES (?, 1, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET"
                " failures = channel_failures.failures + 1, reason = excluded.reason,"
                " last_at = excluded.last_at RETURNING failures",
                (channel, reason, now, now),
            ).fetchone()
            return int(row["failures"])

    def clear_channel_failing(self, channel: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM channel_failures WHERE channel = ?", (channel,))

    def list_channel_failures(self) -> dict[str, ChannelFailure]:
        rows = self._read("SELECT * FROM channel_failures ORDER BY channel", ())
        return {
            row["channel"]: ChannelFailure(
                channel=row["channel"],
                failures=row["failures"],
                reason=row["reason"],
                since=row["since"],
                last_at=row["last_at"],
            )
            for row in rows
        }

    # --- audit ---------------------------------------------------------------------------------

    def record_audit(self, record: AuditRecord) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO audit (at, id, user_id, action, target, result, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    record.at,
                    record.id,
                    record.user_id,
                    record.action,
                    record.target,
                    record.result,
                    json.dumps(record.detail),
                ),
            )

    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        if limit <= 0:
            return []
        rows = self._read("SELECT * FROM audit ORDER BY at DESC, id DESC LIMIT ?", (limit,))
        return [
            AuditRecord(
                id=row["id"],
                at=row["at"],
                user_id=row["user_id"],
                action=row["action"],
                target=row["target"],
                result=row["result"],
                detail=json.loads(row["detail"]),
            )
            for row in rows
        ]

    # --- locks ---------------------------------------------------------------------------------

    def acquire(self, name: str, *, owner: str, lease_seconds: float, now: float) -> bool:
        with self._write() as conn:
            # The upsert's WHERE leaves a live lease alone: then no row changes.
            cursor = conn.execute(
                "INSERT INTO locks (name, owner, leased_until) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
                " leased_until = excluded.leased_until WHERE locks.leased_until < ?",
                (name, owner, now + lease_seconds, now),
            )
            return cursor.rowcount == 1

    def release(self, name: str, *, owner: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM locks WHERE name = ? AND owner = ?", (name, owner))

    # --- approvals -----------------------------------------------------------------------------

    def get_approval(self, arn: str) -> ApprovalRecord | None:
        rows = self._read("SELECT revision, state FROM approvals WHERE arn = ?", (arn,))
        if not rows:
            return None
        return ApprovalRecord(arn, int(rows[0]["revision"]), json.loads(rows[0]["state"]))

    def put_approval(self, record: ApprovalRecord) -> bool:
        state = json.dumps(record.state)
        with self._write() as conn:
            if record.revision == 0:
                cursor = conn.execute(
                    "INSERT INTO approvals (arn, revision, state) VALUES (?, 1, ?)"
                    " ON CONFLICT (arn) DO NOTHING",
                    (record.arn, state),
                )
            else:
                cursor = conn.execute(
                    "UPDATE approvals SET revision = revision + 1, state = ?"
                    " WHERE arn = ? AND revision = ?",
                    (state, record.arn, record.revision),
                )
            return cursor.rowcount == 1

    # --- reminders -----------------------------------------------------------------------------

    def add_reminder(self, reminder: Reminder, *, ttl_seconds: float) -> bool:
        wall = time.time()
        with self._write() as conn:
            conn.execute("DELETE FROM reminders WHERE expires_at <= ?", (wall,))
            cursor = conn.execute(
                "INSERT INTO reminders (channel, resource_key, due_at, taken, expires_at)"
                " VALUES (?, ?, ?, 0, ?) ON CONFLICT (channel, resource_key) DO NOTHING",
                (
                    reminder.channel,
                    reminder.resource_key,
                    reminder.due_at,
                    reminder.due_at + ttl_seconds,
                ),
            )
            return cursor.rowcount == 1

    def due_reminders(self, now: float, limit: int = 50) -> list[Reminder]:
        if limit <= 0:
            return []
        rows = self._read(
            "SELECT * FROM reminders WHERE taken = 0 AND due_at <= ?"
            " AND (expires_at IS NULL OR expires_at > ?) ORDER BY due_at LIMIT ?",
            (now, time.time(), limit),
        )
        return [
            Reminder(row["channel"], row["resource_key"], row["due_at"], row["expires_at"])
            for row in rows
        ]

    def take_reminder(self, reminder: Reminder) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "UPDATE reminders SET taken = 1"
                " WHERE channel = ? AND resource_key = ? AND due_at = ? AND taken = 0",
                (reminder.channel, reminder.resource_key, reminder.due_at),
            )
            return cursor.rowcount == 1

    def release_reminder(self, reminder: Reminder) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE reminders SET taken = 0"
                " WHERE channel = ? AND resource_key = ? AND due_at = ?",
                (reminder.channel, reminder.resource_key, reminder.due_at),
            )

    # --- metrics read of model package versions --------------------------------------------

    def get_package_metrics(self, arn: str) -> dict[str, Any] | None:
        rows = self._read(
            "SELECT record FROM package_metrics WHERE arn = ?"
            " AND (expires_at IS NULL OR expires_at > ?)",
            (arn, time.time()),
        )
        return dict(json.loads(rows[0]["record"])) if rows else None

    def put_package_metrics(
        self, arn: str, record: dict[str, Any], *, ttl_seconds: float | None = None
    ) -> None:
        expires = time.time() + ttl_seconds if ttl_seconds is not None else None
        with self._write() as conn:
            conn.execute(
                "INSERT INTO package_metrics (arn, record, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (arn) DO UPDATE SET record = excluded.record,"
                " expires_at = excluded.expires_at",
                (arn, json.dumps(record), expires),
            )

    # --- Slack users found by email ------------------------------------------------------------

    def get_email_user(self, key: str) -> EmailUser | None:
        rows = self._read(
            "SELECT user_id FROM email_users WHERE key = ? AND expires_at > ?",
            (key, time.time()),
        )
        return EmailUser(rows[0]["user_id"]) if rows else None

    def put_email_user(self, key: str, user_id: str | None, *, ttl_seconds: float) -> None:
        now = time.time()
        with self._write() as conn:
            # Expired rows go with each write: the table holds only what is still of use.
            conn.execute("DELETE FROM email_users WHERE expires_at <= ?", (now,))
            conn.execute(
                "INSERT INTO email_users (key, user_id, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET user_id = excluded.user_id,"
                " expires_at = excluded.expires_at",
                (key, user_id, now + ttl_seconds),
            )


def _expiry(finished: bool, ttl_seconds: float | None, wall: float) -> float | None:
    return wall + ttl_seconds if finished and ttl_seconds is not None else None


def _thread(row: sqlite3.Row) -> ThreadRecord:
    return ThreadRecord(
        channel=row["channel"],
        resource_key=row["resource_key"],
        ts=row["ts"],
        status=row["status"],
        order_key=(row["ok_event"], row["ok_modified"], row["ok_rank"]),
        kind=row["kind"],
        name=row["name"],
        claimed_at=row["claimed_at"],
        finished=bool(row["finished"]),
        state=json.loads(row["state"]),
    )


def _thread_state(
    conn: sqlite3.Connection, channel: str, resource_key: str
) -> dict[str, Any] | None:
    """A thread's stored state, or ``None`` when there is no such thread."""
    row = conn.execute(
        "SELECT state FROM threads WHERE channel = ? AND resource_key = ?",
        (channel, resource_key),
    ).fetchone()
    return None if row is None else dict(json.loads(row["state"]))


def _save_thread_state(
    conn: sqlite3.Connection, channel: str, resource_key: str, state: dict[str, Any]
) -> None:
    conn.execute(
        "UPDATE threads SET state = ? WHERE channel = ? AND resource_key = ?",
        (json.dumps(state), channel, resource_key),
    )
