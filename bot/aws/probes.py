"""Harmless AWS calls for ``/sagemaker doctor``: does the bot's role allow what it does?

A permission is probed with a read the bot already makes (so the role needs nothing more for
the doctor) about something that does not exist: AWS checks the caller's permissions before
it looks for the resource, so "not found" proves the action is allowed, and "access denied"
that it is not, without reading or changing anything. The bot's actions (approve, retry,
stop) have no such harmless form and are not probed.

Each function takes the client it calls (made by the caller) and returns data; AWS's errors
are mapped by :func:`bot.aws.errors.aws_call`, so nothing raw reaches a user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from bot.aws.errors import (
    AwsError,
    AwsPermissionError,
    ResourceNotFoundError,
    aws_call,
    map_client_error,
)

if TYPE_CHECKING:
    from mypy_boto3_logs.client import CloudWatchLogsClient
    from mypy_boto3_sagemaker.client import SageMakerClient
    from mypy_boto3_secretsmanager.client import SecretsManagerClient
    from mypy_boto3_ssm.client import SSMClient
    from mypy_boto3_sts.client import STSClient

# Names no resource has (if one does, the answer is the same: the action is allowed).
PROBE_NAME = "sagemaker-chatops-doctor-probe"
# The log group SageMaker training jobs write to; the bot reads /aws/sagemaker/* only.
PROBE_LOG_GROUP = "/aws/sagemaker/TrainingJobs"
SECRETS_MANAGER_PREFIX = "secretsmanager:"


@dataclass(frozen=True, slots=True)
class Probe:
    """One IAM action tried: ``allowed`` True or False, or None when AWS did not say (the
    call failed for another reason, in ``error``)."""

    action: str
    allowed: bool | None
    error: AwsError | None = None


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the bot is in AWS (``GetCallerIdentity``, which needs no permission)."""

    account: str
    arn: str
    region: str | None


@dataclass(frozen=True, slots=True)
class StoredSecret:
    """A secret as stored: its value and, for an SSM parameter, its type (``SecureString``).

    The caller compares the value and forgets it; it is never logged nor shown."""

    value: str = field(default="", repr=False)
    parameter_type: str | None = None


def _probe(action: str, call: Callable[[], Any]) -> Probe:
    service = action.split(":", 1)[0]
    subject = f"the harmless check of {action}"
    try:
        with aws_call(subject, service=service):
            try:
                call()
            except ClientError as exc:
                # Not found is the answer hoped for (AWS let the bot look, and found nothing):
                # no warning in the logs for it.
                if isinstance(map_client_error(exc, subject, service), ResourceNotFoundError):
                    return Probe(action, True)
                raise
    except AwsPermissionError as exc:
        return Probe(action, False, exc)
    except AwsError as exc:
        return Probe(action, None, exc)
    return Probe(action, True)


def sagemaker_permissions(client: SageMakerClient) -> list[Probe]:
    """A Describe (what ``status`` and ``inspect`` do) and a List (what approvals do)."""
    return [
        _probe(
            "sagemaker:DescribeTrainingJob",
            lambda: client.describe_training_job(TrainingJobName=PROBE_NAME),
        ),
        _probe(
            "sagemaker:ListModelPackages",
            lambda: client.list_model_packages(MaxResults=1),
        ),
    ]


def logs_permissions(client: CloudWatchLogsClient) -> list[Probe]:
    """What ``inspect`` reads of a job's logs: its streams, and their events."""
    return [
        _probe(
            "logs:DescribeLogStreams",
            lambda: client.describe_log_streams(logGroupName=PROBE_LOG_GROUP, limit=1),
        ),
        _probe(
            "logs:GetLogEvents",
            lambda: client.get_log_events(
                logGroupName=PROBE_LOG_GROUP, logStreamName=PROBE_NAME, limit=1
            ),
        ),
    ]


def caller_identity(client: STSClient) -> Identity:
    """The account and role the bot's credentials belong to. Raises ``AwsError``."""
    with aws_call("the bot's own AWS identity", service="sts"):
        found = client.get_caller_identity()
    return Identity(found["Account"], found["Arn"], client.meta.region_name)


def read_parameter(client: SSMClient, name: str) -> StoredSecret:
    """An SSM parameter, decrypted (``ssm:GetParameter``, and ``kms:Decrypt`` for a
    SecureString under a customer key). Raises ``AwsError``."""
    with aws_call(f"parameter {name}", service="ssm"):
        found = client.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    return StoredSecret(found.get("Value", ""), found.get("Type"))


def read_secret(client: SecretsManagerClient, name: str) -> StoredSecret:
    """A Secrets Manager secret's string (``secretsmanager:GetSecretValue``). Raises
    ``AwsError``."""
    with aws_call(f"secret {name}", service="secretsmanager"):
        found = client.get_secret_value(SecretId=name)
    return StoredSecret(found.get("SecretString", ""))
