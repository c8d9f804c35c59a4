"""The approval rules, pure: the two-person rule's count, what SageMaker is told, what a card
shows once a package is decided, and the reminder's words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot import approvals as ap
from bot.render.context import Decision
from bot.render.escape import Trusted

PENDING, APPROVED, REJECTED = ap.PENDING, ap.APPROVED, ap.REJECTED
ADA = ap.Vote("U0ADA", 100.0, "ada", "AUC 0.91")
BOB = ap.Vote("U0BOB", 200.0, "bob", None)
CY = ap.Vote("U0CY", 300.0, "cy", "ship it")


def after(*votes: ap.Vote, required: int = 2, current: str = PENDING) -> dict[str, Any]:
    """The record's state once ``votes`` were given, each through ``tally``."""
    state: dict[str, Any] = {}
    for vote in votes:
        state = ap.tally(state, current, APPROVED, vote, required).state
    return state


@pytest.mark.parametrize(
    ("given", "status", "vote", "required", "count", "deciders"),
    [
        # one approver decides when one is required
        ((), APPROVED, ADA, 1, ap.Count.DECIDED, ["U0ADA"]),
        ((), REJECTED, ADA, 1, ap.Count.DECIDED, ["U0ADA"]),
        # two: the first is counted, the second decides, the first again is refused
        ((), APPROVED, ADA, 2, ap.Count.COUNTED, ["U0ADA"]),
        ((ADA,), APPROVED, BOB, 2, ap.Count.DECIDED, ["U0ADA", "U0BOB"]),
        ((ADA,), APPROVED, ADA, 2, ap.Count.AGAIN, ["U0ADA"]),
        # three: two are counted, the third decides
        ((ADA,), APPROVED, BOB, 3, ap.Count.COUNTED, ["U0ADA", "U0BOB"]),
        ((ADA, BOB), APPROVED, CY, 3, ap.Count.DECIDED, ["U0ADA", "U0BOB", "U0CY"]),
        # a rejection decides at once, by anyone, the first approver too
        ((ADA,), REJECTED, BOB, 2, ap.Count.DECIDED, ["U0BOB"]),
        ((ADA,), REJECTED, ADA, 2, ap.Count.DECIDED, ["U0ADA"]),
    ],
)
def test_the_count(
    given: tuple[ap.Vote, ...],
    status: str,
    vote: ap.Vote,
    required: int,
    count: ap.Count,
    deciders: list[str],
) -> None:
    result = ap.tally(after(*given, required=required), PENDING, status, vote, required)
    assert result.count is count
    assert [v.user_id for v in result.votes] == deciders


def test_a_counted_approval_is_kept_with_what_it_was_given_against() -> None:
    state = after(ADA)
    assert state == {"against": PENDING, "votes": [ADA.as_state()]}
    assert ap.counted_votes(state, PENDING) == (ADA,)


def test_approvals_no_longer_count_once_the_package_changed() -> None:
    # GIVEN an approval given while the package was pending
    state = after(ADA)
    # WHEN it was rejected outside Slack, and someone approves it again by command
    result = ap.tally(state, REJECTED, APPROVED, BOB, 2)
    # THEN the earlier approval does not count: this is the first of a new pair
    assert ap.counted_votes(state, REJECTED) == ()
    assert result.count is ap.Count.COUNTED
    assert result.votes == (BOB,)


def test_a_decision_clears_the_approvals_and_keeps_who_decided() -> None:
    result = ap.tally(after(ADA), PENDING, APPROVED, BOB, 2)
    assert result.state["votes"] == [] and result.state["against"] is None
    decision = ap.decision_from_state(result.state["decision"])
    assert decision == Decision(
        APPROVED, ("U0ADA", "U0BOB"), datetime.fromtimestamp(200.0, UTC), "AUC 0.91"
    )
    # a later round starts from nothing
    assert ap.tally(result.state, PENDING, APPROVED, ADA, 2).count is ap.Count.COUNTED


def test_the_same_approver_again_changes_nothing() -> None:
    state = after(ADA)
    result = ap.tally(state, PENDING, APPROVED, ap.Vote("U0ADA", 999.0), 2)
    assert result.count is ap.Count.AGAIN
    assert result.state is state


def test_the_description_names_every_approver_and_why() -> None:
    assert ap.description(APPROVED, (ADA,)) == "Approved in Slack by ada (U0ADA): AUC 0.91"
    assert ap.description(REJECTED, (BOB,)) == "Rejected in Slack by bob (U0BOB)"
    assert (
        ap.description(APPROVED, (ADA, BOB))
        == "Approved in Slack by ada (U0ADA) and bob (U0BOB): AUC 0.91"
    )
    assert (
        ap.description(APPROVED, (ADA, CY))
        == "Approved in Slack by ada (U0ADA) and cy (U0CY): ada: AUC 0.91; cy: ship it"
    )
    assert ap.description(APPROVED, (ap.Vote("U0X", 1.0),)) == "Approved in Slack by U0X"


AT = datetime(2026, 11, 25, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "shown", "record", "expected"),
    [
        # decided outside Slack: said so, with SageMaker's note
        (APPROVED, None, None, Decision(APPROVED, (), AT, "by alice in Studio")),
        (REJECTED, None, {}, Decision(REJECTED, (), AT, "by alice in Studio")),
        # decided in Slack (in any channel): shown as Slack's
        (
            APPROVED,
            None,
            {"decision": ap.decision_state(Decision(APPROVED, ("U0ADA",), AT, "ok"))},
            Decision(APPROVED, ("U0ADA",), AT, "ok"),
        ),
        # Slack's last decision was the other one: this one was taken elsewhere
        (
            REJECTED,
            None,
            {"decision": ap.decision_state(Decision(APPROVED, ("U0ADA",), AT, "ok"))},
            Decision(REJECTED, (), AT, "by alice in Studio"),
        ),
        # the card already shows it: nothing to change
        (APPROVED, Decision(APPROVED, ("U0ADA",), AT), None, None),
        # a card showing Approved, now Rejected elsewhere
        (REJECTED, Decision(APPROVED, ("U0ADA",), AT), None, Decision(REJECTED, (), AT, None)),
        # not a decision
        (PENDING, None, None, None),
        (None, None, None, None),
    ],
)
def test_what_a_card_shows_once_decided(
    status: str | None,
    shown: Decision | None,
    record: dict[str, Any] | None,
    expected: Decision | None,
) -> None:
    note = None if shown is not None else "by alice in Studio"
    assert ap.decision_seen(status, note, AT, shown, record) == expected


def test_a_decision_stored_before_the_two_person_rule_is_still_read() -> None:
    legacy = {"status": APPROVED, "user_id": "U0ADA", "at": 100.0, "comment": "ok"}
    assert ap.decision_from_state(legacy) == Decision(
        APPROVED, ("U0ADA",), datetime.fromtimestamp(100.0, UTC), "ok"
    )
    outside = {"status": REJECTED, "user_id": None, "at": None, "comment": None}
    assert ap.decision_from_state(outside) == Decision(REJECTED, (), None, None)
    assert ap.decision_from_state({"status": ""}) is None
    assert ap.decision_from_state("Approved") is None


def test_the_progress_reply_says_who_approved_and_how_many_more() -> None:
    assert ap.progress_text("churn/3", (ADA,), 2) == (
        ":ballot_box_with_check: `churn/3`: 1 of 2 approvals: <@U0ADA> (AUC 0.91)."
        " It waits for another approver."
    )
    assert ap.progress_text("churn/3", (BOB,), 3).endswith(
        "1 of 3 approvals: <@U0BOB>. It waits for 2 more approvers."
    )


def test_the_progress_reply_escapes_the_comment() -> None:
    text = ap.progress_text("g/1", (ap.Vote("U0ADA", 1.0, None, "<!channel> & <@U0BOSS>"),), 2)
    assert "<!channel>" not in text and "<@U0BOSS>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt;" in text


def test_the_reminder_mentions_the_approvers_and_the_approvals_so_far() -> None:
    approvers = Trusted("<@U0ADA>, <!subteam^S0OPS>")
    assert ap.reminder_text("churn/3", 24, approvers, (), 1) == (
        ":alarm_clock: `churn/3` has been waiting for approval for 24 h:"
        " <@U0ADA>, <!subteam^S0OPS>."
    )
    assert ap.reminder_text("churn/3", 1.5, approvers, (BOB,), 2) == (
        ":alarm_clock: `churn/3` has been waiting for approval for 1.5 h"
        " (1 of 2 approvals so far: <@U0BOB>): <@U0ADA>, <!subteam^S0OPS>."
    )
    assert ap.reminder_text("a`b<c>", 24, None, (), 1) == (
        ":alarm_clock: `aˋb&lt;c&gt;` has been waiting for approval for 24 h."
    )
