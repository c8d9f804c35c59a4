"""Who may read: ``status``, ``inspect``/``logs``, the Inspect button and Share in thread.

Through the real Bolt app (signed requests, lazy listeners run in-process), SageMaker and
CloudWatch Logs on moto's server and the Slack stand-in. AWS calls are counted where they land,
at moto's HTTP server (``aws_requests``): a refusal must cost none, STS included.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from bot.aws.accounts import AccountAccess, SageMakers, role_arn
from bot.render.limits import BUTTON_VALUE
from bot.slack_app.listeners.actions import INSPECT, SHARE
from tests.aws.resources import create_training_job, now_ms, unique, write_logs
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message
from tests.slack_app.conftest import (
    APPROVER,
    APPROVER_GROUP,
    CHANNEL,
    GROUP_MEMBER,
    HOME,
    OUTSIDER,
    SlackApp,
)
from tests.standins.aws import REGION, AwsRequests
from tests.standins.slack_api import Ephemeral, SlackStandin

OTHER = "111122223333"
ROLE = "sagemaker-chatops-access"
VIEWER = "U0VIEWER"
VIEWER_GROUP = "S0VIEWERS"
VIEWER_GROUP_MEMBER = "U0VIEWERGROUPIE"
ADMIN = "U0ADMIN"
TRAINING_LOGS = "/aws/sagemaker/TrainingJobs"
SECRET_LINE = "export DB_PASSWORD=hunter2-do-not-share"


@pytest.fixture
def app(slack_app: SlackApp, moto_clients: Any, aws_requests: AwsRequests) -> SlackApp:
    """The Slack app reaching other accounts through the cross-account role, as deployed with
    ``CHATOPS_CROSS_ACCOUNT_ROLE``: a read of another account's resource assumes the role
    there (``sts:AssumeRole``), a read at home does not."""
    slack_app.slack.set_usergroup(VIEWER_GROUP, [VIEWER_GROUP_MEMBER])
    access = AccountAccess(lambda: moto_clients("sts", region_name=REGION), ROLE, home_account=HOME)
    slack_app.service.sagemaker = SageMakers(moto_clients, access, default_region=REGION)
    return slack_app


def clients_in(moto_clients: Any, account: str) -> tuple[Any, Any]:
    """SageMaker and CloudWatch Logs clients acting in ``account``, through the role."""
    if account == HOME:
        return moto_clients("sagemaker", region_name=REGION), moto_clients(
            "logs", region_name=REGION
        )
    sts = moto_clients("sts", region_name=REGION)
    found = sts.assume_role(RoleArn=role_arn(account, ROLE), RoleSessionName="owner")
    keys = found["Credentials"]
    options = {
        "region_name": REGION,
        "aws_access_key_id": keys["AccessKeyId"],
        "aws_secret_access_key": keys["SecretAccessKey"],
        "aws_session_token": keys["SessionToken"],
    }
    return moto_clients("sagemaker", **options), moto_clients("logs", **options)


def failed_job(app: SlackApp, moto_clients: Any, lines: list[str], account: str = HOME) -> Any:
    """A training job in ``account`` whose log ends with ``lines``, delivered to the channel as
    a failure: returns (name, arn, the parent message with its Inspect button)."""
    sm, logs = clients_in(moto_clients, account)
    name = unique("train")
    arn = create_training_job(sm, name)
    assert f":{account}:" in arn
    start = now_ms()
    write_logs(
        logs,
        TRAINING_LOGS,
        f"{name}/algo-1-1700000000",
        [(start + i, m) for i, m in enumerate(lines)],
    )
    app.runtime.deliverer.deliver_raw(
        {
            "version": "0",
            "id": f"evt-{uuid.uuid4().hex[:8]}",
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
    [parent] = [m for m in app.slack.messages(CHANNEL) if name in m.text]
    return name, arn, parent


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def shown_anywhere(slack: SlackStandin, text: str) -> bool:
    """Whether ``text`` is in a message of the channel or of one of its threads (not in an
    ephemeral, which only its user sees)."""
    for parent in slack.messages(CHANNEL):
        for message in [parent, *slack.thread(CHANNEL, parent.ts)]:
            if text in message.text or text in json.dumps(message.blocks):
                return True
    return False


def audit(app: SlackApp) -> list[tuple[str, str, str]]:
    return [(r.user_id, r.action, r.result) for r in app.runtime.store.list_audit()]


def last_ephemeral(app: SlackApp, user: str) -> Ephemeral:
    return app.slack.ephemerals(CHANNEL, user)[-1]


# --- CHATOPS_VIEWERS ------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["status {name}", "inspect {name}", "logs {arn}"])
def test_with_viewers_only_they_read_and_a_refusal_asks_aws_nothing(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests, words: str
) -> None:
    # GIVEN viewers configured: a user and a user group
    name, arn, _ = failed_job(app, moto_clients, ["starting"])
    app.readers([VIEWER, VIEWER_GROUP])
    text = words.format(name=name, arn=arn)

    # WHEN someone who is not among them asks
    aws_requests.mark()
    refusal = app.answer(text, user=OUTSIDER)
    # THEN they are told who may (in the ack), AWS is asked nothing, the refusal is audited
    assert refusal["response_type"] == "ephemeral"
    assert refusal["text"].startswith(":no_entry:")
    assert f"<@{VIEWER}>" in refusal["text"] and f"<!subteam^{VIEWER_GROUP}>" in refusal["text"]
    assert name not in refusal["text"]
    assert aws_requests.all() == []
    action = words.split()[0].replace("logs", "inspect")
    assert (OUTSIDER, action, "denied") in audit(app)

    # WHEN a viewer, a member of the viewers' group and an approver ask
    for user in (VIEWER, VIEWER_GROUP_MEMBER, APPROVER):
        app.command(text, user=user)
        # THEN they get it, read from SageMaker
        answer = app.replies()[-1]
        assert answer["response_type"] == "ephemeral"
        assert name in json.dumps(answer["blocks"]), user
    assert "sagemaker:DescribeTrainingJob" in aws_requests.operations()


def test_without_viewers_everyone_reads_the_bots_own_account(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    name, arn, _ = failed_job(app, moto_clients, [SECRET_LINE])
    for text in (f"status {name}", f"status {arn}", f"inspect {arn}"):
        assert name in json.dumps(app.answer(text, user=OUTSIDER)["blocks"])
    # and it reads with the bot's own role, not through the cross-account one
    assert "sts:AssumeRole" not in aws_requests.operations()


def test_inspect_button_follows_viewers_and_a_refused_click_asks_aws_nothing(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    _, _, parent = failed_job(app, moto_clients, [SECRET_LINE])
    inspect = buttons(parent.blocks)[INSPECT]
    app.readers([VIEWER])

    aws_requests.mark()
    app.click(INSPECT, inspect["value"], user=OUTSIDER, message_ts=parent.ts)
    [refusal] = app.slack.ephemerals(CHANNEL, OUTSIDER)
    assert refusal.text.startswith(":no_entry:") and f"<@{VIEWER}>" in refusal.text
    assert aws_requests.all() == []
    assert (OUTSIDER, "inspect", "denied") in audit(app)

    app.click(INSPECT, inspect["value"], user=VIEWER, message_ts=parent.ts)
    assert SECRET_LINE in json.dumps(last_ephemeral(app, VIEWER).blocks)
    assert not shown_anywhere(app.slack, SECRET_LINE)


# --- other accounts -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["status", "inspect", "button"])
def test_another_accounts_resource_is_read_only_by_users_named_explicitly(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests, how: str
) -> None:
    # GIVEN a failed job in another account, forwarded to the channel; viewers unset (which
    # lets everyone read the bot's own account, and names nobody for the others)
    name, arn, parent = failed_job(app, moto_clients, [SECRET_LINE], account=OTHER)
    app.readers([], admins=[ADMIN])

    def read(user: str) -> str:
        if how == "button":
            value = buttons(parent.blocks)[INSPECT]["value"]
            app.click(INSPECT, value, user=user, message_ts=parent.ts)
            answer = last_ephemeral(app, user)
            return answer.text + json.dumps(answer.blocks)
        reply = app.answer(f"{how} {arn}", user=user)
        return reply["text"] + json.dumps(reply.get("blocks") or [])

    # WHEN someone not named anywhere reads it
    aws_requests.mark()
    refusal = read(OUTSIDER)
    # THEN it is refused before any AWS call: no AssumeRole, no SageMaker, no Logs
    assert refusal.startswith(":no_entry:")
    assert f"`{OTHER}` is not the bot's own" in refusal
    assert f"<@{APPROVER}>" in refusal and f"<@{ADMIN}>" in refusal
    assert aws_requests.all() == []

    # WHEN the users named as approver, as a member of the approvers' group, and as admin read
    for user in (APPROVER, GROUP_MEMBER, ADMIN):
        answer = read(user)
        # THEN they get it, read in that account through the role
        assert name in answer and not answer.startswith(":no_entry:"), user
    operations = aws_requests.operations()
    assert "sts:AssumeRole" in operations
    assert "sagemaker:DescribeTrainingJob" in operations
    assert SECRET_LINE not in refusal
    assert not shown_anywhere(app.slack, SECRET_LINE)


def test_a_viewer_named_explicitly_reads_another_account(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    name, arn, _ = failed_job(app, moto_clients, ["line"], account=OTHER)
    app.readers([VIEWER_GROUP])
    assert name in json.dumps(app.answer(f"status {arn}", user=VIEWER_GROUP_MEMBER)["blocks"])
    aws_requests.mark()
    assert app.answer(f"status {arn}", user=OUTSIDER)["text"].startswith(":no_entry:")
    assert aws_requests.all() == []


def test_nobody_named_means_nobody_reads_other_accounts(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    _, arn, _ = failed_job(app, moto_clients, ["line"], account=OTHER)
    app.service.authorizer.approvers = []  # an unset list names nobody
    app.readers([])
    aws_requests.mark()
    refusal = app.answer(f"inspect {arn}", user=APPROVER)
    assert "Nobody may read resources of other accounts here yet" in refusal["text"]
    assert "`CHATOPS_VIEWERS`" in refusal["text"]
    assert aws_requests.all() == []


def test_when_the_bots_own_account_is_unknown_every_named_account_is_another(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    # GIVEN CHATOPS_ACCOUNT_ID unset: the bot cannot tell its own account without asking AWS
    name, arn, _ = failed_job(app, moto_clients, ["line"])
    app.readers([], home=None)
    aws_requests.mark()
    # THEN an ARN, even of its own account, is for named users only (fails closed)…
    refusal = app.answer(f"status {arn}", user=OUTSIDER)["text"]
    assert refusal.startswith(":no_entry:") and "`CHATOPS_ACCOUNT_ID`" in refusal
    assert aws_requests.all() == []
    # …while a bare name, which is looked up in the bot's own account, is for everyone
    assert name in json.dumps(app.answer(f"status {name}", user=OUTSIDER)["blocks"])


# --- log tails: to the person who asked, shared only when they click ------------------------


def test_inspect_button_shows_the_log_tail_to_the_clicker_alone_with_a_share_button(
    app: SlackApp, moto_clients: Any
) -> None:
    name, arn, parent = failed_job(app, moto_clients, ["epoch 1", SECRET_LINE, "Traceback: boom"])
    before = [(m.ts, m.text) for m in app.slack.messages(CHANNEL)]

    app.click(
        INSPECT, buttons(parent.blocks)[INSPECT]["value"], user=OUTSIDER, message_ts=parent.ts
    )

    # THEN the clicker, and only they, see the log tail
    [answer] = app.slack.ephemerals(CHANNEL, OUTSIDER)
    assert SECRET_LINE in json.dumps(answer.blocks)
    assert app.slack.ephemerals(CHANNEL, APPROVER) == []
    # AND nothing was posted: the channel is as it was, the job's thread empty
    assert [(m.ts, m.text) for m in app.slack.messages(CHANNEL)] == before
    assert app.slack.thread(CHANNEL, parent.ts) == []
    assert app.slack.calls("chat.postMessage")[-1].params.get("thread_ts") is None
    # AND the Share in thread button says where, not what: no log text, within Slack's limit
    share = buttons(answer.blocks)[SHARE]
    value = json.loads(share["value"])
    assert value == {
        "kind": "training",
        "arn": arn,
        "region": REGION,
        "account": HOME,
        "thread": parent.ts,
    }
    assert len(share["value"]) <= BUTTON_VALUE
    assert "DB_PASSWORD" not in share["value"]
    assert name in answer.text


def test_an_inspect_click_in_a_thread_is_answered_in_that_thread(
    app: SlackApp, moto_clients: Any
) -> None:
    _, _, parent = failed_job(app, moto_clients, ["line"])
    value = buttons(parent.blocks)[INSPECT]["value"]
    app.click(INSPECT, value, user=OUTSIDER, message_ts="1700000001.000100", thread_ts=parent.ts)
    [answer] = app.slack.ephemerals(CHANNEL, OUTSIDER)
    assert answer.thread_ts == parent.ts
    assert json.loads(buttons(answer.blocks)[SHARE]["value"])["thread"] == parent.ts


def test_share_in_thread_posts_it_escaped_and_bounded_only_when_clicked(
    app: SlackApp, moto_clients: Any
) -> None:
    # GIVEN a log with text that would ping, link and format, and far more than fits
    hostile = "<!channel> <@U0BOSS> <https://evil.example|click> *bold* & `tick` ```fence"
    noise = [f"{i:04d} " + "x" * 400 for i in range(120)]
    name, _, parent = failed_job(app, moto_clients, [*noise, hostile, "the last line"])
    app.readers([VIEWER])
    app.click(INSPECT, buttons(parent.blocks)[INSPECT]["value"], user=VIEWER, message_ts=parent.ts)
    share = buttons(last_ephemeral(app, VIEWER).blocks)[SHARE]
    # nothing in the thread until someone clicks Share
    assert app.slack.thread(CHANNEL, parent.ts) == []

    # WHEN the viewer clicks Share in thread
    app.click_ephemeral(SHARE, share["value"], user=VIEWER)

    # THEN the inspection is in the job's thread, said to be shared by them
    [shared] = app.slack.thread(CHANNEL, parent.ts)
    blocks = json.dumps(shared.blocks)
    assert f"Shared by <@{VIEWER}>" in blocks
    assert name in shared.text
    assert "the last line" in blocks
    # AND escaped: nothing from the log pings, links or breaks out of its code block
    assert "&lt;!channel&gt;" in blocks and "<!channel>" not in blocks
    assert "<@U0BOSS>" not in blocks and "<https://evil.example" not in blocks
    message = {"text": shared.text, "blocks": shared.blocks}
    assert_no_foreign_tokens(message)
    # AND bounded: within Slack's limits (the stand-in enforces them), the newest lines kept
    assert_valid_message(message)
    assert "0000 xxx" not in blocks
    assert len(blocks) < 16_000
    # AND the viewer is told, the channel gets nothing else, and it is audited
    assert "Shared the inspection" in last_ephemeral(app, VIEWER).text
    assert [m.ts for m in app.slack.messages(CHANNEL)] == [parent.ts]
    assert (VIEWER, "share", "ok") in audit(app)


def test_slash_inspect_can_be_shared_from_its_ephemeral_answer(
    app: SlackApp, moto_clients: Any
) -> None:
    name, _, parent = failed_job(app, moto_clients, [SECRET_LINE])
    answer = app.answer(f"logs {name}", user=OUTSIDER)
    assert answer["response_type"] == "ephemeral"
    assert not shown_anywhere(app.slack, SECRET_LINE)

    app.click_ephemeral(SHARE, buttons(answer["blocks"])[SHARE]["value"], user=OUTSIDER)

    [shared] = app.slack.thread(CHANNEL, parent.ts)
    assert SECRET_LINE in json.dumps(shared.blocks)  # they chose to share it
    assert f"Shared by <@{OUTSIDER}>" in json.dumps(shared.blocks)


def test_share_is_authorized_again_when_clicked(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    # GIVEN a viewer's inspection with its Share button
    _, _, parent = failed_job(app, moto_clients, [SECRET_LINE])
    app.readers([VIEWER])
    app.click(INSPECT, buttons(parent.blocks)[INSPECT]["value"], user=VIEWER, message_ts=parent.ts)
    value = buttons(last_ephemeral(app, VIEWER).blocks)[SHARE]["value"]

    # WHEN the viewer is no longer one by the time they click, or someone else clicks it
    app.readers([APPROVER_GROUP])
    aws_requests.mark()
    for user in (VIEWER, OUTSIDER):
        app.click_ephemeral(SHARE, value, user=user)
        # THEN it is refused, AWS is asked nothing, and nothing is posted
        assert last_ephemeral(app, user).text.startswith(":no_entry:")
        assert (user, "share", "denied") in audit(app)
    assert aws_requests.all() == []
    assert app.slack.thread(CHANNEL, parent.ts) == []
    assert not shown_anywhere(app.slack, SECRET_LINE)


def test_sharing_another_accounts_inspection_needs_a_named_user(
    app: SlackApp, moto_clients: Any, aws_requests: AwsRequests
) -> None:
    _, _, parent = failed_job(app, moto_clients, [SECRET_LINE], account=OTHER)
    app.click(
        INSPECT, buttons(parent.blocks)[INSPECT]["value"], user=APPROVER, message_ts=parent.ts
    )
    value = buttons(last_ephemeral(app, APPROVER).blocks)[SHARE]["value"]
    assert json.loads(value)["account"] == OTHER

    aws_requests.mark()
    app.click_ephemeral(SHARE, value, user=OUTSIDER)
    assert last_ephemeral(app, OUTSIDER).text.startswith(":no_entry:")
    assert aws_requests.all() == []
    assert app.slack.thread(CHANNEL, parent.ts) == []

    app.click_ephemeral(SHARE, value, user=APPROVER)
    [shared] = app.slack.thread(CHANNEL, parent.ts)
    assert SECRET_LINE in json.dumps(shared.blocks)
    # read again in that account, with the role's credentials (assumed at the first read)
    keys = {r.access_key for r in aws_requests.all() if r.service == "sagemaker"}
    assert keys and "testing" not in keys
