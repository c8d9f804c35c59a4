"""Who owns a resource, from its tags, and when to tell them: pure (no Slack, no store).

A resource's tags name its owner (``CHATOPS_OWNER_TAGS``, the first tag present with a
well-formed value wins): a Slack user id (``U…``/``W…``), a user group id (``S…``) or an
email address, which :mod:`bot.delivery.owner_lookup` turns into a user. A tag's value is
untrusted: anything else is ignored, with a log line, and a value is never shown as it came.

Alert replies (a failure, a timeout, violations) mention the owner. Events arrive in any order
and an edit notifies nobody, so when an alert went out without its owner (not known yet, or
the alert was the thread's first message), the first later event that names them gets one
short thread reply that does (:func:`owner_step`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NamedTuple

from bot.render.escape import Trusted, mrkdwn_escape

logger = logging.getLogger(__name__)

# Slack's ids: an upper-case letter then upper-case letters and digits (U024BE7LH, W012A3CDE,
# S0614TZR7); Slack's are 9 to 11 characters, the bound leaves room without allowing junk.
_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_GROUP = re.compile(r"^S[A-Z0-9]{2,20}$")
# An address as a person writes it in a tag: no spaces, quotes, angle brackets or pipes, so it
# can never close or open a mrkdwn token; RFC 5321's lengths.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{}~-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$"
)
MAX_EMAIL = 254
# A thread remembers at most this many alerts still waiting for their owner; the oldest goes.
MAX_WANTED = 10
WANTED_KEY = "owner_wanted"  # thread state: the alerts shown without their owner
FOLLOW_UP_PREFIX = "owner|"  # the delivery key of an owner's follow-up reply: once per resource


class OwnerKind(StrEnum):
    USER = "user"
    GROUP = "group"
    EMAIL = "email"


class Owner(NamedTuple):
    kind: OwnerKind
    value: str  # a user or group id, or an address in lower case


def owner_from_tags(tags: Any, names: Iterable[str], *, subject: str = "") -> Owner | None:
    """The owner the first of ``names`` present in ``tags`` names (tag names compared without
    case, as people spell ``Owner`` and ``owner``). A malformed value is skipped, with a log
    line that names the tag and ``subject``, never the value, and the next name is tried."""
    if not isinstance(tags, Mapping) or not tags:
        return None
    by_name = {str(k).strip().lower(): v for k, v in tags.items()}
    for name in names:
        value = by_name.get(name.strip().lower())
        if value is None:
            continue
        owner = parse_owner(value)
        if owner is not None:
            return owner
        logger.warning(
            "tag %s of %s is not a Slack user or group id nor an email address: ignored",
            name,
            subject or "a resource",
        )
    return None


def parse_owner(value: Any) -> Owner | None:
    """A tag's value as an owner, or None when it is not exactly an id or an address."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _USER.match(text):
        return Owner(OwnerKind.USER, text)
    if _GROUP.match(text):
        return Owner(OwnerKind.GROUP, text)
    if len(text) <= MAX_EMAIL and _EMAIL.match(text):
        return Owner(OwnerKind.EMAIL, text.lower())
    return None


def mention(owner: Owner) -> Trusted | None:
    """The mention of a user or a group; None for an address (look its user up first)."""
    if owner.kind is OwnerKind.USER:
        return Trusted(f"<@{owner.value}>")
    if owner.kind is OwnerKind.GROUP:
        return Trusted(f"<!subteam^{owner.value}>")
    return None


def user_mention(user_id: str) -> Trusted | None:
    """The mention of a user id Slack gave (checked all the same: it goes into mrkdwn)."""
    return Trusted(f"<@{user_id}>") if _USER.match(user_id) else None


def email_key(address: str) -> str:
    """What the store keeps an address's user under: its digest, so no address is stored."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


# --- when to tell them ------------------------------------------------------------------------


class OwnerStep(StrEnum):
    NOTHING = "nothing"
    WANT = "want"  # an alert went out without its owner: remember it, for a later event
    FOLLOW_UP = "follow_up"  # post one short reply that mentions the owner
    TOLD = "told"  # the alert mentioned its owner: forget that it waited for them


def owner_step(*, alert_shown: bool, mentioned: bool, wanted: bool, known: bool) -> OwnerStep:
    """What to do about the owner once an event of a resource is delivered.

    ``alert_shown``: this delivery showed an alert of the resource (a reply, or a new parent);
    ``mentioned``: that alert mentioned the owner; ``wanted``: an earlier alert of it went out
    without them; ``known``: the owner is known now (this event's tags).
    """
    if alert_shown and mentioned:
        return OwnerStep.TOLD if wanted else OwnerStep.NOTHING
    if known and (alert_shown or wanted):
        return OwnerStep.FOLLOW_UP
    return OwnerStep.WANT if alert_shown else OwnerStep.NOTHING


def wanted_entries(state: Mapping[str, Any]) -> list[dict[str, str]]:
    """The alerts a thread showed without their owner: ``{"key", "status"}`` each."""
    entries = state.get(WANTED_KEY)
    if not isinstance(entries, list):
        return []
    return [
        {"key": str(e["key"]), "status": str(e.get("status") or "")}
        for e in entries
        if isinstance(e, Mapping) and isinstance(e.get("key"), str)
    ]


def wanted_entry(state: Mapping[str, Any], key: str) -> dict[str, str] | None:
    """The alert of resource ``key`` that its thread showed without its owner, if any."""
    return next((e for e in wanted_entries(state) if e["key"] == key), None)


def with_wanted(
    entries: list[dict[str, str]], key: str, status: str | None
) -> list[dict[str, str]]:
    """``entries`` with the resource's alert in them (its newest status), at most
    ``MAX_WANTED``: the oldest goes first."""
    kept = [e for e in entries if e["key"] != key]
    return [*kept, {"key": key, "status": status or ""}][-MAX_WANTED:]


def without_wanted(entries: list[dict[str, str]], key: str) -> list[dict[str, str]]:
    return [e for e in entries if e["key"] != key]


def follow_up_text(who: Trusted, kind_title: str, name: str, status: str | None) -> Trusted:
    """The short reply that tells an owner found after the alert: one line, the name escaped
    and unable to open or close the bold span."""
    shown = mrkdwn_escape(name.replace("*", "∗"))
    what = f" ({mrkdwn_escape(status.replace('*', '∗'))})" if status else ""
    return Trusted(f":bust_in_silhouette: {who}: {kind_title} *{shown}*{what} is yours, see above.")
