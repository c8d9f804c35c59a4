"""The view of any event without a card of its own, and of any event whose card failed.

It shows what the detail says about itself (``bot/events/guess.py``): the resource and its
status in the title, the failure, description and status message as text, the other plain
fields as facts, and what is left as one bounded line of JSON, so the raw detail is never the
message. It must not fail: the generic template is the last template an event gets, so a
value it cannot show leaves the safe ``fallback`` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.coerce import parse_timestamp
from bot.events.guess import FAILURE_KEYS, Found, Guess, guess, scalar_fields
from bot.events.status import ALERTS, StatusClass
from bot.render.escape import Trusted, code
from bot.render.formatting import as_list, compact_json, one_line, s3, when

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

logger = logging.getLogger(__name__)

MAX_FACTS = 10  # one section of fields
MAX_FACT_CHARS = 300
MAX_TEXT_CHARS = 1500  # a description or message: a few lines, not a page
MAX_MORE_CHARS = 400  # the one line of JSON that holds what the card does not show
MAX_RESOURCES = 3
DEFAULT_TITLE = "SageMaker event"
_TIME_ENDINGS = ("time", "timestamp", "date", "at")
# Facts people look for first: which resource, which part of it, what kind of thing.
_FACT_ORDER = (("name",), ("id",), ("type",), ("level", "severity"), ("status", "state"))


class Fact(NamedTuple):
    path: tuple[str, ...]  # where the value is in the detail
    label: str
    value: Trusted | str
    raw: Any  # the value as the detail has it


class Text(NamedTuple):
    """A paragraph of the card: a label over text from the event (escaped by the template)."""

    label: str
    text: str


def generic(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    """The variables of ``templates/generic.json.j2``; ``fallback`` when the event defeats it."""
    try:
        return _view(event)
    except Exception:  # the last card an event gets must not fail: show less instead
        logger.exception("generic view failed for event %s; showing the fallback", event.id)
        return fallback(event)


def fallback(event: SageMakerEvent) -> dict[str, Any]:
    """What the template shows when the view fails: built from nothing that can raise."""
    detail_type = event.envelope.detail_type
    return {
        "title": detail_type if isinstance(detail_type, str) and detail_type else DEFAULT_TITLE,
        "subject": event.resource.kind.title,
        "level": None,
        "failure_label": None,
        "texts": [],
        "facts": [],
        "more": None,
        "resources": [],
        "source": None,
    }


def _view(event: SageMakerEvent) -> dict[str, Any]:
    detail_type = event.envelope.detail_type
    raw = event.raw.get("detail")
    detail = raw if isinstance(raw, Mapping) else {}
    found = guess(detail, detail_type)
    failure_label = _failure_label(event.status_class, found) if event.failure_reason else None
    title = " ".join(detail_type.split()) if isinstance(detail_type, str) else ""
    facts = _facts(event, detail, found)
    source = event.envelope.source
    return {
        "title": title or DEFAULT_TITLE,
        # "Tracking server is CreateFailed": the detail-type's words when they name a subject.
        "subject": event.kind_title,
        "level": one_line(found.level.value, 40) if found.level else None,
        "failure_label": failure_label,
        "texts": _texts(found, event.failure_reason if failure_label else None),
        "facts": [(fact.label, fact.value) for fact in facts],
        "more": _more(detail, found, facts, _shown_values(event, found, facts)),
        "resources": [
            code(one_line(arn, 200))
            for arn in as_list(event.envelope.resources)[:MAX_RESOURCES]
            if isinstance(arn, str) and arn
        ],
        "source": source if isinstance(source, str) and source else None,
    }


def _failure_label(status_class: StatusClass, found: Guess) -> str | None:
    """How the failure reason is introduced; ``None``: it is not shown as one (a status
    message of a resource in an unknown state is a message)."""
    if status_class is StatusClass.WARNING:
        return ":warning: *Reason*"
    if status_class in ALERTS or (status_class is StatusClass.UNKNOWN and found.failure):
        return ":rotating_light: *Failure reason*"
    return None


def _texts(found: Guess, failure_reason: str | None) -> list[Text]:
    """The description and the status message, unless one of them is the failure shown."""
    texts: list[Text] = []
    for label, item in (("Description", found.description), ("Message", found.message)):
        text = str(item.value) if item else ""
        if text.strip() and text != failure_reason and text not in (t.text for t in texts):
            texts.append(Text(label, one_line(text, MAX_TEXT_CHARS)))
    return texts


def _facts(event: SageMakerEvent, detail: Mapping[Any, Any], found: Guess) -> list[Fact]:
    """The plain fields the title and texts do not show, most telling first, at most ten."""
    resource = event.resource
    seen_values = {resource.name, resource.arn, resource.label, ""}
    hidden = _hidden(found)
    labels: set[str] = set()
    facts: list[tuple[int, Fact]] = []
    if found.level and event.status:  # else the title shows the level
        facts.append(
            (
                -1,
                Fact(
                    found.level.path,
                    found.level.key,
                    one_line(found.level.value, 40),
                    found.level.value,
                ),
            )
        )
        labels.add(found.level.key)
    for item in scalar_fields(detail):
        key = item.key
        if item.path in hidden or key in labels or item.value in seen_values:
            continue
        if key.lower() in FAILURE_KEYS:  # another copy of the failure, or one left over
            continue
        labels.add(key)  # a key nested and on top: the top one
        facts.append(
            (_rank(key), Fact(item.path, one_line(key, 80), _fact_value(item), item.value))
        )
    facts.sort(key=lambda fact: fact[0])  # stable: the detail's own order within a rank
    return [fact for _, fact in facts[:MAX_FACTS]]


def _shown_values(event: SageMakerEvent, found: Guess, facts: list[Fact]) -> set[Any]:
    resource = event.resource
    values: set[Any] = {resource.name, resource.arn, event.failure_reason, event.status}
    values.update(f.raw for f in facts)
    values.update(f.value for f in (found.description, found.message, found.level) if f)
    return {v for v in values if isinstance(v, str | int | float | bool)}


def _hidden(found: Guess) -> set[tuple[str, ...]]:
    """What the title and the texts show, and the failure fields: shown as the failure reason,
    or left over on a healthy resource and not news."""
    hidden = found.shown()
    for item in (found.failure, found.level):
        if item is not None:
            hidden.add(item.path)
    return hidden


def _rank(key: str) -> int:
    lowered = key.lower()
    for rank, endings in enumerate(_FACT_ORDER):
        if lowered.endswith(endings):
            return rank
    if lowered.endswith(_TIME_ENDINGS):
        return len(_FACT_ORDER) + 1  # times last: the context line has the event's
    return len(_FACT_ORDER)


def _fact_value(item: Found) -> Trusted | str:
    value = item.value
    if item.key.lower().endswith(_TIME_ENDINGS) and not isinstance(value, bool):
        try:
            return when(parse_timestamp(value))  # shown in each reader's time zone
        except (ValueError, TypeError, OverflowError):
            pass
    if isinstance(value, str) and value.startswith("arn:"):
        return code(one_line(value, MAX_FACT_CHARS))
    if isinstance(value, str) and value.startswith("s3://") and len(value) <= MAX_FACT_CHARS:
        return s3(value)  # a link to the S3 console, whose host is ours
    if isinstance(value, bool):
        return "yes" if value else "no"
    return one_line(value, MAX_FACT_CHARS)


def _more(detail: Mapping[Any, Any], found: Guess, facts: list[Fact], shown: set[Any]) -> Any:
    """The fields shown nowhere else (lists, objects, fields past the first ten) as one line
    of inline JSON, bounded; ``None`` when there are none. ``shown``: the values on the card."""
    paths = _hidden(found) | {fact.path for fact in facts}

    def new(path: tuple[str, ...], value: Any) -> bool:
        if path in paths or value in (None, "", [], {}):
            return False
        return not isinstance(value, str | int | float | bool) or value not in shown

    rest: dict[str, Any] = {}
    for key, value in detail.items():
        if not isinstance(key, str) or not new((key,), value):
            continue
        if isinstance(value, Mapping):
            inner = {k: v for k, v in value.items() if isinstance(k, str) and new((key, k), v)}
            if inner:
                rest[key] = inner
        else:
            rest[key] = value
    if not rest:
        return None
    return code(one_line(compact_json(rest), MAX_MORE_CHARS))
