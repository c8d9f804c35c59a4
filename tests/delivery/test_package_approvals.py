"""A model package's approval as the channel sees it, delivered to the Slack stand-in: the
approvers it waits for are mentioned (users and user groups, as configured), and nothing else
from the event can mention anyone."""

from __future__ import annotations

import json
from typing import Any

from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin

ACCOUNT, REGION = "123456789012", "us-east-1"
GROUP = "churn"
ARN = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/{GROUP}/3"
EXECUTION = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-training/execution/k2x9p4q7wz1a"
APPROVERS = ("U0ADA", "S0OPS")
MENTIONS = "<@U0ADA>, <!subteam^S0OPS>"


def package(
    approval: str = "PendingManualApproval",
    minute: int = 0,
    *,
    status: str = "Completed",
    run: bool = False,
    **detail: Any,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "ModelPackageGroupName": GROUP,
        "ModelPackageVersion": 3,
        "ModelPackageArn": ARN,
        "ModelPackageStatus": status,
        "ModelApprovalStatus": approval,
        "ModelPackageDescription": "churn model <!channel> & <@U0BOSS>",
        **detail,
    }
    if run:
        fields["MetadataProperties"] = {"GeneratedBy": EXECUTION}
    return {
        "version": "0",
        "id": f"evt-{approval}-{status}-{minute}",
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "account": ACCOUNT,
        "region": REGION,
        "time": f"2026-11-25T10:{minute:02d}:00Z",
        "resources": [ARN],
        "detail": fields,
    }


def text_of(message: Message) -> str:
    return json.dumps(message.blocks, ensure_ascii=False)


def actions(message: Message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def top(slack_api: SlackStandin) -> list[Message]:
    return [m for m in slack_api.messages(CHANNEL) if not m.is_reply]


# --- the approvers are mentioned --------------------------------------------------------------


def test_a_package_waiting_mentions_the_approvers_and_nothing_else_mentions(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    make_deliverer(approvers=APPROVERS).deliver_raw(package())
    [card] = top(slack_api)
    text = text_of(card)
    assert f"Waiting for approval from {MENTIONS}" in text
    assert actions(card) == ["model_package.approve", "model_package.reject"]
    # the event's own text stays text
    assert "<!channel>" not in text and "<@U0BOSS>" not in text
    assert "&lt;!channel&gt;" in text


def test_once_decided_the_card_asks_nobody(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(approvers=APPROVERS)
    deliverer.deliver_raw(package())
    deliverer.deliver_raw(package("Approved", 5))
    [card] = top(slack_api)
    assert "Waiting for approval" not in text_of(card)
    assert actions(card) == []


def test_with_mentions_turned_off_nobody_is_mentioned(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    make_deliverer(approvers=()).deliver_raw(package())
    [card] = top(slack_api)
    assert "Waiting for approval" not in text_of(card)
    assert "<@" not in text_of(card) and "subteam" not in text_of(card)
    assert actions(card) == ["model_package.approve", "model_package.reject"]


def test_a_runs_package_card_mentions_the_approvers_in_the_runs_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    make_deliverer(approvers=APPROVERS).deliver_raw(package(run=True))
    [run] = top(slack_api)
    [card] = slack_api.thread(CHANNEL, run.ts)
    assert card.reply_broadcast
    assert f"Waiting for approval from {MENTIONS}" in text_of(card)


def test_a_package_that_starts_waiting_later_mentions_them_in_its_reply(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(approvers=APPROVERS)
    deliverer.deliver_raw(package("PendingManualApproval", 0, status="InProgress"))
    [parent] = top(slack_api)
    assert "Waiting for approval" not in text_of(parent)  # still being built
    deliverer.deliver_raw(package("PendingManualApproval", 5))
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert f"Waiting for approval from {MENTIONS}" in text_of(reply)
    # the other replies of a package mention nobody
    deliverer.deliver_raw(package("Approved", 9))
    _, decided = slack_api.thread(CHANNEL, parent.ts)
    assert "Waiting for approval" not in text_of(decided)


def test_a_configured_id_that_is_not_one_never_mentions(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    make_deliverer(approvers=("<!channel>", "U0ADA")).deliver_raw(package())
    [card] = top(slack_api)
    assert "<!channel>" not in text_of(card)
    assert "Waiting for approval from `channel`, <@U0ADA>" in text_of(card)


# --- decisions taken outside Slack ------------------------------------------------------------

STUDIO_NOTE = "Promoted in Studio by alice <!here>"


def test_a_decision_taken_elsewhere_replaces_the_buttons_with_who_and_why(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(approvers=APPROVERS)
    deliverer.deliver_raw(package())
    deliverer.deliver_raw(package("Approved", 5, ApprovalDescription=STUDIO_NOTE))
    [card] = top(slack_api)
    text = text_of(card)
    assert actions(card) == []
    assert "Approved outside Slack" in text
    assert "Promoted in Studio by alice &lt;!here&gt;" in text and "<!here>" not in text
    # AND a later event of the same decision keeps what the card says of it
    deliverer.deliver_raw(package("Approved", 7, ApprovalDescription="edited later"))
    [card] = top(slack_api)
    assert "Approved outside Slack" in text_of(card)
    assert "“Promoted in Studio by alice &lt;!here&gt;”" in text_of(card)


def test_a_runs_package_card_says_it_was_decided_elsewhere(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer(approvers=APPROVERS)
    deliverer.deliver_raw(package(run=True))
    deliverer.deliver_raw(package("Rejected", 5, run=True, ApprovalDescription="drift"))
    [run] = top(slack_api)
    [card] = slack_api.thread(CHANNEL, run.ts)
    assert card.edited and actions(card) == []
    assert "Rejected outside Slack" in text_of(card) and "drift" in text_of(card)


def test_a_decision_without_a_note_says_outside_slack_alone(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(package())
    deliverer.deliver_raw(package("Rejected", 5))
    [card] = top(slack_api)
    assert "Rejected outside Slack" in text_of(card)
    assert "“" not in text_of(card)  # no comment line


def test_a_late_pending_event_does_not_bring_the_buttons_back(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(package("PendingManualApproval", 1))
    deliverer.deliver_raw(package("Approved", 5, ApprovalDescription="ok"))
    deliverer.deliver_raw(package("PendingManualApproval", 3))  # older, arriving last
    [card] = top(slack_api)
    assert actions(card) == [] and "Approved outside Slack" in text_of(card)
