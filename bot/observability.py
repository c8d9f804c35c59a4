"""Powertools Tracer that costs nothing when tracing is off.

Powertools' Tracer imports the X-Ray SDK when it is built, and the SDK creates botocore clients
at import: about as much time as importing boto3 again. When tracing is disabled (locally, in
tests, or ``POWERTOOLS_TRACE_DISABLED=true`` in Lambda) the Tracer gets a no-op provider instead,
so the cold start does not pay for traces nobody collects.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Generator, Sequence
from typing import Any

from aws_lambda_powertools import Tracer
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
