"""What any detail says about itself, found by the usual names of its fields.

SageMaker sends dozens of detail-types and adds more (EventBridge's list has about sixty). One
without a model of its own still names its resource (``…Name``, ``…Arn``), its state
(``…Status``, ``State``, an ``EventLevel``), what went wrong (``FailureReason``,
``ErrorMessage``, ``StatusMessage``) and what happened (``Description``), at the top or one
level down (HyperPod's ``EventDetails``). Pure: a mapping in, a ``Guess`` out; never raises
for any JSON value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.events.status import StatusClass, classify, level_status, normalize_status

# Fields whose text says what went wrong, best first; and fields that say how it went.
FAILURE_KEYS = ("failurereason", "failuremessage", "errormessage", "errorreason", "error")
MESSAGE_KEYS = ("statusmessage", "statusdetails", "statusreason", "message")
DESCRIPTION_KEYS = ("description", "eventdescription", "statusdescription", "details")
LEVEL_KEYS = ("eventlevel", "level", "severity", "loglevel")
# A status says what state the resource is in now; these say what it was.
_PREVIOUS = ("previous", "old", "last", "prior", "from")
# Longer than any status word: a sentence in a status field is not a status.
MAX_STATUS_CHARS = 64


# The state a detail-type ends with: "… Create Failed", "… Created", "… Maintenance In
# Progress", "… Expired". "… State Change", "… Event" and "… Creating Run" name no state.
_TYPE_STATE = re.compile(
    r"(?:\b(Create|Update|Delete|Start|Stop|Maintenance|Export|Import)\s+)?"
    r"\b(Failed|Complete|In\s+Progress|[A-Z][a-z]+(?:ed|ing))\s*$",
    re.IGNORECASE,  # detail-types match whatever their case (bot/events/registry.py)
)
# What a detail-type ends with after its subject, when it names no state.
_TYPE_TAIL = re.compile(r"\s+(?:State\s+Change|Status\s+Change|Health\s+Event|Event)\s*$", re.I)
_PREFIX = re.compile(r"^\s*(?:Amazon\s+)?SageMaker\s+", re.I)


@dataclass(frozen=True, slots=True)
class Found:
    """One field found: where (``path``, for a label) and its value."""

    path: tuple[str, ...]
    value: Any

    @property
    def key(self) -> str:
        return self.path[-1]


@dataclass(frozen=True, slots=True)
class Guess:
    """What a detail says about itself; ``None`` where it says nothing."""

    name: Found | None = None
    arn: Found | None = None
    status: Found | None = None
    status_is_subjects: bool = False  # the status field names the subject, or is a bare Status
    previous_status: Found | None = None
    failure: Found | None = None
    message: Found | None = None
    description: Found | None = None
    level: Found | None = None

    @property
    def level_class(self) -> StatusClass | None:
        """FAILED for an ``Error`` level, WARNING for a ``Warn``; ``None`` for the rest."""
        word = level_status(self.level.value) if self.level is not None else None
        return classify(word) if word in ("Error", "Warning") else None

    def shown(self) -> set[tuple[str, ...]]:
        """The paths of the fields found, which a card shows in their own places."""
        found = (
            self.name,
            self.arn,
            self.status,
            self.previous_status,
            self.failure,
            self.message,
            self.description,
        )
        return {f.path for f in found if f is not None}


def subject_of(detail_type: object) -> str:
    """What a detail-type is about: ``SageMaker Tracking Server Create Failed`` → ``Tracking
    Server``; ``""`` when it is not text."""
    if not isinstance(detail_type, str):
        return ""
    text = _PREFIX.sub("", " ".join(detail_type.split()))
    text = _TYPE_TAIL.sub("", text)
    match = _TYPE_STATE.search(text)
    if match and match.start() > 0:
        text = text[: match.start()]
    return text.strip()


def status_from_detail_type(detail_type: object) -> str | None:
    """The state a detail-type names (``… Create Failed`` → ``CreateFailed``), if any."""
    if not isinstance(detail_type, str):
        return None
    text = _PREFIX.sub("", " ".join(detail_type.split()))
    if _TYPE_TAIL.search(text):
        return None
    match = _TYPE_STATE.search(text)
    if not match or match.start() == 0:  # a detail-type of one word names no subject
        return None
    words = "".join(w.capitalize() for w in match.group(0).split())
    return normalize_status(words)


def guess(detail: object, detail_type: object = None) -> Guess:
    """Find the identity, status, failure, description and level of any detail."""
    if not isinstance(detail, Mapping):
        return Guess()
    subject = _subject_keys(subject_of(detail_type))
    fields = list(_fields(detail))
    status = _best(fields, subject, _is_status, _known_status)
    return Guess(
        name=_best(fields, subject, _is_name),
        arn=_best(fields, subject, _is_arn),
        status=status,
        status_is_subjects=status is not None and _is_status(status) in (*subject, ""),
        previous_status=_best(fields, subject, _is_previous_status),
        failure=_first(fields, FAILURE_KEYS),
        message=_first(fields, MESSAGE_KEYS),
        description=_first(fields, DESCRIPTION_KEYS),
        level=_first(fields, LEVEL_KEYS),
    )


def scalar_fields(detail: object) -> Iterator[Found]:
    """Every text, number or boolean of a detail, at the top and one level down."""
    if not isinstance(detail, Mapping):
        return
    for found in _fields(detail):
        if isinstance(found.value, str | int | float | bool):
            yield found


def _fields(detail: Mapping[Any, Any]) -> Iterator[Found]:
    """The fields at the top (first), then those one level down, in their order."""
    nested: list[tuple[str, Mapping[Any, Any]]] = []
    for key, value in detail.items():
        if not isinstance(key, str):
            continue
        if isinstance(value, Mapping):
            nested.append((key, value))
        yield Found((key,), value)
    for parent, mapping in nested:
        for key, value in mapping.items():
            if isinstance(key, str):
                yield Found((parent, key), value)


def _subject_keys(subject: str) -> tuple[str, ...]:
    """The key prefixes that name the subject, longest first: ``Model Card Export Job`` →
    ``modelcardexportjob``, ``cardexportjob``, ``exportjob``, ``job``."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", subject)]
    return tuple("".join(words[i:]) for i in range(len(words)))


def _best(
    fields: list[Found], subject: tuple[str, ...], test: Any, known: Any = None
) -> Found | None:
    """The field that passes ``test`` and names the subject best (its key's prefix is the
    longest tail of the subject), then whose value is ``known``; else the first, top level
    before nested."""
    best: Found | None = None
    best_score: tuple[float, bool] = (-1, False)
    for found in fields:
        prefix = test(found)
        if prefix is None:
            continue
        # A bare "Status" (or "currentStatus") is the subject's, below one its key names.
        named = len(subject) - subject.index(prefix) if prefix in subject else 0.5 * (not prefix)
        score = (named, bool(known and known(found.value)))
        if score > best_score:
            best, best_score = found, score
    return best


def _known_status(value: Any) -> bool:
    """A status word whose class is known: it beats a word nobody knows in a tie."""
    return classify(normalize_status(value)) is not StatusClass.UNKNOWN


def _first(fields: list[Found], keys: tuple[str, ...]) -> Found | None:
    """The field of the first of ``keys`` (lower case) with text, top level before nested."""
    for wanted in keys:
        for found in fields:
            if found.key.lower() == wanted and _text(found.value):
                return found
    return None


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_name(found: Found) -> str | None:
    key = found.key.lower()
    if key.endswith("name") and _text(found.value) and not key.startswith(_PREVIOUS):
        return key[:-4]
    return None


def _is_arn(found: Found) -> str | None:
    key = found.key.lower()
    value = found.value
    if key.endswith("arn") and isinstance(value, str) and value.startswith("arn:"):
        return key[:-3]
    return None


def _status_prefix(found: Found) -> str | None:
    key = found.key.lower()
    value = found.value
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_STATUS_CHARS:
        return None
    for suffix in ("status", "state"):
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return None


def _is_status(found: Found) -> str | None:
    prefix = _status_prefix(found)
    if prefix is None or prefix.startswith(_PREVIOUS) or prefix.endswith("secondary"):
        return None
    return prefix.removeprefix("current")


def _is_previous_status(found: Found) -> str | None:
    prefix = _status_prefix(found)
    if prefix is None:
        return None
    for word in _PREVIOUS:
        if prefix.startswith(word):
            return prefix.removeprefix(word)
    return None
