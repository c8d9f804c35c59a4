"""Thread replies: one line per state change (``templates/_reply.json.j2`` lays it out).

A reply says what changed, when, and the one fact that matters::

    :white_check_mark: Training job *bert-7*: Training → *Completed* · 10:42 UTC · val:auc 0.92

The card's details stay in the parent. The line is at most ``MAX_REPLY_CHARS`` characters of
visible text (as Slack shows it: formatting markers removed, a link or date token as its
label, ``&lt;`` as one character). Only the fact is clipped to fit; the name and the statuses
are clipped only past lengths no SageMaker name or status reaches, so the line always fits.

Every part is built from escaped text (``Trusted``): nothing from an event can open a
mention, a link or a formatting span.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.identity import ResourceKind
from bot.events.models import ClusterEventDetail, ClusterNodeHealthDetail
from bot.events.status import ALERTS, StatusClass
from bot.render.escape import Trusted, mrkdwn_escape
from bot.render.formatting import as_list, dig, number, one_line

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_REPLY_CHARS = 300  # visible characters of a reply's line
MAX_NAME = 120  # SageMaker names are at most 63 characters, display names 82
MAX_STATUS = 30  # the longest status, DownloadingTrainingImage, has 24
MIN_FACT = 12  # a fact clipped shorter than this says nothing: it is left out
SEPARATOR = " · "

# Statuses after which the event's failure reason is the fact (not while in progress, when a
# reason is a stale one from an earlier failure, nor after a success).
_NO_REASON = frozenset({StatusClass.IN_PROGRESS, StatusClass.SUCCEEDED})


class ReplyLine(NamedTuple):
    """A reply's parts, each escaped mrkdwn, and ``text``: the whole line."""

    emoji: Trusted
    subject: Trusted  # ``Training job *bert-7*``
    change: Trusted  # ``Training → *Completed*`` (and a sub-status in parentheses)
    when: Trusted | None  # a date token showing the time in each reader's zone
    fact: Trusted | None  # the one fact that matters, clipped to fit
    text: Trusted  # emoji, subject, change, when and fact on one line


def reply(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    """The view of ``_reply.json.j2``: ``reply_line`` (a ``ReplyLine``), ``reply_fact``
    (the fact as plain text, before clipping; escaped by the template's ``finalize``),
    ``reply_ask``: the approvers' mentions when the reply says a package now waits for them,
    and ``reply_owner``: the owner's mention when the reply is an alert (a failure, a timeout,
    violations). The line's limit is the event's text; mentions and the hint (the renderer's
    ``hint``) go on lines of their own."""
    fact = reply_fact(event, context)
    waits = event.kind is ResourceKind.MODEL_PACKAGE and event.status_class is StatusClass.WAITING
    return {
        "reply_line": reply_line(event, context, fact),
        "reply_fact": fact,
        "reply_ask": context.approvers if waits and context.decision is None else None,
        "reply_owner": context.owner if event.status_class in ALERTS else None,
    }


def reply_line(event: SageMakerEvent, context: RenderContext, fact: str | None) -> ReplyLine:
    """The line of a reply, ``fact`` clipped so that it shows at most ``MAX_REPLY_CHARS``."""
    emoji = event.style.emoji
    name = _bold(one_line(event.resource.display_name, MAX_NAME))
    subject = f"{event.kind_title} {name.text}"
    status = one_line(event.status or "State change", MAX_STATUS)
    previous = context.previous_status or event.detail.previous_status
    sub_status = event.detail.sub_status
    # The plain text of each part, then its mrkdwn: the markers (``*``) do not show.
    before = one_line(previous, MAX_STATUS) if previous and previous != event.status else None
    after = one_line(sub_status, MAX_STATUS) if sub_status else None
    change = (f"{_plain(before)} → " if before else "") + f"*{_plain(status)}*"
    change += f" ({_plain(after)})" if after else ""
    change_visible = (
        (len(before) + 3 if before else 0) + len(status) + (len(after) + 3 if after else 0)
    )
    when = _time(event.time)
    used = len(f"{emoji} {event.kind_title} : ") + name.visible + change_visible
    used += len(SEPARATOR) + when[1] if when else 0
    room = MAX_REPLY_CHARS - used - len(SEPARATOR)
    clipped = _clip(fact, room) if fact else None
    parts = [f"{emoji} {subject}: {change}"]
    if when:
        parts.append(when[0])
    if clipped:
        parts.append(mrkdwn_escape(clipped))
    return ReplyLine(
        Trusted(emoji),
        Trusted(subject),
        Trusted(change),
        Trusted(when[0]) if when else None,
        Trusted(mrkdwn_escape(clipped)) if clipped else None,
        Trusted(SEPARATOR.join(parts)),
    )


def reply_fact(event: SageMakerEvent, context: RenderContext) -> str | None:
    """The one fact a reply adds (plain text, one line, not yet clipped), or ``None``."""
    d: Any = event.detail
    reason = event.failure_reason
    if reason and event.status_class not in _NO_REASON:
        return _line(reason)
    kind = event.kind
    if kind is ResourceKind.TRAINING:
        return _training_metric(d) if event.status_class is StatusClass.SUCCEEDED else None
    if kind is ResourceKind.PROCESSING:
        exit_message = d.ExitMessage
        return _line(exit_message) if exit_message and event.status_class in _FAILURES else None
    if kind is ResourceKind.TUNING:
        return _best_training_job(d)
    if kind is ResourceKind.ENDPOINT:
        return _variants(d) if event.status_class is StatusClass.SUCCEEDED else None
    if kind is ResourceKind.MODEL_PACKAGE:
        return _approval(event)
    if kind is ResourceKind.PIPELINE:
        return _steps_done(context)
    if kind is ResourceKind.STEP:
        return _step(d)
    if kind is ResourceKind.CLUSTER:
        # A HyperPod event's description, a node's health reason: the text, never a dump.
        text = None
        if isinstance(d, ClusterEventDetail):
            text = d.description
        elif isinstance(d, ClusterNodeHealthDetail):
            text = d.field("HealthStatusReason") or d.health.HealthStatusReason
        return _line(text) if text else None
    return None


_FAILURES = frozenset({StatusClass.FAILED, StatusClass.STOPPED})


def _training_metric(d: Any) -> str | None:
    """The tuning objective when the event carries it, else the final metric that matters
    most: a validation or test metric before a training one, the first one reported."""
    objective = d.field("FinalHyperParameterTuningJobObjectiveMetric")
    if isinstance(objective, Mapping) and dig(objective, "Value") is not None:
        return _metric(objective)
    metrics = [m for m in as_list(d.FinalMetricDataList) if dig(m, "Value") is not None]
    if not metrics:
        return None
    for prefix in ("validation", "val", "test", "eval"):
        for m in metrics:
            if str(dig(m, "MetricName") or "").lower().startswith(prefix):
                return _metric(m, len(metrics))
    return _metric(metrics[0], len(metrics))


def _metric(m: Any, count: int = 1) -> str:
    text = f"{_line(dig(m, 'MetricName') or 'metric')} {number(dig(m, 'Value'))}"
    return text + (f" (+{count - 1} more)" if count > 1 else "")


def _best_training_job(d: Any) -> str | None:
    best = d.BestTrainingJob
    metric = dig(best, "FinalHyperParameterTuningJobObjectiveMetric")
    name = dig(best, "TrainingJobName")
    if dig(metric, "Value") is None:
        return None
    return f"best {_line(name)}: {_metric(metric)}" if name else f"best {_metric(metric)}"


def _variants(d: Any) -> str | None:
    """``AllTraffic: 2 × ml.m5.large`` for the first variant, and how many others there are."""
    variants = as_list(d.ProductionVariants)
    if not variants:
        return None
    first = variants[0]
    count = getattr(first, "CurrentInstanceCount", None)
    if count is None:
        count = getattr(first, "DesiredInstanceCount", None)
    instance_type = getattr(first, "InstanceType", None)
    size = " × ".join(
        [number(count)] * (count is not None) + [str(instance_type)] * bool(instance_type)
    )
    unit = "" if instance_type or count is None else (" instance" if count == 1 else " instances")
    name = getattr(first, "VariantName", None)
    text = ": ".join(t for t in (_line(name) if name else "", size + unit) if t)
    if len(variants) > 1:
        text += f" (+{len(variants) - 1} variant{'s' if len(variants) > 2 else ''})"
    return text or None


def _approval(event: SageMakerEvent) -> str | None:
    """The approval status when the status shown is the package's own, and the approval note."""
    d: Any = event.detail
    approval = d.ModelApprovalStatus
    parts = [
        f"approval {approval}" if approval and approval != event.status else None,
        _line(d.ApprovalDescription) if d.ApprovalDescription else None,
    ]
    return SEPARATOR.join(p for p in parts if p) or None


def _steps_done(context: RenderContext) -> str | None:
    steps = [s for s in as_list(context.steps) if isinstance(s, Mapping)]
    if not steps:
        return None
    done = sum(1 for s in steps if s.get("status_class") == StatusClass.SUCCEEDED)
    return f"{done}/{len(steps)} steps done"


def _step(d: Any) -> str | None:
    metadata = d.metadata if isinstance(d.metadata, Mapping) else {}
    error_message = dig(metadata, "fail", "errorMessage")
    if error_message:
        return _line(error_message)
    outcome = dig(metadata, "condition", "outcome")
    if outcome is not None:
        return f"condition {_line(outcome)}"
    return "cached result" if d.cache_hit else None


def _line(value: Any) -> str:
    """A value as one line of text, runs of white space as one space."""
    return " ".join(str(value).split())


def _clip(text: str, room: int) -> str | None:
    """``text`` in at most ``room`` characters, ending in ``…`` when cut; ``None`` when less
    than ``MIN_FACT`` characters are left for it."""
    if len(text) <= room:
        return text
    if room < MIN_FACT:
        return None
    return text[: room - 1].rstrip() + "…"


class _Bold(NamedTuple):
    text: str  # escaped mrkdwn
    visible: int


def _bold(name: str) -> _Bold:
    """A name in bold; a ``*`` inside would end the span, so it becomes a lookalike."""
    plain = name.replace("*", "∗")
    return _Bold(f"*{_plain(plain)}*", len(plain))


def _plain(text: str) -> str:
    """Event text for a reply: escaped, and no ``*`` to close or open a bold span."""
    return mrkdwn_escape(text.replace("*", "∗"))


def _time(value: datetime | None) -> tuple[str, int] | None:
    """A date token showing ``HH:MM`` in each reader's zone (``10:42 UTC`` where tokens do not
    render), and the length of that label."""
    if not isinstance(value, datetime):
        return None
    utc = value.astimezone(UTC) if value.utcoffset() else value.replace(tzinfo=UTC)
    epoch = int(utc.timestamp())
    label = utc.strftime("%H:%M UTC")
    if epoch < 0:
        return label, len(label)
    return f"<!date^{epoch}^{{time}}|{label}>", len(label)


_TOKEN = re.compile(r"<(?:[^<>|]*\|)?([^<>|]*)>")
_MARKERS = re.compile(r"[*_~`]")


def visible_text(mrkdwn: str) -> str:
    """Slack mrkdwn as it shows: a ``<url|label>`` or date token as its label, without the
    formatting markers, entities as their character (an emoji stays its ``:code:``)."""
    text = _TOKEN.sub(lambda m: m.group(1), mrkdwn)
    text = _MARKERS.sub("", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def visible_length(mrkdwn: str) -> int:
    return len(visible_text(mrkdwn))
