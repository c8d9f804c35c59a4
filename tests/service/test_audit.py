"""The audit trail: stored and logged, never with secrets."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest

from bot.service.audit import REDACTED, Auditor, redact
from bot.store.base import AuditRecord
from bot.store.sqlite import SqliteStore

TARGET = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-models/7"


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    backend = SqliteStore(":memory:")
    yield backend
    backend.close()


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    lines = []
    for record in caplog.records:
        message = record.getMessage()
        if message.startswith("audit "):
            lines.append(json.loads(message.removeprefix("audit ")))
    return lines


def test_record_writes_the_store_and_logs_a_json_line(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    auditor = Auditor(store, logging.getLogger("test.audit"), clock=lambda: 1_700_000_123.5)
    with caplog.at_level(logging.INFO, logger="test.audit"):
        record = auditor.record(
            "U0ALICE", "approve", TARGET, "ok", {"comment": 'AUC 0.91 — "ship it"\nthanks'}
        )
    assert store.list_audit() == [record]
    assert record.at == 1_700_000_123.5
    assert uuid.UUID(record.id).version == 4
    assert record.detail == {"comment": 'AUC 0.91 — "ship it"\nthanks'}

    (line,) = audit_lines(caplog)
    assert line == {
        "audit_id": record.id,
        "at": 1_700_000_123.5,
        "user_id": "U0ALICE",
        "action": "approve",
        "target": TARGET,
        "result": "ok",
        "detail": {"comment": 'AUC 0.91 — "ship it"\nthanks'},
    }
    (log_record,) = caplog.records
    assert "\n" not in log_record.getMessage()  # one line: a comment cannot forge log lines
    assert log_record.audit["action"] == "approve"  # type: ignore[attr-defined]


def test_every_record_gets_its_own_id(store: SqliteStore) -> None:
    auditor = Auditor(store, logging.getLogger("test.audit"))
    first = auditor.record("U1", "retry", "arn:x", "ok")
    second = auditor.record("U1", "retry", "arn:x", "error", {"error": "ValidationException"})
    assert first.id != second.id
    assert {r.id for r in store.list_audit()} == {first.id, second.id}
    assert first.detail == {}


def test_default_logger_and_clock(store: SqliteStore, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="bot.service.audit"):
        record = Auditor(store).record("U1", "subscribe", "C1", "ok")
    assert record.at > 1_600_000_000
    assert audit_lines(caplog)[0]["action"] == "subscribe"


def test_secrets_are_never_stored_or_logged(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
) -> None:
    token = "xoxb-1234-5678-abcdefghijkl"
    auditor = Auditor(store, logging.getLogger("test.audit"))
    with caplog.at_level(logging.INFO, logger="test.audit"):
        record = auditor.record(
            "U0ALICE",
            "approve",
            TARGET,
            "ok",
            {
                "comment": f"oops I pasted {token} here",
                "token": "anything",
                "headers": {"Authorization": "Bearer abc", "X-Slack-Signature": "v0=abc"},
                "aws": ["AKIAABCDEFGHIJKLMNOP"],
                "count": 3,
            },
        )
    assert token not in caplog.text
    assert "AKIAABCDEFGHIJKLMNOP" not in caplog.text
    assert "anything" not in caplog.text
    assert "v0=abc" not in caplog.text
    assert record.detail == {
        "comment": f"oops I pasted {REDACTED} here",
        "token": REDACTED,
        "headers": {"Authorization": REDACTED, "X-Slack-Signature": REDACTED},
        "aws": [REDACTED],
        "count": 3,
    }
    (stored,) = store.list_audit()
    assert stored == record
    assert "oops I pasted" in caplog.text  # the comment itself is kept


def test_redact_leaves_ordinary_values_alone() -> None:
    assert redact({"a": [1, 2.5, None, True], "b": "fine"}) == {
        "a": [1, 2.5, None, True],
        "b": "fine",
    }
    assert redact(("x",)) == ["x"]


def test_records_are_audit_records(store: SqliteStore) -> None:
    record = Auditor(store, logging.getLogger("test.audit")).record("U1", "stop", "job", "denied")
    assert isinstance(record, AuditRecord)
    assert record.result == "denied"
