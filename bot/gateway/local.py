"""An in-memory Slack for the local mode and tests: channels, parents and their threads."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field

from bot.errors import SlackDeliveryError
from bot.gateway.base import Message


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

    def __init__(self, users_by_email: dict[str, str] | None = None) -> None:
        # The local workspace's users, by email (lower case): none unless given.
        self.users_by_email = {k.lower(): v for k, v in (users_by_email or {}).items()}
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
                    raise SlackDeliveryError(
                        "Slack chat.postMessage failed: thread_not_found", "thread_not_found"
                    )
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
                raise SlackDeliveryError(
                    "Slack chat.update failed: message_not_found", "message_not_found"
                )
            target.message = message
            target.edits += 1

    def user_id_by_email(self, email: str) -> str | None:
        with self._lock:
            self.calls.append("users.lookupByEmail")
            return self.users_by_email.get(email.lower())
