"""Acting in other AWS accounts: SageMaker per account and region, through an assumed role.

Events forwarded from other accounts to a central event bus name resources in those accounts.
With ``CHATOPS_CROSS_ACCOUNT_ROLE`` set to a role name, a command or a button about such a
resource assumes ``arn:<partition>:iam::<account>:role/<name>`` with STS and calls SageMaker and
CloudWatch Logs with those temporary credentials; resources of the bot's own account use the
function's own role, as without the setting.

Clients are made by the caller's ``make_client`` (``boto3.client`` in Lambda, a stand-in's in
tests) on first use, never at import time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.aws.errors import aws_call
from bot.aws.sagemaker import SageMaker

if TYPE_CHECKING:
    from mypy_boto3_sts.client import STSClient

ClientMaker = Callable[..., Any]
"""``boto3.client``'s signature: ``(service, region_name=…, aws_access_key_id=…, …)``."""

SESSION_NAME = "sagemaker-chatops"
REFRESH_MARGIN_SECONDS = 300.0  # assume the role again this long before the credentials expire
_PARTITIONS = (("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-iso-", "aws-iso"))


def partition_for(region: str | None) -> str:
    """The AWS partition of a region (``aws`` for the commercial regions and when unknown)."""
    for prefix, partition in _PARTITIONS:
        if region and region.startswith(prefix):
            return partition
    return "aws"


def role_arn(account: str, role_name: str, partition: str = "aws") -> str:
    """The ARN of the role named ``role_name`` (optionally with a path: ``ops/chatops``)."""
    return f"arn:{partition}:iam::{account}:role/{role_name.strip('/')}"


@dataclass(frozen=True, slots=True)
class TemporaryCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expires_at: float  # epoch seconds

    def client_kwargs(self) -> dict[str, str]:
        return {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
            "aws_session_token": self.session_token,
        }


class AccountAccess:
    """The credentials for each account: ``None`` (the function's own) at home, an assumed
    role's elsewhere, kept until shortly before they expire.

    ``sts`` makes the STS client, on the first call that needs it. The home account is
    ``home_account`` when given, else asked once from STS (``GetCallerIdentity``).
    """

    def __init__(
        self,
        sts: Callable[[], STSClient],
        role_name: str,
        *,
        home_account: str | None = None,
        session_name: str = SESSION_NAME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._make_sts = sts
        self._sts: STSClient | None = None
        self.role_name = role_name
        self._home = home_account
        self._session_name = session_name
        self._clock = clock
        self._cache: dict[str, TemporaryCredentials] = {}
        self._lock = threading.Lock()

    def _client(self) -> STSClient:
        if self._sts is None:
            self._sts = self._make_sts()
        return self._sts

    def home_account(self) -> str:
        with self._lock:
            if self._home is None:
                with aws_call("the bot's own AWS account", service="sts"):
                    self._home = self._client().get_caller_identity()["Account"]
            return self._home

    def is_home(self, account: str | None) -> bool:
        return account is None or account == self.home_account()

    def credentials(self, account: str | None, region: str | None) -> TemporaryCredentials | None:
        """Credentials for acting in ``account``; ``None``: the bot's own (its account, or
        an account the caller does not know)."""
        if self.is_home(account):
            return None
        assert account is not None
        with self._lock:
            cached = self._cache.get(account)
            if cached is not None and cached.expires_at - REFRESH_MARGIN_SECONDS > self._clock():
                return cached
            arn = role_arn(account, self.role_name, partition_for(region))
            with aws_call(f"role {self.role_name} in account {account}", service="sts"):
                response = self._client().assume_role(
                    RoleArn=arn, RoleSessionName=self._session_name
                )
            found = response["Credentials"]
            expiration: datetime = found["Expiration"]
            credentials = TemporaryCredentials(
                access_key_id=found["AccessKeyId"],
                secret_access_key=found["SecretAccessKey"],
                session_token=found["SessionToken"],
                expires_at=expiration.timestamp(),
            )
            self._cache[account] = credentials
            return credentials


# The clients each place gets, with their own options: SageMaker and CloudWatch Logs for the
# commands and buttons (inspections read logs).
COMMAND_CLIENTS: Mapping[str, Mapping[str, Any]] = {"sagemaker": {}, "logs": {}}


class SageMakers:
    """``factory(region, account)``: the SageMaker service for a place, its clients made on
    first use and kept (those on an assumed role's credentials until they are renewed).

    Without ``access`` (no cross-account role), every account is served with the bot's own
    credentials, as AWS would answer them. ``clients``: the services a place gets a client of
    (``sagemaker`` always), each with its own client options.
    """

    def __init__(
        self,
        make_client: ClientMaker,
        access: AccountAccess | None = None,
        *,
        default_region: str | None = None,
        clients: Mapping[str, Mapping[str, Any]] = COMMAND_CLIENTS,
    ) -> None:
        self._make_client = make_client
        self._access = access
        self._default_region = default_region
        self._clients = {"sagemaker": {}, **clients}
        # (account, region) -> the service, and the credentials its clients were made with.
        self._cache: dict[
            tuple[str | None, str | None], tuple[SageMaker, TemporaryCredentials | None]
        ] = {}
        self._lock = threading.Lock()

    def __call__(self, region: str | None, account: str | None = None) -> SageMaker:
        region = region or self._default_region
        credentials = self._access.credentials(account, region) if self._access else None
        key = (account if credentials else None, region)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached[1] is credentials:
                return cached[0]
            options: dict[str, Any] = {"region_name": region}
            if credentials is not None:
                options.update(credentials.client_kwargs())
            made = {
                name: self._make_client(name, **options, **extra)
                for name, extra in self._clients.items()
            }
            service = SageMaker(made["sagemaker"], made.get("logs"), made.get("s3"))
            self._cache[key] = (service, credentials)
            return service


def boto3_client(service: str, **options: Any) -> Any:
    """``boto3.client``, imported on first use."""
    import boto3

    return boto3.client(service, **options)  # type: ignore[call-overload]


def boto3_sagemakers(
    default_region: str | None = None,
    cross_account_role: str | None = None,
    *,
    home_account: str | None = None,
    clients: Mapping[str, Mapping[str, Any]] = COMMAND_CLIENTS,
    make_client: Callable[..., Any] = boto3_client,
) -> SageMakers:
    """SageMaker services per region and account on boto3 clients (``make_client``:
    ``boto3.client``'s signature), made on first use and kept. With ``cross_account_role``,
    other accounts are reached through that role; the bot's own account is ``home_account``
    when known, else asked of STS once."""
    access = None
    if cross_account_role:
        access = AccountAccess(
            lambda: make_client("sts", region_name=default_region),
            cross_account_role,
            home_account=home_account,
        )
    return SageMakers(make_client, access, default_region=default_region, clients=clients)
