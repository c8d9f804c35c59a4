"""doctor's decisions and words: facts in, checks out (pure, no I/O), and the report message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.aws.errors import (
    NO_CREDENTIALS,
    AwsPermissionError,
    AwsRequestError,
    AwsThrottledError,
    ResourceNotFoundError,
)
from bot.aws.probes import Identity, Probe
from bot.delivery.routing import BROKEN_AFTER_FAILURES, RETRY_BROKEN_SECONDS
from bot.render.escape import Trusted
from bot.render.renderer import Renderer
from bot.service import diagnosis as d
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
from bot.store import ChannelFailure
from tests.standins.slack_api import validate_blocks

NOW = 1_800_000_000.0
GOOD = SlackIdentity(
    team="Acme",
    team_id="T1",
    user="chatops",
    user_id="U0BOT",
    bot_id="B1",
    scopes=frozenset(d.REQUIRED_SCOPES),
)
SOURCE = d.token_source("/chatops/prod/slack-bot-token", False)
DENIED = AwsPermissionError("The bot is not allowed to call x.", code="AccessDeniedException")
NO_CREDS = AwsPermissionError("The bot has no AWS credentials.", code=NO_CREDENTIALS)


def failure(count: int, reason: str = "not_in_channel", ago: float = 60.0) -> ChannelFailure:
    return ChannelFailure("C1", count, reason, NOW - ago - 100, NOW - ago)


# --- small parts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("xoxb-1-2-abc", "bot token"),
        ("  xoxb-1  \n", "bot token"),
        ("xoxp-1-2", "user token"),
        ("xoxe.xoxp-1", "refresh token"),
        ("xapp-1-A1-2", "app-level token"),
        ("xoxa-2", "Slack token"),
        ("8f742231b10e8888abcd99yyyzzz85a5", "secret"),
        ("", "empty"),
        (" \n", "empty"),
    ],
)
def test_secret_shape_names_a_kind_never_a_part(value: str, shape: str) -> None:
    assert d.secret_shape(value) == shape


@pytest.mark.parametrize(
    ("arn", "role"),
    [
        (
            "arn:aws:sts::123456789012:assumed-role/chatops-prod-slack/fn-session",
            "chatops-prod-slack",
        ),
        ("arn:aws:iam::123456789012:role/ops/chatops", "chatops"),
        ("arn:aws-cn:sts::123456789012:assumed-role/r/s", "r"),
        ("arn:aws:iam::123456789012:user/alice", None),
        ("arn:aws:sts::123456789012:user/moto", None),
        ("not an arn", None),
    ],
)
def test_role_name(arn: str, role: str | None) -> None:
    assert d.role_name(arn) == role


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("dynamodb://chatops-prod", ("dynamodb", "chatops-prod")),
        ("sqlite:///.chatops/state.sqlite3", ("sqlite", ".chatops/state.sqlite3")),
        ("sqlite:////var/state.sqlite3", ("sqlite", "/var/state.sqlite3")),
        ("sqlite://", ("sqlite", ":memory:")),
        ("state.sqlite3", ("sqlite", "state.sqlite3")),
    ],
)
def test_store_location(url: str, location: tuple[str, str]) -> None:
    assert d.store_location(url) == location


def test_channel_targets_default_first_then_the_refused_then_the_rest() -> None:
    failures = {"C0BROKEN": failure(BROKEN_AFTER_FAILURES), "C0FLAKY": failure(1)}
    subscribed = ["C0ZZZ", "C0FLAKY", "C0AAA", "C0BROKEN", "C0DEFAULT", "C0AAA"]
    targets = d.channel_targets("C0DEFAULT", subscribed, failures)
    assert targets == [
        ChannelTarget("C0DEFAULT", default=True, subscriptions=1),
        ChannelTarget("C0BROKEN", subscriptions=1),
        ChannelTarget("C0FLAKY", subscriptions=1),
        ChannelTarget("C0AAA", subscriptions=2),
        ChannelTarget("C0ZZZ", subscriptions=1),
    ]
    assert d.channel_targets(None, [], {}) == []


# --- Slack ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identity", "team", "outcome", "says"),
    [
        (GOOD, "T1", Outcome.OK, "*chatops* (`U0BOT`) in the workspace *Acme* (`T1`)."),
        (GOOD, None, Outcome.OK, "in the workspace *Acme*"),
        (SlackIdentity(unreachable="ConnectionError"), "T1", Outcome.FAIL, "did not answer"),
        (SlackIdentity(error="invalid_auth"), "T1", Outcome.FAIL, "refuses the token"),
        (SlackIdentity(error="token_revoked"), "T1", Outcome.FAIL, "(`token_revoked`)"),
        (SlackIdentity(error="ratelimited"), "T1", Outcome.FAIL, "answered `auth.test` with"),
        (SlackIdentity(team_id="T1", user_id="U1"), "T1", Outcome.FAIL, "not a bot token"),
        (GOOD, "T2", Outcome.FAIL, "but this command came from `T2`"),
    ],
)
def test_token_check(
    identity: SlackIdentity, team: str | None, outcome: Outcome, says: str
) -> None:
    check = d.token_check(identity, team, SOURCE)
    assert (check.area, check.name, check.outcome) == (Area.SLACK, "Bot token", outcome)
    assert says in check.detail
    assert (check.fix is not None) == (outcome is Outcome.FAIL)


def test_an_org_wide_install_may_answer_for_another_workspace() -> None:
    org = SlackIdentity(team="Org", team_id="E1", bot_id="B1", enterprise_install=True)
    assert d.token_check(org, "T9", SOURCE).outcome is Outcome.OK


def test_a_refused_token_says_where_to_put_the_new_one() -> None:
    fix = d.token_check(SlackIdentity(error="invalid_auth"), None, SOURCE).fix or ""
    assert "the SSM parameter `/chatops/prod/slack-bot-token` (SecureString)" in fix
    local = d.token_source(None, True)
    fix = d.token_check(SlackIdentity(error="invalid_auth"), None, local).fix or ""
    assert "the environment variable `SLACK_BOT_TOKEN`" in fix
    manager = d.token_source("secretsmanager:chatops/slack", False)
    assert manager == "the Secrets Manager secret `chatops/slack`"


def test_scopes_check() -> None:
    assert d.scopes_check(GOOD, SOURCE).outcome is Outcome.OK
    extra = SlackIdentity(bot_id="B", scopes=frozenset({*d.REQUIRED_SCOPES, "files:write"}))
    assert "Also granted, never used: `files:write`." in d.scopes_check(extra, SOURCE).detail
    # An app installed before owners were mentioned lacks the email lookup's scopes.
    before = SlackIdentity(
        bot_id="B", scopes=frozenset(d.REQUIRED_SCOPES) - {"users:read", "users:read.email"}
    )
    check = d.scopes_check(before, SOURCE)
    assert check.outcome is Outcome.FAIL
    assert "`users:read.email`: mention a resource's owner named by an email tag" in check.detail
    assert "Reinstall" in (check.fix or "")
    missing = SlackIdentity(bot_id="B", scopes=frozenset({"chat:write", "commands"}))
    check = d.scopes_check(missing, SOURCE)
    assert check.outcome is Outcome.FAIL
    assert check.detail.startswith("Missing `chat:write.public`: post in public channels")
    assert "`groups:read`" in check.detail and "`chat:write`:" not in check.detail
    unsaid = SlackIdentity(bot_id="B", scopes=None)
    assert d.scopes_check(unsaid, SOURCE).outcome is Outcome.SKIP
    assert d.scopes_check(SlackIdentity(error="invalid_auth"), SOURCE).outcome is Outcome.SKIP


# --- channels ------------------------------------------------------------------------------

SUBSCRIBED = ChannelTarget("C1", subscriptions=2)
DEFAULT = ChannelTarget("C1", default=True)
PUBLIC = ChannelInfo("C1", name="alerts", member=True)
NO_PUBLIC = SlackIdentity(bot_id="B", scopes=frozenset(d.REQUIRED_SCOPES) - {"chat:write.public"})


@pytest.mark.parametrize(
    ("info", "identity", "record", "outcome", "says"),
    [
        (PUBLIC, GOOD, None, Outcome.OK, "The bot can post here: the bot is in it."),
        (
            ChannelInfo("C1", name="open"),
            GOOD,
            None,
            Outcome.OK,
            "a public channel (`chat:write.public`)",
        ),
        (ChannelInfo("C1", name="open"), NO_PUBLIC, None, Outcome.FAIL, "without `chat:write"),
        (ChannelInfo("C1", name="p", private=True), GOOD, None, Outcome.FAIL, "private channel"),
        (
            ChannelInfo("C1", name="old", archived=True, member=True),
            GOOD,
            None,
            Outcome.FAIL,
            "archived",
        ),
        (ChannelInfo("C1", error="channel_not_found"), GOOD, None, Outcome.FAIL, "does not exist"),
        (ChannelInfo("C1", error="ratelimited"), GOOD, None, Outcome.FAIL, "with `ratelimited`"),
        (ChannelInfo("C1", unreachable="TimeoutError"), GOOD, None, Outcome.FAIL, "TimeoutError"),
        (None, GOOD, None, Outcome.FAIL, "did not answer `conversations.info` in time"),
        (
            ChannelInfo("C1", error="missing_scope", needed="groups:read"),
            GOOD,
            None,
            Outcome.SKIP,
            "the token lacks `groups:read` (see *Bot scopes*)",
        ),
        (
            ChannelInfo("C1", error="missing_scope", needed="mpim:read"),
            GOOD,
            None,
            Outcome.SKIP,
            "a scope the bot does not ask for",
        ),
        (
            ChannelInfo("C1", error="missing_scope", needed="groups:read"),
            GOOD,
            failure(BROKEN_AFTER_FAILURES),
            Outcome.FAIL,
            "subscriptions are paused until",
        ),
        (PUBLIC, SlackIdentity(error="invalid_auth"), None, Outcome.SKIP, "needs a token"),
        (
            PUBLIC,
            SlackIdentity(error="invalid_auth"),
            failure(BROKEN_AFTER_FAILURES),
            Outcome.FAIL,
            "paused",
        ),
        (PUBLIC, GOOD, failure(BROKEN_AFTER_FAILURES), Outcome.FAIL, "but events are paused"),
        (PUBLIC, GOOD, failure(2), Outcome.OK, "Slack refused the last 2 events here since"),
        # Broken, but its retry is due: the next event tries it, nothing is paused.
        (PUBLIC, GOOD, failure(9, ago=RETRY_BROKEN_SECONDS + 1), Outcome.OK, "the last 9 events"),
    ],
)
def test_channel_check(
    info: ChannelInfo | None,
    identity: SlackIdentity,
    record: ChannelFailure | None,
    outcome: Outcome,
    says: str,
) -> None:
    check = d.channel_check(SUBSCRIBED, info, identity, record, NOW)
    assert check.area is Area.CHANNELS
    assert check.outcome is outcome, check.detail
    assert says in check.detail
    assert check.detail.startswith("2 subscriptions. ")
    # A failure always says how to fix it; one about the channel, also how to stop it
    assert (check.fix is not None) == (outcome is Outcome.FAIL)
    if check.fix is not None and "Try again" not in check.fix and "just fixed" not in check.fix:
        assert "`/sagemaker unsubscribe all`" in check.fix


def test_the_default_channels_fix_is_the_setting() -> None:
    check = d.channel_check(DEFAULT, ChannelInfo("C1", error="channel_not_found"), GOOD, None, NOW)
    assert check.detail.startswith("Default channel. The channel does not exist for the bot")
    assert check.fix == (
        "Invite the bot with `/invite @SageMaker ChatOps` in it, or set `defaultChannel` to a"
        " channel the bot can post in."
    )


def test_an_unknown_refusal_is_shown_escaped_once() -> None:
    check = d.channel_check(SUBSCRIBED, PUBLIC, GOOD, failure(2, reason="odd<code>"), NOW)
    assert "(Slack refuses messages here (`odd&lt;code&gt;`))" in check.detail
    assert "&amp;" not in check.detail


def test_a_paused_channel_that_works_again_says_when_it_recovers() -> None:
    check = d.channel_check(SUBSCRIBED, PUBLIC, GOOD, failure(BROKEN_AFTER_FAILURES), NOW)
    again = int(NOW - 60 + RETRY_BROKEN_SECONDS)
    assert check.fix is not None and f"<!date^{again}^" in check.fix
    assert "the bot is not in this channel" in check.detail  # the refusal, in words


# --- secrets -------------------------------------------------------------------------------

TOKEN = SecretFacts("Token parameter", "/p/token", "SLACK_BOT_TOKEN", token=True)
SIGNING = SecretFacts("Signing secret parameter", "/p/secret", "SLACK_SIGNING_SECRET")


def with_(facts: SecretFacts, **changes: object) -> SecretFacts:
    from dataclasses import replace

    return replace(facts, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("facts", "outcome", "says"),
    [
        (
            with_(TOKEN, parameter_type="SecureString", shape="bot token", in_use=True),
            Outcome.OK,
            "`/p/token`: a SecureString holding a bot token, the one in use.",
        ),
        (
            with_(SIGNING, parameter_type="SecureString", shape="secret"),
            Outcome.OK,
            "`/p/secret`: a SecureString holding a signing secret.",
        ),
        (
            with_(TOKEN, parameter="secretsmanager:chatops", shape="bot token", in_use=True),
            Outcome.OK,
            "`chatops`: a secret holding a bot token, the one in use.",
        ),
        (with_(TOKEN, from_environment=True), Outcome.SKIP, "is configured but not read"),
        (with_(TOKEN, parameter=None), Outcome.SKIP, "Not configured."),
        (
            with_(TOKEN, error=AwsRequestError("x", code="ParameterNotFound")),
            Outcome.FAIL,
            "`/p/token` does not exist",
        ),
        (with_(TOKEN, error=DENIED), Outcome.FAIL, "The bot may not read `/p/token`"),
        (
            with_(TOKEN, error=AwsThrottledError("AWS is throttling the bot.", code="Throttling")),
            Outcome.FAIL,
            "Could not read `/p/token`: AWS is throttling the bot.",
        ),
        (
            with_(TOKEN, parameter_type="SecureString", shape="user token"),
            Outcome.FAIL,
            "holds a user token, not a bot token (`xoxb-…`).",
        ),
        (
            with_(TOKEN, parameter_type="SecureString", shape="app-level token"),
            Outcome.FAIL,
            "holds an app-level token",
        ),
        (
            with_(SIGNING, parameter_type="SecureString", shape="bot token"),
            Outcome.FAIL,
            "holds a bot token, not the app's *Signing Secret*.",
        ),
        (
            with_(SIGNING, parameter_type="SecureString", shape="empty"),
            Outcome.FAIL,
            "holds nothing",
        ),
        (
            with_(TOKEN, parameter_type="SecureString", shape="bot token", padded=True),
            Outcome.FAIL,
            "spaces or a line break around the value",
        ),
        (
            with_(TOKEN, parameter_type="String", shape="bot token", in_use=True),
            Outcome.FAIL,
            "is a plain `String`: not encrypted.",
        ),
        (
            with_(TOKEN, parameter_type="SecureString", shape="bot token", in_use=False),
            Outcome.FAIL,
            "holds another bot token than the one this function uses",
        ),
    ],
)
def test_secret_check(facts: SecretFacts, outcome: Outcome, says: str) -> None:
    check = d.secret_check(facts)
    assert (check.area, check.outcome) == (Area.SECRETS, outcome), check.detail
    assert says in check.detail
    assert (check.fix is not None) == (outcome is Outcome.FAIL)


def test_secret_fixes_name_the_command_or_the_grant() -> None:
    missing = d.secret_check(with_(TOKEN, error=AwsRequestError("x", code="ParameterNotFound")))
    assert missing.fix == (
        "Create it: `aws ssm put-parameter --type SecureString --name /p/token --value '…'`."
    )
    sm = with_(
        TOKEN,
        parameter="secretsmanager:chatops",
        error=ResourceNotFoundError("x", code="ResourceNotFoundException"),
    )
    assert d.secret_check(sm).fix == (
        "Create the secret `chatops` in Secrets Manager, in this account and region."
    )
    denied = d.secret_check(with_(TOKEN, error=DENIED)).fix or ""
    assert "`ssm:GetParameter` on `/p/token`" in denied and "`kms:Decrypt`" in denied
    sm_denied = d.secret_check(with_(TOKEN, parameter="secretsmanager:c", error=DENIED)).fix
    assert sm_denied is not None and "`secretsmanager:GetSecretValue` on `c`" in sm_denied


# --- store and AWS -------------------------------------------------------------------------


def test_store_check() -> None:
    ok = d.store_check(StoreFacts("dynamodb://chatops-prod", 3, 2, 1, True))
    assert ok.outcome is Outcome.OK and ok.name == "DynamoDB table"
    assert ok.detail == (
        "Table `chatops-prod`: read 3 subscriptions in 2 channels and 1 refused channel;"
        " took and gave back a lock."
    )
    local = d.store_check(StoreFacts("sqlite:///state.sqlite3", 0, 0, 0, True))
    assert local.name == "SQLite store" and "`state.sqlite3` (local mode)" in local.detail
    broken = d.store_check(StoreFacts("dynamodb://t", error="DynamoDB table 't' does not exist"))
    assert broken.outcome is Outcome.FAIL and "`StateTable` in serverless.yml" in (broken.fix or "")
    stuck = d.store_check(StoreFacts("dynamodb://t", 0, 0, 0, wrote=False))
    assert stuck.outcome is Outcome.FAIL


def test_identity_check() -> None:
    me = Identity("123456789012", "arn:aws:sts::123456789012:assumed-role/bot-role/s", "eu-west-1")
    check = d.identity_check(me, None, False, "123456789012")
    assert check.detail == "Account `123456789012`, as the role `bot-role` in `eu-west-1`."
    assert d.identity_check(me, None, False, "123456789012") == check
    unset = d.identity_check(me, None, False, None)
    assert unset.outcome is Outcome.OK
    assert "`CHATOPS_ACCOUNT_ID` is not set, so every account counts as another's" in unset.detail
    wrong = d.identity_check(me, None, False, "210987654321")
    assert wrong.outcome is Outcome.FAIL
    assert "But `CHATOPS_ACCOUNT_ID` is `210987654321`" in wrong.detail
    assert (wrong.fix or "").startswith("Set `CHATOPS_ACCOUNT_ID` to `123456789012`")
    assert d.identity_check(None, NO_CREDS, local=True).outcome is Outcome.SKIP
    assert d.identity_check(None, NO_CREDS, local=False).outcome is Outcome.FAIL
    assert d.identity_check(None, DENIED, local=True).outcome is Outcome.FAIL


def test_permissions_check() -> None:
    allowed = [
        Probe("sagemaker:DescribeTrainingJob", True),
        Probe("sagemaker:ListModelPackages", True),
    ]
    # Allowed everywhere, also in local mode with credentials
    for local in (False, True):
        check = d.permissions_check("SageMaker", allowed, where="in `us-east-1`", local=local)
        assert check.outcome is Outcome.OK
        assert check.detail == (
            "Allowed: `sagemaker:DescribeTrainingJob`, `sagemaker:ListModelPackages`"
            " (in `us-east-1`)."
        )
    denied = [allowed[0], Probe("sagemaker:ListModelPackages", False, DENIED)]
    check = d.permissions_check("SageMaker", denied)
    assert check.outcome is Outcome.FAIL
    assert check.detail == (
        "Denied: `sagemaker:ListModelPackages`. Allowed: `sagemaker:DescribeTrainingJob`."
    )
    assert "`SageMakerList` in serverless.yml" in (check.fix or "")
    expired = AwsPermissionError("AWS rejected the bot's credentials.", code="ExpiredToken")
    check = d.permissions_check("SageMaker", [Probe("sagemaker:ListModelPackages", False, expired)])
    assert "AWS: AWS rejected the bot's credentials." in check.detail
    throttled = AwsThrottledError("AWS is throttling the bot.", code="Throttling")
    unknown = d.permissions_check(
        "SageMaker", [Probe("sagemaker:ListModelPackages", None, throttled)]
    )
    assert unknown.outcome is Outcome.FAIL and "Could not check" in unknown.detail
    nocreds = [Probe(p.action, False, NO_CREDS) for p in allowed]
    assert d.permissions_check("SageMaker", nocreds, local=True).outcome is Outcome.SKIP
    assert d.permissions_check("SageMaker", nocreds, local=False).outcome is Outcome.FAIL
    assert d.permissions_check("SageMaker", None, error=NO_CREDS, local=True).outcome is (
        Outcome.SKIP
    )


def test_every_probed_action_names_its_statement() -> None:
    from bot.aws import probes

    class Recorder:
        def __getattr__(self, name: str) -> object:
            return lambda **kwargs: None

    actions = {p.action for p in probes.sagemaker_permissions(Recorder())}  # type: ignore[arg-type]
    actions |= {p.action for p in probes.logs_permissions(Recorder())}  # type: ignore[arg-type]
    assert actions == set(d.IAM_STATEMENTS)


def test_cross_account_check() -> None:
    none = d.cross_account_check("chatops-access", None, None, None)
    assert none.outcome is Outcome.SKIP and "`account=`" in none.detail
    failed = d.cross_account_check("chatops-access", "111122223333", None, DENIED)
    assert failed.name == "Role `chatops-access` in `111122223333`"
    assert failed.outcome is Outcome.FAIL and "`deploy/cross-account-role.yml`" in (
        failed.fix or ""
    )
    ok = d.cross_account_check(
        "chatops-access", "111122223333", [Probe("sagemaker:DescribeTrainingJob", True)], None
    )
    assert ok.outcome is Outcome.OK and ok.name == "Role `chatops-access` in `111122223333`"


# --- the report ----------------------------------------------------------------------------


def channel(n: int, outcome: Outcome = Outcome.OK, long: bool = False) -> Check:
    name = Trusted(f"#{'x' * 78 if long else 'c'}{n} (`C{n:08d}`)")
    detail = Trusted(("A detail that goes on. " * 14 if long else "Fine.") + f" {n}")
    fix = Trusted("A fix that goes on. " * 14) if outcome is Outcome.FAIL else None
    return Check(Area.CHANNELS, name, outcome, detail, fix)


def sections_of(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_report_fits_slack_with_every_channel_failing_at_length() -> None:
    # GIVEN the longest report a run makes: every check failing, names and texts at length
    checks = [d.s3_check(), *(channel(i, Outcome.FAIL, long=True) for i in range(40))]
    checks.append(d.unchecked_channels_check([ChannelTarget(f"C{i}") for i in range(60)]))
    report = Report(tuple(checks), 19.96)
    message = d.doctor_message(Renderer(), report)
    # THEN Slack takes it as it is, every check is in it, and nothing was cut
    assert validate_blocks(message["blocks"]) == []
    texts = sections_of(message)
    assert all(len(t) <= 3000 for t in texts)
    assert "…" not in "".join(t[-1] for t in texts)
    for i in range(40):
        assert f"`C{i:08d}`" in "".join(texts)
    assert message["text"] == "Doctor: 40 problems found (✗ 40 · – 2)"
    assert message["blocks"][-1]["elements"][0]["text"].startswith("Checked in 20.0 s.")


def test_channels_that_are_fine_fold_into_one_line_past_the_first_few() -> None:
    checks = [channel(i) for i in range(10)] + [channel(99, Outcome.FAIL)]
    text = "\n".join(sections_of(d.doctor_message(Renderer(), Report(tuple(checks)))))
    assert text.count(":white_check_mark:") == d.CHANNELS_LISTED
    assert "*6 more channels*: The bot can post in each: #c4 (`C00000004`)" in text
    assert ":x: *#c99 (`C00000099`)*" in text  # a failure is never folded


def test_a_broken_template_override_still_gives_every_check(tmp_path: Path) -> None:
    (tmp_path / "doctor.json.j2").write_text('{"text": "{{ no_such_variable }}", "blocks": []}')
    report = Report((d.s3_check(), channel(1, Outcome.FAIL)), 1.0)
    message = d.doctor_message(Renderer(tmp_path), report)
    [text] = sections_of(message)
    assert text.startswith("*Doctor: 1 problem found (✗ 1 · – 1)*")
    assert ":heavy_minus_sign: *S3*: Not used" in text
    assert ":x: *#c1 (`C00000001`)*: Fine. 1 → A fix that goes on." in text


hostile = st.lists(
    st.sampled_from([*"<>&|!@#*_`~:\n\"'\\ab ", "<!channel>", "<@U1>", "\u2028", "```"]),
    max_size=20,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(team=hostile, name=hostile, code=hostile, parameter=hostile, reason=hostile)
def test_nothing_from_slack_aws_or_settings_can_mention_link_or_break_the_json(
    team: str, name: str, code: str, parameter: str, reason: str
) -> None:
    identity = SlackIdentity(team=team, team_id=code, user=name, user_id=code, bot_id="B")
    record = ChannelFailure("C1", BROKEN_AFTER_FAILURES, reason, NOW - 100, NOW - 10)
    checks = [
        d.token_check(identity, code, d.token_source(parameter, False)),
        d.token_check(SlackIdentity(error=code), None, d.token_source(parameter, False)),
        d.channel_check(SUBSCRIBED, ChannelInfo("C1", name=name, archived=True), GOOD, record, NOW),
        d.channel_check(SUBSCRIBED, ChannelInfo("C1", error=code, needed=name), GOOD, None, NOW),
        d.secret_check(with_(TOKEN, parameter=parameter, error=AwsRequestError(reason, code="X"))),
        d.secret_check(with_(TOKEN, parameter=parameter, parameter_type=code, shape="bot token")),
        d.store_check(StoreFacts(f"dynamodb://{parameter}", error=reason)),
        d.identity_check(
            Identity(code, f"arn:aws:sts::1:assumed-role/{name}/x", team), None, False
        ),
        d.cross_account_check(name, code, None, AwsRequestError(reason)),
    ]
    message = d.doctor_message(Renderer(), Report(tuple(checks)))
    json.loads(json.dumps(message))  # a message object, whatever went in
    text = json.dumps(message, ensure_ascii=False)
    # The only "<" left open is a date token of ours; nothing mentions or links.
    assert re.findall(r"<(?!!date\^)", "".join(sections_of(message))) == []
    assert "<!channel>" not in text and "<@U1>" not in text
    assert validate_blocks(message["blocks"]) == []
