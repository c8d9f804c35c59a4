"""``/sagemaker`` text → typed commands, and the errors people see when it is wrong."""

from __future__ import annotations

import pytest

from bot.errors import CommandError
from bot.events.identity import ResourceKind
from bot.slash.commands import (
    KIND_CHOICES,
    Approve,
    Doctor,
    Help,
    Inspect,
    ListSubscriptions,
    ModelPackageRef,
    Reject,
    Retry,
    Status,
    Stop,
    Subscribe,
    Unsubscribe,
    is_quick,
)
from bot.slash.grammar import MAX_COMMENT, CommandSyntaxError, parse_command

EXECUTION_ARN = (
    "arn:aws:sagemaker:us-east-1:123456789012:pipeline/myPipeline-123/execution/p4jn9xou8a8s"
)
PACKAGE_ARN = "arn:aws:sagemaker:us-east-2:123456789012:model-package/versionedmp-p-idy6c3e1fiqj/2"


def error_of(text: str) -> CommandSyntaxError:
    with pytest.raises(CommandSyntaxError) as info:
        parse_command(text)
    return info.value


# --- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "--help", "-h", "?", "usage"])
def test_help(text: str) -> None:
    assert parse_command(text) == Help()


@pytest.mark.parametrize(
    ("text", "topic"),
    [("help subscribe", "subscribe"), ("help logs", "inspect"), ("help Approve", "approve")],
)
def test_help_on_a_command(text: str, topic: str) -> None:
    assert parse_command(text) == Help(topic)


def test_help_on_an_unknown_command_suggests_one() -> None:
    error = error_of("help subscrbe")
    assert "Did you mean `subscribe`?" in str(error)


# --- subscribe ---------------------------------------------------------------------------------


def test_subscribe_everything() -> None:
    assert parse_command("subscribe") == Subscribe()
    assert parse_command("subscribe all") == Subscribe()
    assert parse_command("subscribe training all") == Subscribe()  # all wins


def test_subscribe_full() -> None:
    command = parse_command(
        "subscribe training processing status=failed,stopped name=churn-* "
        "exclude=*-test account=123456789012 region=us-east-1"
    )
    assert command == Subscribe(
        kinds=("training", "processing"),
        names=("churn-*",),
        statuses=("failed", "stopped"),
        accounts=("123456789012",),
        regions=("us-east-1",),
        excludes=("*-test",),
    )


@pytest.mark.parametrize("kind", [k for k in KIND_CHOICES if k != "all"])
def test_every_type(kind: str) -> None:
    assert parse_command(f"subscribe {kind}") == Subscribe(kinds=(kind,))


@pytest.mark.parametrize(
    ("alias", "kind"),
    [
        ("training-job", "training"),
        ("training-jobs", "training"),
        ("Training_Jobs", "training"),
        ("trainingjobs", "training"),
        ("hpo", "tuning"),
        ("tuning-jobs", "tuning"),
        ("pipelines", "pipeline"),
        ("endpoints", "endpoint"),
        ("model-packages", "model-package"),
        ("packages", "model-package"),
        ("modelpackage", "model-package"),
        ("feature_groups", "feature-group"),
        ("steps", "step"),
        ("models", "model"),
        ("batch-transform", "transform"),
    ],
)
def test_type_aliases(alias: str, kind: str) -> None:
    assert parse_command(f"subscribe {alias}") == Subscribe(kinds=(kind,))


def test_types_comma_separated_and_by_key() -> None:
    expected = Subscribe(kinds=("training", "endpoint"))
    assert parse_command("subscribe training,endpoint") == expected
    assert parse_command("subscribe type=training type=endpoint") == expected
    assert parse_command("subscribe training endpoints training-jobs") == expected  # de-duplicated


def test_repeated_keys_or_their_values() -> None:
    command = parse_command("subscribe name=a-* name=b-*,c-* status=failed status=Stopped")
    assert command == Subscribe(names=("a-*", "b-*", "c-*"), statuses=("failed", "stopped"))


def test_key_aliases_and_case() -> None:
    command = parse_command(
        "subscribe NAMES=x Statuses=failed accounts=123456789012 Regions=EU-WEST-1 except=y"
    )
    assert command == Subscribe(
        names=("x",),
        statuses=("failed",),
        accounts=("123456789012",),
        regions=("eu-west-1",),
        excludes=("y",),
    )


def test_quoted_values() -> None:
    assert parse_command('subscribe name="my job*"') == Subscribe(names=("my job*",))
    assert parse_command("subscribe name='my job*' exclude=\"*test run\"") == Subscribe(
        names=("my job*",), excludes=("*test run",)
    )
    assert parse_command('subscribe "name=a b"') == Subscribe(names=("a b",))


def test_smart_quotes_from_slack_clients() -> None:
    assert parse_command("subscribe name=“my job*”") == Subscribe(names=("my job*",))


def test_slack_escaping_is_undone() -> None:
    assert parse_command("subscribe name=a&amp;b") == Subscribe(names=("a&b",))


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("failed", "failed"),
        ("FAILED", "failed"),
        ("Failed", "failed"),  # the class includes the word
        ("succeeded", "succeeded"),
        ("in_progress", "in_progress"),
        ("in-progress", "in_progress"),
        ("stopped", "stopped"),
        ("waiting", "waiting_for_approval"),
        ("waiting_for_approval", "waiting_for_approval"),
        ("deleted", "deleted"),
        ("InService", "InService"),
        ("IN_SERVICE", "InService"),
        ("inservice", "InService"),
        ("Completed", "Completed"),
        ("PendingManualApproval", "PendingManualApproval"),
        ("MaxRuntimeExceeded", "MaxRuntimeExceeded"),
        ("warning", "warning"),
        ("warnings", "warning"),
        ("Warning", "warning"),
        ("CompletedWithViolations", "CompletedWithViolations"),
        ("RollingBack", "RollingBack"),
    ],
)
def test_status_values(value: str, normalised: str) -> None:
    assert parse_command(f"subscribe status={value}") == Subscribe(statuses=(normalised,))


# --- subscribe errors ----------------------------------------------------------------------------


def test_unknown_type_lists_types_and_suggests_one() -> None:
    error = error_of("subscribe trainig")
    message = str(error)
    assert error.problem.startswith("Unknown type `trainig`.")
    assert "Did you mean `training`?" in message
    for kind in KIND_CHOICES:
        assert f"`{kind}`" in message
    assert "*Usage:* `/sagemaker subscribe" in message
    assert "*Example:* `/sagemaker subscribe" in message
    assert isinstance(error, CommandError)
    assert error.command == "subscribe"


def test_unknown_type_far_from_any_has_no_suggestion() -> None:
    error = error_of("subscribe zzzzzz")
    assert "Did you mean" not in error.problem


def test_unknown_key_lists_keys_and_suggests_one() -> None:
    error = error_of("subscribe nmae=churn-*")
    assert "Unknown filter `nmae=`" in error.problem
    assert "Did you mean `name=`?" in error.problem
    for key in ("name=", "status=", "account=", "region=", "exclude="):
        assert f"`{key}`" in error.problem


def test_status_typed_as_a_type_hints_at_the_key() -> None:
    error = error_of("subscribe training status=failed, stopped")
    assert "`status=stopped`" in error.problem


def test_key_with_spaces_around_equals() -> None:
    error = error_of("subscribe name = churn")
    assert "no spaces around `=`" in error.problem


def test_empty_value() -> None:
    assert "`name=` needs a value" in error_of("subscribe name=").problem
    assert "`status=` needs a value" in error_of("subscribe status=,").problem


def test_unknown_status_suggests_one() -> None:
    error = error_of("subscribe status=faild")
    assert "Unknown status `faild`" in error.problem
    assert "Did you mean `Failed`?" in error.problem
    assert "`in_progress`" in error.problem
    assert "Did you mean `InService`?" in error_of("subscribe status=InServce").problem


@pytest.mark.parametrize("account", ["123", "1234567890123", "12345678901a", "acct"])
def test_bad_account(account: str) -> None:
    error = error_of(f"subscribe account={account}")
    assert "12 digits" in error.problem


@pytest.mark.parametrize("region", ["moon", "us-east", "us_east_1", "example.com/x"])
def test_bad_region(region: str) -> None:
    error = error_of(f"subscribe region={region}")
    assert "is not an AWS region" in error.problem


def test_good_regions() -> None:
    command = parse_command("subscribe region=us-gov-west-1,cn-north-1,ap-southeast-2")
    assert command == Subscribe(regions=("us-gov-west-1", "cn-north-1", "ap-southeast-2"))


def test_unbalanced_quote() -> None:
    error = error_of('subscribe name="my job')
    assert "Close every quote" in error.problem
    assert error.command == "subscribe"


def test_user_text_in_errors_cannot_mention_or_break_code_spans() -> None:
    error = error_of("subscribe <!channel>`x")
    message = str(error)
    assert "<!channel>" not in message
    assert "&lt;!channel&gt;'x" in message


# --- unsubscribe, list ---------------------------------------------------------------------------


def test_unsubscribe() -> None:
    assert parse_command("unsubscribe k3x7pq") == Unsubscribe(ids=("k3x7pq",))
    assert parse_command("unsubscribe K3X7PQ") == Unsubscribe(ids=("k3x7pq",))
    assert parse_command("unsubscribe `k3x7pq`") == Unsubscribe(ids=("k3x7pq",))
    assert parse_command("unsubscribe a2b3c4 d5e6f7,a2b3c4") == Unsubscribe(
        ids=("a2b3c4", "d5e6f7")
    )
    assert parse_command("unsubscribe all") == Unsubscribe(all=True)
    assert parse_command("unsub ALL") == Unsubscribe(all=True)


def test_unsubscribe_errors() -> None:
    assert "Which subscription?" in error_of("unsubscribe").problem
    assert "not both" in error_of("unsubscribe all k3x7pq").problem
    assert "is not a subscription id" in error_of("unsubscribe <@U1>").problem


def test_list() -> None:
    assert parse_command("list") == ListSubscriptions()
    assert parse_command("ls") == ListSubscriptions()
    assert "takes no arguments" in error_of("list everything").problem


def test_doctor_takes_no_arguments_and_is_answered_after_the_ack() -> None:
    assert parse_command("doctor") == Doctor()
    assert parse_command("  DOCTOR ") == Doctor()
    assert not is_quick(Doctor())  # it calls Slack and AWS
    error = error_of("doctor <!channel> now")
    assert error.problem == "`doctor` takes no arguments; got `&lt;!channel&gt; now`."
    assert error.command == "doctor"
    assert "*Usage:* `/sagemaker doctor`" in str(error)


# --- status, inspect, stop ---------------------------------------------------------------------


def test_status_by_name() -> None:
    command = parse_command("status churn-train-0412")
    assert isinstance(command, Status)
    assert command.target.name == "churn-train-0412"
    assert command.target.arn is None
    assert command.target.kind is None


def test_status_by_arn() -> None:
    arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/kmeans-1"
    command = parse_command(f"status {arn}")
    assert isinstance(command, Status)
    target = command.target
    assert (target.arn, target.name, target.kind) == (arn, "kmeans-1", ResourceKind.TRAINING)
    assert (target.account, target.region) == ("123456789012", "us-east-1")
    assert target.is_arn


def test_status_of_a_pipeline_execution_arn() -> None:
    command = parse_command(f"status {EXECUTION_ARN}")
    assert isinstance(command, Status)
    assert command.target.kind is ResourceKind.PIPELINE
    assert command.target.name == "myPipeline-123/p4jn9xou8a8s"


@pytest.mark.parametrize("word", ["inspect", "logs", "INSPECT"])
def test_inspect_and_its_alias(word: str) -> None:
    command = parse_command(f"{word} churn-train-0412")
    assert isinstance(command, Inspect)
    assert command.target.name == "churn-train-0412"


@pytest.mark.parametrize("word", ["status", "inspect", "stop"])
def test_resource_commands_need_exactly_one_target(word: str) -> None:
    assert "needs a resource name or ARN" in error_of(word).problem
    error = error_of(f"{word} a b")
    assert "got 2 words" in error.problem
    assert f"*Usage:* `/sagemaker {word} NAME|ARN`" in str(error)


def test_target_must_be_a_name_or_sagemaker_arn() -> None:
    assert "not a SageMaker ARN" in error_of("status arn:aws:s3:::bucket/key").problem
    assert "not a SageMaker resource name" in error_of("status <http://x|y>").problem


def test_stop() -> None:
    command = parse_command("stop churn-train-0412")
    assert isinstance(command, Stop)
    assert command.target.name == "churn-train-0412"
    command = parse_command(f"stop {EXECUTION_ARN}")
    assert isinstance(command, Stop)
    assert command.target.kind is ResourceKind.PIPELINE


def test_stop_refuses_what_cannot_be_stopped() -> None:
    endpoint = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/my-endpoint"
    assert "Endpoints cannot be stopped" in error_of(f"stop {endpoint}").problem
    pipeline = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/p"
    assert "not a pipeline execution" in error_of(f"stop {pipeline}").problem


# --- approve, reject -----------------------------------------------------------------------------


def test_approve_group_version_with_comment_verbatim() -> None:
    command = parse_command("approve churn-models/7   AUC  0.91 — \"ship it\", 'today'\nthanks")
    assert command == Approve(
        ModelPackageRef("churn-models", 7), "AUC  0.91 — \"ship it\", 'today'\nthanks"
    )


def test_approve_without_comment() -> None:
    assert parse_command("approve churn-models/7") == Approve(ModelPackageRef("churn-models", 7))


def test_comment_with_an_unbalanced_quote_is_fine() -> None:
    command = parse_command("reject churn-models/12 don't ship")
    assert command == Reject(ModelPackageRef("churn-models", 12), "don't ship")


def test_comment_gets_slack_escaping_undone() -> None:
    command = parse_command("approve g/1 AUC &gt; 0.9 &amp; recall &lt; 1")
    assert isinstance(command, Approve)
    assert command.comment == "AUC > 0.9 & recall < 1"


def test_reject_by_arn() -> None:
    command = parse_command(f"reject {PACKAGE_ARN} drift on feature x")
    assert command == Reject(
        ModelPackageRef("versionedmp-p-idy6c3e1fiqj", 2, PACKAGE_ARN), "drift on feature x"
    )


def test_model_package_arn_in() -> None:
    assert (
        ModelPackageRef("churn", 3).arn_in("eu-west-1", "123456789012")
        == "arn:aws:sagemaker:eu-west-1:123456789012:model-package/churn/3"
    )
    assert ModelPackageRef("g", 2, PACKAGE_ARN).arn_in("eu-west-1", "1") == PACKAGE_ARN
    assert str(ModelPackageRef("g", 2)) == "g/2"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("approve", "needs a model package"),
        ("approve churn-models", "is not a model package"),
        ("approve churn-models/0", "positive integer"),
        ("approve churn-models/-1", "is not a model package"),
        ("approve churn-models/v2", "is not a model package"),
        ("reject arn:aws:sagemaker:us-east-1:123456789012:model/x", "not a model package ARN"),
        ("reject arn:aws:sagemaker:us-east-1:123456789012:model-package/unversioned", "no version"),
    ],
)
def test_approve_reject_errors(text: str, fragment: str) -> None:
    error = error_of(text)
    assert fragment in error.problem
    word = text.split()[0]
    assert f"*Usage:* `/sagemaker {word} GROUP/VERSION|ARN" in str(error)
    assert f"*Example:* `/sagemaker {word} churn-models/7" in str(error)


def test_comment_length_is_limited() -> None:
    parse_command("approve g/1 " + "x" * MAX_COMMENT)
    assert "at most 1024" in error_of("approve g/1 " + "x" * (MAX_COMMENT + 1)).problem


# --- retry -------------------------------------------------------------------------------------


def test_retry() -> None:
    assert parse_command(f"retry {EXECUTION_ARN}") == Retry(
        execution_arn=EXECUTION_ARN,
        pipeline="myPipeline-123",
        execution_id="p4jn9xou8a8s",
        region="us-east-1",
        account="123456789012",
    )


def test_retry_in_other_partitions() -> None:
    arn = "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:pipeline/p/execution/abc"
    command = parse_command(f"retry {arn}")
    assert isinstance(command, Retry)
    assert command.region == "us-gov-west-1"


@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("myPipeline-123", "is not one"),
        ("arn:aws:sagemaker:us-east-1:123456789012:pipeline/myPipeline-123", "is a pipeline ARN"),
        ("arn:aws:sagemaker:us-east-1:123456789012:training-job/x", "is not one"),
        ("arn:aws:sagemaker:us-east-1:123:pipeline/p/execution/x", "is not one"),  # bad account
    ],
)
def test_retry_only_takes_execution_arns(target: str, fragment: str) -> None:
    error = error_of(f"retry {target}")
    assert fragment in error.problem
    assert "`…:pipeline/NAME/execution/ID`" in error.problem
    assert "*Example:* `/sagemaker retry arn:aws:sagemaker:" in str(error)


def test_retry_needs_exactly_one_arn() -> None:
    assert "needs a pipeline execution ARN" in error_of("retry").problem
    assert "got 2 words" in error_of(f"retry {EXECUTION_ARN} now").problem


# --- unknown commands ----------------------------------------------------------------------------


@pytest.mark.parametrize(("typo", "meant"), [("subscrib", "subscribe"), ("aprove", "approve")])
def test_unknown_command_suggests_one(typo: str, meant: str) -> None:
    error = error_of(f"{typo} something")
    assert error.problem == f"Unknown command `{typo}`. Did you mean `{meant}`?"
    assert error.command is None
    assert "*Commands:*" in str(error)
    assert "`/sagemaker help`" in str(error)


def test_unknown_command_far_from_any() -> None:
    assert error_of("deploy model").problem == "Unknown command `deploy`."


def test_list_all_is_every_channels_and_nothing_else_follows_list() -> None:
    assert parse_command("list all") == ListSubscriptions(everywhere=True)
    assert parse_command("ls ALL") == ListSubscriptions(everywhere=True)
    with pytest.raises(CommandSyntaxError):
        parse_command("list everything")
