"""The Slack Lambda: API Gateway HTTP API event → Bolt → ack; slow work in a second invocation."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

import handlers.slack as slack_handler
from bot.settings import get_settings
from bot.slack_app.listeners.actions import APPROVE
from tests.aws.resources import create_training_job, unique
from tests.handlers.test_events_handler import LambdaContext
from tests.standins.aws import AwsClientFactory, AwsRequests
from tests.standins.slack_api import SlackStandin
from tests.standins.slack_api import http_api_event as signed_http_api_event

SECRET = "test-signing-secret"


class InvokeSelf:
    """Stands in for the Lambda service: an async self-invocation runs the handler again."""

    def __init__(self) -> None:
        self.invocations: list[dict[str, Any]] = []

    def invoke(self, FunctionName: str, InvocationType: str, Payload: str) -> dict[str, Any]:
        assert InvocationType == "Event"
        event = json.loads(Payload)
        self.invocations.append(event)
        slack_handler.handler(event, LambdaContext())
        return {"StatusCode": 202}


@pytest.fixture
def lambda_env(
    slack_api: SlackStandin,
    moto_server: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[InvokeSelf]:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("CHATOPS_STORE", f"sqlite:///{tmp_path}/state.sqlite3")
    monkeypatch.setenv("CHATOPS_APPROVERS", "U0APPROVER")
    monkeypatch.setenv("CHATOPS_ADMINS", "U0ADMIN")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    get_settings.cache_clear()
    monkeypatch.setattr(slack_handler, "_handler", None)
    runner = slack_handler.request_handler().app.listener_runner.lazy_listener_runner
    invoker = InvokeSelf()
    runner.lambda_client = invoker  # type: ignore[attr-defined]
    yield invoker
    get_settings.cache_clear()


def http_api_event(body: str, *, secret: str = SECRET) -> dict[str, Any]:
    return signed_http_api_event(body, secret=secret)


def command(slack_api: SlackStandin, text: str, user: str = "U0APPROVER") -> str:
    return urlencode(
        {
            "command": "/sagemaker",
            "text": text,
            "user_id": user,
            "channel_id": "C0LAMBDA",
            "team_id": "T0STANDIN",
            "response_url": slack_api.response_url("cmd"),
            "trigger_id": "trigger-1",
        }
    )


def test_quick_command_is_answered_in_the_ack(
    lambda_env: InvokeSelf, slack_api: SlackStandin
) -> None:
    response = slack_handler.handler(http_api_event(command(slack_api, "help")), LambdaContext())
    assert response["statusCode"] == 200
    assert "subscribe" in response["body"]
    assert lambda_env.invocations == []


def test_slow_command_acks_then_finishes_in_a_second_invocation(
    lambda_env: InvokeSelf, slack_api: SlackStandin, aws_client_factory: AwsClientFactory
) -> None:
    name = unique("train")
    create_training_job(aws_client_factory("sagemaker"), name)
    response = slack_handler.handler(
        http_api_event(command(slack_api, f"status {name}")), LambdaContext()
    )
    assert response["statusCode"] == 200
    assert "Working on" in response["body"]
    assert len(lambda_env.invocations) == 1
    [reply] = slack_api.responses("cmd")
    assert name in reply["text"]


def test_bad_signature_is_401(lambda_env: InvokeSelf, slack_api: SlackStandin) -> None:
    event = http_api_event(command(slack_api, "help"), secret="not-the-secret")
    assert slack_handler.handler(event, LambdaContext())["statusCode"] == 401


def test_an_approve_is_audited_at_info_as_json_in_the_functions_output(
    lambda_env: InvokeSelf, slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the handler's output captured (Powertools: one JSON object per line)
    stream = io.StringIO()
    monkeypatch.setattr(slack_handler.logger.registered_handler, "stream", stream)
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"
    payload = {
        "type": "block_actions",
        "user": {"id": "U0OUTSIDER"},
        "team": {"id": "T0STANDIN"},
        "channel": {"id": "C0LAMBDA"},
        "message": {"ts": "1700000000.000100"},
        "container": {"type": "message", "message_ts": "1700000000.000100"},
        "trigger_id": "trigger-2",
        "response_url": slack_api.response_url("action"),
        "actions": [{"action_id": APPROVE, "value": json.dumps({"arn": arn}), "type": "button"}],
    }
    # WHEN someone who may not approve clicks Approve, through the Lambda adapter
    body = urlencode({"payload": json.dumps(payload)})
    response = slack_handler.handler(http_api_event(body), LambdaContext())
    assert response["statusCode"] == 200
    # THEN the audit line is in the function's output: JSON, INFO, who, what, on what, result
    lines = [json.loads(x) for x in stream.getvalue().splitlines() if x.startswith("{")]
    [audit] = [line for line in lines if line.get("name") == "bot.service.audit"]
    assert audit["level"] == "INFO"
    assert audit["function_request_id"] == "req-1"
    assert audit["audit"]["user_id"] == "U0OUTSIDER"
    assert audit["audit"]["action"] == "approve"
    assert audit["audit"]["target"] == arn
    assert audit["audit"]["result"] == "denied"
    # AND no secret reaches the output
    output = stream.getvalue()
    assert SECRET not in output
    assert slack_api.token not in output


def test_help_builds_neither_the_store_nor_the_renderer(
    lambda_env: InvokeSelf, slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold function answers help and syntax errors without what they do not need."""
    import bot.render.renderer
    import bot.store

    built: list[str] = []

    def recording(name: str, make: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            built.append(name)
            return make(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(bot.store, "open_store", recording("store", bot.store.open_store))
    monkeypatch.setattr(
        bot.render.renderer, "Renderer", recording("renderer", bot.render.renderer.Renderer)
    )
    for text in ("help", "help subscribe", "subscribe trainig"):
        response = slack_handler.handler(http_api_event(command(slack_api, text)), LambdaContext())
        assert response["statusCode"] == 200
    assert built == []
    assert slack_api.calls("auth.test") == []
    slack_handler.handler(http_api_event(command(slack_api, "list")), LambdaContext())
    assert built == ["store", "renderer"]


def test_a_request_leaves_the_handlers_log_level_alone(
    lambda_env: InvokeSelf, slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the handler's Powertools logger at INFO, under a root logger at WARNING (Lambda's)
    import logging

    monkeypatch.setattr(logging.getLogger(), "level", logging.WARNING)
    slack_handler.logger.setLevel("INFO")
    # WHEN Bolt handles a request (it gives each request a logger named after the app)
    response = slack_handler.handler(http_api_event(command(slack_api, "help")), LambdaContext())
    assert response["statusCode"] == 200
    # THEN the handler's own INFO lines still go out: that logger is not the app's
    assert slack_handler.logger.log_level == logging.INFO


def test_doctor_for_someone_not_an_admin_is_refused_without_a_second_invocation(
    lambda_env: InvokeSelf, slack_api: SlackStandin, aws_requests: AwsRequests
) -> None:
    event = http_api_event(command(slack_api, "doctor", user="U0APPROVER"))
    response = slack_handler.handler(event, LambdaContext())
    assert response["statusCode"] == 200
    assert json.loads(response["body"])["text"] == (
        ":no_entry: You may not run `doctor`. Only the admins may: <@U0ADMIN>."
    )
    # Nothing was done for them: no second invocation, no Slack call, no AWS request.
    assert lambda_env.invocations == []
    assert slack_api.calls() == []
    assert aws_requests.all() == []


def test_doctor_for_an_admin_runs_in_the_second_invocation(
    lambda_env: InvokeSelf, slack_api: SlackStandin
) -> None:
    event = http_api_event(command(slack_api, "doctor", user="U0ADMIN"))
    response = slack_handler.handler(event, LambdaContext())
    assert "Working on" in response["body"]
    assert len(lambda_env.invocations) == 1
    [reply] = slack_api.responses("cmd")
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"].startswith(":stethoscope: Doctor:")
    # The function's own boto3 clients (AWS_ENDPOINT_URL: moto) answered the AWS checks.
    sections = " ".join(b["text"]["text"] for b in reply["blocks"] if b["type"] == "section")
    assert "Account `123456789012`" in sections
    assert "Allowed: `sagemaker:DescribeTrainingJob`" in sections


@pytest.mark.parametrize(
    "text",
    [
        "approve churn-models/3",
        "reject churn-models/3 not good enough",
        "stop my-training-job",
        "retry arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc123",
        # another account's resource: named readers only, and none are named
        "status arn:aws:sagemaker:us-east-1:999999999999:training-job/theirs",
        "inspect arn:aws:sagemaker:us-east-1:999999999999:training-job/theirs",
    ],
)
def test_a_refused_command_is_refused_in_the_ack_with_nothing_run_for_it(
    lambda_env: InvokeSelf, slack_api: SlackStandin, text: str
) -> None:
    # WHEN someone who may not runs a command that would call AWS after the ack
    event = http_api_event(command(slack_api, text, user="U0OUTSIDER"))
    response = slack_handler.handler(event, LambdaContext())
    # THEN the ack itself says no, and no second invocation runs on their behalf
    assert response["statusCode"] == 200
    assert ":no_entry:" in response["body"]
    assert lambda_env.invocations == []
