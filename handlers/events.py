"""Lambda entry point for SageMaker events: an SQS batch (EventBridge → SQS → Lambda) or a
direct EventBridge invocation.

Thin on purpose: Powertools does logging, metrics, tracing and partial batch failures; the bot's
parts are built once per container, on the first event, not at import time.
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

from bot.errors import ChatOpsError, EventInputError
from bot.events.parse import load_event_json
from bot.observability import make_tracer
from bot.runtime import Runtime, build_runtime
from bot.settings import get_settings

logger = Logger(service="sagemaker-chatops")
tracer = make_tracer("sagemaker-chatops")
metrics = Metrics(namespace="SageMakerChatOps", service="sagemaker-chatops")
# A batch whose records all fail is still answered with per-record failures: SQS retries them
# and dead-letters each one on its own count, and Lambda does not report the batch as an error.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

_runtime: Runtime | None = None


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


def record_handler(record: SQSRecord) -> None:
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


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        return dict(
            process_partial_response(
                event=event, record_handler=record_handler, processor=processor, context=context
            )
        )
    # A direct EventBridge target: failures raise, so EventBridge retries and then dead-letters.
    deliver(event)
    return {"batchItemFailures": []}
