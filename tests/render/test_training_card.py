"""A completed training job's card leads with its results: metrics, billable time, spot savings."""

from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.render.renderer import Renderer
from bot.render.views.jobs import MAX_METRICS, final_metrics, training_cost
from tests.conftest import load_sample
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
SPOT = "training_job_state_change_completed_spot"


def render(name: str = SPOT, **detail: Any) -> dict[str, Any]:
    raw = load_sample(name)
    for key, value in detail.items():
        if value is None:
            raw["detail"].pop(key, None)
        else:
            raw["detail"][key] = value
    message = RENDERER.render(parse_event(raw))
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    return message


def texts(message: dict[str, Any]) -> list[str]:
    """Every block's text (sections, then their fields), in order, as a person reads them."""
    out = []
    for block in message["blocks"][1:]:  # below the header
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(f["text"] for f in block.get("fields", []))
    return out


def test_the_metrics_come_first_then_billable_time_and_spot_savings() -> None:
    title, lead, first_fact, *_ = texts(render())
    assert title.endswith("Training job is *Completed*")
    # Quality metrics on held-out data first, then on training data, then the others.
    assert lead == (
        "*Final metrics*\n"
        "validation:logloss: *0.2655*\n"
        "validation:auc: *0.9312*\n"
        "train:logloss: *0.2184*\n"
        "train:auc: *0.9587*\n"
        "epoch: *299*\n"
        # 1 - 2741 / 9135 = 70.0 %, as the console shows it
        "Billable time *45m 41s* · Managed spot saved *70%* of 2h 32m 15s training"
    )
    assert first_fact == "*Instance*\nml.m5.2xlarge × 2"
    assert not any(t.startswith("*Billable time*") for t in texts(render()))  # said once


def test_without_spot_the_billable_time_stands_alone() -> None:
    lead = texts(render(EnableManagedSpotTraining=False))[1]
    assert lead.endswith("\nBillable time *45m 41s*")
    assert "spot" not in lead


@pytest.mark.parametrize(
    "detail",
    [
        {"TrainingTimeInSeconds": None},  # no training time: nothing to compare with
        {"TrainingTimeInSeconds": 0},
        {"TrainingTimeInSeconds": 100},  # billable longer than training: not a saving
        {"TrainingTimeInSeconds": "lots"},
        {"EnableManagedSpotTraining": "maybe"},
    ],
)
def test_savings_need_a_spot_job_with_both_times(detail: dict[str, Any]) -> None:
    lead = texts(render(**detail))[1]
    assert "Billable time *45m 41s*" in lead
    assert "saved" not in lead


def test_absent_metrics_and_times_show_nothing() -> None:
    message = render(
        FinalMetricDataList=None,
        BillableTimeInSeconds=None,
        TrainingTimeInSeconds=None,
        EnableManagedSpotTraining=None,
    )
    body = texts(message)
    assert body[1] == "*Instance*\nml.m5.2xlarge × 2"  # the facts follow the title
    assert not any("metrics" in t or "Billable" in t or "spot" in t for t in body)


def test_only_billable_time_or_only_metrics() -> None:
    only_time = texts(render(FinalMetricDataList=[]))[1]
    assert only_time.startswith("Billable time *45m 41s* · Managed spot saved *70%*")
    only_metrics = texts(render(BillableTimeInSeconds=None))[1]
    assert only_metrics.startswith("*Final metrics*\n")
    assert "Billable" not in only_metrics


def test_many_metrics_are_bounded_and_counted() -> None:
    metrics = [{"MetricName": f"custom:{i}", "Value": i} for i in range(30)]
    metrics.append({"MetricName": "test:accuracy", "Value": 0.91})
    lead = texts(render(FinalMetricDataList=metrics))[1]
    lines = lead.split("\n")
    assert lines[1] == "test:accuracy: *0.91*"  # the quality metric leads, wherever it was
    assert len([line for line in lines if line.endswith("*") and ": *" in line]) == MAX_METRICS
    assert f"_and {31 - MAX_METRICS} more_" in lines


def test_metric_names_from_the_event_are_escaped() -> None:
    metrics = [{"MetricName": "<!channel> *loss*", "Value": 1.5}, {"MetricName": None, "Value": 2}]
    lead = texts(render(FinalMetricDataList=metrics))[1]
    assert "&lt;!channel&gt; *loss*: *1.5*" in lead
    assert "metric: *2*" in lead  # a metric without a name still shows its value


def test_the_ordering_and_the_savings_as_functions() -> None:
    ordered = final_metrics(
        [
            {"MetricName": "throughput", "Value": 10},
            {"MetricName": "train_loss", "Value": 0.3},
            {"MetricName": "val_loss", "Value": 0.4},
            {"MetricName": "f1", "Value": 0.8},
            {"MetricName": "no value"},
            "not a metric",
        ]
    )
    assert [name for name, _ in ordered] == ["val_loss", "f1", "train_loss", "throughput"]
    assert training_cost(100, 500, True) == (
        "Billable time *1m 40s* · Managed spot saved *80%* of 8m 20s training"
    )  # the example of DescribeTrainingJob's documentation
    assert training_cost(None, 500, True) is None
    assert training_cost(True, 500, True) is None  # a boolean is not a time
    assert training_cost(-5, 500, True) is None
