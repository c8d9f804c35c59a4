"""Mount the Bolt app on a plain HTTP server (the local ``serve`` command)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.local.server import SlackDispatch
from bot.runtime import Runtime, resolve_signing_secret

logger = logging.getLogger(__name__)


def slack_dispatch(runtime: Runtime) -> SlackDispatch | None:
    """A dispatcher for ``POST /slack/events``; None without a bot token or signing secret."""
    secret = resolve_signing_secret(runtime.settings)
    if runtime.web_client is None or not secret:
        logger.info("no Slack token or signing secret: /slack/events is not served")
        return None
    from slack_bolt.request import BoltRequest

    from bot.slack_app.app import build_app, build_service

    service = build_service(runtime, runtime.web_client)
    app = build_app(
        service, client=runtime.web_client, signing_secret=secret, process_before_response=False
    )

    def dispatch(body: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        request = BoltRequest(body=body, headers=dict[str, str | Sequence[str]](headers))
        response = app.dispatch(request)
        flat = {
            k: v[0] if isinstance(v, list) and v else str(v) for k, v in response.headers.items()
        }
        return response.status, flat, response.body

    return dispatch
