"""Approve / Reject: the button opens a modal, the submission decides once, the message shows it."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.service.chatops import DECISION_LEASE_SECONDS, approval_lock
from bot.slack_app.listeners.actions import APPROVE, INSPECT, REJECT
from tests.aws.resources import create_group, create_package
from tests.slack_app.conftest import APPROVER, CHANNEL, GROUP_MEMBER, OUTSIDER, SlackApp


def package_event(arn: str, group: str) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"evt-{group}",
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-east-1",
        "time": "2026-11-25T10:00:00Z",
        "resources": [arn],
        "detail": {
            "ModelPackageGroupName": group,
            "ModelPackageVersion": 1,
            "ModelPackageArn": arn,
            "ModelPackageStatus": "Completed",
            "ModelApprovalStatus": "PendingManualApproval",
        },
    }


def posted_package(slack_app: SlackApp) -> tuple[str, str, Any]:
    """A pending package in moto, delivered to the channel: (arn, group, parent message)."""
    sm = slack_app.service.sagemaker(None)._sm
    group = create_group(sm)
    arn = create_package(sm, group)
    slack_app.runtime.deliverer.deliver_raw(package_event(arn, group))
    [parent] = slack_app.slack.messages(CHANNEL)
    return arn, group, parent


def buttons(message: Any) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e for b in message.blocks if b["type"] == "actions" for e in b["elements"]
    }


def test_approve_button_modal_submission_updates_aws_message_and_thread(
    slack_app: SlackApp,
) -> None:
    arn, group, parent = posted_package(slack_app)
    approve = buttons(parent)[APPROVE]

    # WHEN an approver clicks Approve
    assert (
        slack_app.click(APPROVE, approve["value"], user=APPROVER, message_ts=parent.ts).status
        == 200
    )
    # THEN a modal opens and is filled in with the package, its metrics and the approved version
    [view] = slack_app.slack.views().values()
    text = json.dumps(view["blocks"])
    assert group in text
    assert "eval.json" in text  # the package's metrics report
    assert "no version" in text  # nothing approved yet in this group
    assert view["submit"]["text"] == "Approve"

    # WHEN they submit it with a comment
    slack_app.submit(view, user=APPROVER, comment="AUC 0.91 beats v0 <!channel>")

    # THEN SageMaker has the decision, with who and the comment
    sm = slack_app.service.sagemaker(None)._sm
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert f"name-of-{APPROVER.lower()} ({APPROVER})" in described["ApprovalDescription"]
    assert "AUC 0.91" in described["ApprovalDescription"]
    # AND the message's buttons are replaced by who approved, and when
    [parent] = slack_app.slack.messages(CHANNEL)
    assert APPROVE not in buttons(parent)
    assert f"Approved by <@{APPROVER}>" in json.dumps(parent.blocks)
    # AND the decision is in the thread, with the comment escaped
    [reply] = slack_app.slack.thread(CHANNEL, parent.ts)
    assert "approved" in reply.text
    assert "<!channel>" not in reply.text
    assert ("approve", "ok") in [(r.action, r.result) for r in slack_app.runtime.store.list_audit()]


def test_double_submission_changes_nothing_further(slack_app: SlackApp) -> None:
    arn, _, parent = posted_package(slack_app)
    value = buttons(parent)[REJECT]["value"]
    slack_app.click(REJECT, value, user=APPROVER, message_ts=parent.ts)
    slack_app.click(REJECT, value, user=GROUP_MEMBER, message_ts=parent.ts)  # a group approver
    first, second = slack_app.slack.views().values()
    slack_app.submit(first, user=APPROVER)
    slack_app.submit(second, user=GROUP_MEMBER)

    sm = slack_app.service.sagemaker(None)._sm
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"
    assert len(slack_app.slack.thread(CHANNEL, parent.ts)) == 1  # one decision
    [note] = slack_app.slack.ephemerals(CHANNEL, GROUP_MEMBER)
    assert "already *Rejected*" in note.text


def test_outsider_click_is_refused_and_nothing_opens(slack_app: SlackApp) -> None:
    arn, _, parent = posted_package(slack_app)
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=OUTSIDER, message_ts=parent.ts)
    assert slack_app.slack.views() == {}
    [refusal] = slack_app.slack.ephemerals(CHANNEL, OUTSIDER)
    assert refusal.text.startswith(":no_entry:") and refusal.text.count(":no_entry:") == 1
    sm = slack_app.service.sagemaker(None)._sm
    assert (
        sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
        == "PendingManualApproval"
    )


def test_forged_submission_by_an_outsider_is_refused(slack_app: SlackApp) -> None:
    arn, _, parent = posted_package(slack_app)
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    slack_app.submit(view, user=OUTSIDER)
    sm = slack_app.service.sagemaker(None)._sm
    assert (
        sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
        == "PendingManualApproval"
    )


def test_approve_by_command_with_group_and_version(slack_app: SlackApp) -> None:
    arn, group, parent = posted_package(slack_app)
    slack_app.command(f"approve {group}/1 ship it")
    [reply] = slack_app.replies()
    assert reply["response_type"] == "in_channel"
    assert "approved" in reply["text"]
    sm = slack_app.service.sagemaker(None)._sm
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"
    [parent] = slack_app.slack.messages(CHANNEL)
    assert f"Approved by <@{APPROVER}>" in json.dumps(parent.blocks)


def test_a_decision_can_be_changed_by_command(slack_app: SlackApp) -> None:
    arn, group, _ = posted_package(slack_app)
    slack_app.command(f"approve {group}/1")
    slack_app.command(f"reject {group}/1 regression found after all")
    sm = slack_app.service.sagemaker(None)._sm
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"
    [parent] = slack_app.slack.messages(CHANNEL)
    assert f"Rejected by <@{APPROVER}>" in json.dumps(parent.blocks)


def test_inspect_button_answers_the_clicker_alone(slack_app: SlackApp) -> None:
    from tests.aws.resources import create_training_job, unique

    sm = slack_app.service.sagemaker(None)._sm
    name = unique("train")
    arn = create_training_job(sm, name)
    event = {
        "version": "0",
        "id": "evt-failed",
        "detail-type": "SageMaker Training Job State Change",
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-east-1",
        "time": "2026-11-25T10:00:00Z",
        "resources": [arn],
        "detail": {
            "TrainingJobName": name,
            "TrainingJobArn": arn,
            "TrainingJobStatus": "Failed",
            "FailureReason": "AlgorithmError: boom",
        },
    }
    slack_app.runtime.deliverer.deliver_raw(event)
    [parent] = slack_app.slack.messages(CHANNEL)
    inspect = buttons(parent)[INSPECT]
    # Anyone may read while no viewers are configured; what they read is theirs alone.
    slack_app.click(INSPECT, inspect["value"], user=OUTSIDER, message_ts=parent.ts)
    [answer] = slack_app.slack.ephemerals(CHANNEL, OUTSIDER)
    assert name in answer.text
    assert answer.thread_ts is None  # clicked in the channel: answered there
    assert slack_app.slack.thread(CHANNEL, parent.ts) == []
    assert [m.ts for m in slack_app.slack.messages(CHANNEL)] == [parent.ts]


def test_package_decided_elsewhere_changes_nothing_and_the_message_says_so(
    slack_app: SlackApp,
) -> None:
    arn, _, parent = posted_package(slack_app)
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    # Meanwhile someone rejects it in the SageMaker console
    sm = slack_app.service.sagemaker(None)._sm
    sm.update_model_package(ModelPackageArn=arn, ModelApprovalStatus="Rejected")

    slack_app.submit(view, user=APPROVER)

    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"
    [parent] = slack_app.slack.messages(CHANNEL)
    assert APPROVE not in buttons(parent)
    assert "Rejected outside Slack" in json.dumps(parent.blocks)
    [note] = slack_app.slack.ephemerals(CHANNEL, APPROVER)
    assert "already *Rejected*" in note.text


def test_a_decision_in_progress_is_answered_already(slack_app: SlackApp) -> None:
    arn, _, parent = posted_package(slack_app)
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    # Another click's decision holds the package's lock
    store = slack_app.runtime.store
    assert store.acquire(
        approval_lock(arn), owner="another", lease_seconds=DECISION_LEASE_SECONDS, now=time.time()
    )

    slack_app.submit(view, user=APPROVER)

    sm = slack_app.service.sagemaker(None)._sm
    assert (
        sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"]
        == "PendingManualApproval"
    )
    [note] = slack_app.slack.ephemerals(CHANNEL, APPROVER)
    assert "already *PendingManualApproval*" in note.text
    # the other decision's lock is still its own
    assert not store.acquire(approval_lock(arn), owner="probe", lease_seconds=1, now=time.time())


def test_a_lock_left_by_a_crashed_decision_is_taken_over(slack_app: SlackApp) -> None:
    arn, _, parent = posted_package(slack_app)
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    long_ago = time.time() - DECISION_LEASE_SECONDS - 1
    assert slack_app.runtime.store.acquire(
        approval_lock(arn), owner="crashed", lease_seconds=DECISION_LEASE_SECONDS, now=long_ago
    )

    slack_app.submit(view, user=APPROVER)

    sm = slack_app.service.sagemaker(None)._sm
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"


def test_a_decision_takes_a_lock_and_writes_no_delivery_record(
    slack_app: SlackApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    arn, _, parent = posted_package(slack_app)
    store = slack_app.runtime.store
    calls: list[str] = []
    for method in ("begin_delivery", "complete_delivery", "abort_delivery"):
        monkeypatch.setattr(store, method, lambda *a, name=method, **k: calls.append(name))

    slack_app.click(REJECT, buttons(parent)[REJECT]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    slack_app.submit(view, user=APPROVER)

    sm = slack_app.service.sagemaker(None)._sm
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Rejected"
    assert calls == []
    monkeypatch.undo()
    assert store.get_delivery("-", arn, "decision") is None  # where the old lease lived
    # the lock was released
    assert store.acquire(approval_lock(arn), owner="probe", lease_seconds=1, now=time.time())


def test_a_package_a_run_registered_is_decided_on_its_card_in_the_runs_thread(
    slack_app: SlackApp,
) -> None:
    # GIVEN a package a pipeline run registered: its card is a reply in the run's thread
    sm = slack_app.service.sagemaker(None)._sm
    group = create_group(sm)
    arn = create_package(sm, group)
    execution = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/k2x9p4q7wz1a"
    event = package_event(arn, group)
    event["detail"]["MetadataProperties"] = {"GeneratedBy": execution}
    slack_app.runtime.deliverer.deliver_raw(event)
    [run] = [m for m in slack_app.slack.messages(CHANNEL) if not m.is_reply]
    [card] = slack_app.slack.thread(CHANNEL, run.ts)
    assert card.reply_broadcast
    approve = buttons(card)[APPROVE]

    # WHEN an approver approves on the card
    slack_app.click(APPROVE, approve["value"], user=APPROVER, message_ts=card.ts, thread_ts=run.ts)
    [view] = slack_app.slack.views().values()
    slack_app.submit(view, user=APPROVER)

    # THEN SageMaker has it, the card shows who decided instead of the buttons, and the
    # decision is a reply in the run's thread
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == "Approved"
    card = slack_app.slack.message(CHANNEL, card.ts)
    assert card is not None and card.edited
    assert APPROVE not in buttons(card)
    assert f"Approved by <@{APPROVER}>" in json.dumps(card.blocks)
    assert any("approved" in r.text for r in slack_app.slack.thread(CHANNEL, run.ts)[1:])
