"""The evidence on an approval card and in its modal, as it runs in Lambda.

SageMaker and S3 are moto's server over HTTP (the functions' own boto3 clients, through
``AWS_ENDPOINT_URL``), Slack is the stand-in (it enforces Slack's limits). A package event goes
through the events function (``handlers.events.handler``, an SQS batch), which reads the
package's metrics documents and the approved version's before its card is posted; Approve is
clicked through the slack function (``handlers.slack.handler``, Bolt's Lambda adapter with
``process_before_response=True``), whose second invocation fills the modal in from what the
events function kept (it reads no S3). Both functions share one SQLite store, as they share
the DynamoDB table in AWS.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

import handlers.events as events_handler
import handlers.slack as slack_handler
from bot.aws.lookup import as_event, describe_model_package, ref_from_description
from bot.events.identity import ResourceKind
from bot.settings import get_settings
from bot.slack_app.listeners.actions import APPROVE
from tests.aws.resources import (
    create_metrics_package,
    metrics_bucket,
    put_document,
    sample_document,
    unique,
)
from tests.handlers.test_events_handler import LambdaContext, sqs_batch
from tests.handlers.test_slack_approvals_faas import (  # noqa: F401 - its fixture, used by name
    APPROVER,
    CHANNEL,
    LambdaService,
    interaction,
    lambda_service,
    submission,
)
from tests.slack_app.test_approvals import buttons
from tests.standins.aws import AwsClientFactory
from tests.standins.slack_api import SlackStandin

QUALITY = ("ModelQuality", "Statistics")
EXECUTION = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/k2x9p4q7wz1a"


@dataclass
class Aws:
    sm: Any
    s3: Any
    bucket: str


@pytest.fixture
def aws(aws_client_factory: AwsClientFactory, monkeypatch: pytest.MonkeyPatch) -> Aws:
    """moto's SageMaker and S3, a bucket the bot may read (set before the functions' settings
    are read: ``lambda_service`` clears them after this)."""
    s3 = aws_client_factory("s3")
    bucket = metrics_bucket(s3)
    monkeypatch.setenv("CHATOPS_METRICS_BUCKETS", f"{bucket}/")
    return Aws(aws_client_factory("sagemaker"), s3, bucket)


@pytest.fixture
def functions(
    aws: Aws, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LambdaService]:
    """Both functions, each built from the environment on its first request (the slack
    function's by ``lambda_service``, once ``aws`` has set the buckets)."""
    service: LambdaService = request.getfixturevalue("lambda_service")
    monkeypatch.setattr(events_handler, "_runtime", None)
    yield service
    runtime = events_handler._runtime
    if runtime is not None:
        runtime.store.close()
        if runtime.evidence is not None:
            runtime.evidence.close()  # type: ignore[attr-defined]


def deliver(sm: Any, arn: str, **detail: Any) -> None:
    """The package's state change, as SageMaker sends it, through the events function."""
    description = describe_model_package(sm, arn)
    event = as_event(ref_from_description(ResourceKind.MODEL_PACKAGE, description), description)
    event["id"] = f"evt-{time.monotonic_ns()}"
    event["detail"].update(detail)
    result = events_handler.handler(sqs_batch(json.dumps(event)), LambdaContext())
    assert result == {"batchItemFailures": []}


def versions(aws: Aws, approved: Any, pending: Any) -> str:
    """A group with version 1 approved and version 2 waiting, each with one model quality
    document; version 2's ARN."""
    group = unique("group")
    aws.sm.create_model_package_group(ModelPackageGroupName=group)
    old = put_document(aws.s3, aws.bucket, f"{group}/v1/evaluation.json", approved)
    create_metrics_package(aws.sm, group, {QUALITY: old}, "Approved")
    new = put_document(aws.s3, aws.bucket, f"{group}/v2/evaluation.json", pending)
    return create_metrics_package(aws.sm, group, {QUALITY: new})


def texts(blocks: list[dict[str, Any]]) -> str:
    """Every mrkdwn text of a message or a view, one per line."""
    found: list[str] = []
    for block in blocks:
        for part in [block.get("text"), *block.get("fields", []), *block.get("elements", [])]:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                found.append(part["text"])
    return "\n".join(found)


def open_modal(functions: LambdaService, slack_api: SlackStandin, card: Any, thread: str) -> Any:
    """Approve clicked on the card (``thread``: the thread it is in, its own ts for a parent):
    the ack opens the modal, the second invocation fills it in."""
    click = {
        "type": "block_actions",
        "user": {"id": APPROVER},
        "team": {"id": "T0STANDIN"},
        "channel": {"id": CHANNEL},
        "message": {"ts": card.ts, "thread_ts": thread},
        "container": {"type": "message", "message_ts": card.ts},
        "trigger_id": f"trigger-{time.monotonic_ns()}",
        "actions": [{"action_id": APPROVE, "value": buttons(card)[APPROVE]["value"]}],
    }
    assert slack_handler.handler(interaction(click), LambdaContext())["statusCode"] == 200
    [response] = functions.replay(cold=True)  # a fresh container: nothing kept in memory
    assert response["statusCode"] == 200
    [view] = slack_api.views().values()
    return view


# Each format: the approved version's document, the waiting version's (a sample), and the
# lines the card and the modal show.
FORMATS: dict[str, tuple[dict[str, Any], list[str]]] = {
    "evaluation_binary": (
        {
            "binary_classification_metrics": {
                "auc": {"value": 0.901},
                "f1": {"value": 0.83},
                "accuracy": {"value": 0.91},
            }
        },
        [
            "auc *0.923* ±0.004 (+0.022 vs v1) :large_green_circle: better",
            "accuracy *0.91* (= v1)",
            "f1 *0.8* (-0.03 vs v1) :red_circle: worse",
        ],
    ),
    "evaluation_regression": (
        {
            "regression_metrics": {
                "mse": {"value": 5.31},
                "rmse": {"value": 2.304},
                "r2_score": {"value": 0.74},
            }
        },
        [
            "r2_score *0.71* (-0.03 vs v1) :red_circle: worse",
            "rmse *2.219* ±0.31 (-0.085 vs v1) :large_green_circle: better",
            "mse *4.925* ±2.219 (-0.385 vs v1) :large_green_circle: better",
        ],
    ),
    "evaluation_multiclass": (
        {
            "multiclass_classification_metrics": {
                "accuracy": {"value": 0.85},
                "weighted_f1": {"value": 0.86},
            },
            "regression_metrics": {"log_loss": {"value": 0.38}},
        },
        [
            "accuracy *0.87* ±0.01 (+0.02 vs v1) :large_green_circle: better",
            "weighted_f1 *0.86* (= v1)",
            "log_loss *0.41* (+0.03 vs v1) :red_circle: worse",
        ],
    ),
    "model_monitor_statistics": (
        {
            "binary_classification_metrics": {
                "auc": {"value": 0.999},
                "accuracy": {"value": 0.9975},
                "f1": {"value": 0.996},
            }
        },
        [
            "auc *0.9995* ±0.0002 (+0.0005 vs v1) :large_green_circle: better",
            "accuracy *0.9975* ±0.0007 (= v1)",
            "f1 *0.9975* ±0.0007 (+0.0015 vs v1) :large_green_circle: better",
            "false_positive_rate *0.002* ±0.0009 (not in v1)",
        ],
    ),
    "flat": (
        {"rmse": 2.4, "mae": 1.4, "mape": 0.1},
        ["rmse *2.1* (-0.3 vs v1) :large_green_circle: better", "mae *1.4* (= v1)"],
    ),
    "metrics_nested": (
        {"metrics": {"accuracy": 0.93}},
        ["accuracy *0.91* (-0.02 vs v1) :red_circle: worse", "precision *0.88* (not in v1)"],
    ),
    "clarify_bias": (
        {
            "post_training_bias_metrics": {
                "facets": {
                    "gender": [
                        {"value_or_threshold": "F", "metrics": [{"name": "DPPL", "value": 0.06}]}
                    ]
                }
            }
        },
        # Bias has no better direction here: the change, no verdict.
        ["CI (gender=F) *0.12* (not in v1)", "DPPL (gender=F) *0.045* (-0.015 vs v1)"],
    ),
    "clarify_explainability": (
        {
            "explanations": {
                "kernel_shap": {
                    "label0": {"global_shap_values": {"contract_type": 0.19, "tenure": 0.031}}
                }
            }
        },
        [
            "SHAP contract_type *0.208* (+0.018 vs v1)",
            "SHAP monthly_charges *-0.052* (not in v1)",
            "SHAP tenure *0.031* (= v1)",
        ],
    ),
    "model_quality_constraints": (
        {"binary_classification_constraints": {"recall": {"threshold": 0.65}}},
        ["recall threshold *0.69* (+0.04 vs v1)", "f1 threshold *0.75* (not in v1)"],
    ),
    "data_quality_statistics": (
        {
            "dataset": {"item_count": 4000},
            "features": [
                {"name": "tenure", "numerical_statistics": {"common": {"num_missing": 2}}}
            ],
        },
        [
            "items *5,000* (+1,000 vs v1)",
            "features *2* (+1 vs v1)",
            "missing values *15* (+13 vs v1)",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_card_and_modal_show_the_values_and_their_change_for_each_format(
    functions: LambdaService, slack_api: SlackStandin, aws: Aws, name: str
) -> None:
    approved, lines = FORMATS[name]
    # GIVEN version 1 approved, and version 2 waiting for approval, with a document each
    arn = versions(aws, approved, sample_document(name))

    # WHEN SageMaker says version 2 waits for approval
    deliver(aws.sm, arn)

    # THEN its card shows the key values beside version 1's, with the better way marked
    [card] = slack_api.messages(CHANNEL)
    shown = texts(card.blocks)
    for line in lines:
        assert line in shown.splitlines()
    assert "_Compared with version 1 of group-" in shown
    assert "• Model quality statistics: <https://s3.console.aws.amazon.com/" in shown

    # AND the Approve modal shows the same, from what the events function kept
    view = open_modal(functions, slack_api, card, card.ts)
    in_modal = texts(view["blocks"])
    for line in lines:
        assert line in in_modal.splitlines()
    assert view["submit"]["text"] == "Approve"


def test_without_an_approved_version_card_and_modal_say_so(
    functions: LambdaService, slack_api: SlackStandin, aws: Aws
) -> None:
    group = unique("group")
    aws.sm.create_model_package_group(ModelPackageGroupName=group)
    uri = put_document(aws.s3, aws.bucket, f"{group}/eval.json", {"auc": 0.9})
    deliver(aws.sm, create_metrics_package(aws.sm, group, {QUALITY: uri}))
    [card] = slack_api.messages(CHANNEL)
    said = f"_No version of {group} is approved yet: nothing to compare with._"
    assert "auc *0.9*" in texts(card.blocks) and said in texts(card.blocks)
    assert said in texts(open_modal(functions, slack_api, card, card.ts)["blocks"])


def test_each_failure_of_reading_is_said_beside_its_link_and_the_card_is_delivered(
    functions: LambdaService, slack_api: SlackStandin, aws: Aws
) -> None:
    # GIVEN a package whose documents are missing, denied, not JSON, too large, or elsewhere
    s3, bucket = aws.s3, aws.bucket
    group = unique("group")
    aws.sm.create_model_package_group(ModelPackageGroupName=group)
    s3.put_bucket_policy(
        Bucket=bucket,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{bucket}/{group}/private/*",
                    }
                ],
            }
        ),
    )
    documents = {
        QUALITY: put_document(s3, bucket, f"{group}/eval.json", {"auc": 0.9}),
        ("ModelQuality", "Constraints"): f"s3://{bucket}/{group}/missing.json",
        ("ModelDataQuality", "Statistics"): put_document(s3, bucket, f"{group}/dq.csv", b"a,b"),
        ("ModelDataQuality", "Constraints"): put_document(
            s3, bucket, f"{group}/big.json", b" " * (1_048_576 + 1)
        ),
        ("Bias", "Report"): put_document(s3, bucket, f"{group}/private/bias.json", {"x": 1}),
        ("Explainability", "Report"): f"s3://elsewhere-{group}/shap.json",
    }
    arn = create_metrics_package(aws.sm, group, documents)

    # WHEN it waits for approval
    deliver(aws.sm, arn)

    # THEN the card is delivered, with each document's link and why it has no values
    [card] = slack_api.messages(CHANNEL)
    shown = texts(card.blocks).splitlines()
    expected = [
        ("Model quality constraints", "not found"),
        ("Data quality statistics", "not JSON"),
        ("Data quality constraints", "larger than 1 MiB"),
        ("Bias report", "access denied"),
        ("Explainability report", "outside the buckets the bot may read (metricsBuckets)"),
    ]
    for label, why in expected:
        [line] = [s for s in shown if s.startswith(f"• {label}: <")]
        assert line.endswith(f"— metrics unavailable: {why}")
    assert "auc *0.9*" in texts(card.blocks)  # what could be read is shown
    assert APPROVE in buttons(card)  # and it can be decided on
    # AND the modal says the same
    in_modal = texts(open_modal(functions, slack_api, card, card.ts)["blocks"])
    for label, why in expected:
        assert f"• {label}: <" in in_modal and f"metrics unavailable: {why}" in in_modal


def test_a_runs_package_card_in_its_thread_keeps_its_evidence_through_the_decision(
    functions: LambdaService, slack_api: SlackStandin, aws: Aws
) -> None:
    # GIVEN a package a pipeline run registered, version 1 approved before it
    arn = versions(aws, FORMATS["evaluation_binary"][0], sample_document("evaluation_binary"))
    deliver(aws.sm, arn, MetadataProperties={"GeneratedBy": EXECUTION})
    [run] = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    [card] = slack_api.thread(CHANNEL, run.ts)
    improved = "auc *0.923* ±0.004 (+0.022 vs v1) :large_green_circle: better"
    # THEN its approval card, in the run's thread, shows the evidence
    assert improved in texts(card.blocks).splitlines()

    # WHEN the documents are gone from S3 (nothing reads them again) and it is approved
    for version in ("v1", "v2"):
        group = arn.split("/")[-2]
        aws.s3.delete_object(Bucket=aws.bucket, Key=f"{group}/{version}/evaluation.json")
    view = open_modal(functions, slack_api, card, run.ts)
    assert improved in texts(view["blocks"]).splitlines()
    slack_handler.handler(submission(view, "better auc"), LambdaContext())
    functions.replay(cold=False)
    deliver(aws.sm, arn, MetadataProperties={"GeneratedBy": EXECUTION})  # SageMaker's event

    # THEN the card shows the decision, and still the values, from what was kept
    updated = slack_api.message(CHANNEL, card.ts)
    assert updated is not None and updated.edited
    assert f"Approved by <@{APPROVER}>" in json.dumps(updated.blocks)
    assert improved in texts(updated.blocks).splitlines()
    assert "metrics unavailable" not in texts(updated.blocks)


def test_without_metrics_buckets_the_card_links_the_documents_as_before(
    request: pytest.FixtureRequest,
    slack_api: SlackStandin,
    aws_client_factory: AwsClientFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request.getfixturevalue("lambda_service")
    monkeypatch.delenv("CHATOPS_METRICS_BUCKETS", raising=False)
    get_settings.cache_clear()
    monkeypatch.setattr(events_handler, "_runtime", None)
    sm, s3 = aws_client_factory("sagemaker"), aws_client_factory("s3")
    bucket = metrics_bucket(s3)
    group = unique("group")
    sm.create_model_package_group(ModelPackageGroupName=group)
    uri = put_document(s3, bucket, "eval.json", {"auc": 0.9})
    deliver(sm, create_metrics_package(sm, group, {QUALITY: uri}))
    [card] = slack_api.messages(CHANNEL)
    shown = texts(card.blocks)
    assert "*Model metrics*\n• Model quality statistics: <https://s3.console" in shown
    assert "auc" not in shown
    events_handler._runtime.store.close()  # type: ignore[union-attr]
