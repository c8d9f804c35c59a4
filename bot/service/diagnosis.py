"""What ``/sagemaker doctor`` finds, and what it says about it. Pure: facts in, checks out.

:mod:`bot.service.doctor` gathers the facts (Slack, the store, the secrets, AWS) with the clients
it is given; each function here turns one kind of fact into a :class:`Check`: a name, ✓ / ✗ /
– (``Outcome``), a short detail and, for a ✗, how to fix it. :func:`doctor_message` lays a
:class:`Report` out with ``templates/doctor.json.j2``.

A check's texts are mrkdwn (:class:`~bot.render.escape.Trusted`): every value in them that came
from Slack, AWS, the store or the settings went through ``code`` or ``mrkdwn_escape`` as the
text was composed, so nothing can mention, link or break out of the message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.aws.errors import NO_CREDENTIALS, AwsError, AwsPermissionError
from bot.aws.probes import Identity, Probe
from bot.delivery.routing import RETRY_BROKEN_SECONDS, is_broken
from bot.errors import TemplateError
from bot.render import escape
from bot.render.context import Message
from bot.render.escape import Trusted
from bot.render.formatting import when
from bot.render.renderer import Renderer, section_message
from bot.slash.help import command_span
from bot.slash.subscriptions import BOT_NAME, refusal_words
from bot.store import ChannelFailure

logger = logging.getLogger(__name__)

TEMPLATE = "doctor"

# The bot scopes of slack-app-manifest.yml, and why the bot needs each (the manifest is not
# part of the function package; tests/deploy/test_slack_manifest.py keeps the two equal).
REQUIRED_SCOPES: Mapping[str, str] = {
    "chat:write": "post and update messages",
    "chat:write.public": "post in public channels without being invited",
    "commands": "the /sagemaker command",
    "usergroups:read": "approvers and admins given as user groups",
    "channels:read": "doctor: see whether a public channel is archived",
    "groups:read": "doctor: see a private channel the bot is in",
    "users:read": "needed by users:read.email",
    "users:read.email": "mention a resource's owner named by an email tag",
}
WRITE_PUBLIC = "chat:write.public"

# Slack's answers to a token it will not take (auth.test and every other method).
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "no_permission",
        "team_access_not_granted",
        "org_login_required",
        "ekm_access_denied",
    }
)

# Each probed action, and the statement of the slack function's role that grants it
# (serverless.yml; tests/deploy checks that it does).
IAM_STATEMENTS: Mapping[str, str] = {
    "sagemaker:DescribeTrainingJob": "SageMakerRead",
    "sagemaker:ListModelPackages": "SageMakerList",
    "logs:DescribeLogStreams": "SageMakerLogs",
    "logs:GetLogEvents": "SageMakerLogs",
}

INVITE = f"`/invite @{BOT_NAME}`"
UNSUBSCRIBE_ALL = command_span("unsubscribe all")
NAME_CHARS = 120  # a name, parameter or table in a check: longer ones are cut
# A section holds 3,000 characters; lines are packed below this, with room to spare for the
# template's own words around each check.
SECTION_BUDGET = 2_400
LINE_OVERHEAD = 60
# Subscribed channels the bot can post in are listed one by one up to this many, then as one
# line: what needs attention stays in view.
CHANNELS_LISTED = 5


class Outcome(StrEnum):
    OK = "ok"
    FAIL = "fail"
    SKIP = "skip"  # does not apply here, or cannot be checked (the detail says why)


EMOJI = {Outcome.OK: ":white_check_mark:", Outcome.FAIL: ":x:", Outcome.SKIP: ":heavy_minus_sign:"}
SYMBOL = {Outcome.OK: "✓", Outcome.FAIL: "✗", Outcome.SKIP: "–"}


class Area(StrEnum):
    SLACK = "Slack"
    CHANNELS = "Channels"
    SECRETS = "Secrets"
    STORE = "State store"
    AWS = "AWS"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report. ``name``, ``detail`` and ``fix`` are mrkdwn."""

    area: Area
    name: Trusted
    outcome: Outcome
    detail: Trusted
    fix: Trusted | None = None


@dataclass(frozen=True, slots=True)
class Report:
    checks: tuple[Check, ...]
    seconds: float = 0.0

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.checks if c.outcome is outcome)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.outcome is Outcome.FAIL]


# --- text helpers --------------------------------------------------------------------------


def _clip(value: object, limit: int = NAME_CHARS) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(value: object) -> Trusted:
    """A value as inline code, cut to a readable length."""
    return escape.code(_clip(value))


def text(value: object, limit: int = 300) -> Trusted:
    """Plain text (an error's sentence) as mrkdwn, cut to ``limit``."""
    return Trusted(escape.mrkdwn_escape(_clip(value, limit)))


def _codes(values: Iterable[object]) -> str:
    return ", ".join(code(v) for v in values)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _time(epoch: float) -> Trusted | str:
    return when(datetime.fromtimestamp(epoch, UTC))


# --- Slack: the token and its scopes -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlackIdentity:
    """What ``auth.test`` said of the token. ``error``: Slack's error code; ``unreachable``:
    why Slack did not answer at all (then ``error`` is None)."""

    error: str | None = None
    unreachable: str | None = None
    team: str | None = None
    team_id: str | None = None
    user: str | None = None
    user_id: str | None = None
    bot_id: str | None = None
    enterprise_install: bool = False
    scopes: frozenset[str] | None = None  # x-oauth-scopes; None when Slack did not say

    @property
    def ok(self) -> bool:
        return self.error is None and self.unreachable is None


def token_source(
    parameter: str | None, from_environment: bool, env_name: str = "SLACK_BOT_TOKEN"
) -> Trusted:
    """Where the bot token is kept, as a fix names it."""
    if from_environment or not parameter:
        return Trusted(f"the environment variable {code(env_name)}")
    if parameter.startswith("secretsmanager:"):
        return Trusted(
            f"the Secrets Manager secret {code(parameter.removeprefix('secretsmanager:'))}"
        )
    return Trusted(f"the SSM parameter {code(parameter)} (SecureString)")


def token_check(identity: SlackIdentity, team_id: str | None, source: Trusted) -> Check:
    """The token works, is a bot's, and belongs to the workspace the command came from."""
    name = Trusted("Bot token")
    put_token = Trusted(
        "Put the app's *Bot User OAuth Token* (`xoxb-…`, under *OAuth &amp; Permissions* on"
        f" api.slack.com/apps) in {source}, then redeploy so the functions read it again."
    )
    if identity.unreachable is not None:
        return Check(
            Area.SLACK,
            name,
            Outcome.FAIL,
            Trusted(f"Slack did not answer `auth.test` ({text(identity.unreachable, 80)})."),
            Trusted(
                "Check that the function can reach slack.com (in a VPC, through a NAT gateway)."
            ),
        )
    if identity.error is not None:
        if identity.error in TOKEN_REFUSED:
            detail = Trusted(f"Slack refuses the token ({code(identity.error)}).")
            return Check(Area.SLACK, name, Outcome.FAIL, detail, put_token)
        return Check(
            Area.SLACK,
            name,
            Outcome.FAIL,
            Trusted(f"Slack answered `auth.test` with {code(identity.error)}."),
            Trusted("Try again in a minute."),
        )
    if not identity.bot_id:
        detail = Trusted("This is not a bot token: Slack knows no bot for it (a user token?).")
        return Check(Area.SLACK, name, Outcome.FAIL, detail, put_token)
    workspace = f"*{text(identity.team or 'unnamed', 80)}* ({code(identity.team_id or '?')})"
    if (
        team_id
        and identity.team_id
        and team_id != identity.team_id
        and not identity.enterprise_install
    ):
        return Check(
            Area.SLACK,
            name,
            Outcome.FAIL,
            Trusted(
                f"The token is for the workspace {workspace}, but this command came from"
                f" {code(team_id)}: the bot posts in the other workspace."
            ),
            Trusted(f"Put this workspace's bot token in {source}, then redeploy."),
        )
    bot = f"*{text(identity.user or 'the bot', 80)}*" + (
        f" ({code(identity.user_id)})" if identity.user_id else ""
    )
    return Check(Area.SLACK, name, Outcome.OK, Trusted(f"{bot} in the workspace {workspace}."))


def scopes_check(identity: SlackIdentity, source: Trusted) -> Check:
    """The token has every scope of the manifest."""
    name = Trusted("Bot scopes")
    if not identity.ok:
        return Check(Area.SLACK, name, Outcome.SKIP, Trusted("Needs a token Slack accepts."))
    if identity.scopes is None:
        detail = Trusted("Slack did not say which scopes the token has (no `x-oauth-scopes`).")
        return Check(Area.SLACK, name, Outcome.SKIP, detail)
    missing = [s for s in REQUIRED_SCOPES if s not in identity.scopes]
    extra = sorted(identity.scopes - set(REQUIRED_SCOPES))
    if missing:
        why = "; ".join(f"{code(s)}: {REQUIRED_SCOPES[s]}" for s in missing)
        them = "it" if len(missing) == 1 else "them"
        return Check(
            Area.SLACK,
            name,
            Outcome.FAIL,
            Trusted(f"Missing {why}."),
            Trusted(
                f"Add {them} to the app (api.slack.com/apps: paste `slack-app-manifest.yml` under"
                f" *App Manifest*, or add {them} under *OAuth &amp; Permissions*), then *Reinstall"
                f" to Workspace*. If the bot token changes, put the new one in {source}."
            ),
        )
    granted = f"All {len(REQUIRED_SCOPES)} the bot uses: {_codes(REQUIRED_SCOPES)}."
    unused = f" Also granted, never used: {_codes(extra)}." if extra else ""
    return Check(Area.SLACK, name, Outcome.OK, Trusted(granted + unused))


# --- channels ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChannelTarget:
    """A channel the bot posts to: the default one, and/or one with subscriptions."""

    channel: str
    default: bool = False
    subscriptions: int = 0


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What ``conversations.info`` said. ``error``: Slack's code (``needed``: the scope a
    ``missing_scope`` asks for); ``unreachable``: why Slack did not answer."""

    channel: str
    error: str | None = None
    needed: str | None = None
    unreachable: str | None = None
    name: str | None = None
    private: bool = False
    archived: bool = False
    member: bool = False


def channel_targets(
    default_channel: str | None, subscribed: Iterable[str], failures: Mapping[str, ChannelFailure]
) -> list[ChannelTarget]:
    """The channels to check, most telling first: the default channel, the channels Slack has
    refused (broken ones first), then the others, each once."""
    counts: dict[str, int] = {}
    for channel in subscribed:
        counts[channel] = counts.get(channel, 0) + 1
    targets = (
        [ChannelTarget(default_channel, True, counts.pop(default_channel, 0))]
        if (default_channel)
        else []
    )

    def rank(channel: str) -> tuple[int, str]:
        failure = failures.get(channel)
        return (0 if is_broken(failure) else 1 if failure else 2, channel)

    targets += [ChannelTarget(c, False, counts[c]) for c in sorted(counts, key=rank)]
    return targets


def channel_name(target: ChannelTarget, info: ChannelInfo | None) -> Trusted:
    """``#name (`C…`)`` once Slack has said the name, else the id."""
    if info is not None and info.name:
        return Trusted(f"#{text(info.name, 80)} ({code(target.channel)})")
    return code(target.channel)


def channel_roles(target: ChannelTarget) -> str:
    """``Default channel, 2 subscriptions.``"""
    roles = []
    if target.default:
        roles.append("default channel")
    if target.subscriptions:
        roles.append(_plural(target.subscriptions, "subscription"))
    return (", ".join(roles) + ".").capitalize() if roles else ""


def _channel_fix(target: ChannelTarget, remedy: str) -> Trusted:
    if target.default:
        return Trusted(f"{remedy}, or set `defaultChannel` to a channel the bot can post in.")
    return Trusted(f"{remedy}, or run {UNSUBSCRIBE_ALL} in it if it is not wanted any more.")


def channel_check(
    target: ChannelTarget,
    info: ChannelInfo | None,
    identity: SlackIdentity,
    failure: ChannelFailure | None,
    now: float,
) -> Check:
    """Whether the bot can post in a channel: Slack's view of it now, and the refusals the
    deliveries met (``failure``: the store's record, which pauses a broken channel)."""
    name = channel_name(target, info)
    record = _record(failure, now)
    paused = (
        is_broken(failure) and failure is not None and now - failure.last_at < RETRY_BROKEN_SECONDS
    )

    def result(outcome: Outcome, detail: str, fix: str | None = None) -> Check:
        full = " ".join(part for part in (channel_roles(target), detail, record) if part)
        return Check(Area.CHANNELS, name, outcome, Trusted(full), Trusted(fix) if fix else None)

    invite = f"Invite the bot with {INVITE} in it"
    # Not checked now, but paused by the deliveries' refusals: a failure, fixed as they say.
    unknown = Outcome.FAIL if paused else Outcome.SKIP
    remembered = None
    if paused and failure is not None:
        remedy = "Unarchive it" if failure.reason == "is_archived" else invite
        remembered = _channel_fix(target, remedy)
    if not identity.ok:
        return result(unknown, "Not checked: needs a token Slack accepts.", remembered)
    if info is None:
        return result(
            Outcome.FAIL,
            "Slack did not answer `conversations.info` in time.",
            "Try again in a minute.",
        )
    if info.unreachable is not None:
        return result(
            Outcome.FAIL,
            f"Slack did not answer `conversations.info` ({code(info.unreachable)}).",
            "Try again in a minute.",
        )
    if info.error not in (None, "missing_scope", "channel_not_found"):
        return result(
            Outcome.FAIL,
            f"Slack answered `conversations.info` with {code(info.error)}.",
            "Try again in a minute.",
        )
    if info.error == "missing_scope":
        scope = info.needed or "?"
        if scope in REQUIRED_SCOPES:
            detail = f"Not checked: the token lacks {code(scope)} (see *Bot scopes*)."
        else:
            detail = (
                f"Not checked: Slack needs {code(scope)} to describe this conversation,"
                " a scope the bot does not ask for."
            )
        return result(unknown, detail, remembered)
    if info.error == "channel_not_found":
        return result(
            Outcome.FAIL,
            "The channel does not exist for the bot: deleted, or private without the bot.",
            _channel_fix(target, invite),
        )
    if info.archived:
        return result(
            Outcome.FAIL,
            "The channel is archived.",
            _channel_fix(target, "Unarchive it"),
        )
    if not info.member and info.private:
        return result(
            Outcome.FAIL, "A private channel the bot is not in.", _channel_fix(target, invite)
        )
    if not info.member and identity.scopes is not None and WRITE_PUBLIC not in identity.scopes:
        return result(
            Outcome.FAIL,
            f"The bot is not in it, and without {code(WRITE_PUBLIC)} it cannot post there.",
            _channel_fix(target, invite),
        )
    how = "the bot is in it" if info.member else f"a public channel ({code(WRITE_PUBLIC)})"
    if paused and failure is not None:
        return result(
            Outcome.FAIL,
            f"Slack lets the bot post here now ({how}), but events are paused.",
            f"Nothing to do if it was just fixed: the first event after"
            f" {_time(failure.last_at + RETRY_BROKEN_SECONDS)} is delivered and clears it.",
        )
    return result(Outcome.OK, f"The bot can post here: {how}.")


def _record(failure: ChannelFailure | None, now: float) -> str:
    """The deliveries' refusals, in words (mrkdwn), or ""."""
    if failure is None or failure.failures < 1:
        return ""
    words = refusal_words(failure.reason)  # mrkdwn: an unknown code is shown escaped
    refused = _plural(failure.failures, "event")
    since = _time(failure.since)
    if is_broken(failure) and now - failure.last_at < RETRY_BROKEN_SECONDS:
        again = _time(failure.last_at + RETRY_BROKEN_SECONDS)
        return (
            f"Slack refused the last {refused} here since {since} ({words}), so its"
            f" subscriptions are paused until {again}."
        )
    return f"Slack refused the last {refused} here since {since} ({words})."


def unchecked_channels_check(targets: Sequence[ChannelTarget]) -> Check:
    """The channels past the limit of one run."""
    names = _codes(t.channel for t in targets[:20]) + (" …" if len(targets) > 20 else "")
    return Check(
        Area.CHANNELS,
        Trusted(f"{_plural(len(targets), 'more channel')}"),
        Outcome.SKIP,
        Trusted(f"Not checked in this run (a limit per run, for Slack's rate limits): {names}."),
    )


def subscribed_channels_unknown() -> Check:
    """The store could not say which channels have subscriptions."""
    return Check(
        Area.CHANNELS,
        Trusted("Subscribed channels"),
        Outcome.SKIP,
        Trusted("Not checked: the state store could not be read (below)."),
    )


# --- secrets -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SecretFacts:
    """What reading one configured secret found: never its value, only what it looks like.

    ``label``: what the report calls it (``Token parameter``); ``parameter``: the configured
    name (an SSM parameter, or ``secretsmanager:NAME``); ``env_name``: the variable that holds
    it locally; ``from_environment``: the value in use came from there. ``shape``:
    :func:`secret_shape` of the stored value; ``padded``: it has spaces or a newline around
    it; ``in_use``: it is the value the bot uses (None: not known here)."""

    label: str
    parameter: str | None
    env_name: str
    token: bool = False  # the bot token (else the signing secret)
    from_environment: bool = False
    error: AwsError | None = None
    parameter_type: str | None = None
    shape: str | None = None
    padded: bool = False
    in_use: bool | None = None


BOT_TOKEN = "bot token"  # noqa: S105 - the name of a kind of value, not a value
_TOKEN_PREFIXES = (
    ("xoxb-", BOT_TOKEN),
    ("xoxp-", "user token"),
    ("xoxe", "refresh token"),
    ("xapp-", "app-level token"),
    ("xox", "Slack token"),
)
_NOT_FOUND = frozenset({"ParameterNotFound", "ResourceNotFoundException"})


def secret_shape(value: str) -> str:
    """What a secret looks like, in a word or two that name no part of it."""
    stripped = value.strip()
    if not stripped:
        return "empty"
    for prefix, shape in _TOKEN_PREFIXES:
        if stripped.startswith(prefix):
            return shape
    return "secret"


def secret_check(facts: SecretFacts) -> Check:
    name = Trusted(escape.mrkdwn_escape(facts.label))
    if facts.from_environment:
        detail = f"From the environment ({code(facts.env_name)}): no parameter to check."
        if facts.parameter:
            detail += f" {code(facts.parameter)} is configured but not read."
        return Check(Area.SECRETS, name, Outcome.SKIP, Trusted(detail))
    if not facts.parameter:
        return Check(Area.SECRETS, name, Outcome.SKIP, Trusted("Not configured."))
    manager = facts.parameter.startswith("secretsmanager:")
    stored = facts.parameter.removeprefix("secretsmanager:")
    where = code(stored)
    put = f"aws ssm put-parameter --type SecureString --name {stored} --value '…'"
    delete = f"aws ssm delete-parameter --name {stored}"
    create = (
        f"Create the secret {where} in Secrets Manager, in this account and region."
        if manager
        else f"Create it: {escape.code(put)}."
    )
    if facts.error is not None:
        if facts.error.code in _NOT_FOUND:
            return Check(
                Area.SECRETS,
                name,
                Outcome.FAIL,
                Trusted(f"{where} does not exist (in this account and region)."),
                Trusted(create),
            )
        if isinstance(facts.error, AwsPermissionError):
            grant = (
                f"Grant `secretsmanager:GetSecretValue` on {where} to the functions' roles"
                " (the `secretsManagerSecretName` deploy parameter does it)."
                if manager
                else f"Grant `ssm:GetParameter` on {where} to the functions' roles"
                " (`SlackSecretsSsm` in serverless.yml), and `kms:Decrypt` on its key."
            )
            return Check(
                Area.SECRETS,
                name,
                Outcome.FAIL,
                Trusted(f"The bot may not read {where}: {text(facts.error)}"),
                Trusted(grant),
            )
        return Check(
            Area.SECRETS,
            name,
            Outcome.FAIL,
            Trusted(f"Could not read {where}: {text(facts.error)}"),
            Trusted("Try again in a minute."),
        )
    expected = BOT_TOKEN if facts.token else "secret"
    rewrite = (
        f"Store the right value in {where}"
        + ("" if manager else " (`aws ssm put-parameter --overwrite …`)")
        + ", then redeploy so the functions read it again."
    )
    if facts.shape != expected:
        if expected == BOT_TOKEN:
            detail = f"{where} holds {_a(facts.shape)}, not a bot token (`xoxb-…`)."
        else:
            detail = f"{where} holds {_a(facts.shape)}, not the app's *Signing Secret*."
        return Check(Area.SECRETS, name, Outcome.FAIL, Trusted(detail), Trusted(rewrite))
    if facts.padded:
        return Check(
            Area.SECRETS,
            name,
            Outcome.FAIL,
            Trusted(f"{where} has spaces or a line break around the value; Slack will refuse it."),
            Trusted(rewrite),
        )
    if facts.parameter_type is not None and facts.parameter_type != "SecureString":
        return Check(
            Area.SECRETS,
            name,
            Outcome.FAIL,
            Trusted(f"{where} is a plain {code(facts.parameter_type)}: not encrypted."),
            Trusted(f"Make it a SecureString: {escape.code(delete)}, then {escape.code(put)}."),
        )
    kind = "a SecureString" if facts.parameter_type == "SecureString" else "a secret"
    holding = "a bot token" if expected == BOT_TOKEN else "a signing secret"
    if facts.in_use is False:
        return Check(
            Area.SECRETS,
            name,
            Outcome.FAIL,
            Trusted(
                f"{where} holds another {facts.shape} than the one this function uses: it"
                " changed after the function started, and each instance reads it once."
            ),
            Trusted("Redeploy (or update the functions' configuration) so new instances read it."),
        )
    same = ", the one in use" if facts.in_use else ""
    return Check(
        Area.SECRETS, name, Outcome.OK, Trusted(f"{where}: {kind} holding {holding}{same}.")
    )


def _a(shape: str | None) -> str:
    if shape in (None, "empty"):
        return "nothing"
    return f"an {shape}" if shape.startswith("app") else f"a {shape}"


# --- the store -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """A cheap read and a harmless write (a lock taken and given back) on the store."""

    url: str
    subscriptions: int | None = None
    channels: int | None = None
    refused_channels: int | None = None
    wrote: bool | None = None
    error: str | None = None  # what went wrong, in a sentence


def store_location(url: str) -> tuple[str, str]:
    """``("dynamodb", TABLE)`` or ``("sqlite", PATH)`` for a store URL."""
    kind, sep, rest = url.strip().partition("://")
    if sep and kind.lower() == "dynamodb":
        return "dynamodb", rest.strip("/")
    if sep and kind.lower() == "sqlite":
        return "sqlite", rest.removeprefix("/") or ":memory:"
    return "sqlite", url.strip()


def store_check(facts: StoreFacts) -> Check:
    kind, where = store_location(facts.url)
    if kind == "dynamodb":
        name, what = Trusted("DynamoDB table"), f"Table {code(where)}"
        fix = (
            f"Check that the table {code(where)} exists in this account and region"
            " (`CHATOPS_STORE`), and that the role may `GetItem`, `PutItem`, `UpdateItem`,"
            " `DeleteItem`, `Query` and `ConditionCheckItem` on it (`StateTable` in"
            " serverless.yml)."
        )
    else:
        name, what = Trusted("SQLite store"), f"{code(where)} (local mode)"
        fix = "Check the path (`CHATOPS_STORE`) and that its directory is writable."
    if facts.error is not None:
        detail = f"{what}: {text(facts.error)}"
        return Check(Area.STORE, name, Outcome.FAIL, Trusted(detail), Trusted(fix))
    if facts.wrote is False:
        detail = f"{what}: read, but a lock could not be taken."
        return Check(Area.STORE, name, Outcome.FAIL, Trusted(detail), Trusted(fix))
    read = (
        f"read {_plural(facts.subscriptions or 0, 'subscription')}"
        f" in {_plural(facts.channels or 0, 'channel')}"
        f" and {_plural(facts.refused_channels or 0, 'refused channel')}"
    )
    return Check(
        Area.STORE, name, Outcome.OK, Trusted(f"{what}: {read}; took and gave back a lock.")
    )


# --- AWS -----------------------------------------------------------------------------------


def _no_credentials(error: BaseException | None) -> bool:
    return isinstance(error, AwsError) and error.code == NO_CREDENTIALS


def identity_check(
    identity: Identity | None,
    error: AwsError | None,
    local: bool,
    configured_account: str | None = None,
) -> Check:
    """Whose credentials the bot has, and whether that is the account it is told it is in
    (``CHATOPS_ACCOUNT_ID``, which decides who may read what)."""
    name = Trusted("Credentials")
    if identity is not None:
        role = role_name(identity.arn)
        who = f"the role {code(role)}" if role else code(identity.arn)
        region = f" in {code(identity.region)}" if identity.region else ""
        found = f"Account {code(identity.account)}, as {who}{region}."
        if configured_account and configured_account != identity.account:
            return Check(
                Area.AWS,
                name,
                Outcome.FAIL,
                Trusted(
                    f"{found} But `CHATOPS_ACCOUNT_ID` is {code(configured_account)}: this"
                    " account's resources count as another account's, which only the users"
                    " named in the settings may read."
                ),
                Trusted(
                    f"Set `CHATOPS_ACCOUNT_ID` to {code(identity.account)} (serverless.yml sets it"
                    " to the stack's account: redeploy if it was overridden)."
                ),
            )
        if not configured_account:
            found += (
                " `CHATOPS_ACCOUNT_ID` is not set, so every account counts as another's: only"
                " the users named in the settings may read resources."
            )
        return Check(Area.AWS, name, Outcome.OK, Trusted(found))
    if _no_credentials(error) and local:
        return Check(
            Area.AWS,
            name,
            Outcome.SKIP,
            Trusted(
                "No AWS credentials (local mode): `status`, `inspect`, approvals and the AWS"
                " checks need them."
            ),
            Trusted("To use them locally, set `AWS_PROFILE` (or the `AWS_*` variables)."),
        )
    return Check(
        Area.AWS,
        name,
        Outcome.FAIL,
        Trusted(f"AWS does not know the bot's credentials: {text(error or 'no answer')}"),
        Trusted("Check the function's role, or the credentials in its environment."),
    )


def role_name(arn: str) -> str | None:
    """The role of an STS or IAM ARN (``…:assumed-role/ROLE/SESSION``, ``…:role/PATH/ROLE``);
    None for a user or anything else."""
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) == 6 else ""
    if resource.startswith("assumed-role/"):
        return resource.split("/")[1] or None
    if resource.startswith("role/"):
        return resource.rsplit("/", 1)[-1] or None
    return None


def permissions_check(
    label: str,
    probes: Sequence[Probe] | None,
    *,
    error: BaseException | None = None,
    where: str | None = None,
    local: bool = False,
) -> Check:
    """Probes of one service: ✓ when AWS allowed each, ✗ naming what it denied."""
    name = Trusted(escape.mrkdwn_escape(label))
    place = f" ({where})" if where else ""
    errors: list[BaseException] = [p.error for p in probes or () if p.error is not None]
    if error is not None:
        errors.append(error)
    if local and errors and all(_no_credentials(e) for e in errors):
        return Check(Area.AWS, name, Outcome.SKIP, Trusted("No AWS credentials (local mode)."))
    if probes is None or error is not None:
        return Check(
            Area.AWS,
            name,
            Outcome.FAIL,
            Trusted(f"Not checked: {text(error or 'no client')}"),
            Trusted("Try again in a minute; the slack function's logs have the details."),
        )
    denied = [p for p in probes if p.allowed is False]
    unknown = [p for p in probes if p.allowed is None]
    allowed = [p.action for p in probes if p.allowed]
    if denied:
        statements = sorted({IAM_STATEMENTS.get(p.action, "?") for p in denied})
        credentials = [p for p in denied if p.error is not None and _credential_error(p.error)]
        detail = f"Denied: {_codes(p.action for p in denied)}{place}."
        if allowed:
            detail += f" Allowed: {_codes(allowed)}."
        if credentials:
            detail += f" AWS: {text(credentials[0].error)}"
        fix = (
            f"Grant {_codes(p.action for p in denied)} to the slack function's role"
            f" ({_codes(statements)} in serverless.yml has it: redeploy if the role was"
            " changed), and check that no SCP or permissions boundary denies it."
        )
        return Check(Area.AWS, name, Outcome.FAIL, Trusted(detail), Trusted(fix))
    if unknown:
        first = unknown[0]
        return Check(
            Area.AWS,
            name,
            Outcome.FAIL,
            Trusted(f"Could not check {code(first.action)}{place}: {text(first.error)}"),
            Trusted("Try again in a minute."),
        )
    return Check(Area.AWS, name, Outcome.OK, Trusted(f"Allowed: {_codes(allowed)}{place}."))


def _credential_error(error: AwsError) -> bool:
    return isinstance(error, AwsPermissionError) and error.code not in (
        None,
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "AuthorizationError",
    )


def s3_check() -> Check:
    """Nothing to check: the bot reads nothing from S3."""
    return Check(
        Area.AWS,
        Trusted("S3"),
        Outcome.SKIP,
        Trusted(
            "Not used: the bot reads nothing from S3 (an S3 URI in a message is a link to the"
            " console), so its role needs no S3 permission."
        ),
    )


def cross_account_check(
    role: str, account: str | None, probes: Sequence[Probe] | None, error: BaseException | None
) -> Check:
    """The cross-account role in one account named by a subscription (or none named)."""
    if account is None:
        return Check(
            Area.AWS,
            Trusted(f"Role {code(role)} in other accounts"),
            Outcome.SKIP,
            Trusted(
                "No subscription names another account (`account=`): the role is assumed when a"
                " command or a button is about a resource there."
            ),
        )
    label = f"Role {role} in {account}"
    if error is not None:
        return Check(
            Area.AWS,
            Trusted(f"Role {code(role)} in {code(account)}"),
            Outcome.FAIL,
            Trusted(f"Could not assume it: {text(error)}"),
            Trusted(
                f"Create the role {code(role)} in {code(account)} with"
                " `deploy/cross-account-role.yml`, trusting the slack function's role"
                " (the `SlackRoleArn` output)."
            ),
        )
    check = permissions_check(label, probes)
    return replace(check, name=Trusted(f"Role {code(role)} in {code(account)}"))


# --- the message ---------------------------------------------------------------------------


@dataclass(slots=True)
class Section:
    """Checks of one area that fit one section block; ``title`` only on an area's first."""

    title: str | None
    checks: list[dict[str, Any]] = field(default_factory=list)


def _folded(checks: Sequence[Check]) -> list[Check]:
    """Subscribed channels the bot can post in, past the first few, as one line."""
    fine = [c for c in checks if c.area is Area.CHANNELS and c.outcome is Outcome.OK]
    if len(fine) <= CHANNELS_LISTED:
        return list(checks)
    rest = fine[CHANNELS_LISTED - 1 :]
    names = ", ".join(c.name for c in rest[:30])
    line = Check(
        Area.CHANNELS,
        Trusted(f"{len(rest)} more channels"),
        Outcome.OK,
        Trusted(f"The bot can post in each: {names}{' …' if len(rest) > 30 else ''}."),
    )
    kept = [c for c in checks if c not in rest]
    at = max(i for i, c in enumerate(kept) if c.area is Area.CHANNELS) + 1
    return [*kept[:at], line, *kept[at:]]


def _size(check: Check) -> int:
    return len(check.name) + len(check.detail) + len(check.fix or "") + LINE_OVERHEAD


def sections(report: Report) -> list[Section]:
    """The checks by area, in the order of :class:`Area`, packed into section blocks."""
    found: list[Section] = []
    checks = _folded(report.checks)
    for area in Area:
        size = SECTION_BUDGET + 1
        title: str | None = area.value
        for check in (c for c in checks if c.area is area):
            if size + _size(check) > SECTION_BUDGET:
                found.append(Section(title))
                title, size = None, 0
            found[-1].checks.append(
                {
                    "emoji": EMOJI[check.outcome],
                    "outcome": check.outcome.value,
                    "name": check.name,
                    "detail": check.detail,
                    "fix": check.fix,
                }
            )
            size += _size(check)
    return found


def headline(report: Report) -> str:
    failed = report.count(Outcome.FAIL)
    if failed:
        return f"{_plural(failed, 'problem')} found"
    return "all good"


def summary(report: Report) -> str:
    """The notification text: plain, no mrkdwn."""
    counts = " · ".join(f"{SYMBOL[o]} {report.count(o)}" for o in Outcome if report.count(o))
    return f"Doctor: {headline(report)} ({counts})"


def doctor_variables(report: Report) -> dict[str, Any]:
    """The template's variables."""
    return {
        "report": report,
        "headline": headline(report),
        "summary": summary(report),
        "sections": sections(report),
        "failed": report.count(Outcome.FAIL),
        "seconds": f"{report.seconds:.1f}",
    }


def doctor_message(renderer: Renderer, report: Report) -> Message:
    """The report as a Slack message; a plain one if the template fails."""
    try:
        return renderer.render_template(TEMPLATE, doctor_variables(report))
    except TemplateError:
        # A broken override of doctor.json.j2 must not leave the admin with nothing.
        logger.exception("doctor template failed; sending plain lines")
        return minimal_doctor(report)


def minimal_doctor(report: Report) -> Message:
    """The report without templates: one line per check."""
    lines = [f"*{escape.mrkdwn_escape(summary(report))}*"]
    for check in report.checks:
        line = f"{EMOJI[check.outcome]} *{check.name}*: {check.detail}"
        if check.fix:
            line += f" → {check.fix}"
        lines.append(line)
    return section_message("\n".join(lines))
