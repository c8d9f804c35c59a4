"""Audit: who did what, to what, with what result. Stored, and logged as one JSON line.

Secrets never reach either: detail keys that name a secret (``token``, ``password``,
``authorization``…) have their values replaced, and anything that looks like a Slack token or
an AWS access key is masked wherever it appears, a comment included.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any, Protocol

from bot.store import AuditLog, AuditRecord

REDACTED = "[redacted]"

_SECRET_KEY = re.compile(
    r"token|secret|password|passwd|authorization|signature|credential|api[_-]?key|cookie",
    re.IGNORECASE,
)
_SECRET_VALUE = re.compile(
    r"xox[a-z]-[A-Za-z0-9-]+"  # Slack bot/user/app tokens
    r"|xapp-[A-Za-z0-9-]+"
    r"|\b(?:AKIA|ASIA)[A-Z0-9]{16}\b"  # AWS access key ids
    r"|\bBearer\s+\S+",
    re.IGNORECASE,
)


class LoggerLike(Protocol):
    """``logging.Logger``, a ``LoggerAdapter`` or Powertools' ``Logger``."""

    def info(self, msg: Any, *args: Any, **kwargs: Any) -> None: ...


def redact(value: Any, key: str = "") -> Any:
    """A JSON-safe copy of ``value`` with secrets masked (recursively)."""
    if key and _SECRET_KEY.search(key):
        return REDACTED
    if isinstance(value, str):
        return _SECRET_VALUE.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return _SECRET_VALUE.sub(REDACTED, str(value))


class Auditor:
    """Records actions taken through Slack (approvals, retries, stops, subscriptions)."""

    def __init__(
        self,
        store: AuditLog,
        logger: LoggerLike | None = None,
        clock: Callable[[], float] = time.time,
        id_factory: Callable[[], str] = lambda: str(uuid.uuid4()),
    ) -> None:
        self._store = store
        self._logger: LoggerLike = logger or logging.getLogger(__name__)
        self._clock = clock
        self._id_factory = id_factory

    def record(
        self,
        user_id: str,
        action: str,
        target: str,
        result: str,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditRecord:
        """Store the record, then log it; returns what was stored."""
        record = AuditRecord(
            id=self._id_factory(),
            at=self._clock(),
            user_id=redact(user_id),
            action=redact(action),
            target=redact(target),
            result=redact(result),
            detail=redact(dict(detail or {})),
        )
        self._store.record_audit(record)
        payload = asdict(record)
        payload["audit_id"] = payload.pop("id")
        line = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        self._logger.info("audit %s", line, extra={"audit": payload})
        return record
