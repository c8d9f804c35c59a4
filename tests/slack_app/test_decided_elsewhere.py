"""A package's card once SageMaker's Approved/Rejected event arrives: the buttons go, and the
card says who decided (the approvers, when it was decided in Slack, in any channel) or that it
was decided outside Slack, with the ApprovalDescription SageMaker keeps."""

from __future__ import annotations

import json
from typing import Any

from bot.store import Subscription
from tests.slack_app.conftest import APPROVER, CHANNEL, SlackApp
from tests.slack_app.test_approvals import APPROVE, buttons, package_event, posted_package

OTHER = "C0OTHERTEAM"


def decided_event(app: SlackApp, arn: str, group: str) -> dict[str, Any]:
    """SageMaker's event for the package as it is now (status and note as moto keeps them)."""
    described = app.service.sagemaker(None)._sm.describe_model_package(ModelPackageName=arn)
    event = package_event(arn, group)
    event["id"] = f"evt-{described['ModelApprovalStatus']}-{group}"
    event["time"] = "2026-11-25T11:00:00Z"
    event["detail"]["ModelApprovalStatus"] = described["ModelApprovalStatus"]
    event["detail"]["ApprovalDescription"] = described.get("ApprovalDescription")
    return event


def card_text(app: SlackApp, channel: str) -> str:
    [card] = [m for m in app.slack.messages(channel) if not m.is_reply]
    assert APPROVE not in buttons(card)
    return json.dumps(card.blocks, ensure_ascii=False)


def test_a_decision_in_studio_shows_on_the_card_with_its_note(slack_app: SlackApp) -> None:
    arn, group, parent = posted_package(slack_app)
    assert APPROVE in buttons(parent)
    # WHEN someone approves in Studio, and SageMaker's event arrives
    slack_app.service.sagemaker(None)._sm.update_model_package(
        ModelPackageArn=arn,
        ModelApprovalStatus="Approved",
        ApprovalDescription="Shadow test passed <@U0BOSS>",
    )
    slack_app.runtime.deliverer.deliver_raw(decided_event(slack_app, arn, group))
    # THEN the card has no buttons, and says it was decided outside Slack, and why (escaped)
    text = card_text(slack_app, CHANNEL)
    assert "Approved outside Slack" in text
    assert "“Shadow test passed &lt;@U0BOSS&gt;”" in text
    # AND nobody is named as having decided it
    assert "<@U0BOSS>" not in text and f"<@{APPROVER}>" not in text


def test_a_decision_in_slack_shows_as_slacks_in_every_channel_with_the_card(
    slack_app: SlackApp,
) -> None:
    # GIVEN the package's card in two channels
    slack_app.runtime.store.add_subscription(
        Subscription(id="s1", channel=OTHER, kinds=["model-package"])
    )
    slack_app.runtime.deliverer.forget_subscriptions()
    arn, group, parent = posted_package(slack_app)
    [other] = slack_app.slack.messages(OTHER)
    assert APPROVE in buttons(other)

    # WHEN an approver approves in the first channel, and SageMaker's event arrives
    slack_app.click(APPROVE, buttons(parent)[APPROVE]["value"], user=APPROVER, message_ts=parent.ts)
    [view] = slack_app.slack.views().values()
    slack_app.submit(view, user=APPROVER, comment="ship it")
    slack_app.runtime.deliverer.deliver_raw(decided_event(slack_app, arn, group))

    # THEN both cards name the approver and the comment; neither says outside Slack
    for channel in (CHANNEL, OTHER):
        text = card_text(slack_app, channel)
        assert f"Approved by <@{APPROVER}>" in text, channel
        assert "“ship it”" in text and "outside Slack" not in text
