"""``/sagemaker doctor``: the checks of :mod:`bot.service.diagnosis`, run against the live bot.

:class:`Checkup` gathers the facts with the clients it is given (Slack's web client, the store,
SageMaker per account, boto3 clients for SSM, Secrets Manager and STS) and hands them to the
pure functions of ``diagnosis``, which decide and word each check.

The checks run at once, each in a thread of its own, under one deadline (:data:`DOCTOR_SECONDS`,
well inside the slack function's 29 s timeout): a check that has not answered by then is a ✗
that says so, and a check that raises is a ✗ of its own, never the end of the others. The Slack
calls also stop at the deadline (``bot/deadline.py``: the web client's timeouts and retry
waits); an AWS call that runs over is left to finish in its thread while the report goes out.

Nothing here is written but one lock, taken and given back in the store (a harmless write); no
message is posted; no secret value leaves the function that read it.
"""

from __future__ import annotations

import contextvars
import hmac
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.aws import probes
from bot.aws.errors import AwsError, map_client_error
from bot.deadline import deadline_in
from bot.errors import ChatOpsError
from bot.render.escape import Trusted
from bot.service import diagnosis
from bot.service.diagnosis import (
    Area,
    ChannelInfo,
    ChannelTarget,
    Check,
    Outcome,
    Report,
    SecretFacts,
    SlackIdentity,
    StoreFacts,
)
from bot.settings import Settings
from bot.store import ChannelFailure, Locks, Subscription, SubscriptionStore

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.aws.sagemaker import SageMaker

logger = logging.getLogger(__name__)

DOCTOR_SECONDS = 20.0
"""The whole checkup's deadline. It runs in the slack function's lazy listener, whose timeout
is 29 s (serverless.yml): this leaves time to render and post the report."""
MAX_CHANNELS = 40
"""Channels checked per run (one ``conversations.info`` each): within Slack's Tier 3 burst
(50 a minute), so a run never waits on Slack's rate limit."""
MAX_ACCOUNTS = 3
"""Other accounts (named by subscriptions) the cross-account role is tried in, per run."""
WORKERS = 8
LOCK_SECONDS = 60.0

ClientMaker = Callable[..., Any]
"""``boto3.client``'s signature: ``(service, region_name=…, …)``."""


class SageMakerFactory(Protocol):
    def __call__(self, region: str | None, account: str | None = None) -> SageMaker: ...


class DoctorStore(SubscriptionStore, Locks, Protocol):
    """What the checkup uses of the store: subscriptions, channel refusals, one lock."""


@dataclass
class Checkup:
    """The checks, over the parts they check: the settings (what is configured), the store,
    Slack's web client (the bot's token), SageMaker per region and account, and
    ``make_client`` for the other AWS clients (SSM, Secrets Manager, STS)."""

    settings: Settings
    store: DoctorStore
    client: WebClient
    sagemaker: SageMakerFactory
    make_client: ClientMaker
    seconds: float = DOCTOR_SECONDS
    clock: Callable[[], float] = time.time

    @property
    def local(self) -> bool:
        """Local mode: a SQLite store and no secret parameters (``serve``, not Lambda)."""
        s = self.settings
        kind, _ = diagnosis.store_location(s.store)
        return kind == "sqlite" and not (
            s.slack_token_parameter or s.slack_signing_secret_parameter
        )

    def run(self, team_id: str | None = None) -> Report:
        """Every check, within :attr:`seconds`. ``team_id``: the workspace the command came
        from (the token must be for it)."""
        started = time.monotonic()
        pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="doctor")
        try:
            with deadline_in(self.seconds) as deadline:
                checks = self._run(pool, deadline.remaining, team_id)
        finally:
            # A call still running past the deadline is left to finish on its own.
            pool.shutdown(wait=False, cancel_futures=True)
        report = Report(tuple(checks), time.monotonic() - started)
        failed = [
            {"area": c.area.value, "name": str(c.name), "detail": str(c.detail)}
            for c in report.failed
        ]
        logger.info(
            "doctor: %d of %d checks failed",
            len(failed),
            len(report.checks),
            extra={"doctor": {"failed": failed, "seconds": round(report.seconds, 3)}},
        )
        return report

    # --- the run ---------------------------------------------------------------------------

    def _run(
        self, pool: ThreadPoolExecutor, remaining: Callable[[], float], team_id: str | None
    ) -> list[Check]:
        def submit(task: Callable[..., Any], *args: Any) -> Future[Any]:
            # Each task in a copy of this context: the deadline (a context variable) goes along.
            return pool.submit(contextvars.copy_context().run, task, *args)

        # Phase one: everything that depends on nothing.
        slack_identity = submit(self._slack_identity)
        store = submit(self._store)
        aws_identity = submit(self._aws_identity)
        secrets = [submit(self._secret, True), submit(self._secret, False)]
        sagemaker = submit(self._sagemaker_probes)
        logs = submit(self._logs_probes)
        wait([slack_identity, store, aws_identity], timeout=remaining())

        # Phase two: the channels (they need the token's answer and the store's records) and
        # the other accounts (they need the bot's own).
        identity = _value(slack_identity, SlackIdentity(unreachable="no answer in time"))
        store_facts, subscriptions, failures = _value(
            store, (StoreFacts(self.settings.store, error="no answer in time"), None, {})
        )
        targets = diagnosis.channel_targets(
            self.settings.default_channel, (s.channel for s in subscriptions or ()), failures
        )
        checked, unchecked = targets[:MAX_CHANNELS], targets[MAX_CHANNELS:]
        now = self.clock()
        channels = [
            (t, submit(self._channel, t, identity, failures.get(t.channel), now)) for t in checked
        ]
        home = _value(aws_identity, (None, None))[0]
        accounts = self._other_accounts(subscriptions or (), home.account if home else None)
        cross = [(a, submit(self._cross_account, a)) for a in accounts]
        wait(
            [f for _, f in channels]
            + [f for _, f in cross]
            + [*secrets, sagemaker, logs, aws_identity],
            timeout=remaining(),
        )

        source = diagnosis.token_source(
            self.settings.slack_token_parameter, self.settings.slack_bot_token is not None
        )
        checks = [
            diagnosis.token_check(identity, team_id, source),
            diagnosis.scopes_check(identity, source),
        ]
        for target, future in channels:
            checks.append(
                _check(future, Area.CHANNELS, diagnosis.channel_name(target, None), self.seconds)
            )
        if unchecked:
            checks.append(diagnosis.unchecked_channels_check(unchecked))
        if subscriptions is None:
            checks.append(diagnosis.subscribed_channels_unknown())
        for future, label in zip(
            secrets, ("Token parameter", "Signing secret parameter"), strict=True
        ):
            checks.append(_check(future, Area.SECRETS, Trusted(label), self.seconds))
        checks.append(diagnosis.store_check(store_facts))
        checks.append(_check(aws_identity, Area.AWS, Trusted("Credentials"), self.seconds, 1))
        checks.append(_check(sagemaker, Area.AWS, Trusted("SageMaker"), self.seconds))
        checks.append(_check(logs, Area.AWS, Trusted("CloudWatch Logs"), self.seconds))
        checks.append(diagnosis.s3_check())
        role = self.settings.cross_account_role
        if role:
            if not cross:
                checks.append(diagnosis.cross_account_check(role, None, None, None))
            for account, future in cross:
                name = Trusted(f"Role {diagnosis.code(role)} in {diagnosis.code(account)}")
                checks.append(_check(future, Area.AWS, name, self.seconds))
        return checks

    # --- Slack -----------------------------------------------------------------------------

    def _slack_identity(self) -> SlackIdentity:
        try:
            response = self.client.auth_test()
        except SlackApiError as exc:
            return SlackIdentity(error=str(exc.response.get("error") or "unknown_error"))
        except (SlackClientError, OSError) as exc:
            return SlackIdentity(unreachable=type(exc).__name__)
        return SlackIdentity(
            team=_str(response.get("team")),
            team_id=_str(response.get("team_id")),
            user=_str(response.get("user")),
            user_id=_str(response.get("user_id")),
            bot_id=_str(response.get("bot_id")),
            enterprise_install=bool(response.get("is_enterprise_install")),
            scopes=granted_scopes(response.headers),
        )

    def _channel(
        self,
        target: ChannelTarget,
        identity: SlackIdentity,
        failure: ChannelFailure | None,
        now: float,
    ) -> Check:
        # No call with a token Slack refuses: every answer would be the same refusal.
        info = self._channel_info(target.channel) if identity.ok else None
        return diagnosis.channel_check(target, info, identity, failure, now)

    def _channel_info(self, channel: str) -> ChannelInfo:
        try:
            response = self.client.conversations_info(channel=channel)
        except SlackApiError as exc:
            data = exc.response
            return ChannelInfo(
                channel,
                error=str(data.get("error") or "unknown_error"),
                needed=_str(data.get("needed")),
            )
        except (SlackClientError, OSError) as exc:
            return ChannelInfo(channel, unreachable=type(exc).__name__)
        found = response.get("channel")
        info: dict[str, Any] = found if isinstance(found, dict) else {}
        return ChannelInfo(
            channel,
            name=_str(info.get("name")),
            private=bool(info.get("is_private")),
            archived=bool(info.get("is_archived")),
            # A direct message with the bot has no membership to speak of: the bot is in it.
            member=bool(info.get("is_member")) or bool(info.get("is_im")),
        )

    # --- the store -------------------------------------------------------------------------

    def _store(
        self,
    ) -> tuple[StoreFacts, list[Subscription] | None, Mapping[str, ChannelFailure]]:
        url = self.settings.store
        try:
            subscriptions = self.store.list_subscriptions()
            failures = self.store.list_channel_failures()
            lock, owner = f"doctor:{uuid.uuid4().hex}", uuid.uuid4().hex
            wrote = self.store.acquire(
                lock, owner=owner, lease_seconds=LOCK_SECONDS, now=self.clock()
            )
            if wrote:
                self.store.release(lock, owner=owner)
        except Exception as exc:
            logger.warning("doctor: the store failed", exc_info=exc)
            return StoreFacts(url, error=_sentence(exc, "the state store", "dynamodb")), None, {}
        facts = StoreFacts(
            url,
            subscriptions=len(subscriptions),
            channels=len({s.channel for s in subscriptions}),
            refused_channels=len(failures),
            wrote=wrote,
        )
        return facts, subscriptions, failures

    # --- secrets ---------------------------------------------------------------------------

    def _secret(self, token: bool) -> Check:
        return diagnosis.secret_check(self._secret_facts(token))

    def _secret_facts(self, token: bool) -> SecretFacts:
        s = self.settings
        if token:
            facts = SecretFacts(
                "Token parameter",
                s.slack_token_parameter,
                "SLACK_BOT_TOKEN",
                token=True,
                from_environment=s.slack_bot_token is not None,
            )
        else:
            facts = SecretFacts(
                "Signing secret parameter",
                s.slack_signing_secret_parameter,
                "SLACK_SIGNING_SECRET",
                from_environment=s.slack_signing_secret is not None,
            )
        if facts.from_environment or not facts.parameter:
            return facts
        try:
            stored = self._read_secret(facts.parameter)
        except AwsError as exc:
            return replace(facts, error=exc)
        value = stored.value
        in_use = self.client.token if token else None
        return replace(
            facts,
            parameter_type=stored.parameter_type,
            shape=diagnosis.secret_shape(value),
            padded=value != value.strip(),
            # Compared here, in constant time; the value goes no further.
            in_use=hmac.compare_digest(value.encode(), in_use.encode()) if in_use else None,
        )

    def _read_secret(self, parameter: str) -> probes.StoredSecret:
        if parameter.startswith(probes.SECRETS_MANAGER_PREFIX):
            name = parameter.removeprefix(probes.SECRETS_MANAGER_PREFIX)
            return probes.read_secret(self.make_client("secretsmanager"), name)
        return probes.read_parameter(self.make_client("ssm"), parameter)

    # --- AWS -------------------------------------------------------------------------------

    def _aws_identity(self) -> tuple[probes.Identity | None, Check]:
        try:
            identity = probes.caller_identity(self.make_client("sts"))
        except AwsError as exc:
            return None, diagnosis.identity_check(None, exc, self.local)
        check = diagnosis.identity_check(identity, None, self.local, self.settings.account_id)
        return identity, check

    def _sagemaker_probes(self) -> Check:
        try:
            sm = self.sagemaker(None)
            found = sm.probe_permissions()
        except AwsError as exc:
            return diagnosis.permissions_check("SageMaker", None, error=exc, local=self.local)
        return diagnosis.permissions_check(
            "SageMaker", found, where=_region(sm.region), local=self.local
        )

    def _logs_probes(self) -> Check:
        try:
            sm = self.sagemaker(None)
            found = sm.probe_logs_permissions()
        except AwsError as exc:
            return diagnosis.permissions_check("CloudWatch Logs", None, error=exc, local=self.local)
        where = f"{diagnosis.code(probes.PROBE_LOG_GROUP)}{_region(sm.region, ', in ')}"
        return diagnosis.permissions_check("CloudWatch Logs", found, where=where, local=self.local)

    def _other_accounts(self, subscriptions: Iterable[Subscription], home: str | None) -> list[str]:
        if not self.settings.cross_account_role:
            return []
        named = sorted({a for s in subscriptions for a in s.accounts if a != home})
        return named[:MAX_ACCOUNTS]

    def _cross_account(self, account: str) -> Check:
        role = self.settings.cross_account_role or ""
        try:
            found = self.sagemaker(None, account).probe_permissions()
        except AwsError as exc:
            return diagnosis.cross_account_check(role, account, None, exc)
        return diagnosis.cross_account_check(role, account, found, None)


# --- helpers -------------------------------------------------------------------------------


def granted_scopes(headers: Mapping[str, Any] | None) -> frozenset[str] | None:
    """The scopes Slack says the token has (``x-oauth-scopes``), or None if it does not say."""
    for name, value in (headers or {}).items():
        if name.lower() == "x-oauth-scopes":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            if isinstance(raw, str):
                return frozenset(s.strip() for s in raw.split(",") if s.strip())
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _region(region: str | None, prefix: str = "in ") -> str | None:
    return f"{prefix}{diagnosis.code(region)}" if region else None


def _sentence(exc: BaseException, subject: str, service: str) -> str:
    """An error as the report says it: AWS's mapped to a sentence, the bot's own as it is."""
    if isinstance(exc, ClientError):
        return str(map_client_error(exc, subject, service))
    if isinstance(exc, ChatOpsError):
        return str(exc)
    if isinstance(exc, BotoCoreError):
        return f"Could not reach AWS ({type(exc).__name__})."
    return f"{type(exc).__name__}: {exc}"


def _value(future: Future[Any], default: Any) -> Any:
    """A finished task's result, else ``default`` (not done in time, or it raised: logged)."""
    if not future.done():
        return default
    try:
        return future.result()
    except Exception as exc:
        logger.error("doctor: a check failed unexpectedly", exc_info=exc)
        return default


def _check(
    future: Future[Any], area: Area, name: Trusted, seconds: float, index: int | None = None
) -> Check:
    """The check a task returned (``index``: its place in a tuple the task returned), or a ✗
    that says why there is none: no answer before the deadline, or the check itself failed."""
    if not future.done():
        return Check(
            area,
            name,
            Outcome.FAIL,
            Trusted(f"No answer within {seconds:.0f} s."),
            Trusted("Try again; if it keeps timing out, the logs of the slack function say where."),
        )
    try:
        found = future.result()
    except Exception as exc:
        logger.error("doctor: the check %s failed unexpectedly", name, exc_info=exc)
        return Check(
            area,
            name,
            Outcome.FAIL,
            Trusted(f"The check itself failed ({diagnosis.code(type(exc).__name__)})."),
            Trusted("The logs of the slack function have the details."),
        )
    check: Check = found[index] if index is not None else found
    return check
