"""serverless.yml as configuration: the functions, settings, table, queues, alarms and IAM
that osls deploys for ``--stage ci`` (fast, pure Python; see conftest.py). The packaged
template is checked in test_packaged_template.py."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from bot.store.dynamodb import TTL_ATTRIBUTE, create_table
from tests.deploy.cfn import PSEUDO, Stack
from tests.deploy.conftest import ROOT, SERVERLESS_YML, STAGE, Resolver, load_raw, text
from tests.deploy.iam import (
    actions_of,
    as_list,
    check_least_privilege,
    client_calls,
    iam_statements,
    role_statements,
)

BUILD_LAYER = ROOT / "deploy" / "build_layer.sh"
AWS_CODE = sorted((ROOT / "bot" / "aws").glob("*.py"))  # every AWS call the commands make
OFFLINE_PLUGIN = "./deploy/osls-offline-package.js"


def get_att(logical_id: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, attribute]}


# --- the file as a whole ---------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_nothing_is_resolved_from_aws_at_package_time(raw: dict[str, Any]) -> None:
    for string in _strings(raw):
        for source in ("${ssm:", "${aws:", "${cf:", "${cf(", "${s3:", "${file("):
            assert source not in string, f"{source} needs AWS (or a file) when packaging: {string}"


def test_no_secret_in_the_file() -> None:
    text = SERVERLESS_YML.read_text()
    assert not re.search(r"xox[abpr]-[0-9A-Za-z-]+", text), "a Slack token in serverless.yml"
    assert not re.search(r"\b[0-9a-f]{32}\b", text), "something like a signing secret"


def test_offline_plugin_is_loaded(config: dict[str, Any]) -> None:
    assert OFFLINE_PLUGIN in config.get("plugins", [])
    assert (ROOT / OFFLINE_PLUGIN).is_file()


def test_build_layer_script_is_valid_bash() -> None:
    subprocess.run(["bash", "-n", str(BUILD_LAYER)], check=True)


# --- functions -------------------------------------------------------------------------


def _function_names() -> list[str]:
    return sorted(load_raw()["functions"])


def test_both_functions_are_defined() -> None:
    assert _function_names() == ["events", "slack"]


@pytest.mark.parametrize("function", _function_names())
def test_handler_imports(config: dict[str, Any], function: str) -> None:
    handler = config["functions"][function]["handler"]
    module_path, _, attribute = handler.rpartition(".")
    source = ROOT / f"{module_path}.py"
    assert source.is_file(), f"{function}: handler {handler!r}: no file {source}"
    module = importlib.import_module(module_path.replace("/", "."))
    assert callable(getattr(module, attribute, None)), f"{handler!r} is not a function"


@pytest.mark.parametrize("function", _function_names())
def test_functions_use_the_dependency_layer(config: dict[str, Any], function: str) -> None:
    assert {"Ref": "DepsLambdaLayer"} in config["functions"][function]["layers"]


def test_runtime_matches_the_layer_build(config: dict[str, Any]) -> None:
    script = BUILD_LAYER.read_text()
    version = re.search(r"^LAMBDA_PYTHON=([0-9.]+)", script, re.MULTILINE)
    platform = re.search(r"^LAMBDA_PLATFORM=(\S+)", script, re.MULTILINE)
    assert version and platform
    provider = config["provider"]
    assert provider["runtime"] == f"python{version.group(1)}"
    assert provider["architecture"] == "arm64"
    assert platform.group(1).endswith("_aarch64")
    layer = config["layers"]["deps"]
    assert layer["compatibleRuntimes"] == [provider["runtime"]]
    assert layer["compatibleArchitectures"] == [provider["architecture"]]
    assert layer["path"] == "build/layer"  # deploy/build_layer.sh's default output


def test_memory(config: dict[str, Any]) -> None:
    for function in config["functions"].values():
        assert function.get("memorySize", config["provider"]["memorySize"]) == 256


def test_events_function_takes_sqs_batches_with_partial_failures(config: dict[str, Any]) -> None:
    function = config["functions"]["events"]
    assert function["handler"] == "handlers/events.handler"
    [sqs] = [event["sqs"] for event in function["events"] if "sqs" in event]
    assert sqs["arn"] == get_att("EventsQueue")
    assert sqs["batchSize"] == 10
    assert sqs["functionResponseType"] == "ReportBatchItemFailures"
    assert 0 < sqs["maximumBatchingWindow"] <= 300
    assert sqs["maximumConcurrency"] >= 2  # SQS's minimum
    # Concurrency is capped on the mapping, not by throttling the function (see the file).
    assert "reservedConcurrency" not in function


def test_events_function_sends_the_reminders_on_a_schedule(config: dict[str, Any]) -> None:
    # SQS batches and one schedule, nothing else: the reminders need no function of their own
    # (the events function's role already reads and writes the table, and has the token).
    events = config["functions"]["events"]["events"]
    assert sorted(next(iter(e)) for e in events) == ["schedule", "sqs"]
    [schedule] = [e["schedule"] for e in events if "schedule" in e]
    rate = re.fullmatch(r"rate\((\d+) minutes\)", schedule["rate"])
    assert rate is not None and 5 <= int(rate.group(1)) <= 60  # a reminder is that late at most
    assert "input" not in schedule  # handlers/events.py knows EventBridge's Scheduled Event


def test_approval_settings_reach_both_functions(config: dict[str, Any]) -> None:
    environment = config["provider"]["environment"]
    params = config["params"]["default"]
    for variable, param in (
        ("CHATOPS_APPROVALS_REQUIRED", "approvalsRequired"),
        ("CHATOPS_MENTION_APPROVERS", "mentionApprovers"),
        ("CHATOPS_APPROVAL_REMINDER_HOURS", "approvalReminderHours"),
    ):
        assert str(environment[variable]) == str(params[param]), variable
    # the defaults are the settings' own
    assert (params["approvalsRequired"], params["mentionApprovers"]) == ("1", "true")
    assert params["approvalReminderHours"] == "24"


def test_slack_function_serves_the_slack_endpoint(config: dict[str, Any]) -> None:
    function = config["functions"]["slack"]
    assert function["handler"] == "handlers/slack.handler"
    assert function["events"] == [{"httpApi": {"method": "POST", "path": "/slack/events"}}]
    # Lazy listeners run in an async invocation with this timeout; HTTP API stops at 30 s.
    assert 10 <= function["timeout"] < 30
    assert function["maximumRetryAttempts"] == 0


def test_doctor_answers_within_the_slack_functions_timeout(config: dict[str, Any]) -> None:
    from bot.service.doctor import DOCTOR_SECONDS

    # Its checks stop at DOCTOR_SECONDS; rendering and posting the report take the rest.
    assert config["functions"]["slack"]["timeout"] >= DOCTOR_SECONDS + 5


def test_queue_visibility_covers_the_function_timeout(
    config: dict[str, Any], resources: dict[str, Any]
) -> None:
    function = config["functions"]["events"]
    window = function["events"][0]["sqs"]["maximumBatchingWindow"]
    visibility = resources["EventsQueue"]["Properties"]["VisibilityTimeout"]
    # AWS: at least six times the function timeout, plus the batching window.
    assert visibility >= 6 * function["timeout"] + window


def test_deferrals_alone_cannot_dead_letter_a_healthy_event(
    config: dict[str, Any], resources: dict[str, Any]
) -> None:
    """The figures of the comment at EventsQueue in serverless.yml."""
    from handlers.events import MIN_SECONDS_TO_START, SAFETY_MARGIN_SECONDS

    function = config["functions"]["events"]
    queue = resources["EventsQueue"]["Properties"]
    sqs = function["events"][0]["sqs"]
    budget = function["timeout"] - SAFETY_MARGIN_SECONDS
    # Every invocation starts its first record, and a whole batch of healthy events (~1 s of
    # Slack calls each) fits in the budget with room to spare.
    assert budget >= MIN_SECONDS_TO_START + sqs["batchSize"] * 1.0 * 4
    # A deferred record comes back after any Retry-After Slack sends (up to a minute).
    assert queue["VisibilityTimeout"] > 60
    # Deferred on every receive: Slack stalling the function for close to an hour, an outage.
    receives = queue["RedrivePolicy"]["maxReceiveCount"]
    assert (receives - 1) * queue["VisibilityTimeout"] >= 50 * 60
    # ... and an undeliverable message still reaches the DLQ well within the retention.
    assert receives * queue["VisibilityTimeout"] < queue["MessageRetentionPeriod"] / 10


def test_package_is_the_function_zip_deploy_builds(config: dict[str, Any]) -> None:
    """Both functions run the zip deploy/build_function.py builds (where deploy/package.sh
    puts it); the layer zip is the layer's python/ only."""
    from bot.render.renderer import BUILTIN_TEMPLATES

    package = config["package"]
    assert package["individually"] is False
    assert package["artifact"] == "build/function/sagemaker-chatops.zip"
    assert "patterns" not in package  # an artifact is not zipped from the sources
    script = (ROOT / "deploy" / "build_function.py").read_text()
    assert 'DEFAULT_OUT = ROOT / "build" / "function" / "sagemaker-chatops.zip"' in script
    assert config["layers"]["deps"]["package"]["patterns"] == ["!**", "python/**"]
    # In a checkout the package bot.templates is the top-level templates/ (pyproject.toml).
    assert BUILTIN_TEMPLATES == ROOT / "templates"


# --- settings ----------------------------------------------------------------------------


def test_environment_configures_the_bot(config: dict[str, Any], resources: dict[str, Any]) -> None:
    env = config["provider"]["environment"]
    for name in (
        "CHATOPS_STORE",
        "CHATOPS_DEFAULT_CHANNEL",
        "CHATOPS_SLACK_TOKEN_PARAMETER",
        "CHATOPS_SLACK_SIGNING_SECRET_PARAMETER",
        "CHATOPS_APPROVERS",
        "CHATOPS_ADMINS",
        "CHATOPS_VIEWERS",
        "CHATOPS_BROADCAST_FAILURES",
        "CHATOPS_ROLLUP_TUNING",
        "CHATOPS_TEMPLATES_DIR",
        "POWERTOOLS_SERVICE_NAME",
        "POWERTOOLS_METRICS_NAMESPACE",
        "POWERTOOLS_LOG_LEVEL",
        "POWERTOOLS_TRACE_DISABLED",
    ):
        assert name in env, name
        assert isinstance(env[name], str), f"{name}: Lambda environment values are strings"
    assert (
        env["CHATOPS_STORE"] == f"dynamodb://{resources['StateTable']['Properties']['TableName']}"
    )
    for name in ("CHATOPS_SLACK_TOKEN_PARAMETER", "CHATOPS_SLACK_SIGNING_SECRET_PARAMETER"):
        # Parameter names (read at run time), fully qualified, so the IAM ARNs are right.
        assert env[name].startswith(f"/sagemaker-chatops/{STAGE}/"), env[name]


def function_environment(config: dict[str, Any], function: str) -> dict[str, str]:
    """A function's environment as Lambda gets it: the provider's and its own, what refers to
    the stack's parameters, conditions and pseudo parameters resolved with their defaults (the
    osls params) and the test stack's values (``AWS::AccountId``)."""
    stack = Stack(config["resources"])
    env = {
        **config["provider"]["environment"],
        **(config["functions"][function].get("environment") or {}),
    }
    resolved = {}
    for name, value in env.items():
        value = stack.resolve(value)
        assert isinstance(value, str), f"{name}: Lambda environment values are strings"
        resolved[name] = value
    return resolved


@pytest.mark.parametrize("function", ["events", "slack"])
def test_environment_is_what_the_settings_read(config: dict[str, Any], function: str) -> None:
    from bot.settings import PREFIX, Settings

    env = function_environment(config, function)
    chatops = {k: v for k, v in env.items() if k.startswith(PREFIX)}
    known = {f"{PREFIX}{name}".upper() for name in Settings.model_fields}
    assert set(chatops) <= known, f"settings nobody reads: {set(chatops) - known}"
    settings = Settings.from_env(chatops)
    assert settings.store == env["CHATOPS_STORE"]
    assert settings.default_channel is None and settings.templates_dir is None
    assert settings.approvers == [] and settings.broadcast_failures is True
    assert settings.cross_account_role is None


def test_metrics_settings_of_the_events_function_are_the_stack_parameters(
    raw: dict[str, Any],
) -> None:
    from bot.settings import Settings

    params = {"metricsBuckets": "ml-artifacts/churn/,metrics-bucket/"}
    for extra, role in (({}, None), ({"crossAccountRoleName": "chatops-access"}, "chatops-access")):
        resolved = Resolver(raw, params={**params, **extra}).resolve(raw)
        settings = Settings.from_env(function_environment(resolved, "events"))
        assert settings.metrics_buckets == ["ml-artifacts/churn/", "metrics-bucket/"]
        # The events function's own role there: the metrics reads only.
        assert settings.cross_account_role == (f"{role}-metrics" if role else None)
    slack = Settings.from_env(function_environment(resolved, "slack"))
    assert slack.metrics_buckets == [] and slack.cross_account_role == "chatops-access"


def test_cross_account_role_setting_is_the_stack_parameter(
    raw: dict[str, Any], config: dict[str, Any]
) -> None:
    from bot.settings import Settings

    env = config["functions"]["slack"]["environment"]
    assert env["CHATOPS_CROSS_ACCOUNT_ROLE"] == {"Ref": "CrossAccountRoleName"}
    resolved = Resolver(raw, params={"crossAccountRoleName": "chatops-access"}).resolve(raw)
    settings = Settings.from_env(function_environment(resolved, "slack"))
    assert settings.cross_account_role == "chatops-access"


def test_both_functions_know_their_own_account_from_the_stack(
    raw: dict[str, Any], config: dict[str, Any]
) -> None:
    from bot.settings import Settings

    # The slack function, to authorize reads before any AWS call; the events function, to
    # read other accounts' packages' metrics through their role without asking STS first.
    for function in ("slack", "events"):
        env = config["functions"][function]["environment"]
        assert env["CHATOPS_ACCOUNT_ID"] == {"Ref": "AWS::AccountId"}
        settings = Settings.from_env(function_environment(config, function))
        assert settings.account_id == PSEUDO["AWS::AccountId"]
    resolved = Resolver(raw, params={"viewers": "U0VIEWER,S0VIEWERS"}).resolve(raw)
    assert Settings.from_env(function_environment(resolved, "slack")).viewers == [
        "U0VIEWER",
        "S0VIEWERS",
    ]


@pytest.mark.parametrize("tracing", [False, True])
def test_tracing_switches_lambda_and_powertools_together(
    raw: dict[str, Any], tracing: bool
) -> None:
    resolved = Resolver(raw, params={"tracing": tracing}).resolve(raw)
    provider = resolved["provider"]
    assert provider["tracing"]["lambda"] is tracing
    assert provider["environment"]["POWERTOOLS_TRACE_DISABLED"] == text(not tracing)


def test_tracing_is_off_by_default(config: dict[str, Any]) -> None:
    assert config["provider"]["tracing"]["lambda"] is False
    assert config["provider"]["environment"]["POWERTOOLS_TRACE_DISABLED"] == "true"


@pytest.mark.parametrize("tracing", [False, True, "true", "false"])
def test_tracing_permissions_follow_tracing(raw: dict[str, Any], tracing: bool | str) -> None:
    resolved = Resolver(raw, params={"tracing": tracing}).resolve(raw)
    # A stack parameter's default is text: the X-Ray policy's condition compares it.
    assert resolved["resources"]["Parameters"]["Tracing"]["Default"] == text(tracing).lower()
    assert resolved["resources"]["Resources"]["TracingPolicy"]["Condition"] == "TracingOn"


def test_snap_start_is_off_by_default(config: dict[str, Any]) -> None:
    assert config["functions"]["slack"]["snapStart"] is False


@pytest.mark.parametrize("snap_start", [False, True, "true", "false"])
def test_snap_start_switches_the_slack_function_and_its_lazy_listeners_target(
    raw: dict[str, Any], snap_start: bool | str
) -> None:
    resolved = Resolver(raw, params={"snapStart": snap_start}).resolve(raw)
    on = text(snap_start).lower() == "true"
    assert resolved["functions"]["slack"]["snapStart"] is on  # osls wants a boolean
    assert "snapStart" not in resolved["functions"]["events"]
    statement = _statement(resolved["resources"]["Resources"], "SlackRole", "SlackLazyListeners")
    # With SnapStart the requests, and so Bolt's self-invocations, come to osls's alias.
    suffix = "-slack:snapstart" if on else "-slack"
    assert statement["Resource"]["Fn::Sub"].endswith(f":function:sagemaker-chatops-ci{suffix}")


# --- the table ---------------------------------------------------------------------------


class _RecordingDynamoDB:
    """Just enough of a DynamoDB client for ``create_table``; records what it is asked."""

    class exceptions:
        class ResourceInUseException(Exception):
            pass

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def create_table(self, **kwargs: Any) -> None:
        self.calls["create_table"] = kwargs

    def get_waiter(self, name: str) -> Any:
        assert name == "table_exists"
        return self

    def wait(self, **kwargs: Any) -> None:
        pass

    def describe_time_to_live(self, **kwargs: Any) -> dict[str, Any]:
        return {"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}

    def update_time_to_live(self, **kwargs: Any) -> None:
        self.calls["update_time_to_live"] = kwargs


def test_table_matches_create_table(resources: dict[str, Any]) -> None:
    client = _RecordingDynamoDB()
    create_table(client, "table")  # type: ignore[arg-type]
    expected = dict(client.calls["create_table"])
    assert expected.pop("TableName") == "table"
    table = resources["StateTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    properties = table["Properties"]
    for key, value in expected.items():
        assert key in properties, f"create_table sets {key}, serverless.yml does not"
        if key == "AttributeDefinitions":
            assert sorted(properties[key], key=str) == sorted(value, key=str)
        else:
            assert properties[key] == value, key
    ttl = client.calls["update_time_to_live"]["TimeToLiveSpecification"]
    assert ttl == {"Enabled": True, "AttributeName": TTL_ATTRIBUTE}
    assert properties["TimeToLiveSpecification"] == ttl
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Retain"


# --- queues and alarms ---------------------------------------------------------------------


def test_queue_redrives_to_the_dead_letter_queue(resources: dict[str, Any]) -> None:
    queue = resources["EventsQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": get_att("EventsDeadLetterQueue"),
        "maxReceiveCount": 10,
    }
    for dlq in ("EventsDeadLetterQueue", "RuleDeadLetterQueue"):
        assert resources[dlq]["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600


@pytest.mark.parametrize(
    ("alarm", "queue"),
    [
        ("EventsDeadLetterAlarm", "EventsDeadLetterQueue"),
        ("RuleDeadLetterAlarm", "RuleDeadLetterQueue"),
    ],
)
def test_alarm_on_dead_letters(resources: dict[str, Any], alarm: str, queue: str) -> None:
    properties = resources[alarm]["Properties"]
    assert properties["Namespace"] == "AWS/SQS"
    assert properties["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert properties["Dimensions"] == [{"Name": "QueueName", "Value": get_att(queue, "QueueName")}]
    assert properties["Threshold"] == 0
    assert properties["ComparisonOperator"] == "GreaterThanThreshold"


def test_outputs(config: dict[str, Any]) -> None:
    outputs = config["resources"]["Outputs"]
    assert {"SlackRequestUrl", "EventsQueueArn", "EventsDeadLetterQueueArn", "StateTableName"} <= (
        set(outputs)
    )
    assert "/slack/events" in json.dumps(outputs["SlackRequestUrl"]["Value"])


# --- IAM -----------------------------------------------------------------------------------

ROLES = {"events": "EventsRole", "slack": "SlackRole"}


def test_iam_is_least_privilege(resources: dict[str, Any]) -> None:
    check_least_privilege(list(iam_statements(resources)))


def test_each_function_has_its_own_role(config: dict[str, Any], resources: dict[str, Any]) -> None:
    assert "iam" not in config["provider"], "a shared role: least privilege is per function"
    for function, role in ROLES.items():
        assert config["functions"][function]["role"] == role
        trust = resources[role]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        assert trust == [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]


# What the events function may do beyond the queue, the table, its logs and the bot token:
# read model packages' metrics for their cards (with metricsBuckets), here or through the
# role NAME-metrics in another account. Pinned on purpose: a change here is a change of what
# the function may do.
EVENTS_AWS_ACTIONS = {
    "sagemaker:DescribeModelPackage",
    "sagemaker:ListModelPackages",
    "s3:GetObject",
    "sts:AssumeRole",
}


def test_events_role_has_nothing_of_the_slack_function(resources: dict[str, Any]) -> None:
    actions = actions_of(role_statements(resources, "EventsRole"))
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= actions
    services = ("sagemaker", "lambda", "sts", "s3")
    assert {a for a in actions if a.split(":")[0] in services} == EVENTS_AWS_ACTIONS
    # SageMaker's job logs only through the optional FailureLogsPolicy (failureLogLines > 0).
    unconditional = {**resources}
    del unconditional["FailureLogsPolicy"]
    logs_reads = {"logs:GetLogEvents", "logs:DescribeLogStreams"}
    assert not actions_of(role_statements(unconditional, "EventsRole")) & logs_reads


JOB_LOG_GROUPS = ("TrainingJobs", "ProcessingJobs", "TransformJobs")


def test_iam_failure_logs_are_the_job_log_groups_read_only_and_only_when_asked(
    resources: dict[str, Any],
) -> None:
    policy = resources["FailureLogsPolicy"]
    assert policy["Condition"] == "ReadsFailureLogs"
    assert policy["Properties"]["Roles"] == [{"Ref": "EventsRole"}]
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    # The calls of bot/aws/logs.py, the one reader (the Inspect button's, and the replies').
    assert set(statement["Action"]) == {f"logs:{a}" for a in client_calls(AWS_CODE, "logs")}
    assert set(statement["Action"]) == {"logs:DescribeLogStreams", "logs:GetLogEvents"}
    arns = [r["Fn::Sub"] for r in statement["Resource"]]
    assert arns == [
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        f"/aws/sagemaker/{group}:*"
        for group in JOB_LOG_GROUPS
    ]
    # Exactly the groups the reader reads.
    from bot.aws.inspection import LOG_GROUPS

    assert sorted(LOG_GROUPS.values()) == sorted(f"/aws/sagemaker/{g}" for g in JOB_LOG_GROUPS)


@pytest.mark.parametrize(("lines", "reads"), [(None, False), ("0", False), ("20", True)])
def test_failure_log_lines_setting_and_permission_follow_the_parameter(
    raw: dict[str, Any], lines: str | None, reads: bool
) -> None:
    from bot.settings import Settings

    params = {"failureLogLines": lines} if lines is not None else {}
    resolved = Resolver(raw, params=params).resolve(raw)
    settings = Settings.from_env(function_environment(resolved, "events"))
    assert settings.failure_log_lines == int(lines or 0)
    assert Stack(resolved["resources"]).condition("ReadsFailureLogs") is reads
    slack = Settings.from_env(function_environment(resolved, "slack"))
    assert slack.failure_log_lines == 0  # the events function's only


def test_owner_tags_reach_the_events_function(raw: dict[str, Any]) -> None:
    from bot.settings import Settings

    default = Resolver(raw, params={}).resolve(raw)
    assert Settings.from_env(function_environment(default, "events")).owner_tags == [
        "slack-owner",
        "owner",
    ]
    resolved = Resolver(raw, params={"ownerTags": "team-lead"}).resolve(raw)
    assert Settings.from_env(function_environment(resolved, "events")).owner_tags == ["team-lead"]


def test_iam_metrics_reads_are_what_the_evidence_calls_and_only_with_buckets(
    resources: dict[str, Any],
) -> None:
    policy = resources["MetricsPolicy"]
    assert policy["Condition"] == "HasMetricsBuckets"
    assert policy["Properties"]["Roles"] == [{"Ref": "EventsRole"}]
    statements = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    assert {s: statements[s]["Action"] for s in statements} == {
        "PackageDescriptions": "sagemaker:DescribeModelPackage",
        "ApprovedVersions": "sagemaker:ListModelPackages",
        "MetricsDocuments": "s3:GetObject",
        "MetricsDocumentsKms": "kms:Decrypt",
    }
    # The S3 call the evidence makes is that one; the SageMaker ones are the facade's.
    assert client_calls([ROOT / "bot" / "aws" / "documents.py"], "s3") == {"GetObject"}
    # Keys decrypt only through S3.
    kms = statements["MetricsDocumentsKms"]["Condition"]["StringEquals"]["kms:ViaService"]
    assert kms == {"Fn::Sub": "s3.${AWS::Region}.amazonaws.com"}
    cross = resources["CrossAccountMetricsPolicy"]
    assert cross["Condition"] == "ReadsOtherAccountsMetrics"
    assert cross["Properties"]["Roles"] == [{"Ref": "EventsRole"}]
    [assume] = cross["Properties"]["PolicyDocument"]["Statement"]
    assert assume["Action"] == "sts:AssumeRole"
    assert assume["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${CrossAccountRoleName}-metrics"
    }


def test_slack_role_has_nothing_of_the_events_function(resources: dict[str, Any]) -> None:
    actions = actions_of(role_statements(resources, "SlackRole"))
    assert not {a for a in actions if a.startswith("sqs:")}
    assert {"sagemaker:UpdateModelPackage", "lambda:InvokeFunction", "sts:AssumeRole"} <= actions


@pytest.mark.parametrize(("function", "role"), ROLES.items())
def test_functions_write_their_own_logs_only(
    config: dict[str, Any], resources: dict[str, Any], function: str, role: str
) -> None:
    [statement] = [s for s in role_statements(resources, role) if s["Sid"] == "OwnLogs"]
    assert set(statement["Action"]) == {"logs:CreateLogStream", "logs:PutLogEvents"}
    name = f"{config['service']}-{STAGE}-{function}"  # osls's function (and log group) name
    assert statement["Resource"]["Fn::Sub"].endswith(f":log-group:/aws/lambda/{name}:*")


def _statement(resources: dict[str, Any], role: str, sid: str) -> dict[str, Any]:
    [found] = [s for s in role_statements(resources, role) if s.get("Sid") == sid]
    return found


@pytest.mark.parametrize("role", ROLES.values())
def test_iam_dynamodb_on_the_table_only(resources: dict[str, Any], role: str) -> None:
    statement = _statement(resources, role, "StateTable")
    assert set(statement["Action"]) == {
        f"dynamodb:{a}"
        for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "ConditionCheckItem")
    }
    assert statement["Resource"] == get_att("StateTable")


def test_iam_secrets_are_the_two_parameters(
    config: dict[str, Any], resources: dict[str, Any]
) -> None:
    env = config["provider"]["environment"]
    token, secret = (
        f":parameter{env[name]}"
        for name in ("CHATOPS_SLACK_TOKEN_PARAMETER", "CHATOPS_SLACK_SIGNING_SECRET_PARAMETER")
    )
    slack = json.dumps(_statement(resources, "SlackRole", "SlackSecretsSsm")["Resource"])
    assert token in slack and secret in slack
    events = json.dumps(_statement(resources, "EventsRole", "SlackSecretsSsm")["Resource"])
    assert token in events and secret not in events  # the events function only posts
    for role in ROLES.values():
        kms = _statement(resources, role, "SlackSecretsKms")
        assert kms["Action"] == "kms:Decrypt"
        assert "kms:ViaService" in kms["Condition"]["StringEquals"]


def test_iam_lazy_listeners_invoke_the_slack_function_only(
    config: dict[str, Any], resources: dict[str, Any]
) -> None:
    statement = _statement(resources, "SlackRole", "SlackLazyListeners")
    assert statement["Action"] == "lambda:InvokeFunction"
    slack = config["functions"]["slack"]
    # osls names functions <service>-<stage>-<function> unless told otherwise.
    name = slack.get("name", f"{config['service']}-{STAGE}-slack")
    assert statement["Resource"]["Fn::Sub"].endswith(f":function:{name}")


def test_iam_sagemaker_logs(resources: dict[str, Any]) -> None:
    statement = _statement(resources, "SlackRole", "SageMakerLogs")
    assert set(statement["Action"]) == {f"logs:{a}" for a in client_calls(AWS_CODE, "logs")}
    assert statement["Resource"]["Fn::Sub"].endswith(":log-group:/aws/sagemaker/*")


def test_iam_sagemaker_actions_are_exactly_the_calls_the_bot_makes(
    resources: dict[str, Any],
) -> None:
    called = {f"sagemaker:{a}" for a in client_calls(AWS_CODE, "sagemaker")}
    assert len(called) > 20  # the Describe, List, Update, Retry and Stop calls of bot/aws
    granted = {
        a for a in actions_of(role_statements(resources, "SlackRole")) if a.startswith("sagemaker:")
    }
    assert granted == called, (
        f"granted, never called: {sorted(granted - called)}; "
        f"called, not granted: {sorted(called - granted)}"
    )


def test_doctor_probes_need_nothing_the_role_lacks_and_name_the_statement_that_grants_it(
    resources: dict[str, Any],
) -> None:
    """doctor probes actions the bot already uses (bot/aws/probes.py), and a ✗ names the
    statement of serverless.yml that grants each: that statement must grant it."""
    from bot.service.diagnosis import IAM_STATEMENTS

    for action, sid in IAM_STATEMENTS.items():
        assert action in as_list(_statement(resources, "SlackRole", sid)["Action"]), (action, sid)
    probed = {f"sagemaker:{a}" for a in client_calls([ROOT / "bot/aws/probes.py"], "sagemaker")}
    probed |= {f"logs:{a}" for a in client_calls([ROOT / "bot/aws/probes.py"], "logs")}
    assert probed == set(IAM_STATEMENTS)


def test_iam_cross_account_is_one_action_on_one_role_name(resources: dict[str, Any]) -> None:
    policy = resources["CrossAccountPolicy"]
    assert policy["Condition"] == "HasCrossAccountRole"
    assert policy["Properties"]["Roles"] == [{"Ref": "SlackRole"}]
    [statement] = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Resource"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${CrossAccountRoleName}"
    }
