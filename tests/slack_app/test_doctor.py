"""``/sagemaker doctor`` end to end: signed request → Bolt → service → checkup, against the Slack
stand-in (scopes, channels), moto (DynamoDB table, SSM parameters, SageMaker, Logs, STS) and,
where moto enforces no IAM, AWS's refusal on the wire (``tests.standins.aws.deny``)."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from bot.aws.accounts import AccountAccess, SageMakers
from bot.delivery.routing import BROKEN_AFTER_FAILURES
from bot.gateway import WebApiGateway, make_web_client
from bot.runtime import build_runtime
from bot.service.diagnosis import REQUIRED_SCOPES
from bot.settings import Settings
from bot.slack_app.app import ImmediateExecutor, build_app, build_service
from bot.store.base import Subscription
from bot.store.dynamodb import DynamoDBStore
from bot.store.sqlite import SqliteStore
from tests.aws.test_accounts import OTHER, ROLE
from tests.slack_app.conftest import SECRET, SlackApp
from tests.standins.aws import REGION, AwsClientFactory, AwsRequests, deny, denying
from tests.standins.slack_api import SlackStandin, validate_blocks

ADMIN = "U0ADMIN"
OUTSIDER = "U0OUTSIDER"
DEFAULT = "C0DEFAULT"

EMOJI = {":white_check_mark:": "ok", ":x:": "fail", ":heavy_minus_sign:": "skip"}
LINE = re.compile(r"^(:[a-z_]+:) \*(.+?)\*: (.*)$")


class Doctor:
    """The deployed bot's parts, as a doctor test arranges and reads them."""

    def __init__(self, app: SlackApp, parameters: dict[str, str], ssm: Any) -> None:
        self.app = app
        self.parameters = parameters
        self.ssm = ssm

    @property
    def store(self) -> Any:
        return self.app.runtime.store

    def subscribe(self, channel: str, **fields: Any) -> None:
        subscription = Subscription(id=uuid.uuid4().hex[:6], channel=channel, **fields)
        self.store.add_subscription(subscription)

    def run(self, user: str = ADMIN) -> dict[str, Any]:
        """The report: what the admin reads once the ack has said it is on its way."""
        ack = self.app.command("doctor", user=user)
        assert ack.status == 200 and "Working on" in ack.body
        [reply] = self.app.replies()
        assert reply["response_type"] == "ephemeral"
        assert validate_blocks(reply["blocks"]) == []  # Slack would take it as it is
        return reply


def checks(reply: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Each check's name → (ok / fail / skip, the rest of its line, fix included)."""
    found: dict[str, tuple[str, str]] = {}
    for block in reply["blocks"]:
        if block["type"] != "section":
            continue
        current: str | None = None
        for line in block["text"]["text"].split("\n"):
            match = LINE.match(line)
            if match:
                current = match.group(2)
                found[current] = (EMOJI[match.group(1)], match.group(3))
            elif current is not None and line.strip().startswith(":point_right:"):
                outcome, detail = found[current]
                found[current] = (outcome, f"{detail} {line.strip()}")
    return found


@pytest.fixture
def parameters(aws_client_factory: AwsClientFactory, slack_api: SlackStandin) -> dict[str, str]:
    """The two SecureString parameters, as deployment step 2 creates them."""
    ssm = aws_client_factory("ssm")
    prefix = f"/sagemaker-chatops/test-{uuid.uuid4().hex[:8]}"
    names = {"token": f"{prefix}/slack-bot-token", "secret": f"{prefix}/slack-signing-secret"}
    ssm.put_parameter(Name=names["token"], Value=slack_api.token, Type="SecureString")
    ssm.put_parameter(Name=names["secret"], Value=SECRET, Type="SecureString")
    return names


@pytest.fixture
def doctor(
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    moto_clients: Callable[..., Any],
    dynamodb_table: str,
    parameters: dict[str, str],
) -> Doctor:
    """The bot as deployed: a DynamoDB table, the secrets in SSM, an admin, a default channel,
    and a Slack app installed with the manifest's scopes."""
    slack_api.set_scopes(REQUIRED_SCOPES)
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    settings = Settings(
        default_channel=DEFAULT,
        admins=[ADMIN],
        account_id="123456789012",  # moto's
        store=f"dynamodb://{dynamodb_table}",
        slack_token_parameter=parameters["token"],
        slack_signing_secret_parameter=parameters["secret"],
    )
    store = DynamoDBStore(dynamodb_table, aws_client_factory("dynamodb"))
    runtime = build_runtime(settings, store=store, slack=WebApiGateway(client))
    sagemaker = SageMakers(moto_clients, default_region=REGION)
    service = build_service(runtime, client, sagemaker=sagemaker, aws_client=moto_clients)
    app = build_app(
        service,
        client=client,
        signing_secret=SECRET,
        process_before_response=False,
        listener_executor=ImmediateExecutor(),
    )
    return Doctor(SlackApp(app, service, runtime, slack_api), parameters, aws_client_factory("ssm"))


def test_an_admin_sees_every_check_pass_and_nothing_is_posted(
    doctor: Doctor, caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN subscriptions in two channels besides the default one
    doctor.subscribe("C0ALERTS", kinds=["training"])
    doctor.subscribe("C0ALERTS", statuses=["failed"])
    doctor.subscribe("C0MODELS", kinds=["model-package"])
    slack = doctor.app.slack
    slack.set_channel("C0MODELS", name="models", kind="private")
    # WHEN an admin runs doctor (every bot.* line captured, though a handler module routes them
    # away from the root logger)
    caplog.set_level(logging.INFO, logger="bot")
    bot_logger = logging.getLogger("bot")
    bot_logger.addHandler(caplog.handler)
    try:
        reply = doctor.run()
    finally:
        bot_logger.removeHandler(caplog.handler)
    # THEN every check passes, but S3, which the bot does not use
    found = checks(reply)
    assert {name: result for name, (result, _) in found.items() if result != "ok"} == {"S3": "skip"}
    assert reply["text"].startswith("Doctor: all good")
    assert reply["blocks"][0]["text"]["text"] == ":stethoscope: Doctor: all good"
    assert "*chatops-bot* (`U0STANDINBOT`) in the workspace *Stand-in*" in found["Bot token"][1]
    assert found[f"#c0default (`{DEFAULT}`)"][1] == (
        "Default channel. The bot can post here: the bot is in it."
    )
    assert "2 subscriptions" in found["#c0alerts (`C0ALERTS`)"][1]
    assert "the bot is in it" in found["#models (`C0MODELS`)"][1]
    assert found["Token parameter"][1] == (
        f"`{doctor.parameters['token']}`: a SecureString holding a bot token, the one in use."
    )
    assert found["Signing secret parameter"][1] == (
        f"`{doctor.parameters['secret']}`: a SecureString holding a signing secret."
    )
    assert "read 3 subscriptions in 2 channels" in found["DynamoDB table"][1]
    assert "Account `123456789012`" in found["Credentials"][1]
    assert "`sagemaker:DescribeTrainingJob`, `sagemaker:ListModelPackages`" in found["SageMaker"][1]
    assert "`logs:DescribeLogStreams`, `logs:GetLogEvents`" in found["CloudWatch Logs"][1]
    # AND it called Slack once for the token and once per channel, posting nothing
    methods = sorted(c.method for c in slack.calls())
    assert methods == ["auth.test"] + ["conversations.info"] * 3
    for channel in (DEFAULT, "C0ALERTS", "C0MODELS"):
        assert slack.messages(channel) == []
    # AND no secret is in the report or the logs, and the run is audited
    for text in (json.dumps(reply), caplog.text):
        assert slack.token not in text and SECRET not in text
    assert "doctor: 0 of 12 checks failed" in caplog.text
    [record] = [r for r in doctor.store.list_audit() if r.action == "doctor"]
    assert (record.user_id, record.result) == (ADMIN, "ok")


def test_a_missing_scope_fails_and_says_how_to_add_it(doctor: Doctor) -> None:
    # GIVEN an app installed before doctor asked for groups:read, with a private channel
    doctor.app.slack.set_scopes(set(REQUIRED_SCOPES) - {"groups:read"})
    doctor.app.slack.set_channel("C0SECRET", kind="private")
    doctor.subscribe("C0SECRET")
    found = checks(doctor.run())
    # THEN the scopes fail, naming the scope and how to get it
    result, detail = found["Bot scopes"]
    assert result == "fail"
    assert "Missing `groups:read`" in detail
    assert "*Reinstall to Workspace*" in detail and "slack-app-manifest.yml" in detail
    # AND the private channel is not checked, rather than blamed
    result, detail = found["`C0SECRET`"]
    assert result == "skip"
    assert "the token lacks `groups:read`" in detail


def test_channels_the_bot_cannot_post_in_say_why_and_how_to_fix_it(doctor: Doctor) -> None:
    slack = doctor.app.slack
    # GIVEN a private channel the bot was removed from, an archived one, a public one it never
    # joined, and one it was invited back to after its subscriptions were paused
    slack.set_channel("C0GONE", kind="private", member=False)
    slack.set_channel("C0OLD", name="old", archived=True)
    slack.set_channel("C0OPEN", name="open", member=False)
    slack.set_channel("C0BACK", name="back")
    for channel in ("C0GONE", "C0OLD", "C0OPEN", "C0BACK"):
        doctor.subscribe(channel)
    now = time.time()
    for i in range(BROKEN_AFTER_FAILURES):
        doctor.store.mark_channel_failing("C0BACK", "not_in_channel", now - 60 + i)
    found = checks(doctor.run())

    result, detail = found["`C0GONE`"]
    assert result == "fail"
    assert "does not exist for the bot: deleted, or private without the bot" in detail
    assert "`/invite @SageMaker ChatOps`" in detail and "`/sagemaker unsubscribe all`" in detail

    result, detail = found["#old (`C0OLD`)"]
    assert result == "fail" and "The channel is archived." in detail and "Unarchive it" in detail

    result, detail = found["#open (`C0OPEN`)"]
    assert result == "ok" and "a public channel (`chat:write.public`)" in detail

    result, detail = found["#back (`C0BACK`)"]
    assert result == "fail"
    assert "Slack lets the bot post here now (the bot is in it), but events are paused" in detail
    assert f"refused the last {BROKEN_AFTER_FAILURES} events" in detail
    assert "the bot is not in this channel" in detail
    assert "Nothing to do if it was just fixed" in detail
    # AND nothing was posted to find this out
    assert slack.calls("chat.postMessage") == []


def test_the_default_channel_archived_says_to_change_the_setting(doctor: Doctor) -> None:
    doctor.app.slack.set_channel(DEFAULT, name="general", archived=True)
    result, detail = checks(doctor.run())[f"#general (`{DEFAULT}`)"]
    assert result == "fail"
    assert "Default channel. The channel is archived." in detail
    assert "set `defaultChannel` to a channel the bot can post in" in detail


def test_parameters_missing_or_misconfigured(doctor: Doctor) -> None:
    # GIVEN the signing secret deleted, and the token stored as a plain String
    ssm = doctor.ssm
    ssm.delete_parameter(Name=doctor.parameters["secret"])
    token = doctor.app.slack.token
    ssm.put_parameter(Name=doctor.parameters["token"], Value=token, Type="String", Overwrite=True)
    found = checks(doctor.run())
    result, detail = found["Signing secret parameter"]
    assert result == "fail"
    assert f"`{doctor.parameters['secret']}` does not exist" in detail
    assert f"`aws ssm put-parameter --type SecureString --name {doctor.parameters['secret']}" in (
        detail
    )
    result, detail = found["Token parameter"]
    assert result == "fail" and "is a plain `String`: not encrypted" in detail
    assert "`aws ssm delete-parameter --name" in detail
    # AND the token itself still works
    assert found["Bot token"][0] == "ok"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("xoxp-1-2-3", "holds a user token, not a bot token"),
        ("xoxb-rotated-since", "holds another bot token than the one this function uses"),
        ("", "holds nothing, not a bot token"),
    ],
)
def test_a_token_parameter_that_is_not_the_token_in_use(
    doctor: Doctor, value: str, says: str
) -> None:
    name = doctor.parameters["token"]
    if value:
        doctor.ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    else:  # SSM keeps no empty value: a space is as empty to the bot
        doctor.ssm.put_parameter(Name=name, Value=" ", Type="SecureString", Overwrite=True)
    result, detail = checks(doctor.run())["Token parameter"]
    assert result == "fail" and says in detail
    assert not value or value not in detail  # the value itself is never shown


def test_a_token_in_secrets_manager_is_read_there(
    doctor: Doctor, aws_client_factory: AwsClientFactory
) -> None:
    name = f"chatops-token-{uuid.uuid4().hex[:8]}"
    aws_client_factory("secretsmanager").create_secret(
        Name=name, SecretString=doctor.app.slack.token
    )
    checkup = doctor.app.service.checkup
    assert checkup is not None
    update = {"slack_token_parameter": f"secretsmanager:{name}"}
    checkup.settings = checkup.settings.model_copy(update=update)
    assert checks(doctor.run())["Token parameter"] == (
        "ok",
        f"`{name}`: a secret holding a bot token, the one in use.",
    )


def test_the_signing_secret_parameter_holding_the_token_is_caught(doctor: Doctor) -> None:
    doctor.ssm.put_parameter(
        Name=doctor.parameters["secret"],
        Value=doctor.app.slack.token,
        Type="SecureString",
        Overwrite=True,
    )
    result, detail = checks(doctor.run())["Signing secret parameter"]
    assert result == "fail" and "holds a bot token, not the app's *Signing Secret*" in detail


def test_access_denied_names_the_action_and_the_statement_that_grants_it(doctor: Doctor) -> None:
    # GIVEN a role that lost sagemaker:ListModelPackages and ssm:GetParameter
    deny(doctor.app.service.sagemaker(None)._sm, "ListModelPackages")
    checkup = doctor.app.service.checkup
    assert checkup is not None
    checkup.make_client = denying(checkup.make_client, "ssm", "GetParameter")
    found = checks(doctor.run())
    result, detail = found["SageMaker"]
    assert result == "fail"
    assert "Denied: `sagemaker:ListModelPackages`" in detail
    assert "Allowed: `sagemaker:DescribeTrainingJob`" in detail
    assert "`SageMakerList` in serverless.yml" in detail
    for secret in ("Token parameter", "Signing secret parameter"):
        result, detail = found[secret]
        assert result == "fail" and "The bot may not read" in detail
        assert "`ssm:GetParameter`" in detail and "`SlackSecretsSsm`" in detail
    # AND the other checks still ran
    assert found["CloudWatch Logs"][0] == "ok" and found["DynamoDB table"][0] == "ok"


def test_a_table_the_role_may_not_read_fails_and_the_default_channel_is_still_checked(
    doctor: Doctor,
) -> None:
    doctor.subscribe("C0ALERTS")
    deny(doctor.store._client, "Query")
    found = checks(doctor.run())
    result, detail = found["DynamoDB table"]
    assert result == "fail"
    assert "The bot is not allowed to call dynamodb:Query" in detail
    assert "`StateTable` in serverless.yml" in detail
    assert found["Subscribed channels"][0] == "skip"
    assert found[f"#c0default (`{DEFAULT}`)"][0] == "ok"
    assert "`C0ALERTS`" not in found and "#c0alerts (`C0ALERTS`)" not in found


def test_an_account_id_setting_that_is_not_the_credentials_account_fails(doctor: Doctor) -> None:
    checkup = doctor.app.service.checkup
    assert checkup is not None
    checkup.settings = checkup.settings.model_copy(update={"account_id": "210987654321"})
    result, detail = checks(doctor.run())["Credentials"]
    assert result == "fail" and "But `CHATOPS_ACCOUNT_ID` is `210987654321`" in detail
    assert "Set `CHATOPS_ACCOUNT_ID` to `123456789012`" in detail


def test_a_refused_token_fails_once_and_the_channels_are_not_asked(doctor: Doctor) -> None:
    slack = doctor.app.slack
    doctor.subscribe("C0ALERTS")
    slack.tokens = ["xoxb-the-new-one"]  # the app was reinstalled; ours was revoked
    found = checks(doctor.run())
    result, detail = found["Bot token"]
    assert result == "fail" and "Slack refuses the token (`invalid_auth`)" in detail
    assert f"the SSM parameter `{doctor.parameters['token']}` (SecureString)" in detail
    assert found["Bot scopes"][0] == "skip"
    assert found["`C0ALERTS`"] == (
        "skip",
        "1 subscription. Not checked: needs a token Slack accepts.",
    )
    assert [c.method for c in slack.calls()] == ["auth.test"]


def test_someone_not_an_admin_is_refused_in_the_ack_and_nothing_runs(
    doctor: Doctor, monkeypatch: pytest.MonkeyPatch, aws_requests: AwsRequests
) -> None:
    checkup = doctor.app.service.checkup
    assert checkup is not None
    aws_requests.mark()
    made: list[str] = []
    monkeypatch.setattr(checkup, "make_client", lambda service, **_: made.append(service))
    monkeypatch.setattr(checkup, "sagemaker", lambda *a, **k: made.append("sagemaker"))
    # WHEN someone who is not an admin runs doctor
    ack = doctor.app.command("doctor", user=OUTSIDER)
    # THEN the ack itself is the refusal, saying who may
    body = json.loads(ack.body)
    assert body["response_type"] == "ephemeral"
    assert body["text"] == ":no_entry: You may not run `doctor`. Only the admins may: <@U0ADMIN>."
    # AND nothing ran on their behalf: no Slack call, no AWS client, no second invocation;
    # the one AWS request is the bot's own record of the refusal, in its table
    assert doctor.app.slack.calls() == []
    assert made == []
    assert doctor.app.replies() == []
    assert aws_requests.operations() == ["dynamodb:PutItem"]
    # AND the refusal is audited
    [record] = doctor.store.list_audit()
    assert (record.user_id, record.action, record.result) == (OUTSIDER, "doctor", "denied")


def test_without_admins_nobody_may_and_the_refusal_gives_the_user_their_id(
    doctor: Doctor,
) -> None:
    from bot.service.authz import Authorizer

    service = doctor.app.service
    service.authorizer = Authorizer([], [], doctor.app.app.client)
    body = json.loads(doctor.app.command("doctor", user=OUTSIDER).body)
    assert body["text"].startswith(":no_entry: Nobody may run `doctor` here yet")
    assert "`CHATOPS_ADMINS`" in body["text"]
    assert body["text"].endswith("Your user id is `U0OUTSIDER`.")
    assert doctor.app.slack.calls() == [] and doctor.app.replies() == []


def test_a_check_that_hangs_or_breaks_costs_only_its_own_line(
    doctor: Doctor, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkup = doctor.app.service.checkup
    assert checkup is not None
    checkup.seconds = 1.5
    # GIVEN CloudWatch Logs that does not answer, and a SageMaker check that raises
    logs = doctor.app.service.sagemaker(None)._logs
    answer = threading.Event()
    logs.meta.events.register(
        "before-send.cloudwatch-logs.DescribeLogStreams", lambda **_: answer.wait(10)
    )

    def broken() -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(checkup, "_sagemaker_probes", broken)
    started = time.monotonic()
    found = checks(doctor.run())
    # THEN the report comes at the deadline, with those two lines failed and the rest checked
    assert time.monotonic() - started < 3.5
    assert found["CloudWatch Logs"] == (
        "fail",
        "No answer within 2 s. :point_right: Try again; if it keeps timing out, the logs of"
        " the slack function say where.",
    )
    assert found["SageMaker"][0] == "fail"
    assert "The check itself failed (`RuntimeError`)" in found["SageMaker"][1]
    assert found["Bot token"][0] == "ok" and found["DynamoDB table"][0] == "ok"
    answer.set()  # the call left behind ends now, while moto still answers


def test_values_from_slack_cannot_mention_or_break_the_report(doctor: Doctor) -> None:
    slack = doctor.app.slack
    slack.set_channel("C0HOSTILE", name="<!channel>*`x`&<https://evil|click>", archived=True)
    doctor.subscribe("C0HOSTILE")
    reply = doctor.run()
    text = json.dumps(reply)
    assert "<!channel>" not in text and "<https://evil" not in text
    [name] = [n for n in checks(reply) if "C0HOSTILE" in n]
    assert "&lt;!channel&gt;" in name


def test_cross_account_role_is_tried_in_the_accounts_subscriptions_name(
    doctor: Doctor, moto_clients: Callable[..., Any]
) -> None:
    service = doctor.app.service
    access = AccountAccess(lambda: moto_clients("sts", region_name=REGION), ROLE)
    service.sagemaker = SageMakers(moto_clients, access, default_region=REGION)
    checkup = service.checkup
    assert checkup is not None
    checkup.sagemaker = service.sagemaker
    checkup.settings = checkup.settings.model_copy(update={"cross_account_role": ROLE})
    doctor.subscribe("C0MEMBER", accounts=[OTHER])
    result, detail = checks(doctor.run())[f"Role `{ROLE}` in `{OTHER}`"]
    assert result == "ok"
    assert "Allowed: `sagemaker:DescribeTrainingJob`" in detail


def test_local_mode_says_what_does_not_apply(
    slack_api: SlackStandin, moto_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    # GIVEN `serve` on a laptop: the token from the environment, a SQLite file, no AWS profile
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    slack_api.set_scopes(REQUIRED_SCOPES)
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)

    def laptop_client(service: str, **options: Any) -> Any:
        # A session of its own, as in a fresh process: boto3's default one keeps the
        # credentials it found for earlier tests.
        import boto3

        session = boto3.session.Session(region_name=REGION)
        return session.client(service, endpoint_url=moto_server, **options)  # type: ignore[call-overload]

    store_path = tmp_path / "state.sqlite3"
    settings = Settings(
        slack_bot_token=slack_api.token,
        slack_signing_secret=SECRET,
        admins=[ADMIN],
        store=f"sqlite:///{store_path}",
    )
    store = SqliteStore(str(store_path))
    runtime = build_runtime(settings, store=store, slack=WebApiGateway(client))
    service = build_service(runtime, client, aws_client=laptop_client)
    app = build_app(
        service,
        client=client,
        signing_secret=SECRET,
        process_before_response=False,
        listener_executor=ImmediateExecutor(),
    )
    local = Doctor(SlackApp(app, service, runtime, slack_api), {}, None)
    found = checks(local.run())
    store.close()
    # THEN what needs AWS or SSM says it does not apply, and nothing fails
    assert {n: r for n, (r, _) in found.items() if r == "fail"} == {}
    assert found["Bot token"][0] == "ok"  # the Slack token: auth.test
    assert found["Signing secret parameter"] == (
        "skip",
        "From the environment (`SLACK_SIGNING_SECRET`): no parameter to check.",
    )
    assert found["SQLite store"][0] == "ok" and "(local mode)" in found["SQLite store"][1]
    assert (
        found["Credentials"][0] == "skip"
        and "No AWS credentials (local mode)" in (found["Credentials"][1])
    )
    assert found["SageMaker"] == ("skip", "No AWS credentials (local mode).")
    assert found["CloudWatch Logs"] == ("skip", "No AWS credentials (local mode).")
