"""What delivery needs of Slack: post a message, update one. Outbound only.

``bot.gateway.web_api`` implements it over the Web API, ``bot.gateway.local`` in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class UserDirectory(Protocol):
    """Who a Slack user is, by email (a resource's owner named by an email tag)."""

    def user_id_by_email(self, email: str) -> str | None:
        """The id of the workspace's user with this email; None when there is none
        (``users_not_found``). Any other failure raises ``SlackDeliveryError``."""
        ...
