"""doctor's harmless AWS calls, against moto's server (and a refusal on the wire where moto
enforces no IAM)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bot.aws import probes
from bot.aws.errors import AwsPermissionError, AwsRequestError, ResourceNotFoundError
from bot.aws.sagemaker import SageMaker
from tests.standins.aws import REGION, AwsClientFactory, deny


def test_a_read_of_nothing_proves_the_permission(sm: Any, logs: Any) -> None:
    # GIVEN no training job and no SageMaker log group: every probe finds nothing
    found = SageMaker(sm, logs)
    # THEN each action counts as allowed: AWS looked before saying "not found"
    assert [(p.action, p.allowed) for p in found.probe_permissions()] == [
        ("sagemaker:DescribeTrainingJob", True),
        ("sagemaker:ListModelPackages", True),
    ]
    assert [(p.action, p.allowed) for p in found.probe_logs_permissions() or []] == [
        ("logs:DescribeLogStreams", True),
        ("logs:GetLogEvents", True),
    ]
    assert found.region == REGION


def test_a_denied_action_is_reported_with_the_error(sm: Any) -> None:
    deny(sm, "ListModelPackages")
    described, listed = probes.sagemaker_permissions(sm)
    assert described.allowed is True
    assert listed.allowed is False
    assert isinstance(listed.error, AwsPermissionError)
    assert "sagemaker:ListModelPackages" in str(listed.error)


def test_another_failure_is_neither_allowed_nor_denied(sm: Any) -> None:
    deny(sm, "DescribeTrainingJob", code="ThrottlingException")
    [described, _] = probes.sagemaker_permissions(sm)
    assert described.allowed is None
    assert described.error is not None and described.error.code == "ThrottlingException"


def test_without_a_logs_client_there_is_nothing_to_probe(sm: Any) -> None:
    assert SageMaker(sm).probe_logs_permissions() is None


def test_caller_identity(aws_client_factory: AwsClientFactory) -> None:
    identity = probes.caller_identity(aws_client_factory("sts"))
    assert identity.account == "123456789012"
    assert identity.arn.startswith("arn:aws:")
    assert identity.region == REGION


def test_a_parameter_is_read_decrypted_with_its_type(aws_client_factory: AwsClientFactory) -> None:
    ssm = aws_client_factory("ssm")
    name = f"/doctor/{uuid.uuid4().hex}"
    ssm.put_parameter(Name=name, Value="xoxb-1", Type="SecureString")
    stored = probes.read_parameter(ssm, name)
    assert (stored.value, stored.parameter_type) == ("xoxb-1", "SecureString")
    assert "xoxb-1" not in repr(stored)  # kept out of any log line that shows it
    with pytest.raises(AwsRequestError) as missing:
        probes.read_parameter(ssm, name + "-gone")
    assert missing.value.code == "ParameterNotFound"


def test_a_secret_is_read(aws_client_factory: AwsClientFactory) -> None:
    secrets = aws_client_factory("secretsmanager")
    name = f"doctor-{uuid.uuid4().hex}"
    secrets.create_secret(Name=name, SecretString="s3cr3t")
    assert probes.read_secret(secrets, name).value == "s3cr3t"
    with pytest.raises(ResourceNotFoundError):
        probes.read_secret(secrets, name + "-gone")
