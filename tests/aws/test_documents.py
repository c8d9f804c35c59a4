"""bot.aws.documents: one metrics document read from S3 (moto's server over HTTP), at most
1 MiB of it, and every way that fails said in a few words."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from bot.aws.documents import MAX_DOCUMENT_BYTES, DocumentUnavailableError, read_document
from tests.standins.aws import REGION, AwsClientFactory


@pytest.fixture
def s3(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("s3")


@pytest.fixture
def bucket(s3: Any) -> str:
    name = f"metrics-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def unavailable(s3: Any, uri: str, **kwargs: Any) -> DocumentUnavailableError:
    with pytest.raises(DocumentUnavailableError) as raised:
        read_document(s3, uri, **kwargs)
    return raised.value


def test_a_document_is_read_whole(s3: Any, bucket: str) -> None:
    body = json.dumps({"regression_metrics": {"mse": {"value": 4.9}}}).encode()
    s3.put_object(Bucket=bucket, Key="eval/evaluation.json", Body=body)
    assert read_document(s3, f"s3://{bucket}/eval/evaluation.json") == body


def test_a_document_of_exactly_the_limit_is_read_one_byte_more_is_refused(
    s3: Any, bucket: str
) -> None:
    s3.put_object(Bucket=bucket, Key="limit.json", Body=b" " * MAX_DOCUMENT_BYTES)
    s3.put_object(Bucket=bucket, Key="over.json", Body=b" " * (MAX_DOCUMENT_BYTES + 1))
    assert len(read_document(s3, f"s3://{bucket}/limit.json")) == MAX_DOCUMENT_BYTES
    over = unavailable(s3, f"s3://{bucket}/over.json")
    assert (over.reason, over.lasting) == ("larger than 1 MiB", True)


def test_a_large_document_is_refused_without_reading_it_all(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="big.json", Body=b"x" * 5000)
    assert unavailable(s3, f"s3://{bucket}/big.json", max_bytes=100).reason == "larger than 1 MiB"


@pytest.mark.parametrize(
    ("key", "reason", "lasting"),
    [("missing.json", "not found", False), ("empty.json", "empty", True)],
)
def test_missing_and_empty_documents(
    s3: Any, bucket: str, key: str, reason: str, lasting: bool
) -> None:
    s3.put_object(Bucket=bucket, Key="empty.json", Body=b"")
    found = unavailable(s3, f"s3://{bucket}/{key}")
    assert (found.reason, found.lasting) == (reason, lasting)


def test_a_missing_bucket(s3: Any) -> None:
    found = unavailable(s3, f"s3://no-such-bucket-{uuid.uuid4().hex[:8]}/evaluation.json")
    assert found.reason == "its bucket does not exist"


def test_access_denied_by_the_bucket_policy(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="private/evaluation.json", Body=b"{}")
    policy = {
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
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    found = unavailable(s3, f"s3://{bucket}/private/evaluation.json")
    assert (found.reason, found.lasting) == ("access denied", False)


def test_a_customer_key_the_bot_may_not_use_is_named(s3: Any) -> None:
    # moto does not check kms:Decrypt; S3's answer is stubbed, as S3 sends it.
    stubber = Stubber(s3)
    stubber.add_client_error(
        "get_object",
        service_error_code="AccessDenied",
        service_message=(
            "User: arn:aws:sts::123456789012:assumed-role/events/x is not authorized to "
            "perform: kms:Decrypt on resource: arn:aws:kms:us-east-1:123456789012:key/abc"
        ),
        http_status_code=403,
    )
    with stubber:
        found = unavailable(s3, "s3://encrypted-bucket/evaluation.json")
    assert found.reason == "access to its KMS key denied"
    assert "arn:aws:sts" not in found.reason  # the role's name stays in the log


def test_an_object_encrypted_with_a_customer_key_is_read(
    s3: Any, bucket: str, aws_client_factory: AwsClientFactory
) -> None:
    key = aws_client_factory("kms").create_key()["KeyMetadata"]["KeyId"]
    s3.put_object(
        Bucket=bucket,
        Key="enc.json",
        Body=b'{"auc": 0.9}',
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key,
    )
    assert read_document(s3, f"s3://{bucket}/enc.json") == b'{"auc": 0.9}'


@pytest.mark.parametrize("uri", ["https://example.com/evaluation.json", "s3://bucket-only"])
def test_what_is_not_an_s3_location_is_not_asked_for(uri: str) -> None:
    found = unavailable(None, uri)  # no client: nothing is called
    assert (found.reason, found.lasting) == ("not an S3 location", True)


def test_s3_that_does_not_answer_is_said_so_within_the_clients_timeout(
    silent_endpoint: str,
) -> None:
    s3 = boto3.client(
        "s3",
        endpoint_url=silent_endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(read_timeout=0.3, connect_timeout=0.3, retries={"max_attempts": 1}),
    )
    started = time.monotonic()
    found = unavailable(s3, "s3://bucket/evaluation.json")
    assert found.reason == "S3 did not answer in time"
    assert time.monotonic() - started < 5
