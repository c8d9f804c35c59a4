"""Events of types without a card of their own still keep one thread per resource."""

from __future__ import annotations

from typing import Any

from bot.delivery.deliverer import Outcome
from bot.store import Store, Subscription
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import SlackStandin

ARN = "arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/team-mlflow"


def tracking_server(detail_type: str, time: str, **detail: Any) -> dict[str, Any]:
    """A tracking server event: its detail names the server, its detail-type the state."""
    return {
        "version": "0",
        "id": f"ts-{detail_type}-{time}",
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "eu-west-1",
        "time": time,
        "resources": [ARN],
        "detail": {"TrackingServerName": "team-mlflow", "TrackingServerArn": ARN, **detail},
    }


def test_a_resource_of_an_unknown_type_keeps_one_thread_and_its_failure_is_an_alert(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    # GIVEN a tracking server being created, WHEN its creation fails
    creating = tracking_server("SageMaker Tracking Server Creating", "2026-11-28T13:41:07Z")
    failed = tracking_server("SageMaker Tracking Server Create Failed", "2026-11-28T14:02:41Z")
    assert deliverer.deliver_raw(creating).outcomes[CHANNEL] is Outcome.POSTED
    assert deliverer.deliver_raw(failed).outcomes[CHANNEL] is Outcome.REPLIED

    # THEN one parent shows the failure in place, and the failure is a reply in its thread,
    # broadcast to the channel as every alert is
    [parent] = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    assert parent.edited
    assert parent.blocks[0]["text"]["text"] == ":x: SageMaker Tracking Server Create Failed"
    assert "Tracking server is *CreateFailed*" in parent.blocks[1]["text"]["text"]
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "CreateFailed" in reply.text and reply.reply_broadcast

    # and the same state again costs no Slack call
    calls = len(slack_api.calls("chat.postMessage")) + len(slack_api.calls("chat.update"))
    assert deliverer.deliver_raw(failed).outcomes[CHANNEL] is Outcome.DUPLICATE
    assert len(slack_api.calls("chat.postMessage")) + len(slack_api.calls("chat.update")) == calls


def test_a_subscription_to_a_kind_gets_the_unknown_types_whose_arn_is_of_that_kind(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    store.add_subscription(Subscription(id="s1", channel="C-HYPERPOD", kinds=["hyperpod"]))
    deliverer = make_deliverer()
    event = {
        "id": "hp-1",
        "detail-type": "SageMaker HyperPod Cluster Capacity Change",  # no card of its own
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-west-2",
        "time": "2026-12-01T10:00:00Z",
        "resources": ["arn:aws:sagemaker:us-west-2:123456789012:cluster/abcdefgh1234"],
        "detail": {"EventDetails": {"ClusterName": "hp-train", "EventLevel": "Warn"}},
    }
    outcomes = deliverer.deliver_raw(event).outcomes
    assert outcomes["C-HYPERPOD"] is Outcome.POSTED
    [message] = slack_api.messages("C-HYPERPOD")
    assert message.blocks[0]["text"]["text"].startswith(":warning: ")
