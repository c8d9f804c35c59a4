"""Metrics documents in the shapes SageMaker and its users write, read as metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evidence.model import Kind, Metric
from bot.evidence.parse import MAX_METRICS, DocumentFormatError, parse_document

DOCUMENTS = Path(__file__).parent / "documents"


def document(name: str) -> bytes:
    return (DOCUMENTS / f"{name}.json").read_bytes()


def values(name: str) -> dict[str, float]:
    return {m.name: m.value for m in parse_document(document(name))}


def test_an_evaluation_report_gives_each_value_and_its_spread_and_skips_the_matrix() -> None:
    metrics = parse_document(document("evaluation_binary"))
    assert metrics == (
        Metric("auc", 0.923, 0.004),
        Metric("f1", 0.80),
        Metric("accuracy", 0.91),
    )


def test_std_is_read_as_the_spread_too() -> None:
    by_name = {m.name: m for m in parse_document(document("evaluation_regression"))}
    assert by_name["mse"] == Metric("mse", 4.925353410353891, 2.219186917819692)
    assert by_name["rmse"].spread == 0.31
    assert by_name["r2_score"].value == 0.71


def test_several_problem_types_in_one_document_first_name_wins() -> None:
    assert values("evaluation_multiclass") == {
        "accuracy": 0.87,
        "weighted_f1": 0.86,
        "log_loss": 0.41,
    }


def test_flat_documents_give_their_numbers_not_their_text_or_booleans() -> None:
    assert values("flat") == {"rmse": 2.1, "mae": 1.4}
    assert values("metrics_nested") == {"accuracy": 0.91, "precision": 0.88}


def test_model_monitor_statistics_give_every_metric_and_the_dataset_size() -> None:
    found = {m.name: m for m in parse_document(document("model_monitor_statistics"))}
    assert found["auc"] == Metric("auc", 0.9995, 0.0002)
    assert found["false_positive_rate"].value == 0.002
    assert found["items"] == Metric("items", 2000, None, Kind.COUNT)
    # Curves and matrices are not numbers; the layout's version is not a metric.
    for skipped in ("confusion_matrix", "precision_recall_curve", "version"):
        assert skipped not in found


def test_clarify_bias_reports_give_each_facets_metrics() -> None:
    metrics = parse_document(document("clarify_bias"))
    assert [(m.name, m.value, m.kind) for m in metrics] == [
        ("CI (gender=F)", 0.12, Kind.BIAS),
        ("DPL (gender=F)", -0.031, Kind.BIAS),
        # KL has an error instead of a value: skipped
        ("DPPL (gender=F)", 0.045, Kind.BIAS),
        ("DI (gender=F)", 0.91, Kind.BIAS),
    ]


def test_clarify_explainability_gives_the_largest_shap_values_first() -> None:
    metrics = parse_document(document("clarify_explainability"))
    assert [(m.name, m.value) for m in metrics] == [
        ("SHAP contract_type", 0.208),
        ("SHAP monthly_charges", -0.052),
        ("SHAP tenure", 0.031),
        ("SHAP age", 0.004),
    ]
    assert {m.kind for m in metrics} == {Kind.ATTRIBUTION}


def test_constraints_give_their_thresholds() -> None:
    metrics = parse_document(document("model_quality_constraints"))
    assert [(m.name, m.value, m.kind) for m in metrics] == [
        ("recall threshold", 0.69, Kind.THRESHOLD),
        ("f1 threshold", 0.75, Kind.THRESHOLD),
    ]


def test_data_quality_statistics_give_size_features_and_missing_values() -> None:
    assert values("data_quality_statistics") == {
        "items": 5000,
        "features": 2,
        "missing values": 15,
    }


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"accuracy: 0.9", "not JSON"),
        (b"", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "not JSON"),  # deeper than the parser goes
        (b"[0.9, 0.8]", "not a JSON object"),
        (b'"0.9"', "not a JSON object"),
    ],
)
def test_what_is_not_a_json_object_says_so(data: bytes, why: str) -> None:
    with pytest.raises(DocumentFormatError, match=why):
        parse_document(data)


def test_numbers_that_are_no_metric_are_skipped() -> None:
    data = json.dumps(
        {"auc": float("nan"), "loss": float("inf"), "big": int("9" * 400), "ok": 1}
    ).encode()
    assert [m.name for m in parse_document(data)] == ["ok"]


def test_valid_json_of_no_known_shape_gives_no_metrics() -> None:
    assert parse_document(b'{"analysis_config": {"methods": {"shap": {}}}}') == ()


def test_a_document_keeps_at_most_its_share_and_names_are_clipped() -> None:
    many = {f"{i}{'m' * 200}": i / 100 for i in range(100)}
    metrics = parse_document(json.dumps(many).encode())
    assert len(metrics) == MAX_METRICS
    assert all(len(m.name) <= 80 for m in metrics)
