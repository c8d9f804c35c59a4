"""The Slack function's init phase, in a fresh process as a Lambda container runs it.

The secrets are SSM SecureString parameters on the moto server (Powertools Parameters reads
them, as in Lambda), Slack is the stand-in. Importing ``handlers.slack`` is the init phase:
it reads both secrets and builds the Bolt app, so the request that follows calls neither SSM
nor Slack before its ack. An init that cannot read a secret is logged, and the first request
tries again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.handlers.test_slack_handler import SECRET, command, http_api_event
from tests.standins.aws import AwsClientFactory
from tests.standins.slack_api import SlackStandin

ROOT = Path(__file__).resolve().parents[2]

# argv: what to do with the parameters between the import and the request ("delete" them, or
# "create" them), their values (JSON), the request (JSON). Prints one JSON line.
CONTAINER = r"""
import gc, json, sys
import boto3

import handlers.slack as slack

action, values, event = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
built_at_import = slack._handler is not None
collector = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
ssm = boto3.client("ssm")
if action == "delete":
    ssm.delete_parameters(Names=list(values))
else:
    for name, value in values.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString")

from tests.handlers.test_events_handler import LambdaContext

response = slack.handler(event, LambdaContext())
result = {"built_at_import": built_at_import, "collector": collector, "response": response}
print(json.dumps(result))
"""


def run_container(
    slack_api: SlackStandin, moto_server: str, action: str, values: dict[str, str]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A fresh process: import (init), ``action`` on the parameters, one ``/sagemaker help``.
    Returns its result and the JSON log lines it printed before."""
    token_name, secret_name = values
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHATOPS_"))}
    env.update(
        AWS_ENDPOINT_URL=moto_server,
        SLACK_API_URL=slack_api.url,
        CHATOPS_SLACK_TOKEN_PARAMETER=token_name,
        CHATOPS_SLACK_SIGNING_SECRET_PARAMETER=secret_name,
        CHATOPS_STORE="sqlite:///:memory:",
        POWERTOOLS_SERVICE_NAME="sagemaker-chatops",
        POWERTOOLS_TRACE_DISABLED="true",
    )
    event = http_api_event(command(slack_api, "help"))
    done = subprocess.run(
        [sys.executable, "-c", CONTAINER, action, json.dumps(values), json.dumps(event)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *logs, result = [json.loads(x) for x in done.stdout.splitlines() if x.startswith("{")]
    return result, logs


@pytest.fixture
def names() -> list[str]:
    prefix = f"/chatops/init-{uuid.uuid4().hex[:8]}"
    return [f"{prefix}/slack-bot-token", f"{prefix}/slack-signing-secret"]


def test_the_secrets_are_read_at_init_and_the_request_calls_no_one_before_its_ack(
    slack_api: SlackStandin,
    moto_server: str,
    aws_client_factory: AwsClientFactory,
    names: list[str],
) -> None:
    # GIVEN both secrets in SSM
    values = dict(zip(names, [slack_api.token, SECRET], strict=True))
    ssm = aws_client_factory("ssm")
    for name, value in values.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString")
    # WHEN a container starts, the parameters are deleted, and then /sagemaker help comes
    result, logs = run_container(slack_api, moto_server, "delete", values)
    # THEN the app was built at import, and the request was answered without reading them
    assert result["built_at_import"] is True
    # (what the import made is frozen, and the garbage collector is on: bot/startup.py)
    assert result["collector"]["enabled"] is True
    assert result["collector"]["frozen"] > 10_000
    assert result["response"]["statusCode"] == 200
    assert "subscribe" in result["response"]["body"]
    assert not [line for line in logs if line["level"] == "ERROR"]
    # AND nothing was asked of Slack: no auth.test, no call at all
    assert slack_api.calls() == []


def test_a_secret_that_cannot_be_read_at_init_is_logged_and_read_by_the_first_request(
    slack_api: SlackStandin, moto_server: str, names: list[str]
) -> None:
    # GIVEN no parameters in SSM yet
    values = dict(zip(names, [slack_api.token, SECRET], strict=True))
    # WHEN a container starts, then they are created, then /sagemaker help comes
    result, logs = run_container(slack_api, moto_server, "create", values)
    # THEN the import did not fail: one error line says what is missing
    assert result["built_at_import"] is False
    [error] = [line for line in logs if line["level"] == "ERROR"]
    assert "first request tries again" in error["message"]
    assert names[0] in error["message"]
    # AND the first request read them and was answered
    assert result["response"]["statusCode"] == 200
    assert "subscribe" in result["response"]["body"]


# The init phase, then two environments resumed from its memory, each running the restore
# hooks as Lambda does. A restore resumes the memory as it was, so each starts from the state
# ``random`` had at the snapshot. (Not a fork: CPython reseeds ``random`` in a forked child.)
RESTORES = r"""
import json, random

import handlers.slack
from snapshot_restore_py import get_after_restore

snapshot = random.getstate()
draws = []
for _ in range(2):
    random.setstate(snapshot)
    for hook, args, kwargs in get_after_restore():
        hook(*args, **kwargs)
    draws.append(random.random())
print(json.dumps(draws))
"""


def test_environments_restored_from_one_snapshot_do_not_share_random_numbers() -> None:
    """The jitter of Slack retries spreads them only if each environment draws its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "CHATOPS_"))}
    env.update(SLACK_BOT_TOKEN="xoxb-restore", SLACK_SIGNING_SECRET="restore-secret")
    done = subprocess.run(
        [sys.executable, "-c", RESTORES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    first, second = json.loads(done.stdout.splitlines()[-1])
    assert first != second
