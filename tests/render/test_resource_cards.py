"""The cards of notebook instances, lifecycle configs, endpoint configs, algorithms and models:
what each shows of its samples, escaping, bounds, and the states their events do not name."""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.events.parse import SageMakerEvent, parse_event
from bot.events.status import ALERTS, StatusClass
from bot.render.renderer import Renderer
from bot.render.views.endpoints import MAX_VARIANTS
from tests.conftest import load_sample
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
HOSTILE = '<!channel> <@U123> <https://evil.example|click> "q" & ``` *b*'


def sample(name: str, **detail: Any) -> dict[str, Any]:
    raw = copy.deepcopy(load_sample(name))
    raw["detail"].update(detail)
    return raw


def render(raw: dict[str, Any]) -> tuple[SageMakerEvent, dict[str, Any]]:
    event = parse_event(raw)
    message = RENDERER.render(event)
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    return event, message


def header(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


def fields(message: dict[str, Any]) -> dict[str, str]:
    """The facts grid: label → value, as the fields show them."""
    found = {}
    for block in message["blocks"]:
        for field in block.get("fields", []):
            label, _, value = field["text"].partition("\n")
            found[label.strip("*")] = value
    return found


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]


def visible(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False) + message["text"]


# --- notebook instances -----------------------------------------------------------------------


def test_notebook_card_shows_its_instance() -> None:
    _, message = render(load_sample("notebook_instance_state_change"))
    assert header(message) == ":white_check_mark: InService · Notebook instance research-notebook"
    facts = fields(message)
    assert facts["Instance type"] == "`ml.t3.medium`"
    assert facts["Volume"] == "20 GB"
    assert facts["Lifecycle config"] == "`install-extensions`"
    assert facts["Platform"] == "notebook-al2-v2"
    assert facts["Root access"] == "Disabled"
    assert facts["Direct internet access"] == "Disabled"
    assert facts["Role"] == "`AmazonSageMaker-ExecutionRole`"
    assert "Accelerators" not in facts  # an empty list shows nothing


@pytest.mark.parametrize("status", ["InService", "Stopped", "Pending", "Updating"])
def test_a_healthy_notebook_does_not_show_the_failure_reason_its_events_keep(status: str) -> None:
    raw = sample("notebook_instance_state_change", NotebookInstanceStatus=status)
    assert raw["detail"]["FailureReason"]
    event, message = render(raw)
    assert event.status == status
    assert event.failure_reason is None
    assert "Failure reason" not in visible(message)
    assert "exited with code 1" not in visible(message)


def test_a_failed_notebook_is_an_alert_with_its_reason() -> None:
    event, message = render(load_sample("notebook_instance_state_change_failed"))
    assert event.status_class is StatusClass.FAILED and event.status_class in ALERTS
    assert header(message) == ":x: Failed · Notebook instance gpu-notebook"
    [reason] = [s for s in sections(message) if "Failure reason" in s]
    assert "took longer than 5 minutes" in reason
    assert fields(message)["Accelerators"] == "`ml.eia2.medium`"
    assert "took longer than 5 minutes" in message["text"]


def test_many_accelerators_are_bounded() -> None:
    types = [f"ml.eia{i}.medium" for i in range(9)]
    _, message = render(sample("notebook_instance_state_change", AcceleratorTypes=types))
    assert fields(message)["Accelerators"].endswith("`ml.eia3.medium` +5 more")


# --- lifecycle configs ------------------------------------------------------------------------


def test_lifecycle_config_card_names_its_hooks_never_their_scripts() -> None:
    script = "#!/bin/bash\nexport TOKEN=secret-value\n"
    content = base64.b64encode(script.encode()).decode()
    raw = sample(
        "notebook_lifecycle_config_state_change",
        OnCreate=[{"Content": content}],
        OnStart=[{"Content": content}],
    )
    _, message = render(raw)
    assert header(message) == (
        ":white_check_mark: Created · Notebook lifecycle config install-extensions"
    )
    assert fields(message)["Hooks"] == "OnCreate, OnStart"
    assert "Last modified" in fields(message)
    assert content not in visible(message) and "secret-value" not in visible(message)


def test_lifecycle_config_event_that_only_names_it_is_its_deletion() -> None:
    raw = load_sample("notebook_lifecycle_config_state_change")
    raw["detail"] = {
        "NotebookInstanceLifecycleConfigName": "install-extensions",
        "NotebookInstanceLifecycleConfigArn": raw["detail"]["NotebookInstanceLifecycleConfigArn"],
        "Tags": [],
    }
    event, message = render(raw)
    assert (event.status, event.status_class) == ("Deleted", StatusClass.DELETED)
    assert header(message).startswith(":wastebasket: Deleted · Notebook lifecycle config")


# --- endpoint configs -------------------------------------------------------------------------


def test_endpoint_config_card_shows_each_variant_and_data_capture() -> None:
    _, message = render(load_sample("endpoint_config_state_change"))
    assert header(message) == ":white_check_mark: Created · Endpoint config churn-config-v7"
    facts = fields(message)
    assert facts["Variants"] == "2"
    assert facts["Data capture"].startswith("On · 20% sampled · Input, Output · <https://s3.")
    assert "|s3://ml-monitoring/churn/data-capture>" in facts["Data capture"]
    assert facts["KMS key"] == "`2b7c1d3e-9f4a-4c8b-a1e6-5d0f7e3c9b24`"
    [variants] = [s for s in sections(message) if s.startswith("*Production variants*")]
    assert variants.splitlines()[1:] == [
        "• *Champion* · model `churn-xgboost-v6` · `ml.m5.xlarge` · 2 instances · weight 0.9",
        "• *Challenger* · model `churn-xgboost-v7` · `ml.m5.xlarge` · 1 instance · weight 0.1",
    ]


def test_serverless_endpoint_config_shows_its_memory_and_concurrency() -> None:
    _, message = render(load_sample("endpoint_config_state_change_serverless"))
    assert fields(message)["Data capture"] == "Off"
    [variants] = [s for s in sections(message) if s.startswith("*Production variants*")]
    assert variants.splitlines()[1] == (
        "• *AllTraffic* · model `sentiment-distilbert` · serverless 4,096 MB, "
        "max concurrency 20, provisioned concurrency 2"
    )


def test_async_endpoint_config_shows_where_results_go() -> None:
    raw = sample(
        "endpoint_config_state_change",
        AsyncInferenceConfig={
            "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
            "OutputConfig": {
                "S3OutputPath": "s3://results/churn/",
                "S3FailurePath": "s3://results/churn-failures/",
            },
        },
    )
    _, message = render(raw)
    value = fields(message)["Async inference"]
    assert "output <https://s3.console.aws.amazon.com/s3/buckets/results?prefix=churn%2F|" in value
    assert "failures <https://" in value
    assert value.endswith("4 concurrent invocations per instance")


def test_an_endpoint_config_with_many_variants_stays_within_slacks_limits() -> None:
    variants = [
        {
            "VariantName": f"variant-{i:03d}-" + "x" * 50,
            "ModelName": "m" * 63,
            "InstanceType": "ml.p4d.24xlarge",
            "InitialInstanceCount": 40,
            "InitialVariantWeight": 0.005,
        }
        for i in range(200)
    ]
    raw = sample(
        "endpoint_config_state_change",
        ProductionVariants=variants,
        ShadowProductionVariants=variants,
    )
    _, message = render(raw)  # valid Block Kit, within every limit
    for title in ("*Production variants*", "*Shadow variants*"):
        [section] = [s for s in sections(message) if s.startswith(title)]
        lines = section.splitlines()
        assert len([line for line in lines if line.startswith("• ")]) == MAX_VARIANTS
        assert lines[-1] == f"… and {200 - MAX_VARIANTS} more"
        assert "…" not in section[:-20]  # nothing cut by the limit: the bound did it
    assert fields(message)["Variants"] == "200"


def test_a_malformed_endpoint_config_still_renders() -> None:
    raw = sample(
        "endpoint_config_state_change",
        ProductionVariants="not a list",
        DataCaptureConfig=["odd"],
        AsyncInferenceConfig=7,
    )
    event, message = render(raw)
    assert event.spec.template == "endpoint_config"
    assert "churn-config-v7" in header(message)
    assert not [s for s in sections(message) if s.startswith("*Production variants*")]


# --- algorithms -------------------------------------------------------------------------------


def test_algorithm_card_shows_its_images_instance_types_and_validation() -> None:
    _, message = render(load_sample("algorithm_state_change"))
    assert header(message) == ":white_check_mark: Completed · Algorithm tabular-forecaster"
    facts = fields(message)
    assert facts["Training image"].endswith("/forecaster-train:2.1`")
    assert facts["Inference images"].endswith("/forecaster-serve:2.1`")
    assert facts["Training instance types"] == (
        "`ml.m5.xlarge`, `ml.m5.2xlarge`, `ml.m5.4xlarge`, `ml.c5.2xlarge` +2 more"
    )
    assert facts["Validation"] == "Completed"
    assert "Gradient-boosted forecaster" in sections(message)[0]


def test_a_failed_algorithm_says_which_check_failed_and_why() -> None:
    event, message = render(load_sample("algorithm_state_change_failed"))
    assert event.status_class is StatusClass.FAILED
    assert event.failure_reason is not None
    assert event.failure_reason.startswith("validate-weekly: Validation training job")
    [reason] = [s for s in sections(message) if "Failure reason" in s]
    assert "Unable to pull the image" in reason
    [checks] = [s for s in sections(message) if s.startswith("*Checks*")]
    # the reason is shown once, as the failure reason, not again on its check
    assert checks.splitlines()[1:] == [
        "• validation validate-weekly: *Failed*",
        "• image scan forecaster-train: *Completed*",
    ]
    assert fields(message)["Validation"] == "Failed"
    assert "could not be pulled" in visible(message)  # the hint for an image pull


def test_an_algorithm_still_validating_is_in_progress() -> None:
    raw = sample(
        "algorithm_state_change",
        AlgorithmStatus="InProgress",
        AlgorithmStatusDetails={"ValidationStatuses": [{"Name": "v", "Status": "NotStarted"}]},
    )
    event, message = render(raw)
    assert event.status_class is StatusClass.IN_PROGRESS
    assert fields(message)["Validation"] == "NotStarted"


# --- models -----------------------------------------------------------------------------------


def test_a_created_model_says_so_with_its_container_and_role() -> None:
    event, message = render(sample("model_state_change", EnableNetworkIsolation=True))
    assert (event.status, event.status_class) == ("Created", StatusClass.SUCCEEDED)
    assert header(message) == ":white_check_mark: Created · Model model-name"
    facts = fields(message)
    assert (
        facts["Image"] == "`683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1`"
    )
    assert "|s3://my-bucket/model/model.tar.gz>" in facts["Model data"]
    assert facts["Execution role"] == "`SageMakerRole`"
    assert facts["Network isolation"] == "Enabled"


def test_a_model_without_network_isolation_says_disabled() -> None:
    _, message = render(sample("model_state_change", EnableNetworkIsolation=False))
    assert fields(message)["Network isolation"] == "Disabled"


def test_a_deleted_model_says_deleted() -> None:
    event, message = render(load_sample("model_state_change_deleted"))
    assert (event.status, event.status_class) == ("Deleted", StatusClass.DELETED)
    assert header(message) == ":wastebasket: Deleted · Model model-name"
    assert "Running endpoints keep serving it" in sections(message)[0]
    assert "State change" not in visible(message)


def test_a_deleted_resource_links_no_page_of_its_own() -> None:
    # GIVEN a model that exists and the same model deleted
    _, created = render(load_sample("model_state_change"))
    _, deleted = render(load_sample("model_state_change_deleted"))
    # THEN the live one links its console page and the deleted one links none: it is gone
    assert "#/models/model-name" in json.dumps(created)
    assert "#/models/model-name" not in json.dumps(deleted)
    assert "Console" not in visible(deleted)


@pytest.mark.parametrize(
    ("detail", "status"),
    [
        ({"ModelName": "m"}, "Deleted"),
        ({"ModelArn": "arn:aws:sagemaker:us-east-1:123456789012:model/m", "Tags": []}, "Deleted"),
        ({"ModelName": "m", "ExecutionRoleArn": "arn:aws:iam::1:role/r"}, "Created"),
        ({"ModelName": "m", "Containers": [{"Image": "i"}]}, "Created"),
        ({"ModelName": "m", "CreationTime": 1683195072000}, "Created"),
        # A status field, should an event carry one, says it better than the inference.
        ({"ModelName": "m", "ModelStatus": "DELETING", "CreationTime": 1}, "Deleting"),
        ({}, "Deleted"),
    ],
)
def test_a_models_event_is_its_creation_or_its_deletion(
    detail: dict[str, Any], status: str
) -> None:
    raw = load_sample("model_state_change")
    raw["detail"] = detail
    event, message = render(raw)
    assert event.status == status
    assert "State change" not in header(message)
    assert event.status_class in (StatusClass.SUCCEEDED, StatusClass.DELETED)


def test_a_model_with_several_containers_lists_their_images() -> None:
    raw = sample(
        "model_state_change",
        PrimaryContainer=None,
        Containers=[
            {"ContainerHostname": "pre", "Image": "1.dkr.ecr.us-east-1.amazonaws.com/pre:1"},
            {"ContainerHostname": "xgb", "Image": "1.dkr.ecr.us-east-1.amazonaws.com/xgb:1"},
        ],
    )
    _, message = render(raw)
    [containers] = [s for s in sections(message) if s.startswith("*Containers*")]
    assert containers.splitlines()[1:] == [
        "• pre: `1.dkr.ecr.us-east-1.amazonaws.com/pre:1`",
        "• xgb: `1.dkr.ecr.us-east-1.amazonaws.com/xgb:1`",
    ]


# --- escaping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        (
            "notebook_instance_state_change_failed",
            {
                "NotebookInstanceName": HOSTILE,
                "InstanceType": HOSTILE,
                "NotebookInstanceLifecycleConfigName": HOSTILE,
                "PlatformIdentifier": HOSTILE,
                "AcceleratorTypes": [HOSTILE],
                "FailureReason": HOSTILE,
            },
        ),
        (
            "notebook_lifecycle_config_state_change",
            {"NotebookInstanceLifecycleConfigName": HOSTILE},
        ),
        (
            "endpoint_config_state_change",
            {
                "EndpointConfigName": HOSTILE,
                "ProductionVariants": [
                    {"VariantName": HOSTILE, "ModelName": HOSTILE, "InstanceType": HOSTILE}
                ],
                "DataCaptureConfig": {"EnableCapture": True, "DestinationS3Uri": HOSTILE},
                "KmsKeyId": HOSTILE,
            },
        ),
        (
            "algorithm_state_change_failed",
            {
                "AlgorithmName": HOSTILE,
                "AlgorithmDescription": HOSTILE,
                "TrainingSpecification": {
                    "TrainingImage": HOSTILE,
                    "SupportedTrainingInstanceTypes": [HOSTILE],
                },
                "AlgorithmStatusDetails": {
                    "ValidationStatuses": [
                        {"Name": HOSTILE, "Status": "Failed", "FailureReason": HOSTILE}
                    ]
                },
            },
        ),
        (
            "model_state_change",
            {
                "ModelName": HOSTILE,
                "PrimaryContainer": {"Image": HOSTILE, "ModelDataUrl": HOSTILE},
                "ExecutionRoleArn": HOSTILE,
            },
        ),
    ],
)
def test_event_values_are_escaped_on_every_new_card(name: str, detail: dict[str, Any]) -> None:
    raw = sample(name, **detail)
    event, message = render(raw)  # no token but ours survives
    assert event.spec.template != "generic"
    text = visible(message)
    assert "<!channel>" not in text and "<@U123>" not in text
    assert "&lt;!channel&gt;" in text


# --- bad input --------------------------------------------------------------------------------

NEW_SAMPLES = [
    "notebook_instance_state_change",
    "notebook_instance_state_change_failed",
    "notebook_lifecycle_config_state_change",
    "endpoint_config_state_change",
    "endpoint_config_state_change_serverless",
    "algorithm_state_change",
    "algorithm_state_change_failed",
    "model_state_change",
    "model_state_change_deleted",
]
odd_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=30),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.text(max_size=5)), max_size=3),
)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    name=st.sampled_from(NEW_SAMPLES),
    overrides=st.lists(st.tuples(st.integers(0, 40), odd_values), min_size=1, max_size=6),
)
def test_odd_values_still_render_the_cards_own_template(
    name: str, overrides: list[tuple[int, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    # GIVEN a sample whose fields (the nested ones included) hold values of any odd shape
    raw = load_sample(name)
    keys = list(raw["detail"])
    for index, value in overrides:
        raw["detail"][keys[index % len(keys)]] = value
    caplog.clear()
    # WHEN it is rendered, THEN its own view and template take it: no fall back to generic
    event, message = render(raw)
    assert "failed" not in caplog.text
    assert event.resource.kind.title in header(message)
