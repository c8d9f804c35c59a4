"""Mount the Bolt app on a plain HTTP server (the local ``serve`` command)."""

from __future__ import annotations

from bot.local.server import SlackDispatch
from bot.runtime import Runtime


def slack_dispatch(runtime: Runtime) -> SlackDispatch | None:
    """A dispatcher for ``POST /slack/events``, or None until the Slack app can be built
    (it needs a bot token and a signing secret)."""
    return None
