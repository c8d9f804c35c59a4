"""The CloudFormation template ``osls package`` writes: its shape, as a stack would have it for
given parameters (tests/deploy/cfn.py), its event rules against real EventBridge matching
(moto's matcher), its IAM, and cfn-lint."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from moto.events.models import EventPattern

from bot.settings import Settings
from tests.deploy.cfn import ParameterError, Stack
from tests.deploy.conftest import EVENTS_DIR, TEMPLATE_FILE, is_stub_layer
from tests.deploy.iam import (
    actions_of,
    as_list,
    check_least_privilege,
    iam_statements,
    role_statements,
)

SAMPLES = sorted(EVENTS_DIR.glob("*.json"))
OTHER_ACCOUNT = "111122223333"
# Every optional part switched on.
EVERYTHING = {
    "AlarmTopicArn": "arn:aws:sns:us-east-1:123456789012:ops",
    "SlackSecretName": "sagemaker-chatops/slack",
    "Tracing": "true",
    "CentralEventBusName": "sagemaker-events",
    "SourceAccounts": f"{OTHER_ACCOUNT},444455556666",
    "OrganizationId": "o-a1b2c3d4e5",
    "CrossAccountRoleName": "sagemaker-chatops-access",
    "MetricsBuckets": "ml-artifacts/churn/,metrics-bucket/",
    "FailureLogLines": "20",
}
OPTIONAL = {
    "CrossAccountPolicy",
    "MetricsPolicy",
    "CrossAccountMetricsPolicy",
    "FailureLogsPolicy",
    "SecretsManagerPolicy",
    "TracingPolicy",
    "CentralEventBus",
    "CentralEventsRule",
    "CentralBusAccountsPolicy",
    "CentralBusOrganizationPolicy",
}


def get_att(logical_id: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def sample(path: Path) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(path.read_text())
    return event


def matches(pattern: Any, event: dict[str, Any]) -> bool:
    """EventBridge matching, by moto's implementation (which also validates the pattern)."""
    return bool(EventPattern.load(json.dumps(pattern)).matches_event(event))


@pytest.fixture(scope="module")
def stack(template: dict[str, Any]) -> Stack:
    """The stack as deployed with the defaults (the osls params of --stage ci)."""
    return Stack(template)


@pytest.fixture(scope="module")
def everything(template: dict[str, Any]) -> Stack:
    return Stack(template, EVERYTHING)


# --- functions, queue, table, API ---------------------------------------------------------------


def test_package_has_both_functions(stack: Stack) -> None:
    resources = stack.resources()
    functions = of_type(resources, "AWS::Lambda::Function")
    handlers = {f["Properties"]["Handler"]: f["Properties"] for f in functions.values()}
    assert set(handlers) == {"handlers/events.handler", "handlers/slack.handler"}
    for properties in handlers.values():
        assert properties["Runtime"] == "python3.12"
        assert properties["Architectures"] == ["arm64"]
        assert properties["Layers"] == [{"Ref": "DepsLambdaLayer"}]
    assert handlers["handlers/events.handler"]["Role"] == get_att("EventsRole")
    assert handlers["handlers/slack.handler"]["Role"] == get_att("SlackRole")
    assert "DepsLambdaLayer" in resources
    assert "IamRoleLambdaExecution" not in resources  # no shared role


def test_package_has_queue_rule_and_table(stack: Stack) -> None:
    resources = stack.resources()
    queue = resources["EventsQueue"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": get_att("EventsDeadLetterQueue"),
        "maxReceiveCount": 10,
    }
    assert resources["EventsDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"
    [mapping] = of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    properties = mapping["Properties"]
    assert properties["EventSourceArn"] == get_att("EventsQueue")
    assert properties["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert properties["FunctionName"] == get_att("EventsLambdaFunction")
    assert properties["BatchSize"] == 10
    assert properties["ScalingConfig"] == {"MaximumConcurrency": 2}
    table = resources["StateTable"]["Properties"]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["TimeToLiveSpecification"]["Enabled"] is True
    assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


def test_package_schedules_the_reminders_on_the_events_function(stack: Stack) -> None:
    resources = stack.resources()
    [(name, rule)] = [
        (k, v)
        for k, v in of_type(resources, "AWS::Events::Rule").items()
        if "ScheduleExpression" in v["Properties"]
    ]
    properties = rule["Properties"]
    assert properties["ScheduleExpression"] == "rate(15 minutes)"
    assert properties["State"] == "ENABLED"
    [target] = properties["Targets"]
    assert target["Arn"] == get_att("EventsLambdaFunction")
    assert "Input" not in target  # EventBridge's own Scheduled Event (handlers/events.py)
    # only that rule may invoke the events function, besides its queue's mapping
    [permission] = [
        p["Properties"]
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == get_att("EventsLambdaFunction")
    ]
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == get_att(name)


def test_package_http_api_route(stack: Stack) -> None:
    routes = of_type(stack.resources(), "AWS::ApiGatewayV2::Route")
    assert [r["Properties"]["RouteKey"] for r in routes.values()] == ["POST /slack/events"]


def test_no_secret_reaches_the_template_or_the_environment(template: dict[str, Any]) -> None:
    for function in of_type(template["Resources"], "AWS::Lambda::Function").values():
        env = function["Properties"]["Environment"]["Variables"]
        assert not {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"} & set(env)
        assert env["CHATOPS_SLACK_TOKEN_PARAMETER"].startswith("/sagemaker-chatops/ci/")
    assert "xox" not in json.dumps(template)


def test_optional_parts_are_off_by_default(stack: Stack) -> None:
    assert not OPTIONAL & set(stack.resources())
    assert "CentralEventBusArn" not in stack.outputs()
    for alarm in ("EventsDeadLetterAlarm", "RuleDeadLetterAlarm"):
        assert "AlarmActions" not in stack.resource(alarm)["Properties"]


def test_optional_parts_are_all_there_when_asked_for(everything: Stack) -> None:
    assert set(everything.resources()) >= OPTIONAL
    for alarm in ("EventsDeadLetterAlarm", "RuleDeadLetterAlarm"):
        properties = everything.resource(alarm)["Properties"]
        assert properties["AlarmActions"] == [EVERYTHING["AlarmTopicArn"]]
        assert properties["Dimensions"][0]["Name"] == "QueueName"


# --- SnapStart (the `snapStart` param) -------------------------------------------------------


def lazy_listener_target(resources: dict[str, Any]) -> str:
    """The ARN the slack function may invoke for Bolt's lazy listeners."""
    [statement] = [
        s for s in role_statements(resources, "SlackRole") if s.get("Sid") == "SlackLazyListeners"
    ]
    assert statement["Action"] == "lambda:InvokeFunction"
    target: str = statement["Resource"]
    return target


def test_snap_start_is_off_by_default(stack: Stack) -> None:
    resources = stack.resources()
    assert not [r for r in resources.values() if "SnapStart" in r.get("Properties", {})]
    assert not of_type(resources, "AWS::Lambda::Alias")
    integration = resources["HttpApiIntegrationSlack"]["Properties"]
    assert integration["IntegrationUri"] == get_att("SlackLambdaFunction")
    # Bolt invokes the ARN the request came to: here the function's own, unqualified.
    assert lazy_listener_target(resources).endswith(":function:sagemaker-chatops-ci-slack")


def test_snap_start_snapshots_the_slack_function_and_everything_goes_through_its_alias(
    snap_start_template: dict[str, Any],
) -> None:
    resources = Stack(snap_start_template).resources()
    functions = of_type(resources, "AWS::Lambda::Function")
    snap_start = {name: f["Properties"].get("SnapStart") for name, f in functions.items()}
    assert snap_start == {
        "SlackLambdaFunction": {"ApplyOn": "PublishedVersions"},
        "EventsLambdaFunction": None,  # the queue waits; nobody waits for its cold start
    }
    # A published version of it, and an alias on that version…
    [(alias_id, alias)] = of_type(resources, "AWS::Lambda::Alias").items()
    alias_name = alias["Properties"]["Name"]
    version_id = alias["Properties"]["FunctionVersion"]["Fn::GetAtt"][0]
    assert resources[version_id]["Properties"]["FunctionName"] == {"Ref": "SlackLambdaFunction"}
    alias_arn = {"Fn::Join": [":", [get_att("SlackLambdaFunction"), alias_name]]}
    # …which Slack's requests reach (SnapStart applies to published versions only)…
    integration = resources["HttpApiIntegrationSlack"]["Properties"]
    assert integration["IntegrationUri"] == alias_arn
    # (the events function's permissions, for its reminders' schedule, are not the API's)
    [permission] = [
        p
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"].get("Principal") == "apigateway.amazonaws.com"
    ]
    assert permission["Properties"]["FunctionName"] == alias_arn
    # …and so do the lazy listeners, which invoke the ARN the request came to: the alias's,
    # with its async invocations still never retried.
    assert lazy_listener_target(resources).endswith(
        f":function:sagemaker-chatops-ci-slack:{alias_name}"
    )
    [invoke_config] = of_type(resources, "AWS::Lambda::EventInvokeConfig").values()
    assert invoke_config["Properties"]["Qualifier"] == alias_name
    assert invoke_config["Properties"]["MaximumRetryAttempts"] == 0
    assert alias_id in as_list(invoke_config["DependsOn"])
    check_least_privilege(list(iam_statements(resources)))


def test_snap_start_template_passes_cfn_lint(
    snap_start_template: dict[str, Any], tmp_path: Path
) -> None:
    from cfnlint import api

    path = tmp_path / TEMPLATE_FILE
    path.write_text(json.dumps(snap_start_template))
    found = api.lint_file(path, config=api.ManualArgs(regions=["us-east-1"]))
    assert not found, "\n".join(str(m) for m in found)


# --- IAM -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("parameters", [{}, EVERYTHING], ids=["defaults", "everything"])
def test_package_iam_is_least_privilege(
    template: dict[str, Any], parameters: dict[str, str]
) -> None:
    resources = Stack(template, parameters).resources()
    check_least_privilege(list(iam_statements(resources)))


def test_package_roles_are_per_function(everything: Stack) -> None:
    resources = everything.resources()
    events = actions_of(role_statements(resources, "EventsRole"))
    slack = actions_of(role_statements(resources, "SlackRole"))
    # The events function reads packages' metrics (pinned: tests/deploy/test_serverless_config)
    # and acts on nothing; the slack function reads no S3 and takes no queue.
    assert {a for a in events if a.split(":")[0] in ("sagemaker", "lambda", "sts", "s3")} == {
        "sagemaker:DescribeModelPackage",
        "sagemaker:ListModelPackages",
        "s3:GetObject",
        "sts:AssumeRole",
    }
    assert not {a for a in slack if a.startswith(("sqs:", "s3:"))}
    assert "sts:AssumeRole" in slack


def test_metrics_documents_are_readable_under_the_entries_only(everything: Stack) -> None:
    policy = everything.resource("MetricsPolicy")["Properties"]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    # Each entry ends with its slash: ml-artifacts/churn/* never grants ml-artifacts-copy/….
    assert statements["MetricsDocuments"]["Resource"] == [
        "arn:*:s3:::ml-artifacts/churn/*",
        "arn:*:s3:::metrics-bucket/*",
    ]
    assert statements["PackageDescriptions"]["Resource"] == (
        "arn:aws:sagemaker:us-east-1:123456789012:model-package/*"
    )
    kms = statements["MetricsDocumentsKms"]
    assert kms["Resource"] == "arn:aws:kms:us-east-1:123456789012:key/*"
    assert kms["Condition"] == {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
    [assume] = everything.resource("CrossAccountMetricsPolicy")["Properties"]["PolicyDocument"][
        "Statement"
    ]
    assert assume["Resource"] == "arn:aws:iam::*:role/sagemaker-chatops-access-metrics"
    env = everything.resource("EventsLambdaFunction")["Properties"]["Environment"]["Variables"]
    settings = Settings.from_env(env)
    assert settings.metrics_buckets == ["ml-artifacts/churn/", "metrics-bucket/"]
    assert settings.cross_account_role == "sagemaker-chatops-access-metrics"
    assert everything.outputs()["EventsRoleArn"]["Value"] == get_att("EventsRole")


def test_without_metrics_buckets_the_events_function_reads_nothing(stack: Stack) -> None:
    events = actions_of(role_statements(stack.resources(), "EventsRole"))
    assert not {a for a in events if a.split(":")[0] in ("sagemaker", "s3", "sts")}
    assert not {"logs:GetLogEvents", "logs:DescribeLogStreams"} & events  # failureLogLines 0
    env = stack.resource("EventsLambdaFunction")["Properties"]["Environment"]["Variables"]
    settings = Settings.from_env(env)
    assert settings.metrics_buckets == [] and settings.cross_account_role is None
    assert settings.failure_log_lines == 0


def test_failure_log_lines_let_the_events_function_read_the_job_log_groups_only(
    everything: Stack,
) -> None:
    statements = role_statements(everything.resources(), "EventsRole")
    reads = [s for s in statements if "logs:GetLogEvents" in as_list(s["Action"])]
    [statement] = reads
    assert set(statement["Action"]) == {"logs:DescribeLogStreams", "logs:GetLogEvents"}
    assert [r.rsplit(":log-group:", 1)[1] for r in statement["Resource"]] == [
        "/aws/sagemaker/TrainingJobs:*",
        "/aws/sagemaker/ProcessingJobs:*",
        "/aws/sagemaker/TransformJobs:*",
    ]
    env = everything.resource("EventsLambdaFunction")["Properties"]["Environment"]["Variables"]
    assert Settings.from_env(env).failure_log_lines == 20


def test_cross_account_role_is_assumable_by_name_only(template: dict[str, Any]) -> None:
    stack = Stack(template, {"CrossAccountRoleName": "sagemaker-chatops-access"})
    policy = stack.resource("CrossAccountPolicy")["Properties"]
    assert policy["Roles"] == [{"Ref": "SlackRole"}]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRole"
    assert statement["Resource"] == "arn:aws:iam::*:role/sagemaker-chatops-access"
    env = stack.resource("SlackLambdaFunction")["Properties"]["Environment"]["Variables"]
    assert Settings.from_env(env).cross_account_role == "sagemaker-chatops-access"


def test_without_a_cross_account_role_the_bot_stays_home(stack: Stack) -> None:
    env = stack.resource("SlackLambdaFunction")["Properties"]["Environment"]["Variables"]
    assert env["CHATOPS_CROSS_ACCOUNT_ROLE"] == ""
    assert Settings.from_env(env).cross_account_role is None
    assert "sts:AssumeRole" not in actions_of(role_statements(stack.resources(), "SlackRole"))


# --- EventBridge rules (moto's matcher) ----------------------------------------------------------


def test_there_are_sample_events() -> None:
    assert len(SAMPLES) >= 10


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_rule_matches_sample_event(stack: Stack, template: dict[str, Any], path: Path) -> None:
    event = sample(path)
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    if event["detail-type"] in BULK_DETAIL_TYPES:
        # Left out by default (bulkDetailTypes=exclude); taken with include.
        assert not matches(pattern, event)
        taking = Stack(template, {"BulkDetailTypes": "include"})
        pattern = taking.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert matches(pattern, event)


@pytest.mark.parametrize(
    "event",
    [
        {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification"},
        # Same detail-type, wrong source: someone else's events.
        {"source": "custom.app", "detail-type": "SageMaker Training Job State Change"},
        # SageMaker API calls through CloudTrail: not state changes.
        {"source": "aws.sagemaker", "detail-type": "AWS API Call via CloudTrail"},
        {"source": "aws.sagemaker"},
    ],
    ids=["ec2", "other-source", "cloudtrail", "no-detail-type"],
)
def test_rule_rejects_other_events(stack: Stack, event: dict[str, Any]) -> None:
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert not matches(pattern, {**event, "detail": {}})


BULK_DETAIL_TYPES = [
    "SageMaker Ground Truth Labeling Job Task Status Change",
    "SageMaker HyperPod Cluster Node Health Event",
]


def sagemaker_event(detail_type: str) -> dict[str, Any]:
    return {"source": "aws.sagemaker", "detail-type": detail_type, "detail": {}}


def test_rule_takes_every_sagemaker_detail_type_but_bulk_by_default(stack: Stack) -> None:
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert pattern == {
        "source": ["aws.sagemaker"],
        "detail-type": [{"anything-but": {"wildcard": ["AWS *", *BULK_DETAIL_TYPES]}}],
    }
    # A failure alert's type arrives, and so does one SageMaker adds later (the generic
    # template renders it).
    assert matches(pattern, sagemaker_event("SageMaker Training Job State Change"))
    assert matches(pattern, sagemaker_event("SageMaker New Thing"))
    # The bulk types do not, nor types that merely begin like them.
    for detail_type in BULK_DETAIL_TYPES:
        assert not matches(pattern, sagemaker_event(detail_type)), detail_type
        assert matches(pattern, sagemaker_event(detail_type + " V2")), detail_type
    assert matches(pattern, sagemaker_event("SageMaker HyperPod Cluster State Change"))


def test_bulk_detail_types_include_brings_them_back(template: dict[str, Any]) -> None:
    stack = Stack(template, {"BulkDetailTypes": "include"})
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert pattern == {"source": ["aws.sagemaker"], "detail-type": [{"prefix": "SageMaker"}]}
    for detail_type in [*BULK_DETAIL_TYPES, "SageMaker Training Job State Change"]:
        assert matches(pattern, sagemaker_event(detail_type)), detail_type
    assert not matches(pattern, sagemaker_event("AWS API Call via CloudTrail"))
    for path in SAMPLES:
        assert matches(pattern, sample(path)), path.name


def test_bulk_detail_types_default_is_exclude(template: dict[str, Any]) -> None:
    declared = template["Parameters"]["BulkDetailTypes"]
    assert declared["Default"] == "exclude"
    assert sorted(declared["AllowedValues"]) == ["exclude", "include"]


def test_detail_types_naming_a_bulk_type_take_it(template: dict[str, Any]) -> None:
    stack = Stack(template, {"DetailTypes": BULK_DETAIL_TYPES[0]})
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert matches(pattern, sagemaker_event(BULK_DETAIL_TYPES[0]))
    assert not matches(pattern, sagemaker_event("SageMaker Training Job State Change"))


def test_detail_types_narrow_the_rule(template: dict[str, Any]) -> None:
    wanted = ["SageMaker Training Job State Change", "SageMaker Model Package State Change"]
    stack = Stack(template, {"DetailTypes": ", ".join(wanted)})
    pattern = stack.resource("SageMakerEventsRule")["Properties"]["EventPattern"]
    assert pattern["detail-type"] == wanted
    seen = set()
    for path in SAMPLES:
        event = sample(path)
        assert matches(pattern, event) is (event["detail-type"] in wanted), path.name
        seen.add(matches(pattern, event))
    assert seen == {True, False}


def test_rule_targets_the_queue_with_its_own_dead_letter_queue(stack: Stack) -> None:
    resources = stack.resources()
    [target] = resources["SageMakerEventsRule"]["Properties"]["Targets"]
    assert target["Arn"] == get_att("EventsQueue")
    assert target["DeadLetterConfig"] == {"Arn": get_att("RuleDeadLetterQueue")}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert resources["RuleDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def _queue_policy(stack: Stack) -> dict[str, Any]:
    policy = stack.resource("EventsQueuePolicy")["Properties"]
    assert {"Ref": "EventsQueue"} in policy["Queues"]
    assert {"Ref": "RuleDeadLetterQueue"} in policy["Queues"]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Resource"] == [get_att("EventsQueue"), get_att("RuleDeadLetterQueue")]
    found: dict[str, Any] = statement
    return found


def test_queue_policy_lets_only_the_rule_send(stack: Stack) -> None:
    statement = _queue_policy(stack)
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": [get_att("SageMakerEventsRule")]}
    }


# --- cross-account: the central bus ---------------------------------------------------------


def test_central_bus_rule_forwards_other_accounts_events_to_the_same_queue(
    everything: Stack,
) -> None:
    resources = everything.resources()
    assert resources["CentralEventBus"]["Properties"] == {"Name": "sagemaker-events"}
    rule = resources["CentralEventsRule"]["Properties"]
    assert rule["EventBusName"] == {"Ref": "CentralEventBus"}
    home = resources["SageMakerEventsRule"]["Properties"]
    assert rule["EventPattern"] == home["EventPattern"]
    assert rule["Targets"] == home["Targets"]  # the queue, with the rules' dead-letter queue
    assert rule["Name"] != home["Name"]
    for path in SAMPLES:  # forwarded events keep their own account
        event = {**sample(path), "account": OTHER_ACCOUNT}
        bulk = event["detail-type"] in BULK_DETAIL_TYPES  # left out, as on the home bus
        assert matches(rule["EventPattern"], event) is not bulk
    statement = _queue_policy(everything)
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == [
        get_att("SageMakerEventsRule"),
        get_att("CentralEventsRule"),
    ]
    assert everything.outputs()["CentralEventBusArn"]["Value"] == (
        "arn:aws:events:us-east-1:123456789012:event-bus/sagemaker-events"
    )


def test_central_bus_lets_the_listed_accounts_and_the_organization_put_events(
    everything: Stack,
) -> None:
    resources = everything.resources()
    bus_arn = "arn:aws:events:us-east-1:123456789012:event-bus/sagemaker-events"
    accounts = resources["CentralBusAccountsPolicy"]["Properties"]
    assert accounts["EventBusName"] == {"Ref": "CentralEventBus"}
    assert accounts["Statement"] == {
        "Effect": "Allow",
        "Principal": {"AWS": [OTHER_ACCOUNT, "444455556666"]},
        "Action": "events:PutEvents",
        "Resource": bus_arn,
    }
    organization = resources["CentralBusOrganizationPolicy"]["Properties"]
    assert organization["Statement"]["Action"] == "events:PutEvents"
    assert organization["Statement"]["Resource"] == bus_arn
    assert organization["Statement"]["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}
    }
    assert accounts["StatementId"] != organization["StatementId"]


def test_an_existing_central_bus_is_used_not_created(template: dict[str, Any]) -> None:
    stack = Stack(
        template,
        {
            "CentralEventBusName": "shared-events",
            "CreateCentralEventBus": "false",
            "SourceAccounts": OTHER_ACCOUNT,
        },
    )
    resources = stack.resources()
    assert "CentralEventBus" not in resources
    assert "CentralBusOrganizationPolicy" not in resources
    assert resources["CentralEventsRule"]["Properties"]["EventBusName"] == "shared-events"
    policy = resources["CentralBusAccountsPolicy"]["Properties"]
    assert policy["EventBusName"] == "shared-events"
    assert policy["Statement"]["Principal"] == {"AWS": [OTHER_ACCOUNT]}


def test_forwarding_to_the_default_bus_needs_only_its_policy(template: dict[str, Any]) -> None:
    stack = Stack(template, {"CentralEventBusName": "default", "OrganizationId": "o-a1b2c3d4e5"})
    resources = stack.resources()
    # SageMakerEventsRule is on the default bus already: no second rule, no second delivery.
    assert not {"CentralEventBus", "CentralEventsRule"} & set(resources)
    assert resources["CentralBusOrganizationPolicy"]["Properties"]["EventBusName"] == "default"
    statement = _queue_policy(stack)
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == [get_att("SageMakerEventsRule")]


@pytest.mark.parametrize(
    "parameters",
    [
        {"SourceAccounts": "12345"},
        {"SourceAccounts": "111122223333,not-an-account"},
        {"OrganizationId": "org-1"},
        {"CentralEventBusName": "a bus"},
        {"CrossAccountRoleName": "arn:aws:iam::111122223333:role/x"},
        {"CreateCentralEventBus": "yes"},
        {"Tracing": "on"},
        {"MetricsBuckets": "ml-artifacts"},  # no slash: would also grant ml-artifacts-copy
        {"MetricsBuckets": "s3://ml-artifacts/"},
        {"MetricsBuckets": "ml-artifacts/churn/*"},
        {"MetricsBuckets": "ml-artifacts/,Bad_Bucket/"},
    ],
)
def test_bad_parameters_are_refused(template: dict[str, Any], parameters: dict[str, str]) -> None:
    with pytest.raises(ParameterError):
        Stack(template, parameters)


# --- cfn-lint -----------------------------------------------------------------------------------

# Warnings ignored on one resource, by name, and why (the same reason is in serverless.yml).
IGNORED = {
    "W3005": "osls writes a DependsOn that a Ref or GetAtt already implies, on its own resources",
}
IGNORED_ON = {"EventsLambdaFunction", "SlackLambdaFunction", "HttpApiRoutePostSlackEvents"}


def test_package_template_passes_cfn_lint(packaged: Path) -> None:
    from cfnlint import api

    matches_found = api.lint_file(
        packaged / TEMPLATE_FILE, config=api.ManualArgs(regions=["us-east-1"])
    )
    assert not matches_found, "\n".join(str(m) for m in matches_found)


@pytest.mark.parametrize("snap_start", [False, True])
def test_cfn_lint_ignores_only_named_warnings_where_osls_writes_them(
    template: dict[str, Any], snap_start: bool, request: pytest.FixtureRequest
) -> None:
    if snap_start:  # osls writes the alias and its DependsOn too
        template = request.getfixturevalue("snap_start_template")
    ignored = {
        name: resource["Metadata"]["cfn-lint"]["config"]["ignore_checks"]
        for name, resource in template["Resources"].items()
        if "cfn-lint" in resource.get("Metadata", {})
    }
    assert set(ignored) == IGNORED_ON | ({"SlackSnapStartLambdaAlias"} if snap_start else set())
    for name, checks in ignored.items():
        assert set(checks) <= set(IGNORED), f"{name}: {checks}"
        assert all(check.startswith("W") for check in checks), "an error is never ignored"
    assert "Metadata" not in template or "cfn-lint" not in template["Metadata"]


def test_cfn_lint_reports_an_error_in_this_template(
    template: dict[str, Any], tmp_path: Path
) -> None:
    """The lint test above can fail: a broken copy of the template is reported."""
    from cfnlint import api

    broken = copy.deepcopy(template)
    broken["Resources"]["EventsQueue"]["Properties"]["VisibilityTimeout"] = "a while"
    path = tmp_path / TEMPLATE_FILE
    path.write_text(json.dumps(broken))
    found = api.lint_file(path, config=api.ManualArgs(regions=["us-east-1"]))
    assert [m.rule.id for m in found if m.rule.id.startswith("E")]


def test_member_account_template_passes_cfn_lint() -> None:
    from cfnlint import api

    member = Path(__file__).resolve().parents[2] / "deploy" / "cross-account-role.yml"
    found = api.lint_file(member, config=api.ManualArgs(regions=["us-east-1"]))
    assert not found, "\n".join(str(m) for m in found)


def test_member_account_role_matches_the_bots_permissions(everything: Stack) -> None:
    """What the bot may do in a member account is what it may do at home, and nothing else."""
    member_file = Path(__file__).resolve().parents[2] / "deploy" / "cross-account-role.yml"
    from tests.deploy.conftest import _CfnLoader

    member = yaml.load(member_file.read_text(), Loader=_CfnLoader)
    role = member["Resources"]["AccessRole"]["Properties"]
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": {"Ref": "BotRoleArn"}}
    assert role["RoleName"] == {"Ref": "RoleName"}
    granted = {
        a
        for p in role["Policies"]
        for s in p["PolicyDocument"]["Statement"]
        for a in as_list(s["Action"])
    }
    home = {
        a
        for a in actions_of(role_statements(everything.resources(), "SlackRole"))
        if a.startswith(("sagemaker:", "logs:Get", "logs:Describe"))
    }
    assert granted == home
    check_least_privilege([s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]])
    forward = member["Resources"]["ForwardSageMakerEvents"]["Properties"]
    assert all(matches(forward["EventPattern"], sample(path)) for path in SAMPLES)


def test_member_account_metrics_role_is_the_events_functions_reads_only(
    everything: Stack,
) -> None:
    """In a member account the events function may read packages' metrics, as at home, and do
    nothing else; the role exists only when asked for."""
    member_file = Path(__file__).resolve().parents[2] / "deploy" / "cross-account-role.yml"
    from tests.deploy.conftest import _CfnLoader

    member = yaml.load(member_file.read_text(), Loader=_CfnLoader)
    required = {
        "CentralAccountId": "111111111111",
        "CentralEventBusName": "sagemaker-events",
        "BotRoleArn": "arn:aws:iam::111111111111:role/sagemaker-chatops-prod-us-east-1-slack",
    }
    assert "MetricsRole" not in Stack(member, required).resources()
    events_role = "arn:aws:iam::111111111111:role/sagemaker-chatops-prod-us-east-1-events"
    stack = Stack(
        member, {**required, "EventsRoleArn": events_role, "MetricsBuckets": "ml-222/models/"}
    )
    role = stack.resource("MetricsRole")["Properties"]
    assert role["RoleName"] == "sagemaker-chatops-access-metrics"
    [trust] = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"AWS": events_role}
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    check_least_privilege(statements)
    home = everything.resource("MetricsPolicy")["Properties"]["PolicyDocument"]["Statement"]
    assert actions_of(statements) == actions_of(home)
    [documents] = [s for s in statements if s["Sid"] == "MetricsDocuments"]
    assert documents["Resource"] == ["arn:*:s3:::ml-222/models/*"]
    [kms] = [s for s in statements if s["Sid"] == "MetricsDocumentsKms"]
    assert kms["Condition"] == {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}}
    with pytest.raises(ParameterError):
        Stack(member, {**required, "RoleName": "r" * 57})  # RoleName-metrics must fit in 64


# --- the zips -------------------------------------------------------------------------------------


def test_package_zip_holds_the_code_only(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "sagemaker-chatops.zip") as archive:
        names = archive.namelist()
    top = {name.split("/", 1)[0] for name in names}
    # templates/ only for template overrides (README, "Templates"), and this checkout has none.
    assert top == {"bot", "handlers"}
    assert "handlers/events.py" in names and "bot/__init__.py" in names
    assert "bot/templates/__init__.py" in names
    assert any(name.startswith("bot/templates/") and name.endswith(".j2") for name in names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_package_ships_current_compiled_templates(packaged: Path, tmp_path: Path) -> None:
    """The Lambda loads the templates compiled at packaging, not their sources: the build is in
    the zip and its fingerprint matches the templates packaged beside it."""
    import jinja2

    from bot.render import compiled, renderer

    templates = "bot/templates/"
    with zipfile.ZipFile(packaged / "sagemaker-chatops.zip") as archive:
        names = archive.namelist()
        archive.extractall(tmp_path, [n for n in names if n.startswith(templates)])
    assert f"{templates}{compiled.COMPILED_DIR}/{compiled.FINGERPRINT_FILE}" in names
    env = renderer._environment(None, precompiled=False)
    loader = compiled.builtin_loader(env, tmp_path / templates)
    assert isinstance(loader, jinja2.ChoiceLoader)
    assert isinstance(loader.loaders[0], jinja2.ModuleLoader)
    sources = [n for n in names if n.startswith(templates) and n.endswith(".j2")]
    modules = [n for n in names if n.startswith(f"{templates}{compiled.COMPILED_DIR}/tmpl_")]
    assert len(modules) == len(sources) > 0


def test_package_layer_zip_is_the_layer_without_the_aws_sdk(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "deps.zip") as archive:
        names = archive.namelist()
    if is_stub_layer(packaged):
        assert names == ["python/layer_stub.py"]
        return
    assert {name.split("/", 1)[0] for name in names} == {"python"}
    tops = {name.split("/")[1] for name in names}
    assert {"pydantic", "pydantic_core", "jinja2", "slack_sdk", "slack_bolt"} <= tops
    assert "aws_lambda_powertools" in tops
    assert not {"boto3", "botocore", "s3transfer", "urllib3", "dateutil"} & tops
