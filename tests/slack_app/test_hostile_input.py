"""Whatever a user types, the bot's replies echo it as text: no mention, no link, no broadcast.

Slack parses ``<…>`` in a message's mrkdwn: ``<!channel>`` notifies everyone, ``<@U…>`` mentions,
``<http://…|label>`` is a link. Every reply to ``/sagemaker`` that repeats the user's words must
escape them; these drive the real Bolt app with hostile text and read what Slack would get.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.slack_app.conftest import APPROVER, APPROVER_GROUP, SlackApp

# What the bot writes on purpose: mentions of configured approvers, dates in a list.
_OURS = re.compile(rf"<(?:@{APPROVER}>|!subteam\^{APPROVER_GROUP}>|!date\^)")

HOSTILE = {
    "channel": "<!channel>",
    "here": "<!here|here>",
    "user": "<@U123>",
    "link": "<http://evil.example|click>",
    "mailto": "<mailto:a@evil.example|mail>",
    "chan-ref": "<#C0SECRET|general>",
    "usergroup": "<!subteam^S0EVIL>",
}

ARN = "arn:aws:sagemaker:us-east-1:123456789012:training-job/"

# Where a user's word ends up in a reply: each {} is replaced by a hostile text.
COMMANDS = [
    "{}",  # unknown command, with a did-you-mean
    "help {}",
    "list {}",
    "subscribe {}",  # unknown type
    "subscribe {}=x",  # unknown filter
    "subscribe status={}",
    "subscribe account={}",
    "subscribe region={}",
    "subscribe type={}",
    "subscribe training name={} exclude={}",  # accepted: the confirmation repeats the globs
    "unsubscribe {}",
    "status {}",
    "status arn:aws:sagemaker:us-east-1:123456789012:training-job/{}",
    "status a {}",
    "inspect {}",
    "stop {}",
    "stop arn:aws:sagemaker:us-east-1:123456789012:endpoint/{}",
    "retry {}",
    "retry arn:aws:sagemaker:us-east-1:123456789012:pipeline/{}",
    "approve {}",
    "approve arn:aws:sagemaker:us-east-1:123456789012:model-package/{}",
    "reject {} a comment",
    'subscribe name="{}',  # unbalanced quote
]


def reply_texts(app: SlackApp, text: str) -> list[str]:
    """Every text Slack would show for the command: the ack and any later responses."""
    response = app.command(text)
    assert response.status == 200, response.body
    payloads: list[Any] = [json.loads(response.body)] if response.body else []
    payloads += app.replies()
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payloads)
    assert found, payloads
    return found


def assert_inert(texts: list[str]) -> None:
    for text in texts:
        stray = _OURS.sub("", text)
        assert "<" not in stray, text  # nothing Slack would read as a mention or a link
        assert "<!channel" not in text and "<@U123" not in text and "<http" not in text


@pytest.mark.parametrize("hostile", list(HOSTILE.values()), ids=list(HOSTILE))
@pytest.mark.parametrize("command", COMMANDS)
def test_hostile_text_is_echoed_as_text(slack_app: SlackApp, command: str, hostile: str) -> None:
    texts = reply_texts(slack_app, command.replace("{}", hostile))
    assert_inert(texts)


@pytest.mark.parametrize("command", COMMANDS)
def test_text_as_slack_sends_it_escaped_is_shown_once_escaped(
    slack_app: SlackApp, command: str
) -> None:
    # Slack sends &, < and > escaped; the user typed "<!channel> &lt;" literally.
    sent = command.replace("{}", "&lt;!channel&gt;&amp;lt;")
    texts = reply_texts(slack_app, sent)
    assert_inert(texts)
    joined = "\n".join(texts)
    # Shown as typed: escaped exactly once, never twice ("&amp;lt;" shows as "&lt;").
    assert "&amp;amp;" not in joined, joined


@pytest.mark.parametrize(
    "text", ["status `a`b` c`", "subscribe name=`x`", "``` <!channel> ```", "approve `<@U123>`/1"]
)
def test_backticks_cannot_close_the_code_span(slack_app: SlackApp, text: str) -> None:
    assert_inert(reply_texts(slack_app, text))


@pytest.mark.parametrize(
    "text",
    [
        "status " + "<!channel>" * 400,
        "subscribe " + "x" * 3000,
        "x" * 3000,
        "stop " + "a" * 3000,
        "approve churn/" + "9" * 5000,
        f"status {ARN}" + "a" * 3000,
    ],
    ids=["status", "subscribe", "unknown", "stop", "approve-huge-version", "status-arn"],
)
def test_very_long_text_gets_a_short_reply(slack_app: SlackApp, text: str) -> None:
    texts = reply_texts(slack_app, text)
    assert_inert(texts)
    assert all(len(t) < 3000 for t in texts), [len(t) for t in texts]
    assert not any("Something went wrong" in t for t in texts), texts


def test_the_working_on_ack_shows_the_text_as_typed(slack_app: SlackApp) -> None:
    # GIVEN the user typed `status ARN<!channel>&lt;`; Slack sends it with &, < and > escaped
    response = slack_app.command(f"status {ARN}&lt;!channel&gt;&amp;lt;")
    # THEN the ack quotes it escaped exactly once: Slack shows "<!channel>&lt;", inert
    ack = json.loads(response.body)["text"]
    assert ack.startswith(":hourglass_flowing_sand: Working on `status arn:")
    assert "&lt;!channel&gt;&amp;lt;`" in ack
