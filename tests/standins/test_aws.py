"""The AWS stand-in's request log: what moto received over HTTP, whoever sent it."""

from __future__ import annotations

from typing import Any

from tests.standins.aws import REGION, AwsClientFactory, AwsRequests


def test_every_request_is_logged_with_its_service_and_operation(
    aws_client_factory: AwsClientFactory, aws_requests: AwsRequests
) -> None:
    # GIVEN nothing asked yet in this test
    assert aws_requests.all() == []
    # WHEN JSON-protocol services (SageMaker, CloudWatch Logs) and a query-protocol one (STS)
    # are called
    aws_client_factory("sagemaker").list_training_jobs()
    aws_client_factory("logs").describe_log_groups()
    identity = aws_client_factory("sts").get_caller_identity()
    # THEN each is logged as it reached the server, and the body still reached moto intact
    assert aws_requests.operations() == [
        "sagemaker:ListTrainingJobs",
        "logs:DescribeLogGroups",
        "sts:GetCallerIdentity",
    ]
    assert identity["Account"] == "123456789012"
    assert {r.access_key for r in aws_requests.all()} == {"testing"}


def test_mark_counts_from_then_on_and_assumed_credentials_are_seen(
    aws_client_factory: AwsClientFactory, aws_requests: AwsRequests, moto_clients: Any
) -> None:
    sts = aws_client_factory("sts")
    sts.get_caller_identity()
    aws_requests.mark()
    assert aws_requests.all() == []
    role = "arn:aws:iam::210987654321:role/reader"
    credentials = sts.assume_role(RoleArn=role, RoleSessionName="test")["Credentials"]
    assumed = moto_clients(
        "sagemaker",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    assumed.list_training_jobs()
    [assume, listing] = aws_requests.all()
    assert (assume.service, assume.operation) == ("sts", "AssumeRole")
    assert (listing.service, listing.access_key) == ("sagemaker", credentials["AccessKeyId"])
