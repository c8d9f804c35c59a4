"""Lambda entry point for Slack: the ``/sagemaker`` command and interactivity (HTTP API).

Bolt's AWS Lambda adapter translates the request; Bolt verifies Slack's signature, acks within
3 seconds, and runs slow work as a lazy listener in a second, asynchronous invocation of this
same function.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.observability import make_tracer, route_bot_logs
from bot.settings import get_settings

if TYPE_CHECKING:
    from slack_bolt.adapter.aws_lambda import SlackRequestHandler

# `name`: the logger a line came from (the bot's are bot.*); a key given here outlives the
# clear_state of each invocation, one appended later would not.
logger = Logger(service="sagemaker-chatops", name="%(name)s")
# The bot's own loggers (bot.*) write through this one: JSON, its keys, POWERTOOLS_LOG_LEVEL.
route_bot_logs(logger)
tracer = make_tracer("sagemaker-chatops")

_handler: SlackRequestHandler | None = None


def request_handler() -> SlackRequestHandler:
    """The Bolt app behind its Lambda adapter, built on first use and kept."""
    global _handler
    if _handler is None:
        from slack_bolt.adapter.aws_lambda import SlackRequestHandler

        from bot.errors import ConfigurationError
        from bot.runtime import build_runtime, resolve_signing_secret
        from bot.slack_app.app import build_app, build_service

        settings = get_settings()
        runtime = build_runtime(settings)  # the store and renderer are opened on first use
        secret = resolve_signing_secret(settings)
        client = runtime.web_client
        if client is None or not secret:
            raise ConfigurationError("the Slack handler needs a bot token and a signing secret")
        app = build_app(
            lambda: build_service(runtime, client),  # built by the first command that needs it
            client=client,
            signing_secret=secret,
            process_before_response=True,
        )
        _handler = SlackRequestHandler(app=app)
    return _handler


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = request_handler().handle(event, context)  # type: ignore[no-untyped-call]
    return response
