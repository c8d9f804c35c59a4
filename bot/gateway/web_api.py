"""``SlackGateway`` over the Slack Web API (or any stand-in at ``base_url``), with slack_sdk's
retry handlers, all bounded by the invocation's deadline (``bot/deadline.py``) when there is
one: no call starts after it, no HTTP timeout or retry wait reaches past it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.deadline import current_deadline, time_left
from bot.errors import SlackDeliveryError
from bot.gateway.base import CallObserver, Message

if TYPE_CHECKING:
    from slack_sdk import WebClient

# The HTTP timeout of a call made with almost no time left.
_SHORTEST_TIMEOUT = 0.1


def make_web_client(
    token: str,
    base_url: str = "https://slack.com/api/",
    *,
    timeout: int = 10,
    rate_limit_retries: int = 10,
    server_error_retries: int = 3,
    connection_retries: int = 3,
    backoff_factor: float = 0.5,
) -> WebClient:
    """A WebClient that honours Retry-After on 429 and retries 5xx and connection errors
    with exponential backoff (slack_sdk's retry handlers)."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_interval_calculators import (
        BackoffRetryIntervalCalculator,
    )

    from bot.gateway.retry import (
        ConnectionErrorBackoffHandler,
        RetryAfterHandler,
        ServerErrorBackoffHandler,
    )

    class DeadlineWebClient(WebClient):
        """A WebClient whose HTTP timeout (read at every attempt, retries included) never
        reaches past the deadline."""

        @property  # type: ignore[override]
        def timeout(self) -> float:
            left = time_left()
            if left is None:
                return self._timeout
            # urllib takes 0 as non-blocking: the smallest useful timeout instead.
            return max(_SHORTEST_TIMEOUT, min(self._timeout, left))

        @timeout.setter
        def timeout(self, value: float) -> None:
            self._timeout = value

    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_factor)
    return DeadlineWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorBackoffHandler(
                max_retry_count=connection_retries, interval_calculator=backoff
            ),
            RetryAfterHandler(max_retry_count=rate_limit_retries),
            ServerErrorBackoffHandler(
                max_retry_count=server_error_retries, interval_calculator=backoff
            ),
        ],
    )


class WebApiGateway:
    """``SlackGateway`` over slack_sdk's ``WebClient``; errors after retries become
    ``SlackDeliveryError`` so the event is delivered again later."""

    def __init__(self, client: WebClient, observer: CallObserver | None = None) -> None:
        self._client = client
        self._observer = observer

    @property
    def client(self) -> WebClient:
        return self._client

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        from slack_sdk.errors import SlackApiError, SlackClientError

        deadline = current_deadline()
        if deadline is not None and (deadline.slack_blocked() or not deadline.fits(0)):
            # Slack asked to wait past the deadline, or it has passed: the call would fail (or
            # be killed with the function); it fails now and the event is delivered later.
            raise SlackDeliveryError(f"Slack {method} not called: no time left", "deadline")
        started = time.perf_counter()
        ok = False
        try:
            response = self._client.api_call(method, json=kwargs)
            ok = True
            return dict(response.data) if isinstance(response.data, dict) else {}
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise SlackDeliveryError(
                f"Slack {method} failed: {error or exc}", str(error) if error else None
            ) from exc
        except (SlackClientError, OSError) as exc:
            raise SlackDeliveryError(f"Slack {method} failed: {type(exc).__name__}") from exc
        finally:
            if self._observer:
                self._observer(method, time.perf_counter() - started, ok)

    def post_message(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> str:
        params: dict[str, Any] = {"channel": channel, **message, "unfurl_links": False}
        if thread_ts:
            params["thread_ts"] = thread_ts
            if reply_broadcast:
                params["reply_broadcast"] = True
        data = self._call("chat.postMessage", **params)
        return str(data["ts"])

    def update_message(self, channel: str, ts: str, message: Message) -> None:
        self._call("chat.update", channel=channel, ts=ts, **message)

    def user_id_by_email(self, email: str) -> str | None:
        """``users.lookupByEmail`` (Tier 3; needs ``users:read.email``): the user's id, or
        None when Slack knows nobody with this email."""
        try:
            data = self._call("users.lookupByEmail", email=email)
        except SlackDeliveryError as exc:
            if exc.code == "users_not_found":
                return None
            raise
        user = data.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        return user_id if isinstance(user_id, str) and user_id else None
