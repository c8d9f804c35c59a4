"""The DynamoDB backend: one table shared by every Lambda instance.

Table: key ``pk`` (HASH, S) + ``sk`` (RANGE, S); TTL attribute ``expires_at`` (epoch seconds,
N). Item layout::

    thread        pk = THREAD#<channel>#<resource_key>   sk = THREAD
    delivery      pk = THREAD#<channel>#<resource_key>   sk = STATE#<state_key>
    child         pk = THREAD#<channel>#<resource_key>   sk = CHILD#<child_key>
    subscription  pk = SUBSCRIPTIONS                     sk = <channel>#<id>
    audit         pk = AUDIT                             sk = <at as %020.6f>#<id>
    lock          pk = LOCK#<name>                       sk = LOCK
    failing chan. pk = CHANNEL_FAILURES                  sk = <channel>
    approval      pk = APPROVAL#<package ARN>            sk = APPROVAL
    reminder note pk = THREAD#<channel>#<resource_key>   sk = REMINDER
    due reminder  pk = REMINDERS                         sk = <due_at as %020.6f>#<channel>#<key>
    pkg. metrics  pk = PACKAGE#<model package ARN>       sk = METRICS
    email user    pk = EMAIL#<digest of the address>      sk = USER

A delivery or a child shares its thread's partition. Channel ids (``C…``) never contain
``#``, so ``<channel>#`` is an exact prefix. Every item also keeps its fields as plain
attributes, so nothing parses keys back.

Order key: three Number attributes ``ok_event``, ``ok_modified``, ``ok_rank``, compared
lexicographically in the ConditionExpression of :meth:`DynamoDBStore.advance_thread`. Numbers
rather than one sortable string because DynamoDB compares Numbers exactly (38 digits, signs
included) and floats convert to Decimal through ``repr``, which round-trips exactly; a string
encoding would need a fixed width and an offset for negative values.

Expiry: a finished thread gets ``expires_at = time.time() + ttl``. A delivery gets its own
when it is begun (the same ttl, from then): it only has to outlive the redeliveries of its
event, so finishing a thread is one write however many deliveries it had. The TTL sweeper
deletes late (up to days), so reads and claims treat ``expires_at <= time.time()`` as absent.

A lock is one item: ``owner`` and ``leased_until`` (the lease's end, on the caller's clock).
:meth:`~DynamoDBStore.acquire` is one PutItem, conditional on no item or a lease run out;
:meth:`~DynamoDBStore.release` one DeleteItem, conditional on the owner. A lock whose holder
died is taken over by the next acquire, and swept by TTL: its ``expires_at`` is an hour past
the lease's end on the wall clock (only the lease decides; the TTL just clears the table).

An approval is one item with a revision (``rev``); :meth:`~DynamoDBStore.put_approval` is one
PutItem conditional on it. A reminder is two items written in one transaction: a note in its
thread's partition, which exists once per channel and resource (the condition that keeps a
reminder from being scheduled twice, and what stays once it is sent), and the due item, in one
partition sorted by due time, so the due ones are one Query (``sk <`` now) whatever else the
table holds. Taking a reminder deletes its due item (conditional on it being there); both
expire by TTL.

Every read that decides something is strongly consistent: a worker that lost a claim reads
the winner's record straight after.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bot.errors import StoreConflictError, StoreError
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

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

TTL_ATTRIBUTE = "expires_at"
THREAD_SK = "THREAD"
SUBSCRIPTIONS_PK = "SUBSCRIPTIONS"
CHANNEL_FAILURES_PK = "CHANNEL_FAILURES"
AUDIT_PK = "AUDIT"
LOCK_SK = "LOCK"
APPROVAL_SK = "APPROVAL"
REMINDER_SK = "REMINDER"
REMINDERS_PK = "REMINDERS"
METRICS_SK = "METRICS"
EMAIL_USER_SK = "USER"
REVISION = "rev"  # a thread's summary of its children, and a child's entry, change by revision
MERGE_ATTEMPTS = 8
LOCK_TTL_GRACE_SECONDS = 3600.0
"""How long past its lease a lock item stays before DynamoDB's TTL may sweep it."""


def thread_pk(channel: str, resource_key: str) -> str:
    return f"THREAD#{channel}#{resource_key}"


def delivery_sk(state_key: str) -> str:
    return f"STATE#{state_key}"


def child_sk(child_key: str) -> str:
    return f"CHILD#{child_key}"


def subscription_sk(channel: str, subscription_id: str) -> str:
    return f"{channel}#{subscription_id}"


def audit_sk(at: float, record_id: str) -> str:
    # Zero-padded so string order is time order (for non-negative epoch seconds).
    return f"{at:020.6f}#{record_id}"


def lock_pk(name: str) -> str:
    return f"LOCK#{name}"


def approval_pk(arn: str) -> str:
    return f"APPROVAL#{arn}"


def due_sk(due_at: float, channel: str, resource_key: str) -> str:
    # Zero-padded so string order is time order; "#" sorts before "$", the bound of a query.
    return f"{due_at:020.6f}#{channel}#{resource_key}"


def package_pk(arn: str) -> str:
    return f"PACKAGE#{arn}"


def email_pk(key: str) -> str:
    return f"EMAIL#{key}"


def create_table(client: DynamoDBClient, table_name: str) -> None:
    """Create the table (on-demand) with TTL on ``expires_at``; an existing table is kept."""
    # An existing table is fine: re-running a local setup must not fail.
    with contextlib.suppress(client.exceptions.ResourceInUseException):
        client.create_table(
            TableName=table_name,
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
    # TTL can only be set on an ACTIVE table. The waiter checks before its first sleep, so a
    # table that is ACTIVE at once (moto) costs no delay.
    client.get_waiter("table_exists").wait(
        TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 60}
    )
    ttl = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    # Enabling it again is an error, so only when it is off.
    if ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
        )


class _Expression:
    """Placeholders for one request: every name and value goes through them, which sidesteps
    DynamoDB's reserved words (``status``, ``name``, ``state``…) and odd state keys."""

    def __init__(self, store: DynamoDBStore) -> None:
        self._store = store
        self.names: dict[str, str] = {}
        self._placeholders: dict[str, str] = {}  # name -> placeholder: one per name
        self.values: dict[str, Any] = {}

    def n(self, name: str) -> str:
        placeholder = self._placeholders.get(name)
        if placeholder is None:
            placeholder = self._placeholders[name] = f"#n{len(self.names)}"
            self.names[placeholder] = name
        return placeholder

    def v(self, value: Any) -> str:
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = self._store.encode(value)
        return placeholder

    def kwargs(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.names:
            out["ExpressionAttributeNames"] = self.names
        if self.values:
            out["ExpressionAttributeValues"] = self.values
        return out


class DynamoDBStore(Store):
    """A :class:`Store` in one DynamoDB table (see the module docstring for its layout)."""

    def __init__(self, table_name: str, client: DynamoDBClient) -> None:
        # Imported here, not at module import: boto3 is slow to import and only this backend
        # needs it.
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        self._table = table_name
        self._client = client
        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()

    @property
    def table_name(self) -> str:
        return self._table

    @property
    def client(self) -> DynamoDBClient:
        return self._client

    def close(self) -> None:
        """Nothing to release: the client is the caller's."""

    # --- encoding ------------------------------------------------------------------------------

    def encode(self, value: Any) -> dict[str, Any]:
        """One Python value as a DynamoDB attribute value."""
        return dict(self._serializer.serialize(_to_dynamo(value)))

    def _item(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        # None is left out rather than stored as NULL, so attribute_not_exists(ts) means
        # "no ts yet".
        return {key: self.encode(value) for key, value in fields.items() if value is not None}

    def _decode(self, item: Mapping[str, Any]) -> dict[str, Any]:
        return {
            key: _from_dynamo(self._deserializer.deserialize(value)) for key, value in item.items()
        }

    def _key(self, pk: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": pk}, "sk": {"S": sk}}

    # --- calls ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """Errors no retry can fix become StoreError; throttling and 5xx (already retried by
        botocore) pass through unchanged."""
        exceptions = self._client.exceptions
        try:
            yield
        except exceptions.ResourceNotFoundException as exc:
            raise StoreError(f"DynamoDB table {self._table!r} does not exist: {exc}") from exc
        except exceptions.ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ValidationException":
                raise StoreError(f"DynamoDB refused a request: {exc}") from exc
            raise

    def _conditional(self, operation: Callable[..., object], **kwargs: Any) -> bool:
        """Run a conditional write; False when its condition did not hold."""
        with self._errors():
            try:
                operation(TableName=self._table, **kwargs)
            except self._client.exceptions.ConditionalCheckFailedException:
                return False
        return True

    def _get(self, pk: str, sk: str, *attributes: str) -> dict[str, Any] | None:
        """One item (only ``attributes`` if given), read strongly consistent."""
        kwargs: dict[str, Any] = {"ConsistentRead": True}
        if attributes:
            e = _Expression(self)
            kwargs["ProjectionExpression"] = ", ".join(e.n(name) for name in attributes)
            kwargs.update(e.kwargs())
        with self._errors():
            response = self._client.get_item(TableName=self._table, Key=self._key(pk, sk), **kwargs)
        item = response.get("Item")
        return self._decode(item) if item else None

    def _query(self, **kwargs: Any) -> Iterator[dict[str, Any]]:
        """Every item of a Query, page after page."""
        while True:
            with self._errors():
                response = self._client.query(TableName=self._table, ConsistentRead=True, **kwargs)
            for item in response.get("Items", []):
                yield self._decode(item)
            last = response.get("LastEvaluatedKey")
            if not last:
                return
            kwargs["ExclusiveStartKey"] = last

    # --- threads ---------------------------------------------------------------------------

    def get_thread(self, channel: str, resource_key: str) -> ThreadRecord | None:
        item = self._get(thread_pk(channel, resource_key), THREAD_SK)
        if item is None or _expired(item, time.time()):
            return None
        event, modified, rank = item["ok_event"], item["ok_modified"], item["ok_rank"]
        return ThreadRecord(
            channel=item["channel"],
            resource_key=item["resource_key"],
            ts=item.get("ts"),
            status=item.get("status"),
            order_key=(float(event), float(modified), int(rank)),
            kind=item.get("kind"),
            name=item.get("name"),
            claimed_at=float(item["claimed_at"]),
            finished=bool(item.get("finished", False)),
            state=dict(item.get("state", {})),
        )

    def claim_thread(
        self,
        record: ThreadRecord,
        *,
        lease_seconds: float,
        now: float,
        ttl_seconds: float | None = None,
    ) -> bool:
        wall = time.time()
        event, modified, rank = record.order_key
        item = self._item(
            {
                "pk": thread_pk(record.channel, record.resource_key),
                "sk": THREAD_SK,
                "channel": record.channel,
                "resource_key": record.resource_key,
                "ts": record.ts,
                "status": record.status,
                "ok_event": float(event),
                "ok_modified": float(modified),
                "ok_rank": int(rank),
                "kind": record.kind,
                "name": record.name,
                "claimed_at": now,
                "finished": record.finished,
                "state": record.state,
                TTL_ATTRIBUTE: _expiry(record.finished, ttl_seconds, wall),
            }
        )
        e = _Expression(self)
        condition = (
            f"attribute_not_exists({e.n('pk')})"
            f" OR (attribute_not_exists({e.n('ts')})"
            f" AND {e.n('claimed_at')} < {e.v(now - lease_seconds)})"
            f" OR {e.n(TTL_ATTRIBUTE)} <= {e.v(wall)}"
        )
        return self._conditional(
            self._client.put_item, Item=item, ConditionExpression=condition, **e.kwargs()
        )

    def release_thread(self, channel: str, resource_key: str) -> None:
        e = _Expression(self)
        self._conditional(
            self._client.delete_item,
            Key=self._key(thread_pk(channel, resource_key), THREAD_SK),
            ConditionExpression=(
                f"attribute_exists({e.n('pk')}) AND attribute_not_exists({e.n('ts')})"
            ),
            **e.kwargs(),
        )

    def set_thread_ts(self, channel: str, resource_key: str, ts: str) -> None:
        e = _Expression(self)
        # The condition keeps a vanished record from coming back as a bare {pk, sk, ts}.
        self._conditional(
            self._client.update_item,
            Key=self._key(thread_pk(channel, resource_key), THREAD_SK),
            UpdateExpression=f"SET {e.n('ts')} = {e.v(ts)}",
            ConditionExpression=f"attribute_exists({e.n('pk')})",
            **e.kwargs(),
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
        expires_at = _expiry(finished, ttl_seconds, time.time())
        e = _Expression(self)
        ev, mv, rv = e.v(float(order_key[0])), e.v(float(order_key[1])), e.v(int(order_key[2]))
        oe, om, orank = e.n("ok_event"), e.n("ok_modified"), e.n("ok_rank")
        # As new or newer in tuple order: of two states with equal keys the later arrival wins
        # (redelivered events never get here: their delivery record stops them first).
        condition = (
            f"attribute_exists({e.n('pk')}) AND ({oe} < {ev} OR ({oe} = {ev} AND"
            f" ({om} < {mv} OR ({om} = {mv} AND {orank} <= {rv}))))"
        )
        sets = [f"{oe} = {ev}", f"{om} = {mv}", f"{orank} = {rv}"]
        sets.append(f"{e.n('finished')} = {e.v(finished)}")
        removes = []
        if status is None:
            removes.append(e.n("status"))
        else:
            sets.append(f"{e.n('status')} = {e.v(status)}")
        if expires_at is None:
            removes.append(e.n(TTL_ATTRIBUTE))
        else:
            sets.append(f"{e.n(TTL_ATTRIBUTE)} = {e.v(expires_at)}")
        # One SET per key merges into the stored map in the same atomic write, so a
        # concurrent update_thread_state on other keys is never lost.
        if state:
            state_name = e.n("state")
            sets.extend(f"{state_name}.{e.n(key)} = {e.v(value)}" for key, value in state.items())
        update = "SET " + ", ".join(sets)
        if removes:
            update += " REMOVE " + ", ".join(removes)
        return self._conditional(
            self._client.update_item,
            Key=self._key(thread_pk(channel, resource_key), THREAD_SK),
            UpdateExpression=update,
            ConditionExpression=condition,
            **e.kwargs(),
        )

    def update_thread_state(self, channel: str, resource_key: str, state: dict[str, Any]) -> None:
        if not state:
            return  # an empty SET is not a valid update
        e = _Expression(self)
        state_name = e.n("state")
        update = "SET " + ", ".join(
            f"{state_name}.{e.n(key)} = {e.v(value)}" for key, value in state.items()
        )
        self._conditional(
            self._client.update_item,
            Key=self._key(thread_pk(channel, resource_key), THREAD_SK),
            UpdateExpression=update,
            ConditionExpression=f"attribute_exists({e.n('pk')})",
            **e.kwargs(),
        )

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
        pk = thread_pk(channel, resource_key)
        for _ in range(MERGE_ATTEMPTS):
            wall = time.time()
            thread = self._get(pk, THREAD_SK, "state", REVISION)
            if thread is None or _expired(thread, wall):
                return ChildMerge(False, None)
            child = self._get(pk, child_sk(key))
            # An expired record (not swept yet) is absent, but still there to be replaced.
            live = child is not None and not _expired(child, wall)
            old = child.get("entry") if child is not None and live else None
            if old is not None and tuple(old.get("order") or ()) > tuple(order_key):
                return ChildMerge(False, old)
            entry, summary = build(old, dict(thread.get("state", {})))
            if self._write_child(
                pk,
                key,
                {**entry, "order": list(order_key)},
                summary,
                thread,
                child,
                None if ttl_seconds is None else wall + ttl_seconds,
            ):
                return ChildMerge(True, old)
        raise StoreConflictError(f"the children of {resource_key} in {channel} keep changing")

    def _write_child(
        self,
        pk: str,
        key: str,
        entry: dict[str, Any],
        summary: dict[str, Any],
        thread: Mapping[str, Any],
        child: Mapping[str, Any] | None,
        expires_at: float | None,
    ) -> bool:
        """The child's record and the thread's summary in one transaction, each conditional
        on being as it was read (its revision): False when another writer got in between."""
        c = _Expression(self)
        child_revision = int(child.get(REVISION, 0)) if child is not None else 0
        item = self._item(
            {
                "pk": pk,
                "sk": child_sk(key),
                "entry": entry,
                REVISION: child_revision + 1,
                TTL_ATTRIBUTE: expires_at,
            }
        )
        if child is None:
            child_condition = f"attribute_not_exists({c.n('pk')})"
        else:
            child_condition = f"{c.n(REVISION)} = {c.v(child_revision)}"
        t = _Expression(self)
        thread_revision = thread.get(REVISION)
        revision = t.n(REVISION)
        thread_condition = f"attribute_exists({t.n('pk')}) AND " + (
            f"attribute_not_exists({revision})"
            if thread_revision is None
            else f"{revision} = {t.v(int(thread_revision))}"
        )
        update = (
            f"SET {t.n('state')}.{t.n(CHILDREN_KEY)} = {t.v(summary)},"
            f" {revision} = {t.v(int(thread_revision or 0) + 1)}"
        )
        transaction: list[Any] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": item,
                    "ConditionExpression": child_condition,
                    **c.kwargs(),
                }
            },
            {
                "Update": {
                    "TableName": self._table,
                    "Key": self._key(pk, THREAD_SK),
                    "UpdateExpression": update,
                    "ConditionExpression": thread_condition,
                    **t.kwargs(),
                }
            },
        ]
        with self._errors():
            try:
                self._client.transact_write_items(TransactItems=transaction)
            except self._client.exceptions.TransactionCanceledException:
                return False
        return True

    def get_child(self, channel: str, resource_key: str, key: str) -> dict[str, Any] | None:
        item = self._get(thread_pk(channel, resource_key), child_sk(key))
        if item is None or _expired(item, time.time()):
            return None
        return dict(item["entry"])

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
        e = _Expression(self)
        false = e.v(False)
        done = e.n("done")
        update = (
            f"SET {e.n('channel')} = {e.v(channel)}, {e.n('resource_key')} = {e.v(resource_key)},"
            f" {e.n('state_key')} = {e.v(state_key)}, {done} = {false},"
            f" {e.n('leased_until')} = {e.v(now + lease_seconds)}"
        )
        if ttl_seconds is not None:
            update += f", {e.n(TTL_ATTRIBUTE)} = {e.v(wall + ttl_seconds)} REMOVE {e.n('ts')}"
        else:
            update += f" REMOVE {e.n('ts')}, {e.n(TTL_ATTRIBUTE)}"
        condition = (
            f"attribute_not_exists({e.n('pk')})"
            f" OR ({done} = {false} AND {e.n('leased_until')} < {e.v(now)})"
            f" OR {e.n(TTL_ATTRIBUTE)} <= {e.v(wall)}"
        )
        return self._conditional(
            self._client.update_item,
            Key=self._key(thread_pk(channel, resource_key), delivery_sk(state_key)),
            UpdateExpression=update,
            ConditionExpression=condition,
            **e.kwargs(),
        )

    def complete_delivery(
        self,
        channel: str,
        resource_key: str,
        state_key: str,
        ts: str | None,
        *,
        ttl_seconds: float | None = None,
    ) -> None:
        e = _Expression(self)
        sets = [
            f"{e.n('channel')} = {e.v(channel)}",
            f"{e.n('resource_key')} = {e.v(resource_key)}",
            f"{e.n('state_key')} = {e.v(state_key)}",
            f"{e.n('done')} = {e.v(True)}",
            f"{e.n('leased_until')} = {e.v(0)}",
        ]
        if ts is not None:
            sets.append(f"{e.n('ts')} = {e.v(ts)}")
        if ttl_seconds is not None:
            # Only a record that is missing (its claim lost) gets one here; a begun one has it.
            expiry = e.n(TTL_ATTRIBUTE)
            sets.append(f"{expiry} = if_not_exists({expiry}, {e.v(time.time() + ttl_seconds)})")
        update = "SET " + ", ".join(sets)
        if ts is None:
            update += f" REMOVE {e.n('ts')}"
        with self._errors():
            self._client.update_item(
                TableName=self._table,
                Key=self._key(thread_pk(channel, resource_key), delivery_sk(state_key)),
                UpdateExpression=update,
                **e.kwargs(),
            )

    def abort_delivery(self, channel: str, resource_key: str, state_key: str) -> None:
        e = _Expression(self)
        # done = false also fails on a missing item, so an abort never creates one.
        self._conditional(
            self._client.update_item,
            Key=self._key(thread_pk(channel, resource_key), delivery_sk(state_key)),
            UpdateExpression=f"SET {e.n('leased_until')} = {e.v(0)}",
            ConditionExpression=f"{e.n('done')} = {e.v(False)}",
            **e.kwargs(),
        )

    def get_delivery(
        self, channel: str, resource_key: str, state_key: str
    ) -> DeliveryRecord | None:
        item = self._get(thread_pk(channel, resource_key), delivery_sk(state_key))
        if item is None or _expired(item, time.time()):
            return None
        return DeliveryRecord(
            channel=item["channel"],
            resource_key=item["resource_key"],
            state_key=item["state_key"],
            done=bool(item.get("done", False)),
            ts=item.get("ts"),
            leased_until=float(item.get("leased_until", 0)),
        )

    # --- subscriptions -------------------------------------------------------------------------

    def add_subscription(self, subscription: Subscription) -> None:
        s = subscription
        item = self._item(
            {"pk": SUBSCRIPTIONS_PK, "sk": subscription_sk(s.channel, s.id), **asdict(s)}
        )
        with self._errors():
            self._client.put_item(TableName=self._table, Item=item)

    def remove_subscription(self, channel: str, subscription_id: str) -> bool:
        e = _Expression(self)
        return self._conditional(
            self._client.delete_item,
            Key=self._key(SUBSCRIPTIONS_PK, subscription_sk(channel, subscription_id)),
            ConditionExpression=f"attribute_exists({e.n('pk')})",
            **e.kwargs(),
        )

    def list_subscriptions(self, channel: str | None = None) -> list[Subscription]:
        e = _Expression(self)
        condition = f"{e.n('pk')} = {e.v(SUBSCRIPTIONS_PK)}"
        if channel is not None:
            condition += f" AND begins_with({e.n('sk')}, {e.v(subscription_sk(channel, ''))})"
        subscriptions = [
            Subscription(
                id=item["id"],
                channel=item["channel"],
                kinds=list(item.get("kinds", [])),
                names=list(item.get("names", [])),
                statuses=list(item.get("statuses", [])),
                accounts=list(item.get("accounts", [])),
                regions=list(item.get("regions", [])),
                excludes=list(item.get("excludes", [])),
                created_by=item.get("created_by"),
                created_at=float(item.get("created_at", 0)),
            )
            for item in self._query(KeyConditionExpression=condition, **e.kwargs())
        ]
        # The sort key orders by channel; callers want creation order.
        subscriptions.sort(key=lambda s: (s.created_at, s.id))
        return subscriptions

    # --- failing channels ---------------------------------------------------------------------

    def mark_channel_failing(self, channel: str, reason: str, now: float) -> int:
        e = _Expression(self)
        update = (
            f"ADD {e.n('failures')} {e.v(1)} SET {e.n('channel')} = {e.v(channel)},"
            f" {e.n('reason')} = {e.v(reason)}, {e.n('last_at')} = {e.v(now)},"
            f" {e.n('since')} = if_not_exists({e.n('since')}, {e.v(now)})"
        )
        with self._errors():
            response = self._client.update_item(
                TableName=self._table,
                Key=self._key(CHANNEL_FAILURES_PK, channel),
                UpdateExpression=update,
                ReturnValues="UPDATED_NEW",
                **e.kwargs(),
            )
        return int(self._decode(response.get("Attributes", {})).get("failures", 1))

    def clear_channel_failing(self, channel: str) -> None:
        with self._errors():
            self._client.delete_item(
                TableName=self._table, Key=self._key(CHANNEL_FAILURES_PK, channel)
            )

    def list_channel_failures(self) -> dict[str, ChannelFailure]:
        e = _Expression(self)
        items = self._query(
            KeyConditionExpression=f"{e.n('pk')} = {e.v(CHANNEL_FAILURES_PK)}", **e.kwargs()
        )
        return {
            item["channel"]: ChannelFailure(
                channel=item["channel"],
                failures=int(item.get("failures", 0)),
                reason=str(item.get("reason", "")),
                since=float(item.get("since", 0)),
                last_at=float(item.get("last_at", 0)),
            )
            for item in items
        }

    # --- audit ---------------------------------------------------------------------------------

    def record_audit(self, record: AuditRecord) -> None:
        item = self._item({"pk": AUDIT_PK, "sk": audit_sk(record.at, record.id), **asdict(record)})
        with self._errors():
            self._client.put_item(TableName=self._table, Item=item)

    def list_audit(self, limit: int = 50) -> list[AuditRecord]:
        if limit <= 0:
            return []  # DynamoDB rejects Limit < 1
        e = _Expression(self)
        records: list[AuditRecord] = []
        items = self._query(
            KeyConditionExpression=f"{e.n('pk')} = {e.v(AUDIT_PK)}",
            ScanIndexForward=False,
            Limit=limit,
            **e.kwargs(),
        )
        for item in items:
            records.append(
                AuditRecord(
                    id=item["id"],
                    at=float(item["at"]),
                    user_id=item["user_id"],
                    action=item["action"],
                    target=item["target"],
                    result=item["result"],
                    detail=dict(item.get("detail", {})),
                )
            )
            if len(records) >= limit:
                break
        return records

    # --- locks ---------------------------------------------------------------------------------

    def acquire(self, name: str, *, owner: str, lease_seconds: float, now: float) -> bool:
        leased_until = now + lease_seconds
        item = self._item(
            {
                "pk": lock_pk(name),
                "sk": LOCK_SK,
                "name": name,
                "owner": owner,
                "leased_until": leased_until,
                # On the wall clock, as the sweeper's.
                TTL_ATTRIBUTE: int(time.time() + lease_seconds + LOCK_TTL_GRACE_SECONDS),
            }
        )
        e = _Expression(self)
        condition = f"attribute_not_exists({e.n('pk')}) OR {e.n('leased_until')} < {e.v(now)}"
        return self._conditional(
            self._client.put_item, Item=item, ConditionExpression=condition, **e.kwargs()
        )

    def release(self, name: str, *, owner: str) -> None:
        e = _Expression(self)
        self._conditional(
            self._client.delete_item,
            Key=self._key(lock_pk(name), LOCK_SK),
            ConditionExpression=f"{e.n('owner')} = {e.v(owner)}",
            **e.kwargs(),
        )

    # --- approvals -----------------------------------------------------------------------------

    def get_approval(self, arn: str) -> ApprovalRecord | None:
        item = self._get(approval_pk(arn), APPROVAL_SK)
        if item is None:
            return None
        return ApprovalRecord(arn, int(item.get(REVISION, 0)), dict(item.get("state", {})))

    def put_approval(self, record: ApprovalRecord) -> bool:
        item = self._item(
            {
                "pk": approval_pk(record.arn),
                "sk": APPROVAL_SK,
                "arn": record.arn,
                REVISION: record.revision + 1,
                "state": record.state,
            }
        )
        e = _Expression(self)
        if record.revision == 0:
            condition = f"attribute_not_exists({e.n('pk')})"
        else:
            condition = f"{e.n(REVISION)} = {e.v(record.revision)}"
        return self._conditional(
            self._client.put_item, Item=item, ConditionExpression=condition, **e.kwargs()
        )

    # --- reminders -----------------------------------------------------------------------------

    def _due_item(self, reminder: Reminder) -> dict[str, Any]:
        return self._item(
            {
                "pk": REMINDERS_PK,
                "sk": due_sk(reminder.due_at, reminder.channel, reminder.resource_key),
                "channel": reminder.channel,
                "resource_key": reminder.resource_key,
                "due_at": reminder.due_at,
                TTL_ATTRIBUTE: reminder.expires_at,
            }
        )

    def add_reminder(self, reminder: Reminder, *, ttl_seconds: float) -> bool:
        wall = time.time()
        reminder = Reminder(
            reminder.channel,
            reminder.resource_key,
            reminder.due_at,
            reminder.due_at + ttl_seconds,
        )
        note = self._item(
            {
                "pk": thread_pk(reminder.channel, reminder.resource_key),
                "sk": REMINDER_SK,
                "due_at": reminder.due_at,
                TTL_ATTRIBUTE: reminder.expires_at,
            }
        )
        e = _Expression(self)
        condition = f"attribute_not_exists({e.n('pk')}) OR {e.n(TTL_ATTRIBUTE)} <= {e.v(wall)}"
        transaction: list[Any] = [
            {
                "Put": {
                    "TableName": self._table,
                    "Item": note,
                    "ConditionExpression": condition,
                    **e.kwargs(),
                }
            },
            {"Put": {"TableName": self._table, "Item": self._due_item(reminder)}},
        ]
        with self._errors():
            try:
                self._client.transact_write_items(TransactItems=transaction)
            except self._client.exceptions.TransactionCanceledException as exc:
                reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
                if "ConditionalCheckFailed" in reasons:
                    return False
                # Another transaction on the same items at once: the event is tried again.
                raise StoreConflictError(
                    f"the reminder of {reminder.resource_key} in {reminder.channel}: {reasons}"
                ) from exc
        return True

    def due_reminders(self, now: float, limit: int = 50) -> list[Reminder]:
        if limit <= 0:
            return []
        wall = time.time()
        e = _Expression(self)
        items = self._query(
            KeyConditionExpression=(
                f"{e.n('pk')} = {e.v(REMINDERS_PK)} AND {e.n('sk')} < {e.v(f'{now:020.6f}$')}"
            ),
            Limit=limit,
            **e.kwargs(),
        )
        found: list[Reminder] = []
        for item in items:
            if not _expired(item, wall):
                found.append(
                    Reminder(
                        item["channel"],
                        item["resource_key"],
                        float(item["due_at"]),
                        _expires_at(item),
                    )
                )
            if len(found) >= limit:
                break
        return found

    def take_reminder(self, reminder: Reminder) -> bool:
        e = _Expression(self)
        return self._conditional(
            self._client.delete_item,
            Key=self._key(
                REMINDERS_PK, due_sk(reminder.due_at, reminder.channel, reminder.resource_key)
            ),
            ConditionExpression=f"attribute_exists({e.n('pk')})",
            **e.kwargs(),
        )

    def release_reminder(self, reminder: Reminder) -> None:
        with self._errors():
            self._client.put_item(TableName=self._table, Item=self._due_item(reminder))

    # --- metrics read of model package versions --------------------------------------------

    def get_package_metrics(self, arn: str) -> dict[str, Any] | None:
        item = self._get(package_pk(arn), METRICS_SK)
        if item is None or _expired(item, time.time()):
            return None
        record = item.get("record")
        return dict(record) if isinstance(record, dict) else None

    def put_package_metrics(
        self, arn: str, record: dict[str, Any], *, ttl_seconds: float | None = None
    ) -> None:
        expires = time.time() + ttl_seconds if ttl_seconds is not None else None
        item = self._item(
            {
                "pk": package_pk(arn),
                "sk": METRICS_SK,
                "arn": arn,
                "record": record,
                TTL_ATTRIBUTE: int(expires) if expires is not None else None,
            }
        )
        with self._errors():
            self._client.put_item(TableName=self._table, Item=item)

    # --- Slack users found by email ------------------------------------------------------------

    def get_email_user(self, key: str) -> EmailUser | None:
        item = self._get(email_pk(key), EMAIL_USER_SK)
        if item is None or _expired(item, time.time()):
            return None
        user_id = item.get("user_id")
        return EmailUser(user_id if isinstance(user_id, str) else None)

    def put_email_user(self, key: str, user_id: str | None, *, ttl_seconds: float) -> None:
        item = self._item(
            {
                "pk": email_pk(key),
                "sk": EMAIL_USER_SK,
                "user_id": user_id,
                TTL_ATTRIBUTE: int(time.time() + ttl_seconds),
            }
        )
        with self._errors():
            self._client.put_item(TableName=self._table, Item=item)


def _expiry(finished: bool, ttl_seconds: float | None, wall: float) -> float | None:
    return wall + ttl_seconds if finished and ttl_seconds is not None else None


def _expires_at(item: Mapping[str, Any]) -> float | None:
    value = item.get(TTL_ATTRIBUTE)
    return None if value is None else float(value)


def _expired(item: Mapping[str, Any], wall: float) -> bool:
    expires_at = _expires_at(item)
    return expires_at is not None and expires_at <= wall


def _to_dynamo(value: Any) -> Any:
    """Floats as Decimal (TypeSerializer refuses floats); ``repr`` keeps them exact."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _to_dynamo(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(item) for item in value]
    return value


def _from_dynamo(value: Any) -> Any:
    """Decimals back as int or float, so records hold plain JSON-safe values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamo(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(item) for item in value]
    return value
