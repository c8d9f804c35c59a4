"""The two-person rule (``CHATOPS_APPROVALS_REQUIRED=2``) through the real Bolt app: SageMaker
on moto's server, Slack on the stand-in, the store in SQLite.

The first approval is recorded and the package stays pending; its approver cannot give the
second; a second approver's decision updates SageMaker once, naming both; a rejection by any
approver decides at once. Buttons and ``/sagemaker approve`` follow the same rule.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from bot.store import Store
from bot.store.sqlite import SqliteStore
from tests.slack_app.conftest import (
    APPROVER,
    CHANNEL,
    GROUP_MEMBER,
    OUTSIDER,
    SECOND_MEMBER,
    SlackApp,
    make_slack_app,
)
from tests.slack_app.test_approvals import APPROVE, REJECT, buttons, posted_package
from tests.standins.aws import AwsClientFactory
from tests.standins.slack_api import SlackStandin

PENDING = "PendingManualApproval"


@pytest.fixture
def two_person(slack_api: SlackStandin, aws_client_factory: AwsClientFactory) -> Iterator[SlackApp]:
    made = make_slack_app(slack_api, aws_client_factory, approvals_required=2)
    yield made
    made.runtime.store.close()


class Updates:
    """The UpdateModelPackage calls the bot's SageMaker client sends to moto, as sent."""

    def __init__(self, client: Any) -> None:
        self.calls: list[dict[str, Any]] = []
        client.meta.events.register("before-call.sagemaker.UpdateModelPackage", self._seen)

    def _seen(self, params: dict[str, Any], **_: Any) -> None:
        self.calls.append(params["body"])


def sagemaker(app: SlackApp) -> Any:
    return app.service.sagemaker(None)._sm


def approval_status(app: SlackApp, arn: str) -> str:
    status: str = sagemaker(app).describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
    return status


def decide_on_card(
    app: SlackApp, card: Any, user: str, action: str = APPROVE, comment: str = ""
) -> None:
    """Click a button of the card, then submit the modal it opened."""
    before = set(app.slack.views())
    app.click(action, buttons(card)[action]["value"], user=user, message_ts=card.ts)
    [view_id] = set(app.slack.views()) - before
    app.submit(app.slack.views()[view_id], user=user, comment=comment)


def thread_texts(app: SlackApp, parent: Any) -> list[str]:
    return [m.text for m in app.slack.thread(CHANNEL, parent.ts)]


def card(app: SlackApp, parent: Any) -> Any:
    return app.slack.message(CHANNEL, parent.ts)


def audit(app: SlackApp) -> list[tuple[str, str, str]]:
    return [(r.user_id, r.action, r.result) for r in reversed(app.runtime.store.list_audit())]


def test_the_first_approval_is_recorded_and_the_package_stays_pending(
    two_person: SlackApp,
) -> None:
    arn, _, parent = posted_package(two_person)
    updates = Updates(sagemaker(two_person))

    decide_on_card(two_person, parent, APPROVER, comment="AUC 0.91 <!channel>")

    # THEN SageMaker was not asked to change anything: the package is still pending
    assert updates.calls == []
    assert approval_status(two_person, arn) == PENDING
    # AND the thread says 1 of 2, who, and the comment escaped
    [reply] = thread_texts(two_person, parent)
    assert f"1 of 2 approvals: <@{APPROVER}>" in reply
    assert "&lt;!channel&gt;" in reply and "<!channel>" not in reply
    # AND the card keeps its buttons for the second approver
    assert {APPROVE, REJECT} <= set(buttons(card(two_person, parent)))
    # AND the store and the audit have it
    record = two_person.runtime.store.get_approval(arn)
    assert record is not None
    assert [v["user_id"] for v in record.state["votes"]] == [APPROVER]
    assert (APPROVER, "approve", "counted: 1 of 2") in audit(two_person)


def test_the_same_approver_cannot_give_the_second_approval(two_person: SlackApp) -> None:
    arn, _, parent = posted_package(two_person)
    updates = Updates(sagemaker(two_person))
    decide_on_card(two_person, parent, APPROVER)

    # WHEN the same approver approves again, on the card and by command
    decide_on_card(two_person, parent, APPROVER)
    group, version = arn.rsplit("/", 2)[-2:]
    two_person.command(f"approve {group}/{version} really")

    # THEN nothing changes in SageMaker, and they are told another approver must approve
    assert updates.calls == []
    assert approval_status(two_person, arn) == PENDING
    [note] = two_person.slack.ephemerals(CHANNEL, APPROVER)
    assert "approved" in note.text and "another one has to approve it" in note.text
    [answer] = two_person.replies()
    assert answer["response_type"] == "ephemeral"
    assert "another one has to approve it" in answer["text"]
    # AND the thread still has one approval, and the refusals are audited
    assert len(thread_texts(two_person, parent)) == 1
    refusals = [a for a in audit(two_person) if a[2] == "refused: approved already"]
    assert refusals == [(APPROVER, "approve", "refused: approved already")] * 2


def test_a_second_approver_completes_the_decision_naming_both(two_person: SlackApp) -> None:
    arn, _, parent = posted_package(two_person)
    updates = Updates(sagemaker(two_person))
    decide_on_card(two_person, parent, APPROVER, comment="AUC 0.91")

    decide_on_card(two_person, parent, GROUP_MEMBER, comment="latency ok")

    # THEN SageMaker is updated once, with both approvers and their comments
    assert len(updates.calls) == 1
    described = sagemaker(two_person).describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    note = described["ApprovalDescription"]
    assert f"name-of-{APPROVER.lower()} ({APPROVER})" in note
    assert f"name-of-{GROUP_MEMBER.lower()} ({GROUP_MEMBER})" in note
    assert "AUC 0.91" in note and "latency ok" in note
    # AND the card shows both instead of the buttons; the thread has the decision
    shown = card(two_person, parent)
    assert APPROVE not in buttons(shown)
    assert f"Approved by <@{APPROVER}> and <@{GROUP_MEMBER}>" in json.dumps(shown.blocks)
    first, decided = thread_texts(two_person, parent)
    assert "1 of 2" in first
    assert f"approved by <@{APPROVER}> and <@{GROUP_MEMBER}>" in decided
    assert (GROUP_MEMBER, "approve", "ok") in audit(two_person)
    # AND the approvals are spent: the record keeps the decision, not the votes
    record = two_person.runtime.store.get_approval(arn)
    assert record is not None and record.state["votes"] == []
    assert record.state["decision"]["user_ids"] == [APPROVER, GROUP_MEMBER]


@pytest.mark.parametrize("first", [None, APPROVER, GROUP_MEMBER], ids=["alone", "other", "self"])
def test_a_rejection_by_any_approver_rejects_at_once(two_person: SlackApp, first: str) -> None:
    arn, _, parent = posted_package(two_person)
    updates = Updates(sagemaker(two_person))
    if first is not None:
        decide_on_card(two_person, parent, first)

    decide_on_card(two_person, parent, GROUP_MEMBER, action=REJECT, comment="drift")

    assert len(updates.calls) == 1
    described = sagemaker(two_person).describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Rejected"
    assert described["ApprovalDescription"].startswith(
        f"Rejected in Slack by name-of-{GROUP_MEMBER.lower()} ({GROUP_MEMBER}): drift"
    )
    shown = card(two_person, parent)
    assert REJECT not in buttons(shown)
    assert f"Rejected by <@{GROUP_MEMBER}>" in json.dumps(shown.blocks)


def test_the_command_follows_the_same_rule(two_person: SlackApp) -> None:
    arn, group, parent = posted_package(two_person)
    updates = Updates(sagemaker(two_person))

    two_person.command(f"approve {group}/1 first")
    assert approval_status(two_person, arn) == PENDING
    two_person.command(f"approve {group}/1", user=SECOND_MEMBER)

    first, second = two_person.replies()
    assert first["response_type"] == "in_channel"
    assert f"1 of 2 approvals: <@{APPROVER}>" in first["text"]
    assert f"approved by <@{APPROVER}> and <@{SECOND_MEMBER}>" in second["text"]
    assert len(updates.calls) == 1
    assert approval_status(two_person, arn) == "Approved"
    shown = card(two_person, parent)
    assert f"Approved by <@{APPROVER}> and <@{SECOND_MEMBER}>" in json.dumps(shown.blocks)


def test_an_outsider_counts_for_nothing_and_reads_nothing(two_person: SlackApp) -> None:
    arn, group, _ = posted_package(two_person)
    updates = Updates(sagemaker(two_person))
    reads: list[str] = []
    sagemaker(two_person).meta.events.register(
        "before-call.sagemaker.*", lambda model, **_: reads.append(model.name)
    )

    answer = two_person.answer(f"approve {group}/1", user=OUTSIDER)

    assert reads == [] and updates.calls == []
    assert two_person.runtime.store.get_approval(arn) is None
    assert answer["text"].startswith(":no_entry:")


def test_button_and_command_count_towards_the_same_decision(two_person: SlackApp) -> None:
    arn, group, parent = posted_package(two_person)
    decide_on_card(two_person, parent, GROUP_MEMBER)
    two_person.command(f"approve {group}/1")  # APPROVER
    assert approval_status(two_person, arn) == "Approved"
    shown = card(two_person, parent)
    assert f"Approved by <@{GROUP_MEMBER}> and <@{APPROVER}>" in json.dumps(shown.blocks)


class FirstReadsTogether:
    """The store, but each thread's first read of an approval waits for the other's: both
    approvers read the record at the same revision, as two Lambda instances may."""

    def __init__(self, store: Store, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)
        self.seen: set[int] = set()
        self.real = store.get_approval
        self.real_put = store.put_approval
        self.writes: list[bool] = []  # what each conditional write of the record answered

    def get_approval(self, arn: str) -> Any:
        record = self.real(arn)
        if threading.get_ident() not in self.seen:
            self.seen.add(threading.get_ident())
            self.barrier.wait()
        return record

    def put_approval(self, record: Any) -> bool:
        written = self.real_put(record)
        self.writes.append(written)
        return written


@pytest.mark.parametrize("lease", ["held", "ran-out"])
def test_concurrent_second_approvals_update_sagemaker_once(
    two_person: SlackApp, monkeypatch: pytest.MonkeyPatch, lease: str
) -> None:
    # GIVEN a first approval, and two other approvers with the modal open
    arn, _, parent = posted_package(two_person)
    decide_on_card(two_person, parent, APPROVER)
    views = []
    for user in (GROUP_MEMBER, SECOND_MEMBER):
        before = set(two_person.slack.views())
        two_person.click(
            APPROVE, buttons(parent)[APPROVE]["value"], user=user, message_ts=parent.ts
        )
        [view_id] = set(two_person.slack.views()) - before
        views.append((user, two_person.slack.views()[view_id]))
    updates = Updates(sagemaker(two_person))
    store = two_person.runtime.store
    assert isinstance(store, SqliteStore)
    if lease == "ran-out":
        # The package's lock no longer keeps them apart (a decision slower than its lease):
        # both read the approvals at one revision, and only the record's conditional write
        # decides which of them completes the decision.
        monkeypatch.setattr("bot.service.chatops.DECISION_LEASE_SECONDS", -1.0)
        together = FirstReadsTogether(store, 2)
        monkeypatch.setattr(store, "get_approval", together.get_approval)
        monkeypatch.setattr(store, "put_approval", together.put_approval)

    # WHEN both submit at the same moment
    start = threading.Barrier(2, timeout=10)
    errors: list[BaseException] = []

    def submit(user: str, view: dict[str, Any]) -> None:
        try:
            start.wait()
            assert two_person.submit(view, user=user).status == 200
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=pair) for pair in views]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    monkeypatch.undo()
    assert errors == []
    if lease == "ran-out":
        # both counted from the same revision: the store let one write through
        assert together.writes[:2] == [True, False] or together.writes[:2] == [False, True]

    # THEN SageMaker was updated once, naming the first approver and one of the two
    assert len(updates.calls) == 1
    described = sagemaker(two_person).describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    note = described["ApprovalDescription"]
    named = [u for u in (GROUP_MEMBER, SECOND_MEMBER) if f"({u})" in note]
    assert f"({APPROVER})" in note and len(named) == 1
    # AND the thread has one decision; the other approver was told it is decided
    decisions = [t for t in thread_texts(two_person, parent) if "approved by" in t]
    assert decisions == [decisions[0]] and f"<@{named[0]}>" in decisions[0]
    [other] = [u for u in (GROUP_MEMBER, SECOND_MEMBER) if u not in named]
    [note_to_other] = two_person.slack.ephemerals(CHANNEL, other)
    if lease == "held":  # the package's lock was busy, or it was approved when they got it
        assert "is already" in note_to_other.text
    else:  # the record changed under their vote: the decision was just taken, or is taken
        assert (
            f"has just been approved by <@{APPROVER}> and <@{named[0]}>" in note_to_other.text
            or "is already *Approved*" in note_to_other.text
        )
    # AND neither counted twice: no approval is left over for a next decision
    record = two_person.runtime.store.get_approval(arn)
    assert record is not None and record.state["votes"] == []


def test_when_sagemaker_refuses_the_decision_the_approvals_count_again(
    two_person: SlackApp,
) -> None:
    from botocore.exceptions import ClientError

    arn, _, parent = posted_package(two_person)
    decide_on_card(two_person, parent, APPROVER)

    # WHEN SageMaker refuses the update the second approval asks for (the bot's role, say)
    def refuse(**_: Any) -> None:
        error = {"Error": {"Code": "AccessDeniedException", "Message": "not allowed"}}
        raise ClientError(error, "UpdateModelPackage")

    client = sagemaker(two_person)
    client.meta.events.register("before-call.sagemaker.UpdateModelPackage", refuse)
    decide_on_card(two_person, parent, GROUP_MEMBER)
    client.meta.events.unregister("before-call.sagemaker.UpdateModelPackage", refuse)

    # THEN the approver reads why, as a sentence; the package still waits
    [error] = two_person.slack.ephemerals(CHANNEL, GROUP_MEMBER)
    assert error.text.startswith(":warning:") and "Traceback" not in error.text
    assert approval_status(two_person, arn) == PENDING
    assert (GROUP_MEMBER, "approve", "error: AwsPermissionError") in audit(two_person)
    # AND the first approval still counts: another approver completes the decision
    record = two_person.runtime.store.get_approval(arn)
    assert record is not None
    assert [v["user_id"] for v in record.state["votes"]] == [APPROVER]
    decide_on_card(two_person, parent, SECOND_MEMBER)
    described = sagemaker(two_person).describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert f"({APPROVER}) and " in described["ApprovalDescription"]
    assert f"({SECOND_MEMBER})" in described["ApprovalDescription"]
