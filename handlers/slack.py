"""Lambda entry point for Slack: the ``/sagemaker`` command and interactivity (HTTP API).

Bolt's AWS Lambda adapter translates the request; Bolt verifies Slack's signature, acks within
3 seconds, and runs slow work as a lazy listener in a second, asynchronous invocation of this
same function.

The Bolt app is built at import, in Lambda's init phase: the two secrets are read there (once
per container, through Powertools Parameters) and the listeners registered, so that a request
finds the app ready and makes no AWS call of its own before its ack. With SnapStart
(serverless.yml, ``snapStart``) the init phase runs once, when a version is published, and a
cold start resumes from its snapshot instead (reseeding ``random`` there: a runtime hook).
What a command alone needs (the store, the renderer, the service) is still built by the first
command that needs it.

An init that fails (a secret that cannot be read) does not fail the import: it is logged as
one error naming the cause, and the first request tries again (and fails, with that error, if
the cause is still there), rather than Lambda restarting the container on every request.
"""

from __future__ import annotations

import contextlib
import random
from typing import Any

from bot.startup import init_phase

# What the function imports lives as long as its container: imported without the cyclic
# garbage collector's passes, then frozen (bot/startup.py).
with init_phase():
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from slack_bolt.adapter.aws_lambda import SlackRequestHandler

    from bot.errors import ConfigurationError
    from bot.observability import make_tracer, route_bot_logs
    from bot.runtime import build_runtime, resolve_signing_secret
    from bot.settings import get_settings
    from bot.slack_app.app import build_app, build_service

# `name`: the logger a line came from (the bot's are bot.*); a key given here outlives the
# clear_state of each invocation, one appended later would not.
logger = Logger(service="sagemaker-chatops", name="%(name)s")
# The bot's own loggers (bot.*) write through this one: JSON, its keys, POWERTOOLS_LOG_LEVEL.
route_bot_logs(logger)
tracer = make_tracer("sagemaker-chatops")


def build_request_handler() -> SlackRequestHandler:
    """The Bolt app behind its Lambda adapter, from the settings and the two secrets."""
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
    return SlackRequestHandler(app=app)


def _init() -> SlackRequestHandler | None:
    try:
        return build_request_handler()
    except Exception as error:
        # One line that says what failed (the traceback is in its "exception" key); Lambda
        # would otherwise retry the import on every request, each failing the same way.
        logger.exception(f"Slack app not built at init, the first request tries again: {error}")
        return None


_handler: SlackRequestHandler | None = _init()

# With SnapStart, every environment resumed from one snapshot would draw the same pseudo-random
# numbers (the jitter of Slack retries, which is there to spread them): reseed from the OS on
# each restore. The hooks' library comes with Lambda's Python runtimes; without it there is no
# snapshot either.
with contextlib.suppress(ImportError):
    from snapshot_restore_py import register_after_restore

    register_after_restore(random.seed)


def request_handler() -> SlackRequestHandler:
    """The Bolt app built at init; built here if that failed (or a test reset it)."""
    global _handler
    if _handler is None:
        _handler = build_request_handler()
    return _handler


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response: dict[str, Any] = request_handler().handle(event, context)  # type: ignore[no-untyped-call]
    return response
