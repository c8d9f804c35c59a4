"""Notebooks, lifecycle configs, endpoint configs, algorithms and models through the deliverer:
one thread per resource, its parent edited in place, failures broadcast, a deletion the end."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.delivery.deliverer import Outcome
from bot.delivery.state import is_finished
from bot.events.parse import parse_event
from tests.conftest import load_sample
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin


def at(name: str, minute: int, **detail: Any) -> dict[str, Any]:
    """A sample at 12:<minute>, with its detail changed."""
    raw = copy.deepcopy(load_sample(name))
    raw["id"] = f"{name}-{minute}"
    raw["time"] = f"2023-11-02T12:{minute:02d}:00Z"
    raw["detail"].update(detail)
    return raw


def parents(slack_api: SlackStandin) -> list[Message]:
    return [m for m in slack_api.messages(CHANNEL) if not m.is_reply]


def header(message: Message) -> str:
    return str(message.blocks[0]["text"]["text"])


def test_a_notebooks_day_is_one_thread_without_its_stale_failure_reason(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    # GIVEN a notebook's events, each keeping the FailureReason of an earlier failed start
    life = [
        at("notebook_instance_state_change", 0, NotebookInstanceStatus="Pending"),
        at("notebook_instance_state_change", 5, NotebookInstanceStatus="InService"),
        at("notebook_instance_state_change", 50, NotebookInstanceStatus="Stopping"),
        at("notebook_instance_state_change", 52, NotebookInstanceStatus="Stopped"),
    ]
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in life]

    # THEN one parent, edited as it goes; a reply when the status class changes
    assert outcomes == [Outcome.POSTED, Outcome.REPLIED, Outcome.REPLIED, Outcome.REPLIED]
    [parent] = parents(slack_api)
    assert header(parent) == ":octagonal_sign: Stopped · Notebook instance research-notebook"
    replies = slack_api.thread(CHANNEL, parent.ts)
    assert [r.reply_broadcast for r in replies] == [False, False, False]
    # AND nothing it posted shows the stale reason
    for message in [parent, *replies, *(v for v in parent.history)]:
        assert "exited with code 1" not in str(message.blocks) + message.text


def test_a_failed_notebook_is_broadcast_in_its_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    failed = load_sample("notebook_instance_state_change_failed")
    pending = copy.deepcopy(failed)
    pending["id"], pending["time"] = "pending", "2023-09-28T14:36:00Z"
    pending["detail"].update(NotebookInstanceStatus="Pending", FailureReason=None)
    deliverer.deliver_raw(pending)
    assert deliverer.deliver_raw(failed).outcomes[CHANNEL] is Outcome.REPLIED

    [parent] = parents(slack_api)
    assert header(parent) == ":x: Failed · Notebook instance gpu-notebook"
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert reply.reply_broadcast
    assert "Pending → *Failed*" in reply.text
    assert "Notebook Instance Lifecycle Config" in reply.text  # its reason, within one line


def test_a_model_created_then_deleted_is_one_thread_that_the_deletion_finishes(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    created = load_sample("model_state_change")
    deleted = load_sample("model_state_change_deleted")
    assert deliverer.deliver_raw(created).outcomes[CHANNEL] is Outcome.POSTED
    assert deliverer.deliver_raw(deleted).outcomes[CHANNEL] is Outcome.REPLIED

    [parent] = parents(slack_api)
    assert header(parent) == ":wastebasket: Deleted · Model model-name"
    assert header(parent.history[0]) == ":white_check_mark: Created · Model model-name"
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert "Created → *Deleted*" in reply.text and not reply.reply_broadcast
    assert not is_finished(parse_event(created))  # a model lives on after its creation
    assert is_finished(parse_event(deleted))


@pytest.mark.parametrize(
    "name",
    [
        "notebook_lifecycle_config_state_change",
        "endpoint_config_state_change",
        "endpoint_config_state_change_serverless",
        "algorithm_state_change",
    ],
)
def test_each_kind_posts_one_parent_and_a_duplicate_costs_no_slack_call(
    name: str, make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    raw = load_sample(name)
    assert deliverer.deliver_raw(raw).outcomes[CHANNEL] is Outcome.POSTED
    calls = len(slack_api.calls("chat.postMessage")) + len(slack_api.calls("chat.update"))
    # a second Lambda instance gets the same event again
    assert make_deliverer().deliver_raw(raw).outcomes[CHANNEL] is Outcome.DUPLICATE
    assert len(slack_api.calls("chat.postMessage")) + len(slack_api.calls("chat.update")) == calls
    [parent] = parents(slack_api)
    assert parse_event(raw).resource.kind.title in header(parent)


def test_an_algorithm_that_fails_validation_is_an_alert_in_its_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    failed = at("algorithm_state_change_failed", 40)
    started = at("algorithm_state_change_failed", 1, AlgorithmStatus="InProgress")
    started["detail"]["AlgorithmStatusDetails"] = {
        "ValidationStatuses": [{"Name": "validate-weekly", "Status": "InProgress"}]
    }
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in (started, failed)]

    assert outcomes == [Outcome.POSTED, Outcome.REPLIED]
    [parent] = parents(slack_api)
    assert header(parent) == ":x: Failed · Algorithm tabular-forecaster-v2"
    [reply] = slack_api.thread(CHANNEL, parent.ts)
    assert reply.reply_broadcast
    assert "Unable to pull the image" in reply.text


def test_endpoint_configs_of_one_name_in_two_regions_are_two_threads(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    east = load_sample("endpoint_config_state_change")
    west = copy.deepcopy(east)
    west["id"], west["region"] = "west", "us-west-2"
    west["detail"]["EndpointConfigArn"] = west["detail"]["EndpointConfigArn"].replace(
        "us-east-1", "us-west-2"
    )
    for raw in (east, west):
        assert deliverer.deliver_raw(raw).outcomes[CHANNEL] is Outcome.POSTED
    assert len(parents(slack_api)) == 2
