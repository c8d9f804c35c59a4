"""Rate-limit retries that wait what Slack asks for.

slack_sdk's ``RateLimitErrorRetryHandler`` sleeps ``Retry-After`` plus a random 0 to 1 s. During a
burst that extra second per 429 adds up to minutes; here the jitter is proportional (up to 10%),
which still keeps concurrent Lambda instances from retrying in lockstep.

Every wait also respects the invocation's deadline (``bot/deadline.py``): a ``Retry-After`` longer
than the time left is not waited for (the 429 fails the call at once, and the deadline remembers
that Slack is closed until then), and the 5xx and connection-error backoffs are not retried past
it. Without a deadline (the command line, ``serve``), nothing changes.
"""

from __future__ import annotations

import random
import time

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.deadline import current_deadline


def retry_after_seconds(response: HttpResponse, default: float = 1.0) -> float:
    """The ``Retry-After`` header in seconds (Slack sends whole seconds)."""
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return default
    return default


class RetryAfterHandler(RateLimitErrorRetryHandler):
    """Retry a 429 after ``Retry-After`` seconds plus up to ``jitter`` (10%) more."""

    def __init__(self, max_retry_count: int = 1, *, jitter: float = 0.1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.jitter = jitter

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super().can_retry(state=state, request=request, response=response, error=error):
            return False
        deadline = current_deadline()
        if deadline is None or response is None:
            return True
        wait = self.wait_seconds(response)
        if deadline.fits(wait * (1 + self.jitter)):
            return True
        # Waiting would outlive the invocation: the call fails now, and is tried again later.
        deadline.block_slack_for(wait)
        return False

    def wait_seconds(self, response: HttpResponse) -> float:
        """How long the response asks to wait; a subclass may read another header."""
        return retry_after_seconds(response)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        if response is None:
            raise error or RuntimeError("rate-limit retry without a response")
        wait = self.wait_seconds(response)
        state.next_attempt_requested = True
        time.sleep(wait * (1 + self.jitter * random.random()))  # noqa: S311 - jitter, not crypto
        state.increment_current_attempt()


class _DeadlineBackoff(RetryHandler):
    """A slack_sdk backoff retry (mixed in before it) whose waits end before the deadline."""

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super().can_retry(state=state, request=request, response=response, error=error):
            return False
        deadline = current_deadline()
        # The next backoff, and a call after it, must start before the deadline.
        wait = self.interval_calculator.calculate_sleep_duration(state.current_attempt)
        return deadline is None or deadline.fits(wait)

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        duration = self.interval_calculator.calculate_sleep_duration(state.current_attempt)
        deadline = current_deadline()
        if deadline is not None:
            duration = min(duration, deadline.remaining())
        time.sleep(duration)
        state.increment_current_attempt()


class ServerErrorBackoffHandler(_DeadlineBackoff, ServerErrorRetryHandler):
    """slack_sdk's 5xx retries, with backoffs that end before the deadline."""


class ConnectionErrorBackoffHandler(_DeadlineBackoff, ConnectionErrorRetryHandler):
    """slack_sdk's connection-error retries, with backoffs that end before the deadline."""
