"""The one place that sends messages to Slack.

``SlackGateway`` is what delivery needs; ``WebApiGateway`` implements it over the real Web API
(or any stand-in at ``base_url``) with slack_sdk's retry handlers, and ``LocalGateway`` keeps the
conversation in memory for the local mode and tests.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from bot.errors import SlackDeliveryError

if TYPE_CHECKING:
    from slack_sdk import WebClient

Message = dict[str, Any]
CallObserver = Callable[[str, float, bool], None]
"""Called after every Slack call with (method, seconds, ok): metrics hang here."""


class SlackGateway(Protocol):
    def post_message(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> str:
        """Post a message (or a thread reply); returns its ``ts``."""
        ...

    def update_message(self, channel: str, ts: str, message: Message) -> None:
        """Replace a message's text and blocks in place."""
        ...


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
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        ServerErrorRetryHandler,
    )
    from slack_sdk.http_retry.builtin_interval_calculators import (
        BackoffRetryIntervalCalculator,
    )

    from bot.slack.retry import RetryAfterHandler

    backoff = BackoffRetryIntervalCalculator(backoff_factor=backoff_factor)
    return WebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(
                max_retry_count=connection_retries, interval_calculator=backoff
            ),
            RetryAfterHandler(max_retry_count=rate_limit_retries),
            ServerErrorRetryHandler(
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

        started = time.perf_counter()
        ok = False
        try:
            response = self._client.api_call(method, json=kwargs)
            ok = True
            return dict(response.data) if isinstance(response.data, dict) else {}
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            raise SlackDeliveryError(f"Slack {method} failed: {error or exc}") from exc
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


@dataclass
class LocalMessage:
    ts: str
    message: Message
    thread_ts: str | None = None
    broadcast: bool = False
    edits: int = 0
    replies: list[LocalMessage] = field(default_factory=list)


class LocalGateway:
    """An in-memory Slack: channels, parents and their threads, as a person would see them."""

    def __init__(self) -> None:
        self.channels: dict[str, list[LocalMessage]] = {}
        self._by_ts: dict[tuple[str, str], LocalMessage] = {}
        self._clock = itertools.count(1)
        self._epoch = int(time.time())
        self._lock = threading.Lock()
        self.calls: list[str] = []

    def post_message(
        self,
        channel: str,
        message: Message,
        *,
        thread_ts: str | None = None,
        reply_broadcast: bool = False,
    ) -> str:
        with self._lock:
            self.calls.append("chat.postMessage")
            # Slack's ts: epoch seconds with a per-channel unique microsecond part.
            ts = f"{self._epoch + next(self._clock) / 1e6:.6f}"
            posted = LocalMessage(ts, message, thread_ts, reply_broadcast)
            if thread_ts:
                parent = self._by_ts.get((channel, thread_ts))
                if parent is None:
                    raise SlackDeliveryError("Slack chat.postMessage failed: thread_not_found")
                parent.replies.append(posted)
            else:
                self.channels.setdefault(channel, []).append(posted)
            self._by_ts[(channel, ts)] = posted
            return ts

    def update_message(self, channel: str, ts: str, message: Message) -> None:
        with self._lock:
            self.calls.append("chat.update")
            target = self._by_ts.get((channel, ts))
            if target is None:
                raise SlackDeliveryError("Slack chat.update failed: message_not_found")
            target.message = message
            target.edits += 1
