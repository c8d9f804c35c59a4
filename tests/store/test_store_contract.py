"""One contract, two backends: every test here runs against SQLite and against DynamoDB (moto's
server over HTTP), so the bot behaves the same locally and in AWS."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.store import (
    CHILDREN_KEY,
    ApprovalRecord,
    AuditRecord,
    ChannelFailure,
    EmailUser,
    Reminder,
    Store,
    Subscription,
    ThreadRecord,
)
from bot.store.dynamodb import (
    THREAD_SK,
    DynamoDBStore,
    delivery_sk,
    thread_pk,
)
from bot.store.sqlite import SqliteStore

CHANNEL = "C0123456789"
KEY = "training-job/us-east-1/123456789012/my-job"
LEASE = 10.0
DAY = 86_400.0


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend: Store
    if request.param == "sqlite":
        backend = SqliteStore(tmp_path / "state.sqlite3")
    else:
        # Looked up here, not as arguments, so SQLite runs never start the moto server.
        client = request.getfixturevalue("dynamodb_client")
        backend = DynamoDBStore(request.getfixturevalue("dynamodb_table"), client)
    yield backend
    backend.close()


def thread(**overrides: Any) -> ThreadRecord:
    fields: dict[str, Any] = {
        "channel": CHANNEL,
        "resource_key": KEY,
        "status": "InProgress",
        "order_key": (100.0, 50.0, 1),
        "kind": "training-job",
        "name": "my-job",
        "state": {"status": "InProgress"},
    }
    fields.update(overrides)
    return ThreadRecord(**fields)


def raw(store: Store, table: str, state_key: str | None = None) -> dict[str, Any] | None:
    """The stored row or item itself, to check what the interface does not show (expiry)."""
    if isinstance(store, SqliteStore):
        where = "channel = ? AND resource_key = ?"
        params: tuple[str, ...] = (CHANNEL, KEY)
        if state_key is not None:
            where += " AND state_key = ?"
            params += (state_key,)
        with closing(sqlite3.connect(store.path)) as conn:
            conn.row_factory = sqlite3.Row
            row = conn.execute(f"SELECT * FROM {table} WHERE {where}", params).fetchone()
        return dict(row) if row else None
    assert isinstance(store, DynamoDBStore)
    sk = THREAD_SK if state_key is None else delivery_sk(state_key)
    response = store.client.get_item(
        TableName=store.table_name,
        Key={"pk": {"S": thread_pk(CHANNEL, KEY)}, "sk": {"S": sk}},
        ConsistentRead=True,
    )
    item = response.get("Item")
    if item is None:
        return None
    return {name: next(iter(value.values())) for name, value in item.items()}


def expires_at(store: Store, state_key: str | None = None) -> float | None:
    row = raw(store, "threads" if state_key is None else "deliveries", state_key)
    assert row is not None
    value = row.get("expires_at")
    return None if value is None else float(value)


# --- threads -------------------------------------------------------------------------------


def test_absent_thread_is_none(store: Store) -> None:
    assert store.get_thread(CHANNEL, KEY) is None


def test_claim_thread_once(store: Store) -> None:
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0) is True
    assert store.claim_thread(thread(status="Failed"), lease_seconds=LEASE, now=1001.0) is False

    record = store.get_thread(CHANNEL, KEY)
    assert record == thread(claimed_at=1000.0)
    assert record.ts is None  # the claimant has not posted yet

    store.set_thread_ts(CHANNEL, KEY, "1700000000.000100")
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.ts == "1700000000.000100"
    # Other resources and channels are separate threads.
    assert store.get_thread("C999", KEY) is None
    assert store.claim_thread(thread(channel="C999"), lease_seconds=LEASE, now=1000.0)


def test_claim_thread_race_has_one_winner(store: Store) -> None:
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def claim(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            won = store.claim_thread(thread(name=f"worker-{i}"), lease_seconds=LEASE, now=1000.0)
            results.append(won)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False, False, False, True]
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.name is not None
    assert record.name.startswith("worker-")


def test_stale_claim_is_taken_over_after_the_lease(store: Store) -> None:
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    assert not store.claim_thread(thread(), lease_seconds=LEASE, now=1005.0)
    assert not store.claim_thread(thread(), lease_seconds=LEASE, now=1010.0)  # exactly the lease
    assert store.claim_thread(thread(name="second"), lease_seconds=LEASE, now=1010.5)

    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert (record.name, record.claimed_at) == ("second", 1010.5)

    # Once the parent is posted the claim is never stale again.
    store.set_thread_ts(CHANNEL, KEY, "1.2")
    assert not store.claim_thread(thread(name="third"), lease_seconds=LEASE, now=99_999.0)
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert (record.name, record.ts) == ("second", "1.2")


def test_release_drops_an_unposted_claim_only(store: Store) -> None:
    # GIVEN a claim whose parent message failed to post
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    store.release_thread(CHANNEL, KEY)
    # THEN a retry claims it at once, without waiting for the lease
    assert store.get_thread(CHANNEL, KEY) is None
    assert store.claim_thread(thread(name="retry"), lease_seconds=LEASE, now=1001.0)
    # AND a posted thread is never released
    store.set_thread_ts(CHANNEL, KEY, "1.2")
    store.release_thread(CHANNEL, KEY)
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.ts == "1.2"
    store.release_thread("C-none", KEY)  # releasing nothing is harmless


def test_set_thread_ts_does_not_create_a_record(store: Store) -> None:
    store.set_thread_ts(CHANNEL, KEY, "1.2")
    assert store.get_thread(CHANNEL, KEY) is None


def test_advance_thread_only_moves_forward(store: Store) -> None:
    store.claim_thread(thread(order_key=(100.0, 50.0, 1)), lease_seconds=LEASE, now=1000.0)

    def advance(order_key: tuple[float, float, int], status: str) -> bool:
        return store.advance_thread(
            CHANNEL, KEY, order_key=order_key, status=status, state={"status": status}
        )

    assert advance((100.0, 50.0, 1), "Equal")  # a tie: the later arrival wins
    assert not advance((99.0, 999.0, 9), "OlderEvent")
    assert not advance((100.0, 49.0, 9), "OlderModified")
    assert not advance((100.0, 50.0, 0), "LowerRank")
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert (record.status, record.order_key) == ("Equal", (100.0, 50.0, 1))

    assert advance((100.0, 50.0, 2), "HigherRank")  # the third element breaks the tie
    assert advance((100.0, 50.5, 0), "NewerModified")
    assert advance((101.25, 0.0, 0), "NewerEvent")
    assert not advance((100.0, 50.0, 2), "HigherRank")

    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.status == "NewerEvent"
    assert record.order_key == (101.25, 0.0, 0)
    assert record.state == {"status": "NewerEvent"}


def test_order_key_keeps_full_float_precision(store: Store) -> None:
    event = 1_700_000_000.123456
    modified = 1_700_000_000.123457
    store.claim_thread(thread(order_key=(event, modified, 3)), lease_seconds=LEASE, now=1.0)
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.order_key == (event, modified, 3)
    # The smallest step down is still older; the smallest step up still newer.
    below = (event, modified - 2.5e-7, 3)
    assert not store.advance_thread(CHANNEL, KEY, order_key=below, status="x", state={})
    bump = (event, modified + 2.5e-7, 3)
    assert store.advance_thread(CHANNEL, KEY, order_key=bump, status="x", state={})
    assert not store.advance_thread(
        CHANNEL, KEY, order_key=(event, modified, 3), status="x", state={}
    )


def test_advance_without_a_thread_is_refused(store: Store) -> None:
    assert not store.advance_thread(
        CHANNEL, KEY, order_key=(1.0, 1.0, 1), status="Completed", state={}
    )
    assert store.get_thread(CHANNEL, KEY) is None


def test_state_merges(store: Store) -> None:
    state = {"status": "Executing", "steps": {"Train": "Executing"}, "ratio": 0.25}
    store.claim_thread(thread(state=state), lease_seconds=LEASE, now=1.0)

    store.update_thread_state(CHANNEL, KEY, {"steps": {"Train": "Succeeded"}, "extra": [1, "a"]})
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.state == {
        "status": "Executing",
        "steps": {"Train": "Succeeded"},
        "ratio": 0.25,
        "extra": [1, "a"],
    }
    assert record.order_key == (100.0, 50.0, 1)  # untouched

    # advance_thread merges too: keys it does not name survive.
    values = {"status": "Succeeded", "ratio": 1.5, "none": None, "flag": True, "s": ""}
    assert store.advance_thread(CHANNEL, KEY, order_key=(200.0, 0.0, 0), status="S", state=values)
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.state == {
        "status": "Succeeded",
        "steps": {"Train": "Succeeded"},
        "ratio": 1.5,
        "extra": [1, "a"],
        "none": None,
        "flag": True,
        "s": "",
    }
    # Odd keys (DynamoDB reserved words, punctuation) are plain keys.
    store.update_thread_state(CHANNEL, KEY, {"name": 1, "a.b #c": 2, "status": "Done"})
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert (record.state["name"], record.state["a.b #c"], record.state["status"]) == (1, 2, "Done")


def test_update_thread_state_without_a_thread_does_nothing(store: Store) -> None:
    store.update_thread_state(CHANNEL, KEY, {"a": 1})
    assert store.get_thread(CHANNEL, KEY) is None


def test_status_can_be_cleared(store: Store) -> None:
    store.claim_thread(thread(), lease_seconds=LEASE, now=1.0)
    assert store.advance_thread(CHANNEL, KEY, order_key=(200.0, 0.0, 0), status=None, state={})
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.status is None


# --- expiry ----------------------------------------------------------------------------------


def test_finished_thread_gets_an_expiry(store: Store) -> None:
    store.claim_thread(thread(), lease_seconds=LEASE, now=1.0)
    assert store.advance_thread(
        CHANNEL, KEY, order_key=(150.0, 0.0, 0), status="Stopping", state={}, ttl_seconds=DAY
    )
    assert expires_at(store) is None  # ttl_seconds only applies to finished resources

    before = time.time()
    assert store.advance_thread(
        CHANNEL,
        KEY,
        order_key=(200.0, 0.0, 0),
        status="Completed",
        state={},
        finished=True,
        ttl_seconds=30 * DAY,
    )
    after = time.time()
    expiry = expires_at(store)
    assert expiry is not None
    assert before + 30 * DAY - 1 <= expiry <= after + 30 * DAY + 1
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.finished is True

    # A resource that comes back to life (an endpoint recreated) loses its thread's expiry.
    assert store.advance_thread(
        CHANNEL, KEY, order_key=(300.0, 0.0, 0), status="Creating", state={}, ttl_seconds=DAY
    )
    assert expires_at(store) is None


def test_a_delivery_expires_on_its_own_clock(store: Store) -> None:
    store.claim_thread(thread(), lease_seconds=LEASE, now=1.0)
    before = time.time()
    assert store.begin_delivery(
        CHANNEL, KEY, "InProgress", lease_seconds=LEASE, now=1.0, ttl_seconds=DAY
    )
    store.complete_delivery(CHANNEL, KEY, "InProgress", "1.1", ttl_seconds=DAY)
    expiry = expires_at(store, "InProgress")
    assert expiry is not None
    assert before + DAY - 1 <= expiry <= time.time() + DAY + 1
    # Its thread finishing (or coming back) does not touch it: one write, whatever it had.
    for order, finished in (((200.0, 0.0, 0), True), ((300.0, 0.0, 0), False)):
        assert store.advance_thread(
            CHANNEL, KEY, order_key=order, status="x", state={}, finished=finished, ttl_seconds=1.0
        )
        assert expires_at(store, "InProgress") == pytest.approx(expiry)
    # A completion that finds no record (its claim was lost) creates one with an expiry.
    store.complete_delivery(CHANNEL, KEY, "Completed", "1.2", ttl_seconds=DAY)
    assert expires_at(store, "Completed") == pytest.approx(time.time() + DAY, abs=60)


def test_a_delivery_past_its_expiry_is_absent(store: Store) -> None:
    assert store.begin_delivery(
        CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1.0, ttl_seconds=-1.0
    )
    store.complete_delivery(CHANNEL, KEY, "Failed", "1.1")
    assert store.get_delivery(CHANNEL, KEY, "Failed") is None
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=2.0)


def test_thread_claimed_finished_gets_an_expiry(store: Store) -> None:
    record = thread(status="Failed", finished=True)
    assert store.claim_thread(record, lease_seconds=LEASE, now=1.0, ttl_seconds=DAY)
    expiry = expires_at(store)
    assert expiry is not None
    assert expiry == pytest.approx(time.time() + DAY, abs=60)


def test_expired_records_count_as_absent(store: Store) -> None:
    store.claim_thread(thread(), lease_seconds=LEASE, now=1.0)
    store.set_thread_ts(CHANNEL, KEY, "1.1")
    store.begin_delivery(CHANNEL, KEY, "Completed", lease_seconds=LEASE, now=1.0, ttl_seconds=-1.0)
    store.complete_delivery(CHANNEL, KEY, "Completed", "1.2")
    # A negative TTL: already past, as if DynamoDB's sweeper had not come round yet.
    assert store.advance_thread(
        CHANNEL,
        KEY,
        order_key=(200.0, 0.0, 0),
        status="Completed",
        state={},
        finished=True,
        ttl_seconds=-1.0,
    )
    assert store.get_thread(CHANNEL, KEY) is None
    assert store.get_delivery(CHANNEL, KEY, "Completed") is None

    # The resource name is reused: a new thread and new deliveries start from scratch.
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=2.0)
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    assert record.ts is None
    assert expires_at(store) is None
    assert store.begin_delivery(CHANNEL, KEY, "Completed", lease_seconds=LEASE, now=2.0)
    delivery = store.get_delivery(CHANNEL, KEY, "Completed")
    assert delivery is not None
    assert (delivery.done, delivery.ts) == (False, None)


# --- deliveries ------------------------------------------------------------------------------


def test_delivery_lifecycle(store: Store) -> None:
    assert store.get_delivery(CHANNEL, KEY, "Failed") is None
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1000.0)
    delivery = store.get_delivery(CHANNEL, KEY, "Failed")
    assert delivery is not None
    assert (delivery.done, delivery.ts, delivery.leased_until) == (False, None, 1010.0)

    # Someone else holds a live lease.
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1005.0)
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1010.0)
    # Other states of the same resource are separate.
    assert store.begin_delivery(CHANNEL, KEY, "Stopped", lease_seconds=LEASE, now=1005.0)

    store.complete_delivery(CHANNEL, KEY, "Failed", "1700000000.000200")
    delivery = store.get_delivery(CHANNEL, KEY, "Failed")
    assert delivery is not None
    assert (delivery.done, delivery.ts) == (True, "1700000000.000200")

    # Done is done: never again, whatever the clock says, and an abort does not undo it.
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1_000_000.0)
    store.abort_delivery(CHANNEL, KEY, "Failed")
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1_000_000.0)


def test_expired_lease_is_taken_over(store: Store) -> None:
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1000.0)
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1010.5)
    delivery = store.get_delivery(CHANNEL, KEY, "Failed")
    assert delivery is not None
    assert delivery.leased_until == 1020.5
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1011.0)


def test_abort_releases_the_lease_at_once(store: Store) -> None:
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1000.0)
    store.abort_delivery(CHANNEL, KEY, "Failed")
    assert store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1000.0)
    # Aborting something never begun creates nothing.
    store.abort_delivery(CHANNEL, KEY, "Other")
    assert store.get_delivery(CHANNEL, KEY, "Other") is None


def test_complete_without_begin_records_it(store: Store) -> None:
    store.complete_delivery(CHANNEL, KEY, "Failed", None)
    delivery = store.get_delivery(CHANNEL, KEY, "Failed")
    assert delivery is not None
    assert (delivery.done, delivery.ts) == (True, None)
    assert not store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1.0)


def test_begin_delivery_race_has_one_winner(store: Store) -> None:
    workers = 4
    barrier = threading.Barrier(workers)
    results: list[bool] = []

    def begin() -> None:
        barrier.wait(timeout=10)
        results.append(
            store.begin_delivery(CHANNEL, KEY, "Failed", lease_seconds=LEASE, now=1000.0)
        )

    threads = [threading.Thread(target=begin) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False, False, False, True]


# --- subscriptions ---------------------------------------------------------------------------


def subscription(sub_id: str, channel: str, created_at: float, **fields: Any) -> Subscription:
    return Subscription(id=sub_id, channel=channel, created_at=created_at, **fields)


def test_subscriptions(store: Store) -> None:
    full = subscription(
        "s1",
        "C1",
        300.0,
        kinds=["training-job", "endpoint"],
        names=["prod-*", "*-nightly"],
        statuses=["Failed"],
        accounts=["123456789012"],
        regions=["us-east-1"],
        excludes=["*-tmp"],
        created_by="U123",
    )
    store.add_subscription(full)
    store.add_subscription(subscription("s2", "C2", 100.0))
    store.add_subscription(subscription("s3", "C1", 200.5))

    assert store.list_subscriptions("C1") == [subscription("s3", "C1", 200.5), full]
    assert [s.id for s in store.list_subscriptions()] == ["s2", "s3", "s1"]
    assert store.list_subscriptions("C3") == []

    # Adding the same id again replaces it.
    store.add_subscription(subscription("s3", "C1", 200.5, kinds=["model"]))
    assert store.list_subscriptions("C1")[0].kinds == ["model"]

    assert store.remove_subscription("C2", "s1") is False  # wrong channel
    assert store.remove_subscription("C1", "s1") is True
    assert store.remove_subscription("C1", "s1") is False
    assert [s.id for s in store.list_subscriptions()] == ["s2", "s3"]


def test_channel_prefix_does_not_leak(store: Store) -> None:
    store.add_subscription(subscription("a", "C1", 1.0))
    store.add_subscription(subscription("b", "C12", 2.0))
    assert [s.id for s in store.list_subscriptions("C1")] == ["a"]


def test_failing_channels_count_until_cleared(store: Store) -> None:
    assert store.list_channel_failures() == {}
    assert store.mark_channel_failing("C1", "not_in_channel", 100.0) == 1
    assert store.mark_channel_failing("C1", "is_archived", 200.0) == 2
    assert store.mark_channel_failing("C12", "channel_not_found", 150.0) == 1
    failures = store.list_channel_failures()
    assert failures == {
        "C1": ChannelFailure("C1", failures=2, reason="is_archived", since=100.0, last_at=200.0),
        "C12": ChannelFailure(
            "C12", failures=1, reason="channel_not_found", since=150.0, last_at=150.0
        ),
    }
    store.clear_channel_failing("C1")
    store.clear_channel_failing("C1")  # nothing to clear: no error
    assert list(store.list_channel_failures()) == ["C12"]
    # A cleared channel counts from one again, since its new first failure.
    assert store.mark_channel_failing("C1", "not_in_channel", 300.0) == 1
    assert store.list_channel_failures()["C1"].since == 300.0
    # Failures are kept apart from subscriptions.
    assert store.list_subscriptions() == []


def test_failing_channel_count_is_exact_under_concurrency(store: Store) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(
            pool.map(lambda i: store.mark_channel_failing("C1", "x", float(i)), range(16))
        )
    assert sorted(counts) == list(range(1, 17))


# --- audit -----------------------------------------------------------------------------------


def test_audit_newest_first_with_limit(store: Store) -> None:
    ats = [1_700_000_300.5, 1_700_000_100.0, 1_700_000_500.25, 1_700_000_200.0, 99.0]
    for i, at in enumerate(ats):
        store.record_audit(
            AuditRecord(
                id=f"a{i}",
                at=at,
                user_id="U1",
                action="approve",
                target=f"model-package/{i}",
                result="ok",
                detail={"i": i, "note": "x", "nested": {"f": 0.5}},
            )
        )
    newest = store.list_audit(limit=3)
    assert [r.at for r in newest] == [1_700_000_500.25, 1_700_000_300.5, 1_700_000_200.0]
    assert newest[0] == AuditRecord(
        id="a2",
        at=1_700_000_500.25,
        user_id="U1",
        action="approve",
        target="model-package/2",
        result="ok",
        detail={"i": 2, "note": "x", "nested": {"f": 0.5}},
    )
    assert [r.id for r in store.list_audit()] == ["a2", "a0", "a3", "a1", "a4"]
    assert store.list_audit(limit=0) == []


def tally(status: str) -> Any:
    """A build that keeps, as the summary, how many children are in each status."""

    def build(old: dict[str, Any] | None, state: dict[str, Any]) -> Any:
        counts = dict(state.get(CHILDREN_KEY) or {})
        if old is not None:
            # Tolerant: under a race the two may be read at different moments (that write is
            # then refused, and build called again with both read anew).
            counts[old["status"]] = counts.get(old["status"], 0) - 1
        counts[status] = counts.get(status, 0) + 1
        return {"status": status}, counts

    return build


def test_merge_child_never_goes_back(store: Store) -> None:
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    merge = store.merge_child
    assert merge(CHANNEL, KEY, "trial:a", (10.0, 0.0, 1), tally("InProgress")) == (True, None)
    written, old = merge(CHANNEL, KEY, "trial:a", (20.0, 0.0, 3), tally("Completed"))
    assert written
    assert old is not None
    assert old["status"] == "InProgress"
    assert list(old["order"]) == [10.0, 0.0, 1]
    # an older state arriving late is refused, whatever the tie-breaker, and says what is stored
    for order in ((10.0, 99.0, 9), (20.0, 0.0, 2)):
        written, old = merge(CHANNEL, KEY, "trial:a", order, tally("InProgress"))
        assert not written
        assert old is not None
        assert old["status"] == "Completed"
    # the same state again (a retry) is written again
    assert merge(CHANNEL, KEY, "trial:a", (20.0, 0.0, 3), tally("Completed")).written
    # another child
    assert merge(CHANNEL, KEY, "trial:b", (5.0, 0.0, 1), tally("InProgress")).written
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    # the summary went with each write, and nothing else in the state changed
    assert record.state[CHILDREN_KEY] == {"InProgress": 1, "Completed": 1}
    assert record.state["status"] == "InProgress"
    # each child's record holds its newest entry
    child = store.get_child(CHANNEL, KEY, "trial:a")
    assert child is not None
    assert (child["status"], list(child["order"])) == ("Completed", [20.0, 0.0, 3])
    assert store.get_child(CHANNEL, KEY, "trial:none") is None
    # no thread: nothing written
    assert merge("C-none", KEY, "trial:a", (1.0, 0.0, 0), tally("x")) == (False, None)
    assert store.get_child("C-none", KEY, "trial:a") is None


def test_merge_child_race_keeps_the_newest_and_loses_no_summary(store: Store) -> None:
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    # GIVEN four states of one child and four other children, written at once
    jobs = [("step:x", float(t), f"S{t}") for t in (3, 1, 4, 2)]
    jobs += [(f"step:{n}", 1.0, "Executing") for n in "abcd"]
    barrier = threading.Barrier(len(jobs))

    def merge(job: tuple[str, float, str]) -> None:
        key, at, status = job
        barrier.wait(timeout=10)
        store.merge_child(CHANNEL, KEY, key, (at, 0.0, 1), tally(status))

    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(merge, jobs))
    record = store.get_thread(CHANNEL, KEY)
    assert record is not None
    # THEN the child holds its newest state, and the summary counts each child once, as it is
    counts = {k: v for k, v in record.state[CHILDREN_KEY].items() if v}
    assert counts == {"S4": 1, "Executing": 4}


def test_a_child_record_past_its_expiry_is_new_again(store: Store) -> None:
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    merge = store.merge_child
    assert merge(CHANNEL, KEY, "step:a", (9.0, 0.0, 1), tally("S"), ttl_seconds=-1.0).written
    assert merge(CHANNEL, KEY, "step:a", (1.0, 0.0, 1), tally("S"), ttl_seconds=DAY).old is None


# --- locks -----------------------------------------------------------------------------------

LOCK = "approval:arn:aws:sagemaker:us-east-1:123456789012:model-package/group/1"


def test_lock_has_one_holder(store: Store) -> None:
    assert store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1000.0)
    assert not store.acquire(LOCK, owner="b", lease_seconds=LEASE, now=1000.0)
    assert not store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1005.0)  # not re-entrant
    # other names are other locks
    assert store.acquire(f"{LOCK}-2", owner="b", lease_seconds=LEASE, now=1000.0)


def test_lock_release_by_another_owner_is_ignored(store: Store) -> None:
    assert store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1000.0)
    store.release(LOCK, owner="b")
    assert not store.acquire(LOCK, owner="b", lease_seconds=LEASE, now=1001.0)


def test_lock_release_by_its_owner_frees_it(store: Store) -> None:
    assert store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1000.0)
    store.release(LOCK, owner="a")
    assert store.acquire(LOCK, owner="b", lease_seconds=LEASE, now=1001.0)
    store.release(LOCK, owner="a")  # a is no longer the owner: b keeps it
    assert not store.acquire(LOCK, owner="c", lease_seconds=LEASE, now=1002.0)


def test_release_of_a_free_lock_does_nothing(store: Store) -> None:
    store.release(LOCK, owner="a")
    assert store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1000.0)


def test_expired_lock_is_taken_over(store: Store) -> None:
    assert store.acquire(LOCK, owner="a", lease_seconds=LEASE, now=1000.0)
    assert not store.acquire(LOCK, owner="b", lease_seconds=LEASE, now=1010.0)  # lease's end
    assert store.acquire(LOCK, owner="b", lease_seconds=LEASE, now=1010.5)
    # the first holder, late, cannot free the lock it lost
    store.release(LOCK, owner="a")
    assert not store.acquire(LOCK, owner="c", lease_seconds=LEASE, now=1011.0)
    store.release(LOCK, owner="b")
    assert store.acquire(LOCK, owner="c", lease_seconds=LEASE, now=1011.0)


def test_locks_share_nothing_with_threads_and_deliveries(store: Store) -> None:
    assert store.acquire(KEY, owner="a", lease_seconds=LEASE, now=1000.0)
    assert store.get_thread(CHANNEL, KEY) is None
    assert store.claim_thread(thread(), lease_seconds=LEASE, now=1000.0)
    assert store.begin_delivery(CHANNEL, KEY, KEY, lease_seconds=LEASE, now=1000.0)
    assert not store.acquire(KEY, owner="b", lease_seconds=LEASE, now=1000.0)


def test_lock_race_has_one_winner(store: Store) -> None:
    workers = 6
    barrier = threading.Barrier(workers)
    results: list[bool] = []
    errors: list[BaseException] = []

    def acquire(owner: str) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(store.acquire(LOCK, owner=owner, lease_seconds=LEASE, now=1000.0))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=acquire, args=(f"owner-{i}",)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False] * (workers - 1) + [True]


def race(workers: int, work: Any) -> list[Any]:
    """``work(i)`` in ``workers`` threads started together; their results."""
    barrier = threading.Barrier(workers)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    return results


# --- approvals -------------------------------------------------------------------------------

PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3"


def test_an_approval_is_written_from_the_revision_it_was_read_at(store: Store) -> None:
    assert store.get_approval(PACKAGE) is None
    assert store.put_approval(ApprovalRecord(PACKAGE, 0, {"votes": ["U1"]}))
    # a second writer that also saw no record loses
    assert not store.put_approval(ApprovalRecord(PACKAGE, 0, {"votes": ["U2"]}))
    stored = store.get_approval(PACKAGE)
    assert stored == ApprovalRecord(PACKAGE, 1, {"votes": ["U1"]})
    assert store.put_approval(ApprovalRecord(PACKAGE, 1, {"votes": ["U1", "U3"]}))
    assert not store.put_approval(ApprovalRecord(PACKAGE, 1, {"votes": []}))  # stale
    assert store.get_approval(PACKAGE) == ApprovalRecord(PACKAGE, 2, {"votes": ["U1", "U3"]})
    # another package is another record
    assert store.get_approval(PACKAGE[:-1] + "4") is None


def test_concurrent_approvals_from_one_revision_have_one_winner(store: Store) -> None:
    assert store.put_approval(ApprovalRecord(PACKAGE, 0, {"votes": ["U1"]}))
    results = race(6, lambda i: store.put_approval(ApprovalRecord(PACKAGE, 1, {"by": i})))
    assert sorted(results) == [False] * 5 + [True]
    stored = store.get_approval(PACKAGE)
    assert stored is not None and stored.revision == 2 and stored.state["by"] in range(6)


# --- reminders -------------------------------------------------------------------------------


def reminder(due_at: float, key: str = PACKAGE, channel: str = CHANNEL) -> Reminder:
    return Reminder(channel, key, due_at)


def test_reminders_are_found_when_due_oldest_first(store: Store) -> None:
    now = time.time()
    assert store.add_reminder(reminder(now + 3600), ttl_seconds=DAY)
    assert store.add_reminder(reminder(now - 60, PACKAGE + "-b"), ttl_seconds=DAY)
    assert store.add_reminder(reminder(now - 600, PACKAGE + "-c"), ttl_seconds=DAY)
    assert store.add_reminder(reminder(now - 30, PACKAGE, "C0OTHER"), ttl_seconds=DAY)
    due = store.due_reminders(now)
    assert [(r.channel, r.resource_key) for r in due] == [
        (CHANNEL, PACKAGE + "-c"),
        (CHANNEL, PACKAGE + "-b"),
        ("C0OTHER", PACKAGE),
    ]
    assert all(r.expires_at == r.due_at + DAY for r in due)
    assert [r.resource_key for r in store.due_reminders(now, limit=1)] == [PACKAGE + "-c"]
    assert len(store.due_reminders(now + 3600)) == 4  # due at that very second too


def test_a_reminder_is_scheduled_once_per_channel_and_package(store: Store) -> None:
    now = time.time()
    assert store.add_reminder(reminder(now - 10), ttl_seconds=DAY)
    # another due time for the same package and channel: not a second reminder
    assert not store.add_reminder(reminder(now - 5), ttl_seconds=DAY)
    [due] = store.due_reminders(now)
    assert due.due_at == now - 10
    assert store.take_reminder(due)
    # once sent, it is not scheduled again
    assert not store.add_reminder(reminder(now - 1), ttl_seconds=DAY)
    assert store.due_reminders(now) == []


def test_a_due_reminder_is_taken_once(store: Store) -> None:
    now = time.time()
    assert store.add_reminder(reminder(now - 10), ttl_seconds=DAY)
    [due] = store.due_reminders(now)
    results = race(6, lambda i: store.take_reminder(due))
    assert sorted(results) == [False] * 5 + [True]
    assert store.due_reminders(now) == []


def test_a_released_reminder_is_due_again(store: Store) -> None:
    now = time.time()
    assert store.add_reminder(reminder(now - 10), ttl_seconds=DAY)
    [due] = store.due_reminders(now)
    assert store.take_reminder(due)
    store.release_reminder(due)
    assert store.due_reminders(now) == [due]
    assert store.take_reminder(due)


def test_an_expired_reminder_is_gone_and_may_be_scheduled_again(store: Store) -> None:
    now = time.time()
    assert store.add_reminder(reminder(now - 10), ttl_seconds=5)  # expired 5 s ago
    assert store.due_reminders(now) == []
    assert store.add_reminder(reminder(now - 1), ttl_seconds=DAY)
    assert [r.due_at for r in store.due_reminders(now)] == [now - 1]


def test_reminders_share_nothing_with_threads(store: Store) -> None:
    assert store.claim_thread(thread(resource_key=PACKAGE), lease_seconds=LEASE, now=1000.0)
    assert store.add_reminder(reminder(time.time() - 1), ttl_seconds=DAY)
    record = store.get_thread(CHANNEL, PACKAGE)
    assert record is not None and record.state == {"status": "InProgress"}


# --- metrics read of model package versions ---------------------------------------------------

METRICS_PACKAGE = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7"
READ = {
    "arn": METRICS_PACKAGE,
    "version": 7,
    "documents": [
        {
            "label": "Model quality statistics",
            "uri": "s3://ml-bucket/eval/evaluation.json",
            # Values that do not survive a careless round trip: exact floats, an integer.
            "metrics": [
                {"name": "auc", "value": 0.1 + 0.2, "spread": 0.004},
                {"name": "items", "value": 2000, "kind": "count"},
            ],
        },
        {
            "label": "Bias report",
            "uri": "s3://ml-bucket/b.json",
            "problem": "access denied",
            "lasting": False,
        },
    ],
}


def test_package_metrics_are_kept_exactly_and_per_package(store: Store) -> None:
    assert store.get_package_metrics(METRICS_PACKAGE) is None
    store.put_package_metrics(METRICS_PACKAGE, READ)
    assert store.get_package_metrics(METRICS_PACKAGE) == READ
    assert store.get_package_metrics(METRICS_PACKAGE.replace("/7", "/6")) is None
    # Nothing else in the store is touched: they share no key with threads.
    assert store.get_thread(CHANNEL, METRICS_PACKAGE) is None


def test_package_metrics_are_replaced_by_the_later_write(store: Store) -> None:
    store.put_package_metrics(METRICS_PACKAGE, READ)
    read_again = {**READ, "documents": READ["documents"][:1]}
    store.put_package_metrics(METRICS_PACKAGE, read_again)
    assert store.get_package_metrics(METRICS_PACKAGE) == read_again


def test_package_metrics_past_their_expiry_are_gone(store: Store) -> None:
    store.put_package_metrics(METRICS_PACKAGE, READ, ttl_seconds=-1)
    assert store.get_package_metrics(METRICS_PACKAGE) is None
    store.put_package_metrics(METRICS_PACKAGE, READ, ttl_seconds=DAY)
    assert store.get_package_metrics(METRICS_PACKAGE) == READ


EMAIL_KEY = "3f1c0e9a-digest-of-an-address"


def test_an_email_user_is_kept_until_its_expiry(store: Store) -> None:
    assert store.get_email_user(EMAIL_KEY) is None
    store.put_email_user(EMAIL_KEY, "U0OWNER", ttl_seconds=DAY)
    assert store.get_email_user(EMAIL_KEY) == EmailUser("U0OWNER")
    assert store.get_email_user(EMAIL_KEY + "x") is None
    store.put_email_user(EMAIL_KEY, "U0OWNER", ttl_seconds=-1)
    assert store.get_email_user(EMAIL_KEY) is None


def test_an_unknown_email_is_kept_as_unknown_not_as_absent(store: Store) -> None:
    store.put_email_user(EMAIL_KEY, None, ttl_seconds=DAY)
    assert store.get_email_user(EMAIL_KEY) == EmailUser(None)
    # A later answer replaces it (the user joined the workspace).
    store.put_email_user(EMAIL_KEY, "W0LATER", ttl_seconds=DAY)
    assert store.get_email_user(EMAIL_KEY) == EmailUser("W0LATER")
