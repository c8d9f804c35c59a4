"""bot.aws.evidence: a package's metrics and the approved version's, read from S3 and SageMaker
(moto's server over HTTP, real boto3 clients), kept per version in a real store, within a
budget, and never failing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from bot.aws.accounts import AccountAccess, SageMakers, role_arn
from bot.aws.evidence import CLIENTS, OUTSIDE, EvidenceGatherer
from bot.aws.lookup import as_event, describe_model_package, ref_from_description
from bot.deadline import deadline_in
from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent, parse_event
from bot.evidence.model import Evidence, KeyValue, Metric
from bot.store.sqlite import SqliteStore
from tests.aws.resources import (
    create_metrics_package,
    metrics_bucket,
    put_document,
    sample_document,
    unique,
)
from tests.standins.aws import REGION, AwsClientFactory

QUALITY = ("ModelQuality", "Statistics")
BIAS = ("Bias", "Report")
APPROVED_BINARY = {
    "binary_classification_metrics": {
        "auc": {"value": 0.901, "standard_deviation": 0.005},
        "f1": {"value": 0.83},
        "accuracy": {"value": 0.91},
    }
}


@pytest.fixture
def sm(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("sagemaker")


@pytest.fixture
def s3(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    return metrics_bucket(s3)


@pytest.fixture
def store() -> Iterator[SqliteStore]:
    backend = SqliteStore(":memory:")
    yield backend
    backend.close()


@pytest.fixture
def gatherer(moto_clients: Any, store: SqliteStore, bucket: str) -> Iterator[EvidenceGatherer]:
    sources = SageMakers(moto_clients, default_region=REGION, clients=CLIENTS)
    found = EvidenceGatherer(sources, store, [f"{bucket}/"])
    yield found
    found.close()


def package_event(sm: Any, arn: str, *, event_id: str | None = None) -> SageMakerEvent:
    """The package's state change event, as its Describe response reads (ModelMetrics too)."""
    description = describe_model_package(sm, arn)
    raw = as_event(ref_from_description(ResourceKind.MODEL_PACKAGE, description), description)
    if event_id:
        raw["id"] = event_id
    return parse_event(raw)


def evidence(gatherer: EvidenceGatherer, event: SageMakerEvent) -> Evidence:
    found = Evidence.from_json(gatherer.for_package(event, None))
    assert found is not None
    return found


def two_versions(sm: Any, s3: Any, bucket: str, approved: Any, pending: Any) -> str:
    """A group with an approved version 1 and a pending version 2 (each with one model
    quality document); version 2's ARN."""
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    old = put_document(s3, bucket, "v1/evaluation.json", approved)
    create_metrics_package(sm, group, {QUALITY: old}, "Approved")
    new = put_document(s3, bucket, "v2/evaluation.json", pending)
    return create_metrics_package(sm, group, {QUALITY: new})


def test_values_are_read_and_compared_with_the_approved_version(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, sample_document("evaluation_binary"))
    found = evidence(gatherer, package_event(sm, arn))
    label = "Model quality statistics"
    assert found.values == (
        KeyValue(label, Metric("auc", 0.923, 0.004), 0.901),
        KeyValue(label, Metric("accuracy", 0.91), 0.91),
        KeyValue(label, Metric("f1", 0.80), 0.83),
    )
    assert found.baseline_version == 1 and found.baseline_note is None
    assert [(d.label, d.uri, d.problem) for d in found.documents] == [
        (label, f"s3://{bucket}/v2/evaluation.json", None)
    ]
    assert found.complete


def test_without_an_approved_version_it_says_so(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    uri = put_document(s3, bucket, "eval.json", sample_document("evaluation_regression"))
    arn = create_metrics_package(sm, group, {QUALITY: uri})
    found = evidence(gatherer, package_event(sm, arn))
    assert found.baseline_version is None
    assert found.baseline_note == f"no version of {group} is approved yet: nothing to compare with"
    assert [v.baseline for v in found.values] == [None, None, None]
    assert found.complete


def test_the_approved_version_itself_is_compared_with_nothing(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    uri = put_document(s3, bucket, "eval.json", {"rmse": 2.0})
    arn = create_metrics_package(sm, group, {QUALITY: uri}, "Approved")
    assert (
        evidence(gatherer, package_event(sm, arn)).baseline_note == "this is the approved version"
    )


def test_each_failure_is_said_beside_its_link_and_the_rest_is_still_shown(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str, aws_client_factory: AwsClientFactory
) -> None:
    other = metrics_bucket(s3)  # not among the buckets the bot may read
    private = put_document(s3, bucket, "private/analysis.json", sample_document("clarify_bias"))
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/private/*",
                    }
                ],
            }
        ),
    )
    documents = {
        QUALITY: put_document(s3, bucket, "eval.json", sample_document("evaluation_binary")),
        ("ModelQuality", "Constraints"): f"s3://{bucket}/missing/constraints.json",
        ("ModelDataQuality", "Statistics"): put_document(s3, bucket, "dq.txt", b"rows: 12"),
        ("ModelDataQuality", "Constraints"): put_document(
            s3, bucket, "big.json", b" " * (1_048_576 + 1)
        ),
        BIAS: private,
        ("Explainability", "Report"): put_document(s3, other, "shap.json", {"a": 1}),
    }
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    arn = create_metrics_package(sm, group, documents)
    found = evidence(gatherer, package_event(sm, arn))
    assert [(d.label, d.problem, d.lasting) for d in found.documents] == [
        ("Model quality statistics", None, True),
        ("Model quality constraints", "not found", False),
        ("Data quality statistics", "not JSON", True),
        ("Data quality constraints", "larger than 1 MiB", True),
        ("Bias report", "access denied", False),
        ("Explainability report", OUTSIDE, False),
    ]
    assert [v.metric.name for v in found.values] == ["auc", "accuracy", "f1"]
    assert not found.complete  # read again on the package's next event


def test_a_version_is_read_once_and_kept(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str, store: SqliteStore
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, sample_document("evaluation_binary"))
    first = evidence(gatherer, package_event(sm, arn, event_id="e1"))
    # Both versions are kept in the store, per package ARN…
    kept = store.get_package_metrics(arn)
    assert kept is not None and kept["documents"][0]["metrics"][0]["name"] == "auc"
    # …so with the documents gone from S3, a later event of the package reads nothing again.
    for key in ("v1/evaluation.json", "v2/evaluation.json"):
        s3.delete_object(Bucket=bucket, Key=key)
    assert evidence(gatherer, package_event(sm, arn, event_id="e2")) == first


def test_complete_evidence_a_thread_keeps_is_given_back_without_any_call(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, {"auc": 0.95})
    event = package_event(sm, arn)
    known = gatherer.for_package(event, None)
    s3.delete_object(Bucket=bucket, Key="v2/evaluation.json")
    gatherer._sources = None  # type: ignore[assignment]  # any AWS call would now fail
    assert gatherer.for_package(package_event(sm, arn, event_id="later"), known) == known


def test_what_could_not_be_read_is_read_again_next_time(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    uri = f"s3://{bucket}/late/evaluation.json"
    arn = create_metrics_package(sm, group, {QUALITY: uri})
    first = evidence(gatherer, package_event(sm, arn, event_id="e1"))
    assert first.documents[0].problem == "not found" and not first.complete
    put_document(s3, bucket, "late/evaluation.json", {"accuracy": 0.93})
    second = evidence(gatherer, package_event(sm, arn, event_id="e2"))
    assert [v.metric for v in second.values] == [Metric("accuracy", 0.93)]
    assert second.complete


def test_an_event_without_model_metrics_reads_the_packages_description(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, sample_document("evaluation_binary"))
    raw = package_event(sm, arn).raw
    del raw["detail"]["ModelMetrics"]
    found = evidence(gatherer, parse_event(raw))
    assert [v.metric.name for v in found.values] == ["auc", "accuracy", "f1"]


def test_a_package_without_documents_reads_nothing(gatherer: EvidenceGatherer, sm: Any) -> None:
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    arn = create_metrics_package(sm, group, {})
    found = evidence(gatherer, package_event(sm, arn))
    assert found == Evidence(group=group, complete=True)


def test_other_events_have_no_evidence(gatherer: EvidenceGatherer, sample: Any) -> None:
    assert gatherer.for_package(parse_event(sample("training_job_state_change")), None) is None


def test_the_budget_holds_when_s3_does_not_answer(
    moto_clients: Any, store: SqliteStore, bucket: str, sm: Any, s3: Any, silent_endpoint: str
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, sample_document("evaluation_binary"))
    slow = Config(read_timeout=2, connect_timeout=2, retries={"max_attempts": 1})

    def make_client(service: str, **options: Any) -> Any:
        if service == "s3":  # S3 on a very bad day; SageMaker answers
            options.update(endpoint_url=silent_endpoint, config=slow)
            return boto3.client(service, **options)  # type: ignore[call-overload]
        return moto_clients(service, **options)

    sources = SageMakers(make_client, default_region=REGION, clients=CLIENTS)
    gatherer = EvidenceGatherer(sources, store, [f"{bucket}/"], budget_seconds=0.5)
    event = package_event(sm, arn)
    started = time.monotonic()
    found = evidence(gatherer, event)
    assert time.monotonic() - started < 1.0
    assert [d.problem for d in found.documents] == ["not read within 0.5 s"]
    assert not found.complete
    gatherer.close()


@pytest.mark.parametrize(("seconds", "read"), [(2.0, False), (60.0, True)])
def test_the_invocations_deadline_leaves_the_delivery_its_time(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str, seconds: float, read: bool
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, {"auc": 0.95})
    with deadline_in(seconds):
        found = evidence(gatherer, package_event(sm, arn))
    if read:
        assert found.values[0].metric == Metric("auc", 0.95) and found.complete
    else:  # 2 s left, 3 s are the delivery's: nothing is read
        assert [d.problem for d in found.documents] == ["not read: too little time left"]


def test_the_channels_of_one_event_share_one_reading(
    gatherer: EvidenceGatherer, sm: Any, s3: Any, bucket: str
) -> None:
    arn = two_versions(sm, s3, bucket, APPROVED_BINARY, {"auc": 0.95})
    event = package_event(sm, arn)
    first = gatherer.for_package(event, None)
    s3.delete_object(Bucket=bucket, Key="v2/evaluation.json")
    gatherer._records = None  # type: ignore[assignment]  # nor is the store asked again
    assert gatherer.for_package(event, None) == first


# --- another account's package, through the role there -------------------------------------

OTHER = "111122223333"
ROLE = "sagemaker-chatops-access-metrics"


def test_another_accounts_package_is_read_through_its_role(
    moto_clients: Any, store: SqliteStore
) -> None:
    sts = moto_clients("sts", region_name=REGION)
    credentials = sts.assume_role(RoleArn=role_arn(OTHER, ROLE), RoleSessionName="owner")[
        "Credentials"
    ]
    as_owner = {
        "region_name": REGION,
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    their_sm, their_s3 = moto_clients("sagemaker", **as_owner), moto_clients("s3", **as_owner)
    bucket = metrics_bucket(their_s3)
    arn = two_versions(their_sm, their_s3, bucket, APPROVED_BINARY, {"auc": 0.95})
    assert f":{OTHER}:" in arn

    access = AccountAccess(lambda: moto_clients("sts", region_name=REGION), ROLE)
    sources = SageMakers(moto_clients, access, default_region=REGION, clients=CLIENTS)
    gatherer = EvidenceGatherer(sources, store, [f"{bucket}/"])
    found = evidence(gatherer, package_event(their_sm, arn))
    assert found.values == (KeyValue("Model quality statistics", Metric("auc", 0.95), 0.901),)
    gatherer.close()

    # With its own credentials the bot cannot see the package's group, so nor its approved
    # version. (moto's S3 lets any account read any bucket; only IAM would refuse that.)
    home = EvidenceGatherer(
        SageMakers(moto_clients, default_region=REGION, clients=CLIENTS), store, [f"{bucket}/"]
    )
    raw = package_event(their_sm, arn, event_id="home").raw
    raw["detail"]["ModelPackageArn"] = arn.replace("/2", "/3")  # not kept: read again
    at_home = evidence(home, parse_event(raw))
    assert at_home.baseline_version is None
    assert str(at_home.baseline_note).startswith("no version of")
    home.close()
