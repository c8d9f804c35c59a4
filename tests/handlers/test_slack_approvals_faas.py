"""Approve → modal → submission as it runs in Lambda, through ``handlers.slack.handler``.

The app is built with ``process_before_response=True`` behind Bolt's Lambda adapter. Each
request is an API Gateway HTTP API event signed as Slack signs it. A lazy listener is not run
in-process: the adapter asks the Lambda service to invoke the function again (``Event``), and
here that invocation is captured, then replayed into the handler as the second invocation,
after the first has answered. ``cold`` replays it in a fresh container: a new app, nothing
kept in memory from the invocation that acked.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import handlers.slack as slack_handler
from bot.runtime import build_runtime
from bot.settings import get_settings
from bot.slack_app.listeners.actions import APPROVE
from tests.aws.resources import create_group, create_package
from tests.handlers.test_events_handler import LambdaContext
from tests.handlers.test_slack_handler import SECRET, http_api_event
from tests.slack_app.test_approvals import buttons, package_event
from tests.standins.aws import AwsClientFactory
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0FAAS"
APPROVER = "U0APPROVER"
OUTSIDER = "U0OUTSIDER"
SECOND = "U0SECOND"


@dataclass
class Invocation:
    function_name: str
    payload: str


class LambdaService:
    """Stands in for the Lambda service: async self-invocations are queued, not run."""

    def __init__(self) -> None:
        self.queued: list[Invocation] = []

    def invoke(self, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:
        assert InvocationType == "Event"
        self.queued.append(Invocation(FunctionName, Payload))
        return {"StatusCode": 202}

    def install(self) -> None:
        """Build the handler's app (as a container's first request would) with this as its
        Lambda client."""
        runner = slack_handler.request_handler().app.listener_runner.lazy_listener_runner
        runner.lambda_client = self  # type: ignore[attr-defined]

    def replay(self, *, cold: bool) -> list[dict[str, Any]]:
        """Run every queued invocation, as Lambda would once the first has returned."""
        if cold:
            slack_handler._handler = None
            self.install()
        queued, self.queued = self.queued, []
        responses = []
        for invocation in queued:
            assert invocation.function_name == LambdaContext.invoked_function_arn
            responses.append(slack_handler.handler(json.loads(invocation.payload), LambdaContext()))
        return responses


@pytest.fixture
def lambda_service(
    slack_api: SlackStandin,
    moto_server: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[LambdaService]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("CHATOPS_STORE", f"sqlite:///{tmp_path}/state.sqlite3")
    monkeypatch.setenv("CHATOPS_APPROVERS", APPROVER)
    monkeypatch.setenv("CHATOPS_DEFAULT_CHANNEL", CHANNEL)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    get_settings.cache_clear()
    monkeypatch.setattr(slack_handler, "_handler", None)
    service = LambdaService()
    service.install()
    yield service
    get_settings.cache_clear()


def interaction(payload: dict[str, Any]) -> dict[str, Any]:
    return http_api_event(urlencode({"payload": json.dumps(payload)}))


def click(value: str, message_ts: str, trigger_id: str, user: str = APPROVER) -> dict[str, Any]:
    return interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T0STANDIN"},
            "channel": {"id": CHANNEL},
            "message": {"ts": message_ts},
            "container": {"type": "message", "message_ts": message_ts},
            "trigger_id": trigger_id,
            "actions": [{"action_id": APPROVE, "value": value, "type": "button"}],
        }
    )


def submission(
    view: dict[str, Any], comment: str, user: str = APPROVER, name: str = "ada"
) -> dict[str, Any]:
    typed = {"type": "plain_text_input", "value": comment}
    state = {"values": {"comment": {"comment_input": typed}}}
    return interaction(
        {
            "type": "view_submission",
            "user": {"id": user, "username": name},
            "team": {"id": "T0STANDIN"},
            "view": {**view, "id": "V1", "state": state},
        }
    )


def methods(slack_api: SlackStandin, since: int) -> list[str]:
    """Slack API methods called since the ``since``-th call, but for Bolt's ``auth.test`` (once
    per container, on its first request)."""
    return [c.method for c in slack_api.calls()[since:] if c.method != "auth.test"]


@pytest.mark.parametrize("cold", [False, True], ids=["same-container", "cold-container"])
def test_approve_flow_acks_in_the_request_and_finishes_in_the_second_invocation(
    lambda_service: LambdaService,
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    cold: bool,
) -> None:
    # GIVEN a pending package in SageMaker, posted to the channel by the events side
    sm = aws_client_factory("sagemaker")
    group = create_group(sm)
    arn = create_package(sm, group)
    runtime = build_runtime(get_settings())
    runtime.deliverer.deliver_raw(package_event(arn, group))
    runtime.store.close()
    [parent] = slack_api.messages(CHANNEL)
    approve = buttons(parent)[APPROVE]

    # WHEN the approver clicks Approve
    before = len(slack_api.calls())
    response = slack_handler.handler(
        click(approve["value"], parent.ts, f"trigger-{time.monotonic_ns()}"), LambdaContext()
    )
    # THEN the click is acked in the request, having only opened the modal (a trigger_id
    # lasts 3 seconds); the details are left to the second invocation
    assert response["statusCode"] == 200
    assert methods(slack_api, before) == ["views.open"]
    [(view_id, loading)] = slack_api.views().items()
    assert "Loading" in json.dumps(loading["blocks"])
    assert "eval.json" not in json.dumps(loading["blocks"])
    [queued] = lambda_service.queued
    lazy_event = json.loads(queued.payload)
    assert lazy_event["headers"]["x-slack-bolt-lazy-only"] == "1"

    # WHEN Lambda runs the second invocation
    before = len(slack_api.calls())
    [lazy_response] = lambda_service.replay(cold=cold)
    # THEN it updates the open modal with the package, its metrics and the approved version
    assert lazy_response["statusCode"] == 200
    assert methods(slack_api, before) == ["views.update"]
    [(same_id, view)] = slack_api.views().items()
    assert same_id == view_id
    text = json.dumps(view["blocks"])
    assert group in text
    assert "eval.json" in text
    assert "no version" in text
    assert view["submit"]["text"] == "Approve"
    assert lambda_service.queued == []

    # WHEN they submit the modal
    before = len(slack_api.calls())
    response = slack_handler.handler(submission(view, "AUC 0.91, ship it"), LambdaContext())
    # THEN the submission is acked (the modal closes) with nothing decided yet
    assert response["statusCode"] == 200
    assert response["body"] == ""
    assert methods(slack_api, before) == []
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "PendingManualApproval"
    assert len(lambda_service.queued) == 1

    # WHEN Lambda runs the decision's invocation
    [lazy_response] = lambda_service.replay(cold=cold)
    # THEN SageMaker has it, with who and the comment
    assert lazy_response["statusCode"] == 200
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert f"ada ({APPROVER})" in described["ApprovalDescription"]
    assert "AUC 0.91" in described["ApprovalDescription"]
    # AND the message shows who approved instead of the buttons, and the thread has the decision
    [parent] = slack_api.messages(CHANNEL)
    assert APPROVE not in buttons(parent)
    assert f"Approved by <@{APPROVER}>" in json.dumps(parent.blocks)
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "approved" in reply.text
    assert lambda_service.queued == []


def test_an_outsiders_click_is_refused_in_the_ack_and_its_second_invocation_does_nothing(
    lambda_service: LambdaService, slack_api: SlackStandin, aws_client_factory: AwsClientFactory
) -> None:
    sm = aws_client_factory("sagemaker")
    group = create_group(sm)
    arn = create_package(sm, group)
    runtime = build_runtime(get_settings())
    runtime.deliverer.deliver_raw(package_event(arn, group))
    runtime.store.close()
    [parent] = slack_api.messages(CHANNEL)

    # WHEN someone who may not approve clicks Approve
    event = click(buttons(parent)[APPROVE]["value"], parent.ts, "trigger-outsider", OUTSIDER)
    before = len(slack_api.calls())
    assert slack_handler.handler(event, LambdaContext())["statusCode"] == 200
    # THEN they are told so, and no modal opens
    assert methods(slack_api, before) == ["chat.postEphemeral"]
    [refusal] = slack_api.ephemerals(CHANNEL, OUTSIDER)
    assert refusal.text.startswith(":no_entry:") and refusal.text.count(":no_entry:") == 1

    # AND the second invocation Bolt asks for neither reads SageMaker for them nor updates a
    # modal that was never opened
    before = len(slack_api.calls())
    [response] = lambda_service.replay(cold=False)
    assert response["statusCode"] == 200
    assert methods(slack_api, before) == []
    assert slack_api.views() == {}


def test_two_approvers_each_in_lambda_the_first_is_counted_the_second_decides(
    lambda_service: LambdaService,
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN the two-person rule, and a pending package posted by the events side
    monkeypatch.setenv("CHATOPS_APPROVERS", f"{APPROVER},{SECOND}")
    monkeypatch.setenv("CHATOPS_APPROVALS_REQUIRED", "2")
    get_settings.cache_clear()
    monkeypatch.setattr(slack_handler, "_handler", None)
    lambda_service.install()
    sm = aws_client_factory("sagemaker")
    group = create_group(sm)
    arn = create_package(sm, group)
    runtime = build_runtime(get_settings())
    runtime.deliverer.deliver_raw(package_event(arn, group))
    runtime.store.close()
    [parent] = slack_api.messages(CHANNEL)
    value = buttons(parent)[APPROVE]["value"]

    def approve(user: str, name: str, comment: str) -> None:
        """Click, fill the modal, submit, decide: every lazy part in a fresh container."""
        before = set(slack_api.views())
        trigger = f"trigger-{time.monotonic_ns()}"
        slack_handler.handler(click(value, parent.ts, trigger, user), LambdaContext())
        lambda_service.replay(cold=True)
        [view_id] = set(slack_api.views()) - before
        view = slack_api.views()[view_id]
        slack_handler.handler(submission(view, comment, user, name), LambdaContext())
        lambda_service.replay(cold=True)

    # WHEN the first approver approves
    approve(APPROVER, "ada", "AUC 0.91")
    # THEN the package still waits, and the thread says 1 of 2
    assert sm.describe_model_package(ModelPackageName=arn)["ModelApprovalStatus"] == (
        "PendingManualApproval"
    )
    [counted] = slack_api.thread(CHANNEL, parent.ts)
    assert f"1 of 2 approvals: <@{APPROVER}>" in counted.text

    # WHEN the second approves, in other containers again
    approve(SECOND, "bo", "latency ok")
    # THEN SageMaker has the decision, naming both
    described = sm.describe_model_package(ModelPackageName=arn)
    assert described["ModelApprovalStatus"] == "Approved"
    assert f"ada ({APPROVER}) and bo ({SECOND})" in described["ApprovalDescription"]
    [parent] = slack_api.messages(CHANNEL)
    assert APPROVE not in buttons(parent)
    assert f"Approved by <@{APPROVER}> and <@{SECOND}>" in json.dumps(parent.blocks)
