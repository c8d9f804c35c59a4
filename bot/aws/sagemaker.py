"""SageMaker in one region and account, for the ``/sagemaker`` command and the buttons.

One object over the clients a place needs (:class:`~bot.aws.accounts.SageMakers` makes
them, on the right credentials), whose methods are the functions of :mod:`bot.aws.lookup`
(finding and describing), :mod:`bot.aws.inspection` (why a resource is in its state),
:mod:`bot.aws.actions` (what changes SageMaker), :mod:`bot.aws.documents` (a model package's
metrics documents, in S3) and :mod:`bot.aws.probes` (whether the bot's role allows what it
does, for ``doctor``). Nothing talks to AWS at import time, and tests hand in clients for a
stand-in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.aws import actions, documents, inspection, lookup, probes
from bot.aws.logs import MAX_STREAMS, LogTail, tail_logs
from bot.errors import ConfigurationError

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_sagemaker.client import SageMakerClient

    from bot.aws.actions import ActionOutcome, ApprovalStatus
    from bot.aws.probes import Probe
    from bot.events.identity import ResourceKind, ResourceRef
    from bot.inspection import Inspection


class SageMaker:
    """SageMaker, its logs and its documents in S3, through clients made by the caller.

    ``logs`` is optional: without it an inspection says that logs were not read. ``s3`` is
    only for the function that reads metrics documents.
    """

    def __init__(
        self,
        sagemaker: SageMakerClient,
        logs: CloudWatchLogsClient | None = None,
        s3: S3Client | None = None,
    ) -> None:
        self._sm = sagemaker
        self._logs = logs
        self._s3 = s3

    @property
    def region(self) -> str | None:
        """The region its clients call."""
        region: str | None = self._sm.meta.region_name
        return region

    # --- lookup ---------------------------------------------------------------------------

    def resolve(self, name_or_arn: str, kind: ResourceKind | None = None) -> ResourceRef:
        return lookup.resolve(self._sm, name_or_arn, kind)

    def lookup(
        self, name_or_arn: str, kind: ResourceKind | None = None
    ) -> tuple[ResourceRef, dict[str, Any]]:
        return lookup.lookup(self._sm, name_or_arn, kind)

    def describe(self, ref: ResourceRef) -> dict[str, Any]:
        return lookup.describe(self._sm, ref)

    def current_approval(self, arn: str) -> str | None:
        return lookup.current_approval(self._sm, arn)

    def approved_version(self, group: str) -> dict[str, Any] | None:
        return lookup.approved_version(self._sm, group)

    def model_package(self, arn: str) -> dict[str, Any]:
        return lookup.describe_model_package(self._sm, arn)

    # --- documents ------------------------------------------------------------------------

    def metrics_document(self, uri: str, max_bytes: int = documents.MAX_DOCUMENT_BYTES) -> bytes:
        if self._s3 is None:
            raise ConfigurationError("this SageMaker service was made without an S3 client")
        return documents.read_document(self._s3, uri, max_bytes)

    # --- inspection -----------------------------------------------------------------------

    def inspect(self, ref: ResourceRef, description: dict[str, Any] | None = None) -> Inspection:
        return inspection.inspect(self._sm, self._logs, ref, description)

    def job_logs(self, ref: ResourceRef, limit: int, max_streams: int = MAX_STREAMS) -> LogTail:
        """The last ``limit`` lines a job (training, processing, transform) logged, across
        the ``max_streams`` streams that wrote last."""
        group = inspection.LOG_GROUPS.get(ref.kind)
        if group is None:
            return LogTail(note=f"A {ref.kind.title.lower()} has no job logs.")
        if self._logs is None:
            return LogTail(note="Logs were not read (no CloudWatch Logs client).")
        return tail_logs(self._logs, group, f"{ref.name}/", limit=limit, max_streams=max_streams)

    # --- actions --------------------------------------------------------------------------

    def approve_model_package(
        self, arn: str, status: ApprovalStatus, description: str | None = None
    ) -> ActionOutcome:
        return actions.approve_model_package(self._sm, arn, status, description)

    def retry_pipeline_execution(self, arn: str) -> ActionOutcome:
        return actions.retry_pipeline_execution(self._sm, arn)

    def stop(self, ref: ResourceRef) -> ActionOutcome:
        return actions.stop(self._sm, ref)

    # --- doctor ---------------------------------------------------------------------------

    def probe_permissions(self) -> list[Probe]:
        """Whether the role may read SageMaker (harmless calls; see :mod:`bot.aws.probes`)."""
        return probes.sagemaker_permissions(self._sm)

    def probe_logs_permissions(self) -> list[Probe] | None:
        """Whether the role may read SageMaker's logs; None without a logs client."""
        return probes.logs_permissions(self._logs) if self._logs is not None else None
