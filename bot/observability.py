"""Powertools in the Lambda handlers: a Tracer that costs nothing when tracing is off, and the
bot's own loggers routed through the handler's Powertools Logger.

Powertools' Tracer imports the X-Ray SDK when it is built, and the SDK creates botocore clients
at import: about as much time as importing boto3 again. When tracing is disabled (locally, in
tests, or ``POWERTOOLS_TRACE_DISABLED=true`` in Lambda) the Tracer gets a no-op provider instead,
so the cold start does not pay for traces nobody collects.

The bot logs with ``logging.getLogger(__name__)`` (``bot.*``). In Lambda those lines would go to
the root logger: plain text, no correlation id, and dropped below WARNING. ``route_bot_logs``
gives the ``bot`` logger the Powertools Logger's handler and level instead, so every ``bot.*``
line (the audit line of each approval included) is JSON, carries the keys the handler appended
(``correlation_id``…) and follows ``POWERTOOLS_LOG_LEVEL``.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Generator, Sequence
from typing import Any

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from aws_lambda_powertools.tracing.base import BaseProvider, BaseSegment


class _NoopSegment(BaseSegment):
    def close(self, end_time: int | None = None) -> None: ...
    def add_subsegment(self, subsegment: Any) -> None: ...
    def remove_subsegment(self, subsegment: Any) -> None: ...
    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def add_exception(self, exception: BaseException, stack: Any, remote: bool = False) -> None: ...


class NoopProvider(BaseProvider):
    @contextlib.contextmanager
    def in_subsegment(self, name: Any = None, **kwargs: Any) -> Generator[BaseSegment, None, None]:
        yield _NoopSegment()

    @contextlib.asynccontextmanager
    async def in_subsegment_async(self, name: Any = None, **kwargs: Any) -> Any:
        yield _NoopSegment()

    def put_annotation(self, key: str, value: Any) -> None: ...
    def put_metadata(self, key: str, value: Any, namespace: str = "default") -> None: ...
    def patch(self, modules: Sequence[str]) -> None: ...
    def patch_all(self) -> None: ...


def tracing_enabled() -> bool:
    """Powertools' own rule: on in Lambda unless POWERTOOLS_TRACE_DISABLED is truthy."""
    disabled = os.getenv("POWERTOOLS_TRACE_DISABLED", "false").strip().lower()
    in_lambda = bool(os.getenv("LAMBDA_TASK_ROOT")) and not os.getenv("AWS_SAM_LOCAL")
    return in_lambda and disabled not in ("1", "true", "yes", "on")


def make_tracer(service: str) -> Tracer:
    if tracing_enabled():
        return Tracer(service=service)
    return Tracer(service=service, provider=NoopProvider(), auto_patch=False, disabled=False)


BOT_LOGGER = "bot"


def route_bot_logs(source: Logger) -> None:
    """Send the ``bot`` logger (and so every ``bot.*`` one) through ``source``'s handler.

    Idempotent: the ``bot`` logger's handlers are replaced, not added to. It stops propagating to
    the root logger, so Lambda does not print each line a second time as plain text.
    """
    # Registered first, so Powertools finds it even if no bot.* module has created a logger yet.
    logging.getLogger(BOT_LOGGER)
    copy_config_to_registered_loggers(source_logger=source, include={BOT_LOGGER})
