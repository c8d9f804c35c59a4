"""``/sagemaker`` end to end: signed request → Bolt → service → stand-in / moto / store."""

from __future__ import annotations

import json
import time

import pytest

from bot.delivery.routing import BROKEN_AFTER_FAILURES
from bot.slack_app.listeners.actions import SHARE
from bot.slash.subscriptions import refusal_words
from tests.aws.resources import create_training_job, unique
from tests.conftest import load_sample
from tests.slack_app.conftest import APPROVER, CHANNEL, GROUP_MEMBER, OUTSIDER, SlackApp


def test_unsigned_or_stale_requests_are_rejected(slack_app: SlackApp) -> None:
    body = "command=%2Fsagemaker&text=help&user_id=U1&channel_id=C1"
    assert (
        slack_app.dispatch(body, {"content-type": "application/x-www-form-urlencoded"}).status
        == 401
    )
    stale = slack_app.signed(body, timestamp=int(time.time()) - 600)
    assert slack_app.dispatch(body, stale).status == 401
    forged = slack_app.signed(body)
    forged["x-slack-signature"] = "v0=" + "0" * 64
    assert slack_app.dispatch(body, forged).status == 401


def test_help_and_empty_command_answer_with_usage(slack_app: SlackApp) -> None:
    for text in ("", "help"):
        response = slack_app.command(text)
        assert response.status == 200
        assert "subscribe" in response.body and "/sagemaker" in response.body


def test_syntax_error_gets_usage_and_an_example(slack_app: SlackApp) -> None:
    response = slack_app.command("subscribe trainig")
    assert response.status == 200
    assert "training" in response.body  # did you mean
    assert '"response_type": "ephemeral"' in response.body or "ephemeral" in response.body


def test_subscribe_list_unsubscribe(slack_app: SlackApp) -> None:
    response = slack_app.command("subscribe training processing status=failed name=churn-*")
    assert response.status == 200
    assert "Failed" in response.body or "failed" in response.body
    assert "churn-" in response.body
    [subscription] = slack_app.runtime.store.list_subscriptions(CHANNEL)
    assert subscription.kinds == ["training", "processing"]

    listed = slack_app.command("list")
    assert subscription.id in listed.body

    removed = slack_app.command(f"unsubscribe {subscription.id}")
    assert "Removed" in removed.body
    assert slack_app.runtime.store.list_subscriptions(CHANNEL) == []
    audit = [(r.action, r.result) for r in slack_app.runtime.store.list_audit()]
    assert ("subscribe", "ok") in audit and ("unsubscribe", "ok") in audit


def test_list_shows_a_broken_channel_with_why_and_how_to_fix_it(slack_app: SlackApp) -> None:
    slack_app.command("subscribe endpoint", channel="C0BROKEN")
    slack_app.command("subscribe training", channel="C0FLAKY")
    store = slack_app.runtime.store
    for i in range(BROKEN_AFTER_FAILURES):
        store.mark_channel_failing("C0BROKEN", "not_in_channel", 1000.0 + i)
    store.mark_channel_failing("C0FLAKY", "is_archived", 1000.0)  # once: not broken yet

    listed = json.loads(slack_app.command("list", channel="C0BROKEN").body)["text"]
    assert "⚠" in listed and "the bot is not in this channel" in listed
    assert "/invite @SageMaker ChatOps" in listed and "/sagemaker unsubscribe all" in listed
    flaky = json.loads(slack_app.command("list", channel="C0FLAKY").body)["text"]
    assert "⚠" not in flaky and "training" in flaky


def test_refusal_words() -> None:
    assert refusal_words("is_archived") == "the channel is archived"
    assert refusal_words("channel_not_found") == "the channel does not exist for the bot"
    assert refusal_words("<!here>`x") == "Slack refuses messages here (`&lt;!here&gt;'x`)"


def test_new_subscription_routes_events_at_once(slack_app: SlackApp) -> None:
    slack_app.command("subscribe endpoint", channel="C0OTHER")
    # The bot confirmed the subscription in the channel itself (so it can post there) ...
    [confirmation] = slack_app.slack.messages("C0OTHER")
    assert "Subscribed this channel" in confirmation.text
    # ... and the next event reaches the channel at once
    slack_app.runtime.deliverer.deliver_raw(load_sample("endpoint_state_change"))
    assert len(slack_app.slack.messages("C0OTHER")) == 2


@pytest.mark.slack_api(channels=[CHANNEL])
def test_subscribing_where_the_bot_cannot_post_says_how_to_fix_it(slack_app: SlackApp) -> None:
    # GIVEN a channel Slack refuses the bot (a private channel it is not in)
    reply = json.loads(slack_app.command("subscribe all", channel="C0PRIVATE").body)
    # THEN no subscription, and the user is told why and how to fix it
    assert slack_app.runtime.store.list_subscriptions("C0PRIVATE") == []
    assert reply["response_type"] == "ephemeral"
    assert "the channel does not exist for the bot" in reply["text"]
    assert "/invite @SageMaker ChatOps" in reply["text"]
    audit = [(r.action, r.result) for r in slack_app.runtime.store.list_audit()]
    assert ("subscribe", "refused: channel_not_found") in audit


def test_status_renders_the_resource_like_an_event(slack_app: SlackApp) -> None:
    sm = slack_app.service.sagemaker(None)
    name = unique("train")
    create_training_job(sm._sm, name)
    ack = slack_app.command(f"status {name}")
    assert ack.status == 200
    assert "Working on" in ack.body
    [reply] = slack_app.replies()
    assert reply["response_type"] == "ephemeral"
    assert name in reply["text"]
    assert reply["blocks"][0]["type"] == "header"


def test_status_of_an_unknown_resource_says_so(slack_app: SlackApp) -> None:
    reply = slack_app.answer("status no-such-job-anywhere")
    assert "no-such-job-anywhere" in reply["text"]
    assert "Traceback" not in reply["text"]


def test_outsider_cannot_stop_and_nothing_changes(slack_app: SlackApp) -> None:
    sm = slack_app.service.sagemaker(None)
    name = unique("train")
    create_training_job(sm._sm, name)
    reply = slack_app.answer(f"stop {name}", user=OUTSIDER)
    assert reply["text"].startswith(":no_entry:") and reply["text"].count(":no_entry:") == 1
    assert f"<@{APPROVER}>" in reply["text"]  # says who may
    status = sm._sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"]
    assert status != "Stopping"
    assert [(r.action, r.result) for r in slack_app.runtime.store.list_audit()] == [
        ("stop", "denied")
    ]


def test_inspect_answers_the_user_alone_and_offers_to_share_in_the_thread(
    slack_app: SlackApp,
) -> None:
    sm = slack_app.service.sagemaker(None)._sm
    name = unique("train")
    arn = create_training_job(sm, name)
    # no thread yet: the inspection comes back to the user, with nowhere to share it
    reply = slack_app.answer(f"inspect {name}")
    assert reply["response_type"] == "ephemeral"
    assert name in reply["text"]
    assert SHARE not in json.dumps(reply["blocks"])
    # once the job has a message in this channel, it still comes back to the user alone, now
    # with a button to share it in the job's thread
    event = load_sample("training_job_state_change")
    event["detail"].update(TrainingJobName=name, TrainingJobArn=arn)
    slack_app.runtime.deliverer.deliver_raw(event)
    [parent] = slack_app.slack.messages(CHANNEL)
    reply = slack_app.answer(f"logs {name}")
    assert reply["response_type"] == "ephemeral"
    [share] = [e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert share["action_id"] == SHARE
    assert json.loads(share["value"])["thread"] == parent.ts
    assert slack_app.slack.thread(CHANNEL, parent.ts) == []
    assert [m.ts for m in slack_app.slack.messages(CHANNEL)] == [parent.ts]


def test_retry_calls_sagemaker_and_is_audited(slack_app: SlackApp) -> None:
    from botocore.stub import ANY, Stubber

    sm = slack_app.service.sagemaker(None)._sm
    execution = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/abc123"
    with Stubber(sm) as stub:
        stub.add_response(
            "retry_pipeline_execution",
            {"PipelineExecutionArn": execution},
            {"PipelineExecutionArn": execution, "ClientRequestToken": ANY},
        )
        slack_app.command(f"retry {execution}")
        stub.assert_no_pending_responses()
    [reply] = slack_app.replies()
    assert reply["response_type"] == "in_channel"
    assert "Retry started" in reply["text"]
    assert ("retry", "ok") in [(r.action, r.result) for r in slack_app.runtime.store.list_audit()]


def test_aws_errors_reach_the_user_as_a_sentence(slack_app: SlackApp) -> None:
    from botocore.stub import Stubber

    sm = slack_app.service.sagemaker(None)._sm
    execution = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/abc123"
    with Stubber(sm) as stub:
        stub.add_client_error("retry_pipeline_execution", "AccessDeniedException", "no", 400)
        reply = slack_app.answer(f"retry {execution}")
    assert reply["text"].startswith(":warning:")
    assert "Traceback" not in reply["text"]
    [record] = slack_app.runtime.store.list_audit()
    assert (record.action, record.result) == ("retry", "error: AwsPermissionError")


def test_admins_restrict_who_may_subscribe(slack_app: SlackApp) -> None:
    from bot.service.authz import Authorizer

    # GIVEN a workspace where only admins may change subscriptions
    slack_app.service.authorizer = Authorizer(
        approvers=[APPROVER], admins=[APPROVER], client=slack_app.app.client
    )
    refused = slack_app.command("subscribe all", user=OUTSIDER)
    assert ":no_entry:" in refused.body
    assert slack_app.runtime.store.list_subscriptions(CHANNEL) == []
    allowed = slack_app.command("subscribe all", user=APPROVER)
    assert "Subscribed this channel" in allowed.body
    assert len(slack_app.runtime.store.list_subscriptions(CHANNEL)) == 1


def test_commands_and_clicks_are_authorized_without_auth_test(slack_app: SlackApp) -> None:
    """Bolt's default authorization calls auth.test per request: a round trip before the ack."""
    slack_app.command("help")
    slack_app.command("list")
    slack_app.click("inspect", "{}", user=APPROVER, message_ts="1.000")
    assert slack_app.slack.calls("auth.test") == []


def test_the_ack_asks_slack_nothing_about_a_group_it_has_not_fetched(
    slack_app: SlackApp,
) -> None:
    # GIVEN approvers: a user and a user group whose members the bot has not fetched yet
    from bot.slash.grammar import parse_command

    lookups = slack_app.slack.calls("usergroups.users.list")
    # THEN what the ack decides asks Slack nothing, and refuses nobody the group may have
    command = parse_command("approve churn-models/1")
    assert slack_app.service.runs_later(command, GROUP_MEMBER)
    assert slack_app.service.runs_later(command, OUTSIDER)  # the slow half refuses them
    assert slack_app.slack.calls("usergroups.users.list") == lookups
    # WHEN a member of the group approves by command
    answer = slack_app.command("approve churn-models/1", user=GROUP_MEMBER)
    # THEN the ack does not refuse them (the group may have them) and asked Slack nothing;
    # the slow half asks, and finds them in it (its answer is about the package, not them)
    assert ":no_entry:" not in answer.body
    assert ":hourglass_flowing_sand:" in answer.body
    reply = slack_app.replies()[-1]["text"]
    assert "You may not" not in reply
    assert len(slack_app.slack.calls("usergroups.users.list")) == len(lookups) + 1


def test_an_admin_sees_every_channel_and_cleans_up_one_nobody_can_type_in(
    slack_app: SlackApp,
) -> None:
    from bot.service.authz import Authorizer
    from bot.store import Subscription

    # GIVEN admins, and a subscription in a channel since archived: Slack refuses it, and
    # nobody can run /sagemaker there any more
    slack_app.service.authorizer = Authorizer(
        approvers=[APPROVER], admins=[APPROVER], client=slack_app.app.client
    )
    store = slack_app.runtime.store
    store.add_subscription(Subscription(id="gonex1", channel="C0ARCHIVED", kinds=["training"]))
    store.add_subscription(Subscription(id="herex2", channel=CHANNEL))
    for _ in range(5):
        store.mark_channel_failing("C0ARCHIVED", "is_archived", time.time())

    # WHEN an outsider asks for every channel's, or to remove it from here
    assert ":no_entry:" in slack_app.answer("list all", user=OUTSIDER)["text"]
    assert ":no_entry:" in slack_app.answer("unsubscribe gonex1", user=OUTSIDER)["text"]
    # THEN they are refused, and it stays
    assert [s.id for s in store.list_subscriptions("C0ARCHIVED")] == ["gonex1"]

    # WHEN an admin lists them all
    listed = slack_app.answer("list all", user=APPROVER)["text"]
    # THEN the refused channel comes first, with why, and every subscription has its id
    assert listed.index("<#C0ARCHIVED>") < listed.index(f"<#{CHANNEL}>")
    assert "⚠ not delivered" in listed and "archived" in listed
    assert "`gonex1`" in listed and "`herex2`" in listed
    # WHEN the admin removes it from this channel by its id
    removed = slack_app.answer("unsubscribe gonex1", user=APPROVER)["text"]
    # THEN it is gone from its channel, the channel's refusals are forgotten, and it is audited
    assert "Removed `gonex1` from <#C0ARCHIVED>" in removed
    assert store.list_subscriptions("C0ARCHIVED") == []
    assert "C0ARCHIVED" not in store.list_channel_failures()
    assert ("unsubscribe", "C0ARCHIVED", "ok") in [
        (r.action, r.target, r.result) for r in store.list_audit()
    ]
    assert [s.id for s in store.list_subscriptions(CHANNEL)] == ["herex2"]


def test_without_admins_nobody_removes_another_channels_subscription(slack_app: SlackApp) -> None:
    from bot.store import Subscription

    # GIVEN no admins: anyone may change this channel's subscriptions, but not another's
    store = slack_app.runtime.store
    store.add_subscription(Subscription(id="gonex1", channel="C0ARCHIVED"))
    store.add_subscription(Subscription(id="herex2", channel=CHANNEL))
    answer = slack_app.answer("unsubscribe gonex1 herex2", user=OUTSIDER)["text"]
    assert "Removed `herex2`." in answer
    assert "`gonex1`: another channel's; only an admin may remove it from here." in answer
    assert [s.id for s in store.list_subscriptions("C0ARCHIVED")] == ["gonex1"]
    assert ":no_entry:" in slack_app.answer("list all", user=OUTSIDER)["text"]
