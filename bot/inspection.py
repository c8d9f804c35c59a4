"""An inspection: why a resource is in the state it is in, as plain data.

``bot.aws`` gathers it (descriptions, status transitions, log tails, failed pipeline steps);
``bot.render.inspection`` turns it into a Slack message. Neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.events.identity import ResourceRef
from bot.events.status import StatusClass, classify


@dataclass(frozen=True, slots=True)
class LogLine:
    timestamp: datetime
    stream: str  # the stream's short name, without the ``JOB/`` prefix: ``algo-1-1700000000``
    message: str  # one physical line, at most ``LINE_CHARS`` characters


@dataclass(frozen=True, slots=True)
class Transition:
    """One entry of a training job's SecondaryStatusTransitions."""

    status: str | None
    start: datetime | None
    end: datetime | None
    message: str | None


@dataclass(frozen=True, slots=True)
class FailedStep:
    """A pipeline step that failed, and the job it ran (when it ran one)."""

    name: str
    display_name: str | None
    step_type: str | None  # the step's metadata kind: ``TrainingJob``, ``ProcessingJob``, …
    status: str | None
    failure_reason: str | None
    job_arn: str | None
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class VariantState:
    """An endpoint production variant: its newest status and instance counts."""

    name: str
    status: str | None
    message: str | None
    current_instances: int | None
    desired_instances: int | None


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything known about why ``ref`` is in the state it is in."""

    ref: ResourceRef
    status: str | None
    failure_reason: str | None = None
    exit_message: str | None = None  # a processing job's ExitMessage, when it adds something
    transitions: tuple[Transition, ...] = ()
    log_group: str | None = None
    log_lines: tuple[LogLine, ...] = ()
    log_streams: int = 0
    notes: tuple[str, ...] = ()  # what could not be found out, and why (logs missing, denied)
    failed_steps: tuple[FailedStep, ...] = ()
    variants: tuple[VariantState, ...] = ()

    @property
    def status_class(self) -> StatusClass:
        return classify(self.status, self.ref.kind)

    @property
    def failed(self) -> bool:
        return self.status_class is StatusClass.FAILED
