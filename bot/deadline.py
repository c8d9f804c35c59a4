"""The time an invocation has left, for everything that waits on Slack.

A Lambda function is killed at its timeout, and a killed SQS batch returns whole to the queue,
records never started included. The events handler therefore sets a :class:`Deadline` per
invocation (the context's remaining time minus a safety margin, :func:`deadline_in`); the Slack
gateway caps its waits and HTTP timeouts by it, and the handler does not start a record it cannot
finish. Outside such a block (the command line, ``serve``, the slack function) there is no
deadline and nothing changes.

The deadline lives in a context variable, set and reset by :func:`deadline_in`: nothing is
shared between invocations or tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Deadline:
    """A point in time (``time.monotonic``) the work must be finished by.

    It also remembers the latest time Slack asked not to be called before (a ``Retry-After``
    the invocation could not wait for), so that the records after it are not started only to
    meet the same 429.
    """

    def __init__(self, at: float) -> None:
        self.at = at
        self.slack_blocked_until = 0.0

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        """Seconds left, never negative."""
        return max(0.0, self.at - time.monotonic())

    def fits(self, seconds: float) -> bool:
        """Whether something that takes ``seconds`` ends before the deadline."""
        return seconds < self.remaining()

    def block_slack_for(self, seconds: float) -> None:
        """Slack asked to wait ``seconds`` before the next call (a 429 not waited for)."""
        self.slack_blocked_until = max(self.slack_blocked_until, time.monotonic() + seconds)

    def slack_blocked(self) -> bool:
        """Whether Slack asked to wait until after the deadline: no call can succeed before."""
        return self.slack_blocked_until >= self.at


_current: ContextVar[Deadline | None] = ContextVar("chatops_deadline", default=None)


def current_deadline() -> Deadline | None:
    """The deadline of the work in progress, or None when there is none."""
    return _current.get()


def time_left() -> float | None:
    """Seconds left before the current deadline, or None when there is none."""
    deadline = _current.get()
    return None if deadline is None else deadline.remaining()


@contextmanager
def deadline_in(seconds: float) -> Iterator[Deadline]:
    """Run the block with a deadline ``seconds`` from now (reset after, even on error)."""
    deadline = Deadline.after(seconds)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)
