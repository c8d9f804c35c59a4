"""Gathering a model package's evidence for its card: its metrics documents, read from S3, and
the approved version of its group (the newest Approved, by ``ListModelPackages``), read the
same way. Used by the events function, before a package's card is rendered.

Never blocking, never failing: a document that cannot be read is shown as "metrics
unavailable: why" beside its link, and the whole gathering has a time budget
(``EVIDENCE_SECONDS``, and never past the invocation's deadline less what the delivery itself
needs), after which the card is delivered with what is known. What was read of a version is
kept in the store, per package ARN (a version's documents never change), so a document is read
once: later events, other channels and the approval modal use what was kept.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Protocol

from botocore.config import Config

from bot.aws.documents import MAX_DOCUMENT_BYTES, DocumentUnavailableError
from bot.aws.errors import (
    AwsPermissionError,
    AwsThrottledError,
    AwsUnavailableError,
    ResourceNotFoundError,
)
from bot.deadline import time_left
from bot.errors import ChatOpsError
from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent
from bot.evidence.compare import evidence_of, without_baseline
from bot.evidence.documents import documents_of
from bot.evidence.locations import S3Location, allowed
from bot.evidence.model import Document, Evidence, VersionMetrics
from bot.evidence.parse import DocumentFormatError, parse_document

logger = logging.getLogger(__name__)

# The most a card's evidence adds to its delivery: a few SageMaker calls and S3 reads of a few
# KB each (~0.05-0.2 s each in-region), so it is only reached when AWS is slow.
EVIDENCE_SECONDS = 4.0
# With a deadline (the events function), the evidence stops this long before it: what the
# delivery itself still needs (handlers/events.py starts a record with 3 s left).
RESERVED_SECONDS = 3.0
KEEP_SECONDS = 365 * 86_400.0  # a version's record; one read again after a year is cheap
MEMO_SIZE = 32  # events whose evidence is remembered: each channel of one event reuses it
OUTSIDE = "outside the buckets the bot may read (metricsBuckets)"
# The clients the evidence reads with: short timeouts and one retry, so a slow AWS costs the
# budget, not the invocation (the budget holds anyway: the reads run in a worker).
_TIMEOUTS = Config(
    connect_timeout=2, read_timeout=3, retries={"max_attempts": 2, "mode": "standard"}
)
CLIENTS = {"sagemaker": {"config": _TIMEOUTS}, "s3": {"config": _TIMEOUTS}}


class PackageSource(Protocol):
    """What the evidence needs of SageMaker and S3 in one place (:class:`~bot.aws.sagemaker.
    SageMaker` made with an S3 client)."""

    def model_package(self, arn: str) -> dict[str, Any]: ...

    def approved_version(self, group: str) -> dict[str, Any] | None: ...

    def metrics_document(self, uri: str, max_bytes: int = ...) -> bytes: ...


PackageSources = Callable[[str | None, str | None], PackageSource]
"""``(region, account)`` → that place's source (:class:`~bot.aws.accounts.SageMakers`)."""


class MetricsRecords(Protocol):
    """The store's :class:`~bot.store.PackageMetricsStore`."""

    def get_package_metrics(self, arn: str) -> dict[str, Any] | None: ...

    def put_package_metrics(
        self, arn: str, record: dict[str, Any], *, ttl_seconds: float | None = None
    ) -> None: ...


class EvidenceGatherer:
    """A package's evidence, as a card's thread state keeps it (``Evidence.to_json``).

    ``buckets``: the ``bucket/prefix`` entries documents may be read from. The work runs in a
    worker thread so that the budget holds whatever AWS does: past it, the card goes out with
    "not read in time", and the worker, once done, still keeps what it read for the next event.
    """

    def __init__(
        self,
        sources: PackageSources,
        records: MetricsRecords,
        buckets: tuple[str, ...] | list[str],
        *,
        budget_seconds: float = EVIDENCE_SECONDS,
        max_bytes: int = MAX_DOCUMENT_BYTES,
    ) -> None:
        self._sources = sources
        self._records = records
        self._buckets = tuple(buckets)
        self._budget = budget_seconds
        self._max_bytes = max_bytes
        # Two workers: one gathering that overran its budget does not hold up the next.
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="evidence")
        self._memo: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def for_package(self, event: SageMakerEvent, known: Any) -> dict[str, Any] | None:
        """The evidence to keep in the card's thread state: ``known`` (what the thread keeps)
        when it is complete, else gathered now. None when ``event`` is no model package's."""
        if event.kind is not ResourceKind.MODEL_PACKAGE:
            return None
        kept = Evidence.from_json(known)
        if kept is not None and kept.complete:
            return dict(known)
        memo_key = f"{event.id}|{event.resource.key}"
        with self._lock:
            remembered = self._memo.get(memo_key)
        if remembered is not None:
            return remembered
        evidence = self._within_budget(event)
        state = evidence.to_json()
        with self._lock:
            self._memo[memo_key] = state
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return state

    def _within_budget(self, event: SageMakerEvent) -> Evidence:
        budget = self._budget
        left = time_left()
        if left is not None:
            budget = min(budget, left - RESERVED_SECONDS)
        if budget <= 0:
            return unread(event, "not read: too little time left")
        future = self._pool.submit(self.gather, event)
        try:
            return future.result(timeout=budget)
        except FutureTimeout:
            logger.warning("metrics of %s not read within %.1f s", event.resource.key, budget)
            return unread(event, f"not read within {budget:.3g} s")
        except Exception:  # a bug must not cost the card
            logger.exception("reading the metrics of %s failed", event.resource.key)
            return unread(event, "could not be read")

    def gather(self, event: SageMakerEvent) -> Evidence:
        """The evidence of a package event (in the worker; AWS errors become reasons)."""
        detail: Any = event.detail
        resource = event.resource
        arn = detail.ModelPackageArn or resource.arn or resource.name
        group = detail.ModelPackageGroupName
        source = self._sources(resource.region, resource.account)
        metrics = detail.ModelMetrics
        version = detail.ModelPackageVersion
        if metrics is None:
            # Not every event carries the whole description.
            try:
                description = source.model_package(arn)
            except ChatOpsError as exc:
                return evidence_of(
                    VersionMetrics(arn, None),
                    None,
                    group=group,
                    baseline_note=f"the package could not be described: {reason(exc)}",
                    settled=False,
                )
            metrics = description.get("ModelMetrics")
            version = description.get("ModelPackageVersion", version)
        package = self.version_metrics(source, arn, version, documents_of(metrics))
        if not package.documents or not isinstance(group, str):
            return evidence_of(package, None, group=group)  # nothing to compare
        return self._compared(source, package, group)

    def _compared(self, source: PackageSource, package: VersionMetrics, group: str) -> Evidence:
        try:
            approved = source.approved_version(group)
        except ChatOpsError as exc:
            unknown = f"the approved version is unknown: {reason(exc)}"
            return evidence_of(package, None, group=group, baseline_note=unknown, settled=False)
        approved_arn = str(approved.get("ModelPackageArn") or "") if approved else None
        note = without_baseline(package.arn, approved_arn, group)
        if note is not None or not approved_arn:
            return evidence_of(package, None, group=group, baseline_note=note)
        baseline = self._kept(approved_arn)
        if baseline is None or not baseline.complete:
            try:
                description = source.model_package(approved_arn)
            except ChatOpsError as exc:
                unknown = f"the approved version could not be described: {reason(exc)}"
                return evidence_of(package, None, group=group, baseline_note=unknown, settled=False)
            baseline = self.version_metrics(
                source,
                approved_arn,
                description.get("ModelPackageVersion"),
                documents_of(description.get("ModelMetrics")),
            )
        return evidence_of(package, baseline, group=group)

    def version_metrics(
        self,
        source: PackageSource,
        arn: str,
        version: Any,
        documents: list[tuple[str, str]],
    ) -> VersionMetrics:
        """What one version's documents say: those kept for good are not read again; what is
        read is kept."""
        kept = self._kept(arn)
        known = {d.uri: d for d in kept.documents if d.lasting} if kept else {}
        read = VersionMetrics(
            arn,
            version if isinstance(version, int) and not isinstance(version, bool) else None,
            tuple(known.get(uri) or self.read(source, label, uri) for label, uri in documents),
        )
        if read != kept:
            try:
                self._records.put_package_metrics(arn, read.to_json(), ttl_seconds=KEEP_SECONDS)
            except Exception:  # the card still shows what was read; the next event reads again
                logger.warning("keeping the metrics of %s failed", arn, exc_info=True)
        return read

    def read(self, source: PackageSource, label: str, uri: str) -> Document:
        """One document: its metrics, or why there are none."""
        location = S3Location.parse(uri)
        if location is None:
            return Document(label, uri, problem="not an S3 location")
        if not allowed(location, self._buckets):
            # The bot's settings decide this, not the document: not kept for good.
            return Document(label, uri, problem=OUTSIDE, lasting=False)
        try:
            data = source.metrics_document(uri, self._max_bytes)
        except DocumentUnavailableError as exc:
            return Document(label, uri, problem=exc.reason, lasting=exc.lasting)
        except ChatOpsError as exc:
            return Document(label, uri, problem=reason(exc), lasting=False)
        try:
            return Document(label, uri, parse_document(data))
        except DocumentFormatError as exc:
            return Document(label, uri, problem=str(exc))

    def _kept(self, arn: str) -> VersionMetrics | None:
        try:
            return VersionMetrics.from_json(self._records.get_package_metrics(arn))
        except Exception:  # the store failing costs a read, not the card
            logger.warning("reading the kept metrics of %s failed", arn, exc_info=True)
            return None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def unread(event: SageMakerEvent, why: str) -> Evidence:
    """The evidence of a package whose documents were not read (they will be next time)."""
    detail: Any = event.detail
    documents = tuple(
        Document(label, uri, problem=why, lasting=False)
        for label, uri in documents_of(detail.ModelMetrics)
    )
    return Evidence(documents=documents, group=detail.ModelPackageGroupName, complete=False)


def reason(exc: ChatOpsError) -> str:
    """An AWS failure in a few words, for a card (the details are in the log)."""
    match exc:
        case DocumentUnavailableError():
            return exc.reason
        case AwsPermissionError():
            return "access denied"
        case AwsThrottledError():
            return "AWS is throttling the bot"
        case ResourceNotFoundError():
            return "not found"
        case AwsUnavailableError():
            return "AWS could not be reached"
    return "AWS refused the request"
