"""The last lines a failed job logged, for its failure reply (``CHATOPS_FAILURE_LOG_LINES``).

Read by the events function after the reply is posted, through :meth:`SageMaker.job_logs`
(:mod:`bot.aws.logs`, the Inspect button's reader), in a worker thread within a time budget
(``LOG_SECONDS``, and never past the invocation's deadline less what the delivery itself
still needs): past it, the reply stays as it is. Each event is read once, whatever the number
of channels its reply went to. Never raises: what could not be read is the tail's ``note``.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Protocol

from botocore.config import Config

from bot.aws.logs import LogTail
from bot.deadline import time_left

if TYPE_CHECKING:
    from bot.events.identity import ResourceRef
    from bot.events.parse import SageMakerEvent

logger = logging.getLogger(__name__)

# Two calls per stream read (~0.05-0.2 s each in-region): reached only when AWS is slow.
LOG_SECONDS = 2.0
# With a deadline, the logs stop this long before it: what the delivery still needs (the
# events handler starts a record with 3 s left; see bot/aws/evidence.py).
RESERVED_SECONDS = 3.0
MEMO_SIZE = 32  # events whose lines are remembered: each channel of one event reuses them
# At most this many streams are read: a job's failure shows on the streams that wrote last.
MAX_STREAMS = 4
# Short timeouts and one retry: a slow AWS costs the budget, not the invocation.
_TIMEOUTS = Config(
    connect_timeout=1, read_timeout=2, retries={"max_attempts": 2, "mode": "standard"}
)
CLIENTS = {"logs": {"config": _TIMEOUTS}}


class JobLogs(Protocol):
    """:class:`~bot.aws.sagemaker.SageMaker` as far as the logs go."""

    def job_logs(self, ref: ResourceRef, limit: int, max_streams: int = ...) -> LogTail: ...


JobLogSources = Callable[[str | None, str | None], JobLogs]
"""``(region, account)`` → that place's SageMaker (:class:`~bot.aws.accounts.SageMakers`)."""


class FailureLogReader:
    def __init__(self, sources: JobLogSources, *, budget_seconds: float = LOG_SECONDS) -> None:
        self._sources = sources
        self._budget = budget_seconds
        # Two workers: a read that overran its budget does not hold up the next.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="failure-logs")
        self._memo: OrderedDict[str, LogTail] = OrderedDict()
        self._lock = threading.Lock()

    def last_lines(self, event: SageMakerEvent, limit: int) -> LogTail:
        """The job's last ``limit`` lines, or a tail without lines whose note says why."""
        memo_key = f"{event.id}|{event.resource.key}|{limit}"
        with self._lock:
            remembered = self._memo.get(memo_key)
        if remembered is not None:
            return remembered
        tail = self._within_budget(event, limit)
        with self._lock:
            self._memo[memo_key] = tail
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return tail

    def _within_budget(self, event: SageMakerEvent, limit: int) -> LogTail:
        budget = self._budget
        left = time_left()
        if left is not None:
            budget = min(budget, left - RESERVED_SECONDS)
        if budget <= 0:
            return LogTail(note="not read: too little time left")
        resource = event.resource
        future = self._pool.submit(
            lambda: self._sources(resource.region, resource.account).job_logs(
                resource, limit, MAX_STREAMS
            )
        )
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            return LogTail(note=f"not read within {budget:.3g} s")
        except Exception as exc:  # a bug (or a client that cannot be made) costs the lines only
            logger.exception("reading the logs of %s failed", resource.key)
            return LogTail(note=f"could not be read: {type(exc).__name__}")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
