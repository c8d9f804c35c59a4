"""SQLite specifics: files shared by several stores and processes, WAL, housekeeping."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.errors import StoreError
from bot.store import AuditRecord, Subscription, ThreadRecord
from bot.store.sqlite import SqliteStore

CHANNEL = "C1"
KEY = "training-job/my-job"


def record(**overrides: Any) -> ThreadRecord:
    fields: dict[str, Any] = {"channel": CHANNEL, "resource_key": KEY, **overrides}
    return ThreadRecord(**fields)


def test_second_store_on_the_same_file_sees_the_first_ones_writes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    first, second = SqliteStore(path), SqliteStore(path)

    assert first.claim_thread(record(status="InProgress"), lease_seconds=10, now=1.0)
    assert not second.claim_thread(record(), lease_seconds=10, now=1.0)
    first.set_thread_ts(CHANNEL, KEY, "1.1")
    seen = second.get_thread(CHANNEL, KEY)
    assert seen is not None
    assert (seen.ts, seen.status) == ("1.1", "InProgress")

    assert second.advance_thread(
        CHANNEL, KEY, order_key=(5.0, 0.0, 0), status="Completed", state={"a": 1}
    )
    seen = first.get_thread(CHANNEL, KEY)
    assert seen is not None
    assert (seen.status, seen.state) == ("Completed", {"a": 1})

    assert first.begin_delivery(CHANNEL, KEY, "Completed", lease_seconds=10, now=1.0)
    assert not second.begin_delivery(CHANNEL, KEY, "Completed", lease_seconds=10, now=1.0)
    second.complete_delivery(CHANNEL, KEY, "Completed", "1.2")
    delivery = first.get_delivery(CHANNEL, KEY, "Completed")
    assert delivery is not None
    assert delivery.done

    first.add_subscription(Subscription(id="s1", channel=CHANNEL))
    assert [s.id for s in second.list_subscriptions(CHANNEL)] == ["s1"]
    second.record_audit(
        AuditRecord(id="a1", at=1.0, user_id="U", action="x", target="t", result="ok")
    )
    assert [r.id for r in first.list_audit()] == ["a1"]
    first.close()
    second.close()


def test_data_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    store.claim_thread(record(state={"k": [1, 2]}), lease_seconds=10, now=1.0)
    store.close()
    store = SqliteStore(path)  # creating the tables again is harmless
    reopened = store.get_thread(CHANNEL, KEY)
    assert reopened is not None
    assert reopened.state == {"k": [1, 2]}
    store.close()


def test_file_uses_wal_and_gets_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "state.sqlite3"
    SqliteStore(path).close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open"):
        SqliteStore(blocker / "state.sqlite3")


def test_separate_connections_racing_have_one_winner(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    stores = [SqliteStore(path) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    results: list[bool] = []

    def claim(store: SqliteStore) -> None:
        barrier.wait(timeout=10)
        results.append(store.claim_thread(record(), lease_seconds=10, now=1.0))

    threads = [threading.Thread(target=claim, args=(store,)) for store in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False, False, False, True]
    for store in stores:
        store.close()


def _claim_in_process(path: str, barrier: Any, results: Any) -> None:
    store = SqliteStore(path)
    barrier.wait(timeout=30)
    results.put(store.claim_thread(record(), lease_seconds=10, now=1.0))
    store.close()


def test_processes_racing_have_one_winner(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite3")
    SqliteStore(path).close()
    # spawn, not fork: forking a process that runs threads (the moto server) is unsafe.
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(3)
    results = context.Queue()
    processes = [
        context.Process(target=_claim_in_process, args=(path, barrier, results)) for _ in range(3)
    ]
    for process in processes:
        process.start()
    outcomes = sorted(results.get(timeout=60) for _ in processes)
    for process in processes:
        process.join(timeout=30)
    assert outcomes == [False, False, True]


def test_expired_rows_are_deleted_by_the_next_claim(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    store = SqliteStore(path)
    store.claim_thread(record(), lease_seconds=10, now=1.0)
    store.begin_delivery(CHANNEL, KEY, "Completed", lease_seconds=10, now=1.0, ttl_seconds=-1.0)
    store.complete_delivery(CHANNEL, KEY, "Completed", "1.1")
    store.advance_thread(
        CHANNEL,
        KEY,
        order_key=(9.0, 0.0, 0),
        status="Completed",
        state={},
        finished=True,
        ttl_seconds=-1.0,
    )
    store.claim_thread(record(resource_key="other"), lease_seconds=10, now=time.time())
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT resource_key FROM threads").fetchall() == [("other",)]
        assert conn.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 0
    store.close()


def test_memory_store() -> None:
    store = SqliteStore(":memory:")
    assert store.claim_thread(record(), lease_seconds=10, now=1.0)
    assert store.get_thread(CHANNEL, KEY) is not None
    store.close()
