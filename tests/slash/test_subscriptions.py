"""Subscriptions from commands: ids, wording, the ``list`` reply, and matching real events."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from bot.delivery.routing import matches
from bot.errors import StoreError
from bot.events.parse import SageMakerEvent, parse_event
from bot.slash.commands import Subscribe
from bot.slash.grammar import parse_command
from bot.slash.subscriptions import (
    MAX_LISTED,
    describe,
    format_list,
    new_subscription_id,
    subscription_from,
    unique_id_factory,
)
from bot.store.base import Subscription
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample

CHANNEL = "C0SUBS"


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    backend = SqliteStore(":memory:")
    yield backend
    backend.close()


def subscription(text: str, sub_id: str = "abc234") -> Subscription:
    command = parse_command(text)
    assert isinstance(command, Subscribe)
    return subscription_from(command, CHANNEL, "U0ALICE", 1_700_000_000.0, lambda: sub_id)


def event(name: str, **detail: Any) -> SageMakerEvent:
    raw = copy.deepcopy(load_sample(name))
    raw["detail"].update(detail)
    return parse_event(raw)


# --- building and ids ----------------------------------------------------------------------------


def test_subscription_from_copies_every_field() -> None:
    s = subscription(
        "subscribe training status=failed name=churn-* exclude=*-test "
        "account=123456789012 region=us-east-1",
        "k3x7pq",
    )
    assert s == Subscription(
        id="k3x7pq",
        channel=CHANNEL,
        kinds=["training"],
        names=["churn-*"],
        statuses=["failed"],
        accounts=["123456789012"],
        regions=["us-east-1"],
        excludes=["*-test"],
        created_by="U0ALICE",
        created_at=1_700_000_000.0,
    )


def test_ids_are_short_base32_from_the_random_source() -> None:
    assert new_subscription_id(lambda n: b"\x00" * n) == "aaaaaa"
    assert new_subscription_id(lambda n: b"\xff" * n) == "777777"
    ids = {new_subscription_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(len(i) == 6 and set(i) <= set("abcdefghijklmnopqrstuvwxyz234567") for i in ids)


def test_unique_ids_skip_ones_already_in_the_store(store: SqliteStore) -> None:
    store.add_subscription(Subscription(id="aaaaaa", channel="C0OTHER"))
    sources = itertools.chain([b"\x00" * 5, b"\x00" * 5], itertools.repeat(b"\xff" * 5))
    factory = unique_id_factory(store, random_bytes=lambda n: next(sources))
    assert factory() == "777777"


def test_unique_ids_give_up_rather_than_reuse(store: SqliteStore) -> None:
    store.add_subscription(Subscription(id="aaaaaa", channel=CHANNEL))
    factory = unique_id_factory(store, random_bytes=lambda n: b"\x00" * n, attempts=3)
    with pytest.raises(StoreError):
        factory()


def test_stored_subscription_round_trips(store: SqliteStore) -> None:
    s = subscription("subscribe pipeline status=failed,waiting name='nightly *'")
    store.add_subscription(s)
    assert store.list_subscriptions(CHANNEL) == [s]


# --- describe ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "subscribe training processing status=failed,stopped name=churn-* exclude=*-test "
            "account=123456789012 region=us-east-1",
            "Failed or stopped *training* and *processing* jobs named `churn-*`, except `*-test`,"
            " in account 123456789012, us-east-1",
        ),
        ("subscribe", "All SageMaker events"),
        ("subscribe all", "All SageMaker events"),
        ("subscribe status=failed", "Failed SageMaker events"),
        ("subscribe training", "All *training* jobs"),
        ("subscribe endpoint", "All *endpoints* (with their deployments)"),
        (
            "subscribe pipeline step",
            "All *pipeline executions* (with their steps) and *pipeline steps*",
        ),
        (
            "subscribe model-package status=waiting,Approved",
            "Waiting-for-approval or Approved *model packages*",
        ),
        (
            "subscribe transform tuning training endpoint model-card",
            "All *training*, *tuning* and *transform* jobs, *endpoints* (with their deployments)"
            " and *model cards*",
        ),
        ("subscribe name=a-* name=b-*", "All SageMaker events named `a-*` or `b-*`"),
        ("subscribe exclude=*-test,*-dev", "All SageMaker events, except `*-test` and `*-dev`"),
        (
            "subscribe region=us-east-1,eu-west-1",
            "All SageMaker events in us-east-1 or eu-west-1",
        ),
        (
            "subscribe account=111111111111,222222222222",
            "All SageMaker events in accounts 111111111111 or 222222222222",
        ),
        (
            "subscribe endpoints status=InService,in-progress,deleted",
            "InService, in-progress or deleted *endpoints* (with their deployments)",
        ),
    ],
)
def test_describe(text: str, words: str) -> None:
    assert describe(subscription(text)) == words


def test_describe_escapes_what_people_typed() -> None:
    s = subscription("subscribe name=<!channel>` exclude=a&b")
    text = describe(s)
    assert "<!channel>" not in text
    assert "`&lt;!channel&gt;'`" in text
    assert "`a&amp;b`" in text


def test_describe_copes_with_odd_stored_values() -> None:
    s = Subscription(
        id="x",
        channel=CHANNEL,
        kinds=["all"],
        statuses=["weird status"],
        regions=["<bad>"],
    )
    assert describe(s) == "`weird status` SageMaker events in &lt;bad&gt;"
    s = Subscription(id="x", channel=CHANNEL, kinds=["training", "gadget"])
    assert describe(s) == "All *training* jobs and *gadget* events"


# --- list ----------------------------------------------------------------------------------------


def test_format_list_empty() -> None:
    text = format_list([])
    assert "no subscriptions" in text
    assert "`/sagemaker subscribe training status=failed`" in text


def test_format_list() -> None:
    first = subscription("subscribe training status=failed", "k3x7pq")
    second = Subscription(id="m4n5p6", channel=CHANNEL, created_by="not-a-user-id")
    text = format_list([first, second])
    lines = text.splitlines()
    assert lines[0] == "*2 subscriptions in this channel*"
    assert lines[1] == (
        "• `k3x7pq` Failed *training* jobs"
        " _(added by <@U0ALICE> <!date^1700000000^{date_short}|2023-11-14>)_"
    )
    assert lines[2] == "• `m4n5p6` All SageMaker events"  # no safe user id, no date
    assert lines[-1] == "Remove one with `/sagemaker unsubscribe ID`."


def test_format_list_is_bounded() -> None:
    many = [Subscription(id=f"id{i}", channel=CHANNEL) for i in range(MAX_LISTED + 5)]
    text = format_list(many)
    assert text.count("\n• ") == MAX_LISTED
    assert "…and 5 more." in text
    assert format_list(many[:1]).startswith("*1 subscription in this channel*")


# --- round trip with routing ---------------------------------------------------------------


def test_failed_training_subscription_matches_failed_training_only() -> None:
    s = subscription("subscribe training status=failed")
    assert matches(s, event("training_job_state_change", TrainingJobStatus="Failed"))
    assert not matches(s, event("training_job_state_change"))  # Completed
    assert not matches(s, event("processing_job_state_change_failed"))  # failed, not training


@pytest.mark.parametrize(
    "sample",
    [
        "training_job_state_change_max_runtime",
        "processing_job_state_change_violations",
        "endpoint_deployment_state_change_rollback",
    ],
)
def test_failed_subscriptions_receive_warnings(sample: str) -> None:
    # An alert is never lost to a filter: `failed` also takes a timeout, violations, a rollback.
    assert matches(subscription("subscribe status=failed"), event(sample))
    assert matches(subscription("subscribe status=warning"), event(sample))
    assert not matches(subscription("subscribe status=succeeded"), event(sample))


def test_warning_subscriptions_do_not_receive_failures() -> None:
    s = subscription("subscribe status=warning")
    assert not matches(s, event("processing_job_state_change_failed"))
    assert not matches(s, event("endpoint_state_change"))  # InService
    assert matches(s, event("endpoint_state_change", EndpointStatus="ROLLING_BACK"))


def test_pipeline_subscription_matches_its_steps() -> None:
    s = subscription("subscribe pipeline")
    assert matches(s, event("pipeline_execution_status_change"))
    assert matches(s, event("pipeline_step_status_change"))
    assert not matches(s, event("training_job_state_change"))
    # Steps alone do not match their pipeline's own events.
    steps = subscription("subscribe steps")
    assert matches(steps, event("pipeline_step_status_change"))
    assert not matches(steps, event("pipeline_execution_status_change"))


def test_endpoint_subscription_matches_deployments() -> None:
    s = subscription("subscribe endpoints")
    assert matches(s, event("endpoint_state_change"))
    assert matches(s, event("endpoint_deployment_state_change_canary"))


@pytest.mark.parametrize(
    ("text", "sample", "expected"),
    [
        ("subscribe status=InService", "endpoint_state_change", True),
        ("subscribe status=IN_SERVICE", "endpoint_state_change", True),
        ("subscribe status=succeeded", "endpoint_state_change", True),
        ("subscribe status=failed", "endpoint_state_change", False),
        ("subscribe status=failed", "processing_job_state_change_failed", True),
        ("subscribe status=Failed", "processing_job_state_change_failed", True),
        ("subscribe status=stopped", "model_package_state_change", True),  # Rejected
        ("subscribe status=Rejected", "model_package_state_change", True),
        ("subscribe status=in-progress", "image_state_change", True),
        ("subscribe packages", "model_package_state_change", True),
        ("subscribe name=versionedmp-*", "model_package_state_change", True),
        ("subscribe name=MYENDPOINT", "endpoint_state_change", True),  # case-insensitive
        ("subscribe name=other-* name=my*", "endpoint_state_change", True),
        ("subscribe name='Some*'", "pipeline_execution_status_change", True),  # display name
        ("subscribe exclude=my*", "endpoint_state_change", False),
        ("subscribe account=123456789012", "training_job_state_change", True),
        ("subscribe account=999999999999", "training_job_state_change", False),
        ("subscribe region=US-EAST-1", "training_job_state_change", True),
        ("subscribe region=eu-west-1", "training_job_state_change", False),
        ("subscribe feature-groups region=us-east-1", "feature_group_state_change", True),
        ("subscribe model-card status=in_progress", "model_card_state_change", True),  # Draft
        ("subscribe training,processing status=failed", "processing_job_state_change_failed", True),
    ],
)
def test_parsed_subscriptions_route_sample_events(text: str, sample: str, expected: bool) -> None:
    assert matches(subscription(text), event(sample)) is expected


def test_stored_and_reloaded_subscription_still_matches(store: SqliteStore) -> None:
    store.add_subscription(subscription("subscribe training status=failed region=us-east-1"))
    (loaded,) = store.list_subscriptions(CHANNEL)
    assert matches(loaded, event("training_job_state_change", TrainingJobStatus="Failed"))
