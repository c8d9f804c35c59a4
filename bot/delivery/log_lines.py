"""Whether a failure reply gets its job's last log lines, and what reads them: pure.

Off unless the operator turns it on (``CHATOPS_FAILURE_LOG_LINES``: logs may hold secrets).
Then a failed training, processing or transform job's reply gets them by an edit after it is
posted (``Deliverer``), so reading logs never delays or blocks the alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from bot.events.identity import ResourceKind
from bot.events.status import StatusClass

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.inspection import LogLine

# The jobs that log to SageMaker's job log groups (bot/aws/inspection.py's LOG_GROUPS).
LOGGED_KINDS = frozenset({ResourceKind.TRAINING, ResourceKind.PROCESSING, ResourceKind.TRANSFORM})


class Tail(Protocol):
    @property
    def lines(self) -> Sequence[LogLine]: ...

    @property
    def note(self) -> str | None:
        """Why there are no lines, or why some may be missing."""


class FailureLogs(Protocol):
    """The last lines a job logged (``bot/aws/failure_logs.py``): within a time budget, never
    raising; a tail without lines says why in its note."""

    def last_lines(self, event: SageMakerEvent, limit: int) -> Tail: ...


def wants_log_lines(event: SageMakerEvent, limit: int) -> bool:
    """A failed job's reply, with the setting on."""
    return limit > 0 and event.status_class is StatusClass.FAILED and event.kind in LOGGED_KINDS
