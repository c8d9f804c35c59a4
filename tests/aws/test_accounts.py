"""bot.aws.accounts: which credentials act in which account.

STS is botocore's Stubber (it validates each request against the real STS model) for the
bookkeeping, and moto's server over HTTP for the end to end: moto's AssumeRole hands out keys
that act in the role's account, so a resource created there is invisible from the home account.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from bot.aws.accounts import (
    REFRESH_MARGIN_SECONDS,
    SESSION_NAME,
    AccountAccess,
    SageMakers,
    partition_for,
    role_arn,
)
from bot.aws.errors import AwsPermissionError, ResourceNotFoundError
from bot.events.identity import ResourceKind
from bot.settings import Settings
from tests.standins.aws import REGION

HOME = "123456789012"  # moto's default account
OTHER = "111122223333"
ROLE = "sagemaker-chatops-access"
NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sts() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def assumed(expires_in: float, key: str = "ASIAEXAMPLEKEY005") -> dict[str, Any]:
    return {
        "Credentials": {
            "AccessKeyId": key,
            "SecretAccessKey": "secret-" + key,
            "SessionToken": "token-" + key,
            "Expiration": datetime.fromtimestamp(NOW + expires_in, UTC),
        }
    }


def expect_assume(stubber: Stubber, account: str, key: str, *, partition: str = "aws") -> None:
    stubber.add_response(
        "assume_role",
        assumed(3600, key),
        {"RoleArn": f"arn:{partition}:iam::{account}:role/{ROLE}", "RoleSessionName": SESSION_NAME},
    )


def test_home_account_uses_the_functions_own_credentials(sts: tuple[Any, Stubber]) -> None:
    client, _ = sts  # no response queued: any STS call fails the test
    access = AccountAccess(lambda: client, ROLE, home_account=HOME)
    assert access.credentials(HOME, REGION) is None
    assert access.credentials(None, REGION) is None


def test_other_account_assumes_the_named_role_once(sts: tuple[Any, Stubber]) -> None:
    client, stubber = sts
    expect_assume(stubber, OTHER, "ASIAFIRSTKEY00001")
    clock = Clock()
    access = AccountAccess(lambda: client, ROLE, home_account=HOME, clock=clock)
    first = access.credentials(OTHER, REGION)
    assert first is not None
    assert first.client_kwargs() == {
        "aws_access_key_id": "ASIAFIRSTKEY00001",
        "aws_secret_access_key": "secret-ASIAFIRSTKEY00001",
        "aws_session_token": "token-ASIAFIRSTKEY00001",
    }
    clock.now += 3600 - REFRESH_MARGIN_SECONDS - 1
    assert access.credentials(OTHER, REGION) is first  # still valid: no second AssumeRole


def test_credentials_are_renewed_before_they_expire(sts: tuple[Any, Stubber]) -> None:
    client, stubber = sts
    expect_assume(stubber, OTHER, "ASIAFIRSTKEY00001")
    expect_assume(stubber, OTHER, "ASIASECONDKEY0002")
    clock = Clock()
    access = AccountAccess(lambda: client, ROLE, home_account=HOME, clock=clock)
    assert access.credentials(OTHER, REGION).access_key_id == "ASIAFIRSTKEY00001"  # type: ignore[union-attr]
    clock.now += 3600 - REFRESH_MARGIN_SECONDS + 1
    assert access.credentials(OTHER, REGION).access_key_id == "ASIASECONDKEY0002"  # type: ignore[union-attr]


def test_home_account_is_asked_once_when_not_given(sts: tuple[Any, Stubber]) -> None:
    client, stubber = sts
    stubber.add_response(
        "get_caller_identity",
        {"Account": HOME, "Arn": f"arn:aws:sts::{HOME}:assumed-role/x/y", "UserId": "AROA:y"},
        {},
    )
    expect_assume(stubber, OTHER, "ASIAOTHERKEY00003")
    access = AccountAccess(lambda: client, ROLE)
    assert access.credentials(HOME, REGION) is None
    assert access.credentials(HOME, REGION) is None
    assert access.credentials(OTHER, REGION) is not None


def test_role_arn_is_in_the_regions_partition(sts: tuple[Any, Stubber]) -> None:
    client, stubber = sts
    expect_assume(stubber, OTHER, "ASIACNKEY00000004", partition="aws-cn")
    access = AccountAccess(lambda: client, ROLE, home_account=HOME)
    assert access.credentials(OTHER, "cn-north-1") is not None
    assert partition_for("us-gov-west-1") == "aws-us-gov"
    assert partition_for(None) == partition_for("eu-west-1") == "aws"
    assert role_arn(OTHER, "/ops/chatops/") == f"arn:aws:iam::{OTHER}:role/ops/chatops"


def test_a_refused_assume_role_is_a_readable_permission_error(sts: tuple[Any, Stubber]) -> None:
    client, stubber = sts
    stubber.add_client_error(
        "assume_role",
        service_error_code="AccessDenied",
        service_message=f"User: arn:aws:sts::{HOME}:assumed-role/bot is not authorized",
        http_status_code=403,
    )
    access = AccountAccess(lambda: client, ROLE, home_account=HOME)
    with pytest.raises(AwsPermissionError) as raised:
        access.credentials(OTHER, REGION)
    message = str(raised.value)
    assert "sts:AssumeRole" in message and OTHER in message and ROLE in message
    assert "arn:aws:sts" not in message  # the details are for the logs, not the channel


def test_the_role_setting_takes_role_names_only() -> None:
    assert Settings(cross_account_role="").cross_account_role is None
    assert Settings.from_env({"CHATOPS_CROSS_ACCOUNT_ROLE": ROLE}).cross_account_role == ROLE
    assert Settings(cross_account_role="ops/chatops").cross_account_role == "ops/chatops"
    for wrong in ("arn:aws:iam::111122223333:role/x", "a role", "*"):
        with pytest.raises(ValueError, match="IAM role name"):
            Settings(cross_account_role=wrong)


# --- the factory ---------------------------------------------------------------------------


class RecordingClients:
    """A ``make_client`` that records what it was asked for and returns a token object."""

    def __init__(self) -> None:
        self.made: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, service: str, **options: Any) -> Any:
        self.made.append((service, options))
        return object()


def test_factory_keeps_clients_per_place_and_renews_them_with_the_credentials(
    sts: tuple[Any, Stubber],
) -> None:
    client, stubber = sts
    expect_assume(stubber, OTHER, "ASIAFIRSTKEY00001")
    expect_assume(stubber, OTHER, "ASIASECONDKEY0002")
    clock = Clock()
    clients = RecordingClients()
    factory = SageMakers(
        clients, AccountAccess(lambda: client, ROLE, home_account=HOME, clock=clock)
    )

    home = factory(REGION)
    assert factory(REGION, HOME) is home  # the home account is the bot's own credentials
    assert [options for _, options in clients.made] == [{"region_name": REGION}] * 2

    other = factory(REGION, OTHER)
    assert factory(REGION, OTHER) is other
    assert [service for service, _ in clients.made[2:]] == ["sagemaker", "logs"]
    assert all(o["aws_access_key_id"] == "ASIAFIRSTKEY00001" for _, o in clients.made[2:])

    clock.now += 3600  # expired: new credentials, new clients
    renewed = factory(REGION, OTHER)
    assert renewed is not other
    assert all(o["aws_access_key_id"] == "ASIASECONDKEY0002" for _, o in clients.made[4:])
    assert len(clients.made) == 6


def test_factory_without_a_role_uses_the_bots_credentials_everywhere() -> None:
    clients = RecordingClients()
    factory = SageMakers(clients, default_region="eu-west-1")
    assert factory(None, OTHER) is factory(None)
    assert clients.made == [
        ("sagemaker", {"region_name": "eu-west-1"}),
        ("logs", {"region_name": "eu-west-1"}),
    ]


# --- end to end, against moto's server -----------------------------------------------------


def create_package_in(make_client: Any, account: str) -> str:
    """A model package version created in ``account`` through the role (as its owner would)."""
    sts = make_client("sts", region_name=REGION)
    found = sts.assume_role(RoleArn=role_arn(account, ROLE), RoleSessionName="owner")
    credentials = found["Credentials"]
    sm = make_client(
        "sagemaker",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    group = f"member-models-{uuid.uuid4().hex[:8]}"
    sm.create_model_package_group(ModelPackageGroupName=group)
    response = sm.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus="PendingManualApproval",
        InferenceSpecification={
            "Containers": [{"Image": "123.dkr.ecr.us-east-1.amazonaws.com/x:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
    )
    arn: str = response["ModelPackageArn"]
    assert f":{account}:" in arn
    return arn


def test_a_resource_in_another_account_is_reached_through_the_role(moto_clients: Any) -> None:
    arn = create_package_in(moto_clients, OTHER)
    access = AccountAccess(lambda: moto_clients("sts", region_name=REGION), ROLE)
    factory = SageMakers(moto_clients, access, default_region=REGION)

    ref, description = factory(REGION, OTHER).lookup(arn, ResourceKind.MODEL_PACKAGE)
    assert ref.arn == arn and description["ModelApprovalStatus"] == "PendingManualApproval"
    factory(REGION, OTHER).approve_model_package(arn, "Approved", "by the test")
    assert factory(REGION, OTHER).current_approval(arn) == "Approved"

    # With its own credentials the bot sees its own account, where the package is not.
    with pytest.raises(ResourceNotFoundError):
        factory(REGION).lookup(arn, ResourceKind.MODEL_PACKAGE)
    with pytest.raises(ResourceNotFoundError):
        SageMakers(moto_clients, default_region=REGION)(REGION, OTHER).lookup(
            arn, ResourceKind.MODEL_PACKAGE
        )
