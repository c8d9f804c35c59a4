"""From a raw event (a dict) to a ``SageMakerEvent``: envelope, typed detail, identity, status."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.errors import EventInputError
from bot.events.guess import subject_of
from bot.events.identity import ARN_KINDS, Arn, ResourceKind, ResourceRef
from bot.events.models import Detail, EventEnvelope, GenericDetail
from bot.events.registry import GENERIC, EventSpec, spec_for
from bot.events.severity import Attention, assess, shows_failure_reason
from bot.events.status import STYLES, TIMEOUT_STYLE, StatusClass, StatusStyle, class_rank


@dataclass(frozen=True, slots=True)
class SageMakerEvent:
    """One event, understood: what it is about and what state that thing is in now."""

    envelope: EventEnvelope
    detail: Detail
    spec: EventSpec
    resource: ResourceRef
    parent: ResourceRef | None
    status: str | None
    status_class: StatusClass
    raw: dict[str, Any]
    attention: Attention | None = None  # why a WARNING is one (bot/events/severity.py)

    @property
    def kind(self) -> ResourceKind:
        return self.resource.kind

    @property
    def kind_title(self) -> str:
        """What the event is about, as a card and a reply name it: the kind's title, or for a
        kind the bot does not know, what its detail-type names ("Tracking server")."""
        if self.resource.kind is ResourceKind.OTHER:
            subject = subject_of(self.envelope.detail_type)
            if subject:
                return subject[:1].upper() + subject[1:].lower()
        return self.resource.kind.title

    @property
    def id(self) -> str | None:
        return self.envelope.id

    @property
    def time(self) -> datetime | None:
        value = self.envelope.time
        return value if isinstance(value, datetime) else None

    @property
    def style(self) -> StatusStyle:
        if self.attention is Attention.TIMEOUT:
            return TIMEOUT_STYLE
        return STYLES[self.status_class]

    @property
    def failure_reason(self) -> str | None:
        """The FailureReason, unless it is left over on a healthy resource."""
        if not shows_failure_reason(self.status_class, self.kind):
            return None
        return self.detail.failure_reason

    @property
    def is_known_type(self) -> bool:
        return self.spec is not GENERIC

    @property
    def order_key(self) -> tuple[float, float, int]:
        """Newer sorts higher: event time, then LastModifiedTime, then the status's life order."""
        event_time = self.time.timestamp() if self.time else 0.0
        modified = self.detail.last_modified
        return (event_time, modified.timestamp() if modified else 0.0, self.rank)

    @property
    def rank(self) -> int:
        return class_rank(self.status_class)


# Far beyond any real event (EventBridge caps an event at 256 KB; SQS a message at 1 MiB) and
# any real nesting (the deepest sample is under 10 levels), yet well inside what the parser, the
# models, the templates and ``json.dumps`` can recurse through.
MAX_EVENT_CHARS = 1024 * 1024
MAX_EVENT_DEPTH = 64


def load_event_json(text: str) -> dict[str, Any]:
    """Parse event text; anything but a JSON object is an ``EventInputError``.

    So is text past the parser's limits (too long, nested too deep, a number with too many
    digits): the message says which, and nothing else is raised for any text.
    """
    if len(text) > MAX_EVENT_CHARS:
        raise EventInputError(
            f"too large to be an event: {len(text):,} characters (at most {MAX_EVENT_CHARS:,})"
        )
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventInputError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise EventInputError(
            f"nested deeper than Python can read (at most {MAX_EVENT_DEPTH} levels)"
        ) from exc
    except ValueError as exc:
        if "integer string conversion" in str(exc):
            raise EventInputError(
                "a number with more digits than Python reads "
                f"(at most {sys.get_int_max_str_digits():,})"
            ) from exc
        raise EventInputError(f"not readable JSON: {exc}") from exc
    except MemoryError as exc:
        raise EventInputError("too large to read into memory") from exc
    if not isinstance(value, dict):
        raise EventInputError(f"expected a JSON object, got {type(value).__name__}")
    depth = json_depth(value)
    if depth > MAX_EVENT_DEPTH:
        raise EventInputError(f"nested {depth} levels deep (at most {MAX_EVENT_DEPTH})")
    return value


def json_depth(value: object) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0, ``{}`` is 1); without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            deepest = max(deepest, depth)
            continue
        deepest = max(deepest, depth + 1)
        stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_event(raw: dict[str, Any]) -> SageMakerEvent:
    """Understand any JSON object as well as it allows. Never raises on content."""
    if not isinstance(raw, dict):
        raise EventInputError(f"expected a JSON object, got {type(raw).__name__}")
    envelope = EventEnvelope.model_validate(raw)
    spec = spec_for(envelope.detail_type)
    detail_data = envelope.detail if isinstance(envelope.detail, dict) else {}
    # The generic model also reads the detail-type ("… Create Failed" is a status).
    context = {"detail_type": envelope.detail_type}
    detail: Detail = spec.model.model_validate(detail_data, context=context)
    if not isinstance(envelope.detail, dict) and envelope.detail is not None:
        # Keep a detail that is not an object visible to the generic template.
        detail = GenericDetail.model_validate({"detail": envelope.detail}, context=context)
    resource = _resource(spec, detail, envelope)
    status = detail.status
    severity = assess(detail, status, resource.kind)
    return SageMakerEvent(
        envelope=envelope,
        detail=detail,
        spec=spec,
        resource=resource,
        parent=detail.parent(),
        status=status,
        status_class=severity.status_class,
        raw=raw,
        attention=severity.attention,
    )


# ARN types whose resource is a path of its own: a package's group/version, a pipeline's
# P/execution/X, an image's image/version.
_PATHS = frozenset({"model-package", "pipeline", "image-version"})


def _resource(spec: EventSpec, detail: Detail, envelope: EventEnvelope) -> ResourceRef:
    resources = envelope.resources if isinstance(envelope.resources, list) else []
    arn_text = detail.arn
    if arn_text is None and (spec is GENERIC or spec.model.arn_in_resources):
        arn_text = next((r for r in reversed(resources) if isinstance(r, str)), None)
    arn = Arn.parse(arn_text) or Arn.parse(next(iter(resources), None))
    kind = spec.kind
    name = detail.name or (arn.resource if arn and arn.resource else None)
    if kind is ResourceKind.OTHER and arn and arn.resource_type:
        name = name or arn.resource
        # A type without a model of its own is still a kind of resource that subscriptions
        # and threads know, when its ARN names one (not something under one, such as a
        # model card's export job: …:model-card/card/export-job/job).
        if arn.service == "sagemaker" and ("/" not in arn.resource or arn.resource_type in _PATHS):
            kind = ARN_KINDS.get(arn.resource_type, kind)
    return ResourceRef(
        kind=kind,
        name=name or envelope.id or "unknown",
        arn=arn_text,
        # The resource's own ARN says where it lives; the envelope is the fallback.
        account=(arn.account if arn and arn.account else None) or envelope.account,
        region=(arn.region if arn and arn.region else None) or envelope.region,
        label=detail.label(),
    )
