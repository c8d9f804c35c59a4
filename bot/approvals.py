"""The approval rules, pure: how many approvers decide a package in Slack (the two-person
rule), what SageMaker is told, what a card shows once a package is decided, and what a
reminder says.

Slack's part of a package's approval is an :class:`~bot.store.ApprovalRecord` (one per package,
every write conditional on its revision) whose state is::

    {"against": "PendingManualApproval",   # the approval status the votes were given against
     "votes": [{"user_id": "U1", "name": "ada", "at": 1.7e9, "comment": "AUC 0.91"}],
     "decision": {"status": "Approved", "user_ids": ["U1", "U2"], "at": 1.7e9, "comment": …}}

Votes count towards the next decision only while the package keeps the status they were given
against: once it changes (decided in Slack or elsewhere), they no longer count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.render.context import Decision
from bot.render.escape import Trusted, code, mrkdwn_escape
from bot.render.formatting import mentions

PENDING = "PendingManualApproval"
APPROVED = "Approved"
REJECTED = "Rejected"
DECIDED = (APPROVED, REJECTED)


@dataclass(frozen=True, slots=True)
class Vote:
    """One approver's approval (or rejection), as given in Slack."""

    user_id: str
    at: float  # epoch seconds
    name: str | None = None  # the Slack user name, for SageMaker's description
    comment: str | None = None

    def as_state(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "at": self.at, "name": self.name, "comment": self.comment}

    @classmethod
    def from_state(cls, value: Any) -> Vote | None:
        if not isinstance(value, dict) or not isinstance(value.get("user_id"), str):
            return None
        at = value.get("at")
        name, comment = value.get("name"), value.get("comment")
        return cls(
            value["user_id"],
            float(at) if isinstance(at, int | float) else 0.0,
            name if isinstance(name, str) else None,
            comment if isinstance(comment, str) else None,
        )


class Count(StrEnum):
    """What a vote does."""

    AGAIN = "again"  # its approver has approved already: another approver must
    COUNTED = "counted"  # recorded; more approvals are needed
    DECIDED = "decided"  # it decides: SageMaker is told


@dataclass(frozen=True, slots=True)
class Tally:
    count: Count
    # DECIDED: who decides; COUNTED: the approvals so far, this one last; AGAIN: so far.
    votes: tuple[Vote, ...]
    state: dict[str, Any]  # the record's new state (AGAIN: as it was)
    required: int


def counted_votes(state: dict[str, Any], current: str | None) -> tuple[Vote, ...]:
    """The approvals that count towards the next decision on a package whose approval status
    is ``current``."""
    if state.get("against") != current:
        return ()
    found = (Vote.from_state(v) for v in state.get("votes") or ())
    return tuple(v for v in found if v is not None)


def tally(
    state: dict[str, Any], current: str | None, status: str, vote: Vote, required: int
) -> Tally:
    """What ``vote`` for ``status`` does to a package whose approval status is ``current``,
    when a decision needs ``required`` approvers. A rejection needs one: any approver stops a
    package at once."""
    so_far = counted_votes(state, current)
    deciding: tuple[Vote, ...] = (vote,)
    if status == APPROVED and required > 1:
        if vote.user_id in {v.user_id for v in so_far}:
            return Tally(Count.AGAIN, so_far, state, required)
        deciding = (*so_far, vote)
        if len(deciding) < required:
            votes = [v.as_state() for v in deciding]
            return Tally(
                Count.COUNTED, deciding, {**state, "against": current, "votes": votes}, required
            )
    decision = Decision(
        status,
        tuple(v.user_id for v in deciding),
        datetime.fromtimestamp(vote.at, UTC),
        comments(deciding),
    )
    new_state: dict[str, Any] = {"against": None, "votes": [], "decision": decision_state(decision)}
    return Tally(Count.DECIDED, deciding, new_state, required)


def comments(votes: tuple[Vote, ...]) -> str | None:
    """The comments of the votes that decide: one alone as it is, several each with its
    author."""
    given = [v for v in votes if v.comment]
    if len(votes) == 1 or len(given) == 1:
        return given[0].comment if given else None
    return "; ".join(f"{v.name or v.user_id}: {v.comment}" for v in given) or None


def description(status: str, votes: tuple[Vote, ...]) -> str:
    """What SageMaker keeps as the package's ApprovalDescription: who decided in Slack (each
    approver by name and id), then why (``bot/aws/actions.py`` keeps it to what the API takes,
    so who decided always fits)."""
    who = " and ".join(f"{v.name} ({v.user_id})" if v.name else v.user_id for v in votes)
    why = comments(votes)
    return f"{status} in Slack by {who}: {why}" if why else f"{status} in Slack by {who}"


def decision_state(decision: Decision) -> dict[str, Any]:
    """A decision as JSON-safe state (a thread's, an approval record's)."""
    at = decision.at.timestamp() if isinstance(decision.at, datetime) else None
    return {
        "status": decision.status,
        "user_ids": list(decision.users),
        "at": at,
        "comment": decision.comment,
    }


def decision_from_state(value: Any) -> Decision | None:
    if not isinstance(value, dict) or not value.get("status"):
        return None
    at = value.get("at")
    when = datetime.fromtimestamp(float(at), UTC) if isinstance(at, int | float) else None
    users = value.get("user_ids")
    if not isinstance(users, list):
        legacy = value.get("user_id")  # one approver, as stored before the two-person rule
        users = [legacy] if legacy else []
    comment = value.get("comment")
    return Decision(
        str(value["status"]),
        tuple(str(u) for u in users if u),  # none: decided outside Slack (console, API)
        when,
        comment if isinstance(comment, str) else None,
    )


def decision_seen(
    status: str | None,
    note: str | None,
    at: datetime | None,
    shown: Decision | None,
    record: dict[str, Any] | None,
) -> Decision | None:
    """What a package's card shows once SageMaker says its approval status is ``status``;
    None: keep what it shows. A decision Slack took (``record``: the package's approval
    state) is shown as Slack's, with who and why; any other was taken outside Slack, and
    SageMaker's approval note (``note``) says why."""
    if status not in DECIDED:
        return None
    if shown is not None and shown.status == status:
        return None
    slack = decision_from_state((record or {}).get("decision"))
    if slack is not None and slack.status == status:
        return slack
    return Decision(status, (), at, note)


def progress_text(name: str, votes: tuple[Vote, ...], required: int) -> Trusted:
    """The thread reply for an approval that does not decide yet: '1 of 2 approvals: @ada'."""
    latest = votes[-1]
    text = f":ballot_box_with_check: {code(name)}: {len(votes)} of {required} approvals: "
    text += mentions([v.user_id for v in votes])
    if latest.comment:
        text += f" ({mrkdwn_escape(latest.comment)})"
    missing = required - len(votes)
    more = "another approver" if missing == 1 else f"{missing} more approvers"
    return Trusted(f"{text}. It waits for {more}.")


def reminder_text(
    name: str, hours: float, approvers: str | None, so_far: tuple[Vote, ...], required: int
) -> Trusted:
    """The one reminder a package still waiting gets in its thread. ``approvers``: their
    mentions, made from configured ids (None: nobody is mentioned)."""
    text = f":alarm_clock: {code(name)} has been waiting for approval for {hours:g} h"
    if so_far:
        text += f" ({len(so_far)} of {required} approvals so far: "
        text += mentions([v.user_id for v in so_far]) + ")"
    if approvers:
        text += f": {approvers}"
    return Trusted(text + ".")
