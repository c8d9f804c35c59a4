"""A failed job's reply, once posted, gets the job's last log lines by an edit: the
deliverer's hook (``bot/delivery/log_lines.py`` decides whether, ``FailureLogs`` reads them
within its budget, ``bot/render/log_lines.py`` lays them out). Any failure (logs unreadable,
too slow, the edit refused) leaves the reply as it is, with a log line and a metric.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.delivery.log_lines import FailureLogs, wants_log_lines
from bot.delivery.metrics import Counter
from bot.render.log_lines import with_log_lines

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.gateway import SlackGateway

logger = logging.getLogger(__name__)


class LogLinesFollowUp:
    def __init__(
        self, logs: FailureLogs, slack: SlackGateway, limit: int, metrics: Counter
    ) -> None:
        self._logs = logs
        self._slack = slack
        self._limit = limit
        self._metrics = metrics

    def reply_posted(
        self, channel: str, ts: str, message: dict[str, Any], event: SageMakerEvent
    ) -> None:
        """``message`` was posted as ``ts``: add the lines under it, if it is a failed job's."""
        if not wants_log_lines(event, self._limit):
            return
        key = event.resource.key
        try:
            tail = self._logs.last_lines(event, self._limit)
        except Exception:  # never raises by contract; a bug must not cost the reply
            logger.exception("reading the last log lines of %s failed", key)
            tail = None
        if tail is None or not tail.lines:
            why = tail.note if tail is not None else "a bug"
            logger.warning("the last log lines of %s are not in its reply: %s", key, why)
            self._metrics.count("FailureLogsUnread")
            return
        try:
            self._slack.update_message(channel, ts, with_log_lines(message, tuple(tail.lines)))
        except Exception as exc:
            logger.warning("adding the log lines of %s to its reply failed: %s", key, exc)
            self._metrics.count("FailureLogsNotAdded")
            return
        self._metrics.count("FailureLogsAdded")
