"""Resources of other accounts (events forwarded to a central bus): the buttons and commands act
there through the cross-account role. moto's AssumeRole hands out keys that act in the role's
account, so acting with the wrong credentials finds nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.aws.accounts import AccountAccess, SageMakers
from bot.slack_app.listeners.actions import APPROVE
from tests.aws.test_accounts import OTHER, ROLE, create_package_in
from tests.slack_app.conftest import APPROVER, CHANNEL, SlackApp
from tests.standins.aws import REGION


@pytest.fixture
def cross_account_app(slack_app: SlackApp, moto_clients: Any) -> SlackApp:
    access = AccountAccess(lambda: moto_clients("sts", region_name=REGION), ROLE)
    slack_app.service.sagemaker = SageMakers(moto_clients, access, default_region=REGION)
    return slack_app


def forwarded_package_event(arn: str) -> dict[str, Any]:
    group, version = arn.rsplit("/", 2)[-2:]
    return {
        "version": "0",
        "id": f"evt-{group}",
        "detail-type": "SageMaker Model Package State Change",
        "source": "aws.sagemaker",
        "account": OTHER,
        "region": REGION,
        "time": "2026-11-25T10:00:00Z",
        "resources": [arn],
        "detail": {
            "ModelPackageGroupName": group,
            "ModelPackageVersion": int(version),
            "ModelPackageArn": arn,
            "ModelPackageStatus": "Completed",
            "ModelApprovalStatus": "PendingManualApproval",
        },
    }


def test_approve_button_on_another_accounts_package_decides_it_there(
    cross_account_app: SlackApp, moto_clients: Any
) -> None:
    app = cross_account_app
    arn = create_package_in(moto_clients, OTHER)
    app.runtime.deliverer.deliver_raw(forwarded_package_event(arn))
    [parent] = app.slack.messages(CHANNEL)
    [button] = [
        e
        for block in parent.blocks
        if block["type"] == "actions"
        for e in block["elements"]
        if e["action_id"] == APPROVE
    ]

    app.click(APPROVE, button["value"], user=APPROVER, message_ts=parent.ts)
    [view] = app.slack.views().values()
    assert view["submit"]["text"] == "Approve"  # the modal found the package in its account
    app.submit(view, user=APPROVER, comment="ok")

    assert app.service.sagemaker(REGION, OTHER).current_approval(arn) == "Approved"
    [parent] = app.slack.messages(CHANNEL)
    assert f"Approved by <@{APPROVER}>" in json.dumps(parent.blocks)


def test_status_command_with_another_accounts_arn_reads_it_there(
    cross_account_app: SlackApp, moto_clients: Any
) -> None:
    arn = create_package_in(moto_clients, OTHER)
    cross_account_app.command(f"status {arn}")
    [reply] = cross_account_app.replies()
    assert "Could not find" not in reply["text"]
    assert arn.rsplit("/", 2)[-2] in json.dumps(reply)
