"""Which channels get an event: the default channel plus matching subscriptions."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from fnmatch import fnmatchcase

from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent
from bot.events.status import ALERTS, StatusClass
from bot.events.workflow import RunLink
from bot.store.base import ChannelFailure, Subscription

ALL = "all"

BROKEN_AFTER_FAILURES = 5
"""Refusals in a row after which a channel is broken and its subscriptions are skipped. One
refusal can be a moment's misstep (the bot removed and invited back); five events in a row
refused is a channel nobody is fixing, and each further try is a wasted Slack call."""

RETRY_BROKEN_SECONDS = 6 * 3600.0
"""A broken channel is tried again with one event this long after its last refusal, so a
channel fixed without anyone unsubscribing (the bot invited back) recovers by itself."""


def is_broken(failure: ChannelFailure | None) -> bool:
    """Whether a channel has been refused often enough to be shown as broken."""
    return failure is not None and failure.failures >= BROKEN_AFTER_FAILURES


def skipped_channels(
    failures: Mapping[str, ChannelFailure], default_channel: str | None, now: float
) -> frozenset[str]:
    """The broken channels routing leaves out now: never the default channel (it is
    configuration; its refusals show in the logs and metrics), and not one due a retry."""
    return frozenset(
        channel
        for channel, failure in failures.items()
        if channel != default_channel
        and is_broken(failure)
        and now - failure.last_at < RETRY_BROKEN_SECONDS
    )


KIND_NAMES = [k.value for k in ResourceKind if k is not ResourceKind.OTHER]


def _name_matches(patterns: Iterable[str], *names: str | None) -> bool:
    candidates = [n.lower() for n in names if n]
    return any(fnmatchcase(name, pattern.lower()) for pattern in patterns for name in candidates)


# Kinds that follow a whole pipeline run: a job the run made goes to their run's thread.
RUN_KINDS = frozenset({ALL, ResourceKind.PIPELINE.value, ResourceKind.STEP.value})


def matches(subscription: Subscription, event: SageMakerEvent, run: RunLink | None = None) -> bool:
    """Keys combine with AND; the values of one key with OR; an empty key matches anything.

    ``run``: the pipeline run the event belongs to; a job the run made also matches the
    run's kind and its pipeline's name, as a step does."""
    resource = event.resource
    kinds = {k.lower() for k in subscription.kinds}
    if kinds and ALL not in kinds:
        # A child (a step, a deployment) also matches its parent's kind: it is in that thread.
        event_kinds = {resource.kind.value}
        if event.parent is not None:
            event_kinds.add(event.parent.kind.value)
        if run is not None:
            event_kinds.add(ResourceKind.PIPELINE.value)
        if not kinds & event_kinds:
            return False
    names = (
        resource.name,
        resource.label,
        event.parent.name if event.parent else None,
        run.pipeline_name if run else None,
    )
    if subscription.names and not _name_matches(subscription.names, *names):
        return False
    if subscription.excludes and _name_matches(subscription.excludes, *names):
        return False
    if subscription.statuses and not _status_matches(subscription.statuses, event):
        return False
    if subscription.accounts and (resource.account or "") not in subscription.accounts:
        return False
    return not (
        subscription.regions and (resource.region or "").lower() not in _lower(subscription.regions)
    )


def _lower(values: Iterable[str]) -> set[str]:
    return {v.lower() for v in values}


def _status_matches(statuses: list[str], event: SageMakerEvent) -> bool:
    # A status filter takes a status word (Failed, InService) or a class (failed, warning,
    # succeeded, in_progress, stopped, waiting_for_approval, deleted). `failed` also takes
    # warnings: an alert (a timeout, a rollback) is never lost to a filter.
    wanted = {s.lower().replace("-", "_") for s in statuses}
    status = (event.status or "").lower()
    if status in wanted or event.status_class.value in wanted:
        return True
    return event.status_class in ALERTS and StatusClass.FAILED.value in wanted


def route(
    event: SageMakerEvent,
    subscriptions: Iterable[Subscription],
    default_channel: str | None,
    *,
    run: RunLink | None = None,
    skip: Collection[str] = (),
) -> list[str]:
    """The channels an event goes to, each once, in a stable order; the subscriptions of the
    channels in ``skip`` (broken ones) are left out."""
    channels: list[str] = [default_channel] if default_channel else []
    for subscription in subscriptions:
        if (
            subscription.channel not in channels
            and subscription.channel not in skip
            and matches(subscription, event, run)
        ):
            channels.append(subscription.channel)
    return channels


def wants_run(
    channel: str, event: SageMakerEvent, subscriptions: Iterable[Subscription], run: RunLink
) -> bool:
    """Whether ``channel`` follows the run ``event`` belongs to (a subscription to pipelines,
    to everything), rather than only this kind of job (``training status=failed``)."""
    return any(
        s.channel == channel
        and (not s.kinds or bool({k.lower() for k in s.kinds} & RUN_KINDS))
        and matches(s, event, run)
        for s in subscriptions
    )
