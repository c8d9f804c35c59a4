"""Rate-limit retries that wait what Slack asks for.

slack_sdk's ``RateLimitErrorRetryHandler`` sleeps ``Retry-After`` plus a random 0 to 1 s. During a
burst that extra second per 429 adds up to minutes; here the jitter is proportional (up to 10%),
which still keeps concurrent Lambda instances from retrying in lockstep.
"""

from __future__ import annotations

import random
import time

from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState


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
