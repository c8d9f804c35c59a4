"""DynamoDB specifics: the table, the item layout others may query, instances racing."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import pytest

from bot.errors import StoreError
from bot.store import ApprovalRecord, AuditRecord, Reminder, Subscription, ThreadRecord
from bot.store.dynamodb import LOCK_TTL_GRACE_SECONDS, DynamoDBStore, create_table

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

    from tests.standins.aws import AwsClientFactory


def test_create_table_sets_keys_billing_and_ttl(
    dynamodb_client: DynamoDBClient, dynamodb_table: str
) -> None:
    table = dynamodb_client.describe_table(TableName=dynamodb_table)["Table"]
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb_client.describe_time_to_live(TableName=dynamodb_table)
    assert ttl["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires_at",
    }
    create_table(dynamodb_client, dynamodb_table)  # again: a no-op, not an error


def test_item_layout(dynamodb_client: DynamoDBClient, dynamodb_table: str) -> None:
    store = DynamoDBStore(dynamodb_table, dynamodb_client)
    store.claim_thread(
        ThreadRecord(channel="C1", resource_key="endpoint/e1", order_key=(1.5, 2.25, 3)),
        lease_seconds=10,
        now=100.0,
    )
    store.begin_delivery("C1", "endpoint/e1", "InService", lease_seconds=10, now=100.0)
    store.add_subscription(Subscription(id="s1", channel="C1"))
    store.record_audit(
        AuditRecord(id="a1", at=1_700_000_000.5, user_id="U", action="a", target="t", result="r")
    )

    items = dynamodb_client.scan(TableName=dynamodb_table)["Items"]
    keys = sorted((item["pk"]["S"], item["sk"]["S"]) for item in items)
    assert keys == [
        ("AUDIT", "0001700000000.500000#a1"),
        ("SUBSCRIPTIONS", "C1#s1"),
        ("THREAD#C1#endpoint/e1", "STATE#InService"),
        ("THREAD#C1#endpoint/e1", "THREAD"),
    ]
    thread = next(item for item in items if item["sk"]["S"] == "THREAD")
    # The order key is three Numbers, compared numerically by the condition.
    assert (thread["ok_event"], thread["ok_modified"], thread["ok_rank"]) == (
        {"N": "1.5"},
        {"N": "2.25"},
        {"N": "3"},
    )
    assert "ts" not in thread  # absent, not NULL: the claim condition tests for absence
    assert "expires_at" not in thread


def test_approval_and_reminder_items(dynamodb_client: DynamoDBClient, dynamodb_table: str) -> None:
    store = DynamoDBStore(dynamodb_table, dynamodb_client)
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/g/1"
    assert store.put_approval(ApprovalRecord(arn, 0, {"votes": []}))
    due_at = float(int(time.time()) - 60) + 0.5
    assert store.add_reminder(Reminder("C1", arn, due_at), ttl_seconds=86_400)

    def keys() -> list[tuple[str, str]]:
        items = dynamodb_client.scan(TableName=dynamodb_table)["Items"]
        return sorted((item["pk"]["S"], item["sk"]["S"]) for item in items)

    # the due item sorts by time in its own partition: the due ones are one Query
    assert keys() == [
        (f"APPROVAL#{arn}", "APPROVAL"),
        ("REMINDERS", f"{int(due_at):013d}.500000#C1#{arn}"),
        (f"THREAD#C1#{arn}", "REMINDER"),
    ]
    [due] = store.due_reminders(time.time())
    assert store.take_reminder(due)
    # taken: the due item goes, the note that it was scheduled stays (never a second one)
    assert keys() == [(f"APPROVAL#{arn}", "APPROVAL"), (f"THREAD#C1#{arn}", "REMINDER")]


def test_lock_item(dynamodb_client: DynamoDBClient, dynamodb_table: str) -> None:
    store = DynamoDBStore(dynamodb_table, dynamodb_client)
    before = time.time()
    assert store.acquire("approval:arn:p/1", owner="o1", lease_seconds=60, now=100.0)

    [item] = dynamodb_client.scan(TableName=dynamodb_table)["Items"]
    assert (item["pk"], item["sk"]) == ({"S": "LOCK#approval:arn:p/1"}, {"S": "LOCK"})
    assert item["owner"] == {"S": "o1"}
    assert float(item["leased_until"]["N"]) == 160.0  # the caller's clock decides the lease
    # Swept by TTL (on the wall clock, whole seconds) well after the lease has ended.
    expires_at = float(item["expires_at"]["N"])
    grace = 60 + LOCK_TTL_GRACE_SECONDS
    assert before + grace - 1 <= expires_at <= time.time() + grace

    store.release("approval:arn:p/1", owner="o1")
    assert dynamodb_client.scan(TableName=dynamodb_table)["Items"] == []


def test_missing_table_is_a_store_error(dynamodb_client: DynamoDBClient) -> None:
    store = DynamoDBStore("no-such-table", dynamodb_client)
    with pytest.raises(StoreError, match="does not exist"):
        store.get_thread("C1", "x")


def test_instances_with_their_own_clients_racing_have_one_winner(
    aws_client_factory: AwsClientFactory, dynamodb_table: str
) -> None:
    # Like four Lambda instances: separate clients, one table.
    stores = [DynamoDBStore(dynamodb_table, aws_client_factory("dynamodb")) for _ in range(4)]
    barrier = threading.Barrier(len(stores))
    results: list[bool] = []
    errors: list[BaseException] = []

    def claim(store: DynamoDBStore, i: int) -> None:
        try:
            barrier.wait(timeout=10)
            thread = ThreadRecord(channel="C1", resource_key="job", name=str(i))
            results.append(store.claim_thread(thread, lease_seconds=10, now=1.0))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(s, i)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert sorted(results) == [False, False, False, True]


def test_package_metrics_item(dynamodb_client: DynamoDBClient, dynamodb_table: str) -> None:
    store = DynamoDBStore(dynamodb_table, dynamodb_client)
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7"
    before = time.time()
    store.put_package_metrics(arn, {"arn": arn, "documents": []}, ttl_seconds=3600)

    [item] = dynamodb_client.scan(TableName=dynamodb_table)["Items"]
    assert (item["pk"], item["sk"]) == ({"S": f"PACKAGE#{arn}"}, {"S": "METRICS"})
    assert item["arn"] == {"S": arn}
    assert item["record"]["M"]["documents"] == {"L": []}
    assert before + 3600 - 1 <= float(item["expires_at"]["N"]) <= time.time() + 3600
