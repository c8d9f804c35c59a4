"""The Bolt app wired to the Slack stand-in, moto's SageMaker and a real store.

Requests are signed as Slack signs them; lazy listeners run before ``dispatch`` returns.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.aws.sagemaker import SageMaker
from bot.gateway import WebApiGateway, make_web_client
from bot.runtime import Runtime, build_runtime
from bot.service.chatops import ChatOpsService
from bot.settings import Settings
from bot.slack_app.app import ImmediateExecutor, build_app, build_service
from bot.store.sqlite import SqliteStore
from tests.standins.aws import AwsClientFactory
from tests.standins.slack_api import SlackStandin

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
CHANNEL = "C0SLACKAPP"
APPROVER = "U0APPROVER"
GROUP_MEMBER = "U0INGROUP"
SECOND_MEMBER = "U0INGROUP2"  # in the approvers' group too
OUTSIDER = "U0OUTSIDER"
APPROVER_GROUP = "S0APPROVERS"
HOME = "123456789012"  # the bot's own account: moto's default


@dataclass
class SlackApp:
    app: App
    service: ChatOpsService
    runtime: Runtime
    slack: SlackStandin

    def signed(self, body: str, *, timestamp: int | None = None) -> dict[str, str]:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
        return {
            "x-slack-request-timestamp": ts,
            "x-slack-signature": signature,
            "content-type": "application/x-www-form-urlencoded",
        }

    def dispatch(self, body: str, headers: dict[str, str] | None = None) -> BoltResponse:
        return self.app.dispatch(BoltRequest(body=body, headers=headers or self.signed(body)))

    def command(self, text: str, user: str = APPROVER, channel: str = CHANNEL) -> BoltResponse:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T0STANDIN",
                "channel_id": channel,
                "user_id": user,
                "command": "/sagemaker",
                "text": text,
                "response_url": self.slack.response_url("cmd"),
                "trigger_id": f"trigger-{time.monotonic_ns()}",
            }
        )
        return self.dispatch(body)

    def interaction(self, payload: dict[str, Any]) -> BoltResponse:
        return self.dispatch(urlencode({"payload": json.dumps(payload)}))

    def click(
        self,
        action_id: str,
        value: str,
        *,
        user: str,
        message_ts: str,
        channel: str = CHANNEL,
        thread_ts: str | None = None,
    ) -> BoltResponse:
        """A button clicked on a message (a thread reply when ``thread_ts`` is given)."""
        message = {"ts": message_ts, **({"thread_ts": thread_ts} if thread_ts else {})}
        return self.interaction(
            {
                "type": "block_actions",
                "user": {"id": user},
                "team": {"id": "T0STANDIN"},
                "channel": {"id": channel},
                "message": message,
                "container": {"type": "message", "message_ts": message_ts},
                "trigger_id": f"trigger-{time.monotonic_ns()}",
                "response_url": self.slack.response_url("action"),
                "actions": [{"action_id": action_id, "value": value, "type": "button"}],
            }
        )

    def click_ephemeral(
        self, action_id: str, value: str, *, user: str, channel: str = CHANNEL
    ) -> BoltResponse:
        """A button clicked in an ephemeral message: Slack sends no ``message`` then, only the
        container (marked ``is_ephemeral``) and a response_url."""
        return self.interaction(
            {
                "type": "block_actions",
                "user": {"id": user},
                "team": {"id": "T0STANDIN"},
                "channel": {"id": channel},
                "container": {
                    "type": "message",
                    "message_ts": f"{time.time():.6f}",
                    "channel_id": channel,
                    "is_ephemeral": True,
                },
                "trigger_id": f"trigger-{time.monotonic_ns()}",
                "response_url": self.slack.response_url("ephemeral"),
                "actions": [{"action_id": action_id, "value": value, "type": "button"}],
            }
        )

    def readers(
        self, viewers: list[str], *, admins: list[str] | None = None, home: str | None = HOME
    ) -> None:
        """Who may read from now on: ``CHATOPS_VIEWERS`` (and admins), with the approvers."""
        from bot.service.authz import Authorizer

        current = self.service.authorizer
        self.service.authorizer = Authorizer(
            current.approvers,
            admins or [],
            self.app.client,
            viewers=viewers,
            home_account=home,
        )

    def submit(self, view: dict[str, Any], *, user: str, comment: str = "") -> BoltResponse:
        state = {
            "values": {"comment": {"comment_input": {"type": "plain_text_input", "value": comment}}}
        }
        return self.interaction(
            {
                "type": "view_submission",
                "user": {"id": user, "username": f"name-of-{user.lower()}"},
                "team": {"id": "T0STANDIN"},
                "view": {**view, "id": "V1", "state": state},
            }
        )

    def replies(self) -> list[dict[str, Any]]:
        return self.slack.responses("cmd")

    def answer(self, text: str, user: str = APPROVER) -> dict[str, Any]:
        """What the user sees of a command: the ack's own answer (a quick command, a refusal:
        then nothing follows it), else the reply that follows it."""
        before = len(self.replies())
        response = self.command(text, user=user)
        body = json.loads(response.body) if response.body else {}
        said = str(body.get("text") or "")
        if said and not said.startswith(":hourglass_flowing_sand:"):
            assert len(self.replies()) == before, "an answer in the ack, and a reply after it"
            return dict(body)
        return self.replies()[-1]


def make_slack_app(
    slack_api: SlackStandin, aws_client_factory: AwsClientFactory, **settings: Any
) -> SlackApp:
    """The app over a new in-memory store, with these settings besides the channel and the
    approvers (a user and a group)."""
    slack_api.set_usergroup(APPROVER_GROUP, [GROUP_MEMBER, SECOND_MEMBER])
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    store = SqliteStore(":memory:")
    options: dict[str, Any] = {
        "default_channel": CHANNEL,
        "approvers": [APPROVER, APPROVER_GROUP],
        "account_id": HOME,
    }
    runtime = build_runtime(
        Settings(**{**options, **settings}), store=store, slack=WebApiGateway(client)
    )
    sagemaker = SageMaker(aws_client_factory("sagemaker"), aws_client_factory("logs"))

    def factory(region: str | None, account: str | None = None) -> SageMaker:
        return sagemaker

    # The other AWS clients the service makes (doctor's: SSM, Secrets Manager, STS, in the
    # default region) talk to moto too, never to AWS.
    service = build_service(
        runtime, client, sagemaker=factory, aws_client=lambda name, **_: aws_client_factory(name)
    )
    app = build_app(
        service,
        client=client,
        signing_secret=SECRET,
        process_before_response=False,
        listener_executor=ImmediateExecutor(),
    )
    return SlackApp(app, service, runtime, slack_api)


@pytest.fixture
def slack_app(slack_api: SlackStandin, aws_client_factory: AwsClientFactory) -> Iterator[SlackApp]:
    made = make_slack_app(slack_api, aws_client_factory)
    yield made
    made.runtime.store.close()
