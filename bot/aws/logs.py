"""The last lines a job wrote to CloudWatch Logs, across all of its log streams.

A SageMaker job writes one stream per instance (``JOB/algo-1-1700000000``, ``JOB/algo-2-…``),
and the line that explains a failure may be on any of them: the tail is the newest lines of
every stream, merged by timestamp, each tagged with the stream it came from.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.aws.errors import AwsError, AwsPermissionError, ResourceNotFoundError, aws_call
from bot.inspection import LogLine

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient

TAIL_LINES = 50
LINE_CHARS = 300
# Bounds the calls one inspection makes: a 100-instance job would otherwise cost 100 calls.
# The streams that wrote last are read first, and they are the ones that hold the failure.
MAX_STREAMS = 20
# Bounds DescribeLogStreams paging (50 streams a page) for a job with very many streams.
MAX_STREAM_PAGES = 10
ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class LogTail:
    lines: tuple[LogLine, ...] = ()
    streams: int = 0  # how many streams the lines were read from
    note: str | None = None  # why there are no lines, or why some may be missing


def clip(text: str, limit: int = LINE_CHARS) -> str:
    """One log line, cut to ``limit`` characters: one huge JSON line must not crowd out the rest."""
    text = text.rstrip()
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _lines(stream: str, events: list[Any], limit: int, line_chars: int) -> list[LogLine]:
    """The last ``limit`` physical lines of a stream's events, oldest first."""
    lines: list[LogLine] = []
    for event in events:
        stamp = event.get("timestamp")
        message = event.get("message")
        if not isinstance(stamp, int) or not isinstance(message, str):
            continue
        at = datetime.fromtimestamp(stamp / 1000, tz=UTC)
        # One event may hold a whole traceback: each of its lines counts as a line.
        lines.extend(LogLine(at, stream, clip(part, line_chars)) for part in message.splitlines())
    return lines[-limit:]


def tail_logs(
    client: CloudWatchLogsClient,
    log_group: str,
    stream_prefix: str,
    *,
    limit: int = TAIL_LINES,
    line_chars: int = LINE_CHARS,
    max_streams: int = MAX_STREAMS,
) -> LogTail:
    """The last ``limit`` lines across the streams of ``log_group`` starting with ``stream_prefix``.

    ``stream_prefix`` ends with ``/`` for a job (``JOB/``) so that job ``a`` never reads the
    streams of job ``a-2``; an empty prefix reads the most recently written streams of the
    group (an endpoint's). Missing logs are not an error: the tail says why it is empty.
    """
    subject = f"log group {log_group}"
    try:
        streams = _streams(client, log_group, stream_prefix, max_streams)
    except ResourceNotFoundError:
        return LogTail(note=f"No log group {log_group} (the job may not have started).")
    except AwsPermissionError:
        return LogTail(note="The bot may not read CloudWatch Logs (logs:DescribeLogStreams).")
    except AwsError as exc:
        return LogTail(note=f"Could not list the log streams: {exc}")
    if not streams:
        return LogTail(note=f"No log streams yet in {log_group} for {stream_prefix or 'it'}.")

    per_stream: list[list[LogLine]] = []
    note = None
    for name in streams:
        try:
            with aws_call(subject, "logs"):
                # Newest first from the end of the stream: one call, whatever its length.
                response = client.get_log_events(
                    logGroupName=log_group,
                    logStreamName=name,
                    startFromHead=False,
                    limit=limit,
                )
        except AwsError as exc:
            note = f"Some log streams could not be read: {exc}"
            continue
        short = name[len(stream_prefix) :] if stream_prefix else name
        per_stream.append(
            _lines(short or name, list(response.get("events", [])), limit, line_chars)
        )
    # Each stream is already in time order; merge keeps equal timestamps in stream order.
    merged = list(heapq.merge(*per_stream, key=lambda line: line.timestamp))
    return LogTail(lines=tuple(merged[-limit:]), streams=len(per_stream), note=note)


def _streams(
    client: CloudWatchLogsClient, log_group: str, prefix: str, max_streams: int
) -> list[str]:
    """Names of the streams to read, the most recently written first, sorted by name."""
    found: list[tuple[int, str]] = []
    with aws_call(f"log group {log_group}", "logs"):
        paginator = client.get_paginator("describe_log_streams")
        if prefix:
            # CloudWatch cannot order by last event time when a prefix is given: list them all.
            pages = paginator.paginate(logGroupName=log_group, logStreamNamePrefix=prefix)
        else:
            pages = paginator.paginate(
                logGroupName=log_group, orderBy="LastEventTime", descending=True
            )
        for number, page in enumerate(pages):
            for stream in page.get("logStreams", []):
                name = stream.get("logStreamName")
                if name:
                    last = stream.get("lastEventTimestamp") or stream.get("creationTime") or 0
                    found.append((int(last), name))
            if number + 1 >= MAX_STREAM_PAGES or (not prefix and len(found) >= max_streams):
                break
    newest = sorted(found, key=lambda item: item[0], reverse=True)[:max_streams]
    return sorted(name for _, name in newest)
