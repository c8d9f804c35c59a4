"""Lambda entry point for SageMaker events: an SQS batch (EventBridge → SQS → Lambda) or a
direct EventBridge invocation; and, from a schedule, the reminders of packages still waiting
for approval.

Thin on purpose: Powertools does logging, metrics, tracing and partial batch failures; the bot's
parts are built once per container, on the first event, not at import time.

Each invocation runs under a deadline (``bot/deadline.py``): the time Lambda gives it minus a
safety margin. A record that cannot be finished in the time left is not started, and every Slack
wait stops at the deadline, so the handler always answers with its batch item failures instead
of being killed with the whole batch (records never started included) going back to the queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from bot.deadline import Deadline, current_deadline, deadline_in
from bot.errors import ChatOpsError, EventInputError
from bot.events.parse import load_event_json
from bot.observability import make_tracer, route_bot_logs
from bot.runtime import Runtime, build_runtime
from bot.settings import get_settings

# `name`: the logger a line came from (the bot's are bot.*); a key given here outlives the
# clear_state of each invocation, one appended later would not.
logger = Logger(service="sagemaker-chatops", name="%(name)s")
# The bot's own loggers (bot.*) write through this one: JSON, its keys, POWERTOOLS_LOG_LEVEL.
route_bot_logs(logger)
tracer = make_tracer("sagemaker-chatops")
metrics = Metrics(namespace="SageMakerChatOps", service="sagemaker-chatops")
# A batch whose records all fail is still answered with per-record failures: SQS retries them
# and dead-letters each one on its own count, and Lambda does not report the batch as an error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

_runtime: Runtime | None = None

# Kept between the deadline and Lambda's timeout: answering the batch and flushing the metrics
# (milliseconds), and the store writes of the last record, which the deadline does not bound
# (DynamoDB answers in milliseconds; a throttled write retries for a second or two).
SAFETY_MARGIN_SECONDS = 3.0
# A record is started only with this much time left before the deadline: one delivery is a few
# Slack calls (a parent, a reply, an edit; ~0.1-0.5 s each) and conditional writes. A record
# started with less would most likely fail at the deadline after changing half of what it shows.
MIN_SECONDS_TO_START = 3.0


class RecordDeferredError(ChatOpsError):
    """A record not started: too little time left, or Slack asked to wait past the deadline."""


class _PowertoolsMetrics:
    def count(self, name: str, value: float = 1) -> None:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)


def _observe_slack(method: str, seconds: float, ok: bool) -> None:
    metrics.add_metric(name="SlackLatency", unit=MetricUnit.Milliseconds, value=seconds * 1000)
    if not ok:
        metrics.add_metric(name="SlackErrors", unit=MetricUnit.Count, value=1)


def runtime() -> Runtime:
    """The bot's parts, built on first use and kept for the container's life."""
    global _runtime
    if _runtime is None:
        _runtime = build_runtime(
            get_settings(), metrics=_PowertoolsMetrics(), slack_observer=_observe_slack
        )
    return _runtime


# The keys one event adds to the log lines; cleared after each record so that none of them
# is printed on the next record's lines (the logger lives as long as the container).
EVENT_LOG_KEYS = ("correlation_id", "detail_type")


@tracer.capture_method
def deliver(raw: dict[str, Any]) -> None:
    logger.append_keys(correlation_id=str(raw.get("id") or ""), detail_type=raw.get("detail-type"))
    report = runtime().deliverer.deliver_raw(raw)
    logger.info("delivered", extra={"outcomes": {c: o.value for c, o in report.outcomes.items()}})


def _why_not_start(deadline: Deadline | None) -> str | None:
    if deadline is None:
        return None
    if deadline.slack_blocked():
        return "Slack asked to wait past the deadline"
    if not deadline.fits(MIN_SECONDS_TO_START):
        return f"{deadline.remaining():.1f} s left"
    return None


def record_handler(record: SQSRecord) -> None:
    reason = _why_not_start(current_deadline())
    if reason is not None:
        # No Slack or store call: the record is a batch item failure, SQS hands it out again
        # after the visibility timeout (see maxReceiveCount in serverless.yml).
        logger.warning("SQS message %s deferred: %s", record.message_id, reason)
        metrics.add_metric(name="EventsDeferred", unit=MetricUnit.Count, value=1)
        raise RecordDeferredError(reason)
    try:
        _handle_record(record)
    finally:
        logger.remove_keys(EVENT_LOG_KEYS)


def _handle_record(record: SQSRecord) -> None:
    try:
        raw = load_event_json(record.body)
    except EventInputError as exc:
        # Never deliverable (not JSON, not an object, past the parser's limits): it fails with
        # the reason logged, and SQS moves it to the dead-letter queue after the maximum
        # receives.
        logger.error("undeliverable SQS message %s: %s", record.message_id, exc)
        metrics.add_metric(name="EventsUndeliverable", unit=MetricUnit.Count, value=1)
        raise
    try:
        deliver(raw)
    except ChatOpsError as exc:
        logger.warning("event %s will be retried: %s", raw.get("id"), exc)
        raise


def is_schedule(event: dict[str, Any]) -> bool:
    """The event of an EventBridge schedule (serverless.yml's reminder rule)."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    budget = context.get_remaining_time_in_millis() / 1000 - SAFETY_MARGIN_SECONDS
    with deadline_in(budget):
        if is_schedule(event):
            # A failure raises: the run is reported failed, and what it did not send is due
            # again at the next one.
            sent = runtime().reminders.send_due()
            logger.info("reminders sent", extra={"reminders": sent})
            return {"remindersSent": sent}
        if "Records" in event:
            return dict(
                process_partial_response(
                    event=event,
                    record_handler=record_handler,
                    processor=processor,
                    context=context,
                )
            )
        # A direct EventBridge target: failures raise, so EventBridge retries and then
        # dead-letters.
        deliver(event)
        return {"batchItemFailures": []}
