"""Who may read, as it runs in Lambda: the Inspect and Share in thread buttons through
``handlers.slack.handler``, acked in the request, finished in the second invocation that Bolt's
lazy listener asks for (replayed here, in the same container or a cold one).

The function is configured as ``serverless.yml`` deploys it: its own account known
(``CHATOPS_ACCOUNT_ID``), other accounts reached through ``CHATOPS_CROSS_ACCOUNT_ROLE``.
AWS calls are counted where they land, at moto's HTTP server: a refused click costs none in
either invocation, not even STS.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

import handlers.slack as slack_handler
from bot.runtime import build_runtime
from bot.settings import get_settings
from bot.slack_app.listeners.actions import INSPECT, SHARE
from tests.aws.resources import create_training_job, now_ms, unique, write_logs
from tests.handlers.test_events_handler import LambdaContext
from tests.handlers.test_slack_approvals_faas import (  # noqa: F401 (the fixture)
    CHANNEL,
    LambdaService,
    interaction,
    lambda_service,
    methods,
)
from tests.slack_app.test_readers import OTHER, ROLE, SECRET_LINE, buttons, clients_in
from tests.standins.aws import REGION, AwsRequests
from tests.standins.slack_api import SlackStandin

HOME = "123456789012"
VIEWER = "U0VIEWER"
OUTSIDER = "U0OUTSIDER"


@pytest.fixture
def deployed(
    lambda_service: LambdaService,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> LambdaService:
    """The function with ``CHATOPS_VIEWERS`` unset, its account and a cross-account role."""
    monkeypatch.setenv("CHATOPS_ACCOUNT_ID", HOME)
    monkeypatch.setenv("CHATOPS_CROSS_ACCOUNT_ROLE", ROLE)
    monkeypatch.delenv("CHATOPS_VIEWERS", raising=False)
    return reinstall(lambda_service, monkeypatch)


def reinstall(service: LambdaService, monkeypatch: pytest.MonkeyPatch) -> LambdaService:
    """A new container with the environment as it is now."""
    get_settings.cache_clear()
    monkeypatch.setattr(slack_handler, "_handler", None)
    service.install()
    return service


def posted_failure(slack_api: SlackStandin, moto_clients: Any, account: str) -> tuple[str, Any]:
    """A failed training job in ``account``, its log ending with a secret, posted to the
    channel by the events side: (its name, the parent message with the Inspect button)."""
    sm, logs = clients_in(moto_clients, account)
    name = unique("train")
    arn = create_training_job(sm, name)
    stream = f"{name}/algo-1-1700000000"
    write_logs(logs, "/aws/sagemaker/TrainingJobs", stream, [(now_ms(), SECRET_LINE)])
    runtime = build_runtime(get_settings())
    runtime.deliverer.deliver_raw(
        {
            "version": "0",
            "id": f"evt-{name}",
            "detail-type": "SageMaker Training Job State Change",
            "source": "aws.sagemaker",
            "account": account,
            "region": REGION,
            "time": "2026-11-25T10:00:00Z",
            "resources": [arn],
            "detail": {
                "TrainingJobName": name,
                "TrainingJobArn": arn,
                "TrainingJobStatus": "Failed",
                "FailureReason": "AlgorithmError: see the logs",
            },
        }
    )
    runtime.store.close()
    [parent] = slack_api.messages(CHANNEL)
    return name, parent


def click(action_id: str, value: str, user: str, message_ts: str | None) -> dict[str, Any]:
    """A click on a channel message (``message_ts``) or, without one, in an ephemeral."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T0STANDIN"},
        "channel": {"id": CHANNEL},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
    }
    if message_ts:
        payload["message"] = {"ts": message_ts}
        payload["container"] = {"type": "message", "message_ts": message_ts}
    else:
        stamp = f"{time.time():.6f}"
        payload["container"] = {"type": "message", "message_ts": stamp, "is_ephemeral": True}
    return interaction(payload)


@pytest.mark.parametrize("cold", [False, True], ids=["same-container", "cold-container"])
@pytest.mark.parametrize("where", ["other-account", "viewers-set"])
def test_a_refused_inspect_click_asks_aws_nothing_in_either_invocation(
    deployed: LambdaService,
    slack_api: SlackStandin,
    moto_clients: Any,
    aws_requests: AwsRequests,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    cold: bool,
) -> None:
    # GIVEN a failure posted with its Inspect button: another account's job (readable by named
    # users only), or one of the bot's own account while viewers are configured
    if where == "viewers-set":
        monkeypatch.setenv("CHATOPS_VIEWERS", VIEWER)
        reinstall(deployed, monkeypatch)
    account = OTHER if where == "other-account" else HOME
    _, parent = posted_failure(slack_api, moto_clients, account)
    value = buttons(parent.blocks)[INSPECT]["value"]

    # WHEN someone not allowed to read it clicks Inspect
    aws_requests.mark()
    before = len(slack_api.calls())
    response = slack_handler.handler(click(INSPECT, value, OUTSIDER, parent.ts), LambdaContext())
    # THEN the click is acked at once, with nothing asked of Slack or AWS
    assert response["statusCode"] == 200
    assert methods(slack_api, before) == []
    assert len(deployed.queued) == 1

    # WHEN Lambda runs the deferred half
    before = len(slack_api.calls())
    [lazy] = deployed.replay(cold=cold)
    # THEN it refuses them, privately, having asked AWS nothing (no STS, SageMaker or Logs)
    assert lazy["statusCode"] == 200
    assert methods(slack_api, before) == ["chat.postEphemeral"]
    [refusal] = slack_api.ephemerals(CHANNEL, OUTSIDER)
    assert refusal.text.startswith(":no_entry:")
    assert aws_requests.all() == []
    assert slack_api.thread(CHANNEL, parent.ts) == []


@pytest.mark.parametrize("cold", [False, True], ids=["same-container", "cold-container"])
def test_inspect_then_share_in_thread_as_they_run_in_lambda(
    deployed: LambdaService,
    slack_api: SlackStandin,
    moto_clients: Any,
    aws_requests: AwsRequests,
    monkeypatch: pytest.MonkeyPatch,
    cold: bool,
) -> None:
    # GIVEN another account's failure, and a viewer named explicitly
    monkeypatch.setenv("CHATOPS_VIEWERS", VIEWER)
    reinstall(deployed, monkeypatch)
    name, parent = posted_failure(slack_api, moto_clients, OTHER)
    value = buttons(parent.blocks)[INSPECT]["value"]

    # WHEN the viewer clicks Inspect: acked with no call, read in the second invocation
    aws_requests.mark()
    before = len(slack_api.calls())
    slack_handler.handler(click(INSPECT, value, VIEWER, parent.ts), LambdaContext())
    assert methods(slack_api, before) == [] and aws_requests.all() == []
    deployed.replay(cold=cold)
    # THEN it was read in that account through the role, and shown to the viewer alone
    operations = aws_requests.operations()
    assert operations[0] == "sts:AssumeRole"
    assert {"sagemaker:DescribeTrainingJob", "logs:GetLogEvents"} <= set(operations)
    assert methods(slack_api, before) == ["chat.postEphemeral"]
    [answer] = slack_api.ephemerals(CHANNEL, VIEWER)
    assert SECRET_LINE in json.dumps(answer.blocks)
    assert slack_api.thread(CHANNEL, parent.ts) == []
    share = buttons(answer.blocks)[SHARE]["value"]

    # WHEN they click Share in thread in that ephemeral
    before = len(slack_api.calls())
    slack_handler.handler(click(SHARE, share, VIEWER, None), LambdaContext())
    assert methods(slack_api, before) == []
    deployed.replay(cold=cold)
    # THEN the inspection is posted in the job's thread, and they are told
    assert methods(slack_api, before) == ["chat.postMessage", "chat.postEphemeral"]
    [shared] = slack_api.thread(CHANNEL, parent.ts)
    assert name in shared.text
    assert f"Shared by <@{VIEWER}>" in json.dumps(shared.blocks)
    assert [m.ts for m in slack_api.messages(CHANNEL)] == [parent.ts]


def test_without_viewers_anyone_reads_the_bots_own_account_with_its_own_role(
    deployed: LambdaService,
    slack_api: SlackStandin,
    moto_clients: Any,
    aws_requests: AwsRequests,
) -> None:
    # GIVEN a failure in the bot's own account (CHATOPS_ACCOUNT_ID), viewers unset
    _, parent = posted_failure(slack_api, moto_clients, HOME)
    value = buttons(parent.blocks)[INSPECT]["value"]
    assert json.loads(value)["account"] == HOME
    aws_requests.mark()
    # WHEN anyone clicks Inspect
    slack_handler.handler(click(INSPECT, value, OUTSIDER, parent.ts), LambdaContext())
    deployed.replay(cold=True)
    # THEN they read it, with the function's own role: its account is known without STS
    [answer] = slack_api.ephemerals(CHANNEL, OUTSIDER)
    assert SECRET_LINE in json.dumps(answer.blocks)
    services = {r.service for r in aws_requests.all()}
    assert services == {"sagemaker", "logs"}
