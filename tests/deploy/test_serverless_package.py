"""serverless.yml: checked as configuration (fast, pure Python), then packaged by osls (slower,
only where Node.js and ``node_modules/.bin/osls`` are installed: ``npm ci``).

The fast part reads the YAML with CloudFormation's short forms (``!Ref``, ``!GetAtt``…) and
resolves the osls variables it uses (``${self:…}``, ``${param:…}``, ``${sls:stage}``,
``${opt:…}``, ``${env:…}``) the way osls does for ``--stage ci``, so the checks see the values
that get deployed.
"""

from __future__ import annotations

import fcntl
import importlib
import json
import os
import re
import shutil
import struct
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.store.dynamodb import TTL_ATTRIBUTE, create_table

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS_YML = ROOT / "serverless.yml"
EVENTS_DIR = ROOT / "tests" / "events"
BUILD_LAYER = ROOT / "deploy" / "build_layer.sh"
OFFLINE_PLUGIN = "./deploy/osls-offline-package.js"
OSLS = ROOT / "node_modules" / ".bin" / "osls"
LAYER_SITE = ROOT / "build" / "layer" / "python"  # deploy/build_layer.sh's default output
STAGE = "ci"

# Actions that may have Resource "*", and why. Nothing else may.
STAR_RESOURCE_ACTIONS = {
    # Read-only; ListModelPackages has no resource type, so IAM grants it only with "*".
    "sagemaker:ListModelPackages": "no resource-level permissions",
    "sagemaker:ListPipelineExecutions": "read-only list",
    "sagemaker:ListPipelineExecutionSteps": "read-only list",
    # Added by osls only when tracing is on; X-Ray has no resource-level permissions.
    "xray:PutTraceSegments": "no resource-level permissions",
    "xray:PutTelemetryRecords": "no resource-level permissions",
}


# --- loading -----------------------------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """YAML's safe loader, reading CloudFormation short forms as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)

# Innermost variables of the sources used here; ${AWS::Region} in !Sub is CloudFormation's.
_VARIABLE = re.compile(r"\$\{(self|param|sls|opt|env):([^${}]*)\}")


class Resolver:
    """osls variable resolution, for the sources serverless.yml uses."""

    def __init__(
        self,
        raw: dict[str, Any],
        *,
        params: dict[str, Any] | None = None,
        options: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.raw = raw
        self.options = {"stage": STAGE, **(options or {})}
        stage = self.options["stage"]
        declared = raw.get("params") or {}
        self.params = {
            **(declared.get("default") or {}),
            **(declared.get(stage) or {}),
            **(params or {}),
        }
        self.env = env or {}

    def resolve(self, value: Any, depth: int = 0) -> Any:
        assert depth < 20, f"variables nested too deep at {value!r}"
        if isinstance(value, dict):
            return {k: self.resolve(v, depth + 1) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, depth + 1) for v in value]
        if not isinstance(value, str):
            return value
        while (match := _VARIABLE.search(value)) is not None:
            found = self._lookup(match.group(1), match.group(2), depth)
            if match.group(0) == value:  # the whole string: keep the value's type
                return self.resolve(found, depth + 1)
            value = value[: match.start()] + _text(found) + value[match.end() :]
        return value

    def _lookup(self, source: str, address: str, depth: int) -> Any:
        name, _, fallback = (part.strip() for part in address.partition(","))
        default = fallback.strip("'\"") if fallback else None
        found: Any
        if source == "self":
            found = self._path(name, depth)
        elif source == "param":
            found = self.params.get(name)
        elif source == "sls":
            assert name == "stage", f"unknown ${{sls:{name}}}"
            found = self.options["stage"]
        elif source == "opt":
            found = self.options.get(name)
        else:
            found = self.env.get(name)
        if found is None:
            assert default is not None, f"${{{source}:{address}}} resolves to nothing"
            return default
        return found

    def _path(self, path: str, depth: int) -> Any:
        node: Any = self.raw
        for segment in path.split("."):
            if isinstance(node, str):
                node = self.resolve(node, depth + 1)
            node = node[int(segment)] if isinstance(node, list) else node[segment]
        return node


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_raw() -> dict[str, Any]:
    data = yaml.load(SERVERLESS_YML.read_text(), Loader=_CfnLoader)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_raw()


@pytest.fixture(scope="module")
def config(raw: dict[str, Any]) -> dict[str, Any]:
    resolved = Resolver(raw).resolve(raw)
    assert isinstance(resolved, dict)
    return resolved


@pytest.fixture(scope="module")
def resources(config: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = config["resources"]["Resources"]
    return found


def _get_att(logical_id: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, attribute]}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


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
    for text in _strings(raw):
        for source in ("${ssm:", "${aws:", "${cf:", "${cf(", "${s3:", "${file("):
            assert source not in text, f"{source} needs AWS (or a file) when packaging: {text}"


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
    [event] = function["events"]
    sqs = event["sqs"]
    assert sqs["arn"] == _get_att("EventsQueue")
    assert sqs["batchSize"] == 10
    assert sqs["functionResponseType"] == "ReportBatchItemFailures"
    assert 0 < sqs["maximumBatchingWindow"] <= 300
    assert sqs["maximumConcurrency"] >= 2  # SQS's minimum
    # Concurrency is capped on the mapping, not by throttling the function (see the file).
    assert "reservedConcurrency" not in function


def test_slack_function_serves_the_slack_endpoint(config: dict[str, Any]) -> None:
    function = config["functions"]["slack"]
    assert function["handler"] == "handlers/slack.handler"
    assert function["events"] == [{"httpApi": {"method": "POST", "path": "/slack/events"}}]
    # Lazy listeners run in an async invocation with this timeout; HTTP API stops at 30 s.
    assert 10 <= function["timeout"] < 30
    assert function["maximumRetryAttempts"] == 0


def test_queue_visibility_covers_the_function_timeout(
    config: dict[str, Any], resources: dict[str, Any]
) -> None:
    function = config["functions"]["events"]
    window = function["events"][0]["sqs"]["maximumBatchingWindow"]
    visibility = resources["EventsQueue"]["Properties"]["VisibilityTimeout"]
    # AWS: at least six times the function timeout, plus the batching window.
    assert visibility >= 6 * function["timeout"] + window


def test_package_holds_the_code_only(config: dict[str, Any]) -> None:
    from bot.render.renderer import BUILTIN_TEMPLATES

    package = config["package"]
    patterns = package["patterns"]
    assert patterns[0] == "!**"
    for included in ("bot/**", "handlers/**", "templates/**"):
        assert included in patterns
    assert package["individually"] is False
    # The renderer finds the built-in templates beside the bot package: templates/ at the root.
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


def test_environment_is_what_the_settings_read(config: dict[str, Any]) -> None:
    from bot.settings import Settings

    env = config["provider"]["environment"]
    chatops = {k: v for k, v in env.items() if k.startswith("CHATOPS_")}
    from bot.settings import PREFIX

    known = {f"{PREFIX}{name}".upper() for name in Settings.model_fields}
    assert set(chatops) <= known, f"settings nobody reads: {set(chatops) - known}"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in chatops.items():
            patch.setenv(name, value)
        settings = Settings.from_env()
    assert settings.store == env["CHATOPS_STORE"]
    assert settings.default_channel is None and settings.templates_dir is None
    assert settings.approvers == [] and settings.broadcast_failures is True


@pytest.mark.parametrize("tracing", [False, True])
def test_tracing_switches_lambda_and_powertools_together(
    raw: dict[str, Any], tracing: bool
) -> None:
    resolved = Resolver(raw, params={"tracing": tracing}).resolve(raw)
    provider = resolved["provider"]
    assert provider["tracing"]["lambda"] is tracing
    assert provider["environment"]["POWERTOOLS_TRACE_DISABLED"] == _text(not tracing)


def test_tracing_is_off_by_default(config: dict[str, Any]) -> None:
    assert config["provider"]["tracing"]["lambda"] is False
    assert config["provider"]["environment"]["POWERTOOLS_TRACE_DISABLED"] == "true"


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


# --- EventBridge rule ----------------------------------------------------------------------


def _matches_value(condition: Any, value: Any, present: bool) -> bool:
    """One entry of a pattern's array against one event value."""
    if not isinstance(condition, dict):
        return present and condition == value
    [(operator, operand)] = condition.items()
    if operator == "exists":
        return present is operand
    if not present:
        return False
    if operator == "prefix":
        return isinstance(value, str) and value.startswith(operand)
    if operator == "suffix":
        return isinstance(value, str) and value.endswith(operand)
    if operator == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == operand.lower()
    if operator == "anything-but":
        excluded = _as_list(operand)
        return all(not _matches_value(c, value, present) for c in excluded)
    raise AssertionError(f"pattern operator {operator!r} is not implemented by this test")


def pattern_matches(pattern: dict[str, Any], event: dict[str, Any]) -> bool:
    """EventBridge event-pattern matching for the operators above (an array is OR; keys AND;
    an event array matches when any of its elements does)."""
    for key, condition in pattern.items():
        present = key in event
        value = event.get(key)
        if isinstance(condition, dict):
            if not isinstance(value, dict) or not pattern_matches(condition, value):
                return False
            continue
        assert isinstance(condition, list), f"pattern value for {key!r} must be an array"
        values = value if isinstance(value, list) and value else [value]
        if not any(_matches_value(c, v, present) for c in condition for v in values):
            return False
    return True


@pytest.fixture(scope="module")
def event_pattern(resources: dict[str, Any]) -> dict[str, Any]:
    rule = resources["SageMakerEventsRule"]
    assert rule["Type"] == "AWS::Events::Rule"
    pattern: dict[str, Any] = rule["Properties"]["EventPattern"]
    return pattern


def test_rule_matches_every_sagemaker_detail_type_by_prefix(event_pattern: dict[str, Any]) -> None:
    assert event_pattern == {"source": ["aws.sagemaker"], "detail-type": [{"prefix": "SageMaker"}]}


@pytest.mark.parametrize("path", sorted(EVENTS_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_rule_matches_sample_event(event_pattern: dict[str, Any], path: Path) -> None:
    assert pattern_matches(event_pattern, json.loads(path.read_text()))


def test_there_are_sample_events() -> None:
    assert len(list(EVENTS_DIR.glob("*.json"))) >= 10


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
def test_rule_rejects_other_events(event_pattern: dict[str, Any], event: dict[str, Any]) -> None:
    assert not pattern_matches(event_pattern, {**event, "detail": {}})


def test_rule_targets_the_queue_with_its_own_dead_letter_queue(
    resources: dict[str, Any],
) -> None:
    [target] = resources["SageMakerEventsRule"]["Properties"]["Targets"]
    assert target["Arn"] == _get_att("EventsQueue")
    assert target["DeadLetterConfig"] == {"Arn": _get_att("RuleDeadLetterQueue")}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert resources["RuleDeadLetterQueue"]["Type"] == "AWS::SQS::Queue"


def test_queue_policy_lets_only_the_rule_send(resources: dict[str, Any]) -> None:
    policy = resources["EventsQueuePolicy"]["Properties"]
    assert {"Ref": "EventsQueue"} in policy["Queues"]
    assert {"Ref": "RuleDeadLetterQueue"} in policy["Queues"]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert set(map(str, statement["Resource"])) == {
        str(_get_att("EventsQueue")),
        str(_get_att("RuleDeadLetterQueue")),
    }
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": _get_att("SageMakerEventsRule")}
    }


# --- queues and alarms ---------------------------------------------------------------------


def test_queue_redrives_to_the_dead_letter_queue(resources: dict[str, Any]) -> None:
    queue = resources["EventsQueue"]["Properties"]
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": _get_att("EventsDeadLetterQueue"),
        "maxReceiveCount": 5,
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
    assert properties["Dimensions"] == [
        {"Name": "QueueName", "Value": _get_att(queue, "QueueName")}
    ]
    assert properties["Threshold"] == 0
    assert properties["ComparisonOperator"] == "GreaterThanThreshold"


def test_outputs(config: dict[str, Any]) -> None:
    outputs = config["resources"]["Outputs"]
    assert {"SlackRequestUrl", "EventsQueueArn", "EventsDeadLetterQueueArn", "StateTableName"} <= (
        set(outputs)
    )
    assert "/slack/events" in json.dumps(outputs["SlackRequestUrl"]["Value"])


# --- IAM -----------------------------------------------------------------------------------


def iam_statements(config: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from config["provider"]["iam"]["role"]["statements"]
    for resource in config["resources"]["Resources"].values():
        if resource["Type"] == "AWS::IAM::Policy":
            yield from resource["Properties"]["PolicyDocument"]["Statement"]


def check_least_privilege(statements: list[dict[str, Any]]) -> None:
    assert statements
    for statement in statements:
        name = statement.get("Sid", statement)
        assert statement["Effect"] == "Allow", name
        assert "NotAction" not in statement and "NotResource" not in statement, name
        actions = _as_list(statement["Action"])
        for action in actions:
            assert action != "*" and not action.endswith(":*"), f"{name}: {action}"
        if "*" in _as_list(statement["Resource"]):
            extra = set(actions) - set(STAR_RESOURCE_ACTIONS)
            assert not extra, f"{name}: {sorted(extra)} on Resource '*'"


def test_iam_is_least_privilege(config: dict[str, Any]) -> None:
    check_least_privilege(list(iam_statements(config)))


def _statement(config: dict[str, Any], sid: str) -> dict[str, Any]:
    [found] = [s for s in iam_statements(config) if s.get("Sid") == sid]
    return found


def test_iam_dynamodb_on_the_table_only(config: dict[str, Any]) -> None:
    statement = _statement(config, "StateTable")
    assert set(statement["Action"]) == {
        f"dynamodb:{a}"
        for a in ("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "ConditionCheckItem")
    }
    assert statement["Resource"] == _get_att("StateTable")


def test_iam_secrets_are_the_two_parameters(config: dict[str, Any]) -> None:
    env = config["provider"]["environment"]
    resources = json.dumps(_statement(config, "SlackSecretsSsm")["Resource"])
    for name in ("CHATOPS_SLACK_TOKEN_PARAMETER", "CHATOPS_SLACK_SIGNING_SECRET_PARAMETER"):
        assert f":parameter{env[name]}" in resources
    kms = _statement(config, "SlackSecretsKms")
    assert kms["Action"] == "kms:Decrypt"
    assert "kms:ViaService" in kms["Condition"]["StringEquals"]


def test_iam_lazy_listeners_invoke_the_slack_function_only(config: dict[str, Any]) -> None:
    statement = _statement(config, "SlackLazyListeners")
    assert statement["Action"] == "lambda:InvokeFunction"
    slack = config["functions"]["slack"]
    # osls names functions <service>-<stage>-<function> unless told otherwise.
    name = slack.get("name", f"{config['service']}-{STAGE}-slack")
    assert statement["Resource"]["Fn::Sub"].endswith(f":function:{name}")


def test_iam_sagemaker_logs(config: dict[str, Any]) -> None:
    statement = _statement(config, "SageMakerLogs")
    assert set(statement["Action"]) == {
        "logs:FilterLogEvents",
        "logs:GetLogEvents",
        "logs:DescribeLogStreams",
    }
    assert statement["Resource"]["Fn::Sub"].endswith(":log-group:/aws/sagemaker/*")


# --- osls package (slow) ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``osls package --stage ci`` into a temporary directory, with no AWS credentials and a
    stub dependency layer (the real one is deploy/build_layer.sh's, from PyPI)."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not OSLS.exists():
        pytest.skip("node_modules/.bin/osls is not installed (npm ci)")
    # One package for the whole run, also under pytest-xdist: the workers share the parent of
    # their base temporary directories, and the first one in packages for all.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    tmp = shared / "osls"
    with (shared / "osls.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (tmp / "done").exists():
            shutil.rmtree(tmp, ignore_errors=True)
            _package(tmp)
            (tmp / "done").touch()
    return tmp / "package"


def _package(tmp: Path) -> None:
    layer = tmp / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "layer_stub.py").write_text("")
    out = tmp / "package"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        # osls resolves a layer path against the service directory, so a relative one.
        CHATOPS_LAYER_DIR=os.path.relpath(layer, ROOT),
        AWS_CONFIG_FILE=str(tmp / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [str(OSLS), "package", "--stage", STAGE, "--package", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"osls package failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def template(packaged: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (packaged / "cloudformation-template-update-stack.json").read_text()
    )
    return data


def _resources_of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_package_has_both_functions(template: dict[str, Any]) -> None:
    functions = _resources_of_type(template, "AWS::Lambda::Function")
    handlers = {f["Properties"]["Handler"]: f["Properties"] for f in functions.values()}
    assert set(handlers) == {"handlers/events.handler", "handlers/slack.handler"}
    for properties in handlers.values():
        assert properties["Runtime"].startswith("python3.")
        assert properties["Architectures"] == ["arm64"]
        assert properties["Layers"] == [{"Ref": "DepsLambdaLayer"}]
    assert "DepsLambdaLayer" in template["Resources"]


def test_package_has_queue_rule_and_table(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    queue = resources["EventsQueue"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["RedrivePolicy"]["deadLetterTargetArn"] == _get_att(
        "EventsDeadLetterQueue"
    )
    assert resources["SageMakerEventsRule"]["Type"] == "AWS::Events::Rule"
    assert resources["StateTable"]["Type"] == "AWS::DynamoDB::Table"
    [mapping] = _resources_of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["EventSourceArn"] == _get_att("EventsQueue")
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["Properties"]["FunctionName"] == _get_att("EventsLambdaFunction")


def test_package_http_api_route(template: dict[str, Any]) -> None:
    routes = _resources_of_type(template, "AWS::ApiGatewayV2::Route")
    assert [r["Properties"]["RouteKey"] for r in routes.values()] == ["POST /slack/events"]


def test_package_role_is_least_privilege(template: dict[str, Any]) -> None:
    statements: list[dict[str, Any]] = []
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                statements += policy["PolicyDocument"]["Statement"]
        elif resource["Type"] == "AWS::IAM::Policy":
            statements += resource["Properties"]["PolicyDocument"]["Statement"]
    check_least_privilege(statements)


def test_package_template_passes_cfn_lint(template: dict[str, Any], packaged: Path) -> None:
    api = pytest.importorskip("cfnlint.api")
    matches = api.lint_file(
        packaged / "cloudformation-template-update-stack.json",
        config=api.ManualArgs(
            regions=["us-east-1"],
            # osls's own HTTP API route repeats a DependsOn that a Ref already implies.
            ignore_checks=["W3005"],
        ),
    )
    assert not matches, "\n".join(str(m) for m in matches)


def test_package_zip_holds_the_code_only(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "sagemaker-chatops.zip") as archive:
        names = archive.namelist()
    top = {name.split("/", 1)[0] for name in names}
    assert top == {"bot", "handlers", "templates"}
    assert "handlers/events.py" in names and "bot/__init__.py" in names
    assert any(name.startswith("templates/") and name.endswith(".j2") for name in names)
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]


def test_package_layer_zip_is_the_layer_directory(packaged: Path) -> None:
    with zipfile.ZipFile(packaged / "deps.zip") as archive:
        assert archive.namelist() == ["python/layer_stub.py"]


# --- the real layer, when deploy/build_layer.sh has built it --------------------------------

_ELF_MACHINE_AARCH64 = 183


def _elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", path
    endian = "<" if header[5] == 1 else ">"
    machine: int = struct.unpack(f"{endian}H", header[18:20])[0]
    return machine


@pytest.fixture(scope="module")
def built_layer() -> Path:
    if not (LAYER_SITE.parent / ".build-key").is_file():
        pytest.skip("the layer is not built (deploy/build_layer.sh, or npm run package)")
    return LAYER_SITE


def test_layer_binaries_are_arm64(built_layer: Path) -> None:
    libraries = [p for p in built_layer.rglob("*.so*") if p.is_file()]
    assert libraries, "no compiled extension (pydantic-core has one)"
    wrong = [p for p in libraries if _elf_machine(p) != _ELF_MACHINE_AARCH64]
    assert not wrong, f"not aarch64: {wrong}"


def test_layer_has_the_dependencies_for_the_runtime(
    built_layer: Path, config: dict[str, Any]
) -> None:
    version = config["provider"]["runtime"].removeprefix("python").replace(".", "")
    assert list(built_layer.glob(f"pydantic_core/_pydantic_core.cpython-{version}-*.so"))
    for package in ("pydantic", "jinja2", "slack_sdk", "slack_bolt", "boto3"):
        assert (built_layer / package / "__init__.py").is_file(), package
    assert (built_layer / "aws_lambda_powertools").is_dir()
    # The .pyc files, when there are any, are for the Lambda runtime's Python.
    wrong = [
        p for p in built_layer.rglob("*.pyc") if not p.name.endswith(f".cpython-{version}.pyc")
    ]
    assert not wrong, f"compiled for another Python: {wrong[:5]}"


def test_slack_manifest_matches_what_the_bot_uses() -> None:
    import yaml

    manifest = yaml.safe_load((ROOT / "deploy" / "slack-app-manifest.yml").read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/sagemaker"
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    # chat.postMessage/update, the command, usergroups.users.list (approver groups)
    assert {"chat:write", "commands", "usergroups:read"} <= scopes
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    # commands and interactivity go to the one HTTP API route of serverless.yml
    assert command["url"].endswith("/slack/events")
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
