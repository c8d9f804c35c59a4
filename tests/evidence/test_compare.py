"""Which way is better, what changed, and which few values a card shows."""

from __future__ import annotations

import pytest

from bot.evidence.compare import (
    MAX_VALUES,
    Direction,
    Verdict,
    change,
    direction,
    evidence_of,
    key_values,
    ranked,
)
from bot.evidence.model import Document, Evidence, KeyValue, Kind, Metric, VersionMetrics
from bot.evidence.parse import parse_document
from tests.evidence.test_parse import document

H, L, N = Direction.HIGHER, Direction.LOWER, Direction.NONE


@pytest.mark.parametrize(
    ("name", "way"),
    [
        ("auc", H),
        ("roc_auc", H),
        ("au_prc", H),
        ("accuracy", H),
        ("balanced_accuracy", H),
        ("precision", H),
        ("recall", H),
        ("f1", H),
        ("weighted_f1", H),
        ("macro_f1", H),
        ("f1_weighted", H),
        ("f0_5", H),
        ("r2", H),
        ("r2_score", H),
        ("true_positive_rate", H),
        ("mse", L),
        ("rmse", L),
        ("mae", L),
        ("mape", L),
        ("log_loss", L),
        ("logloss", L),
        ("validation:loss", L),
        ("mean_absolute_error", L),
        ("error_rate", L),
        ("false_positive_rate", L),
        ("false_negative_rate", L),
        ("explained_variance", N),
        ("items", N),
        ("training_time", N),
    ],
)
def test_direction_of_a_metric(name: str, way: Direction) -> None:
    assert direction(Metric(name, 1.0)) is way


@pytest.mark.parametrize("kind", [Kind.BIAS, Kind.ATTRIBUTION, Kind.THRESHOLD, Kind.COUNT])
def test_only_model_quality_metrics_have_a_direction(kind: Kind) -> None:
    # A threshold of auc, a count named accuracy: no verdict on those.
    assert direction(Metric("auc", 1.0, None, kind)) is N


@pytest.mark.parametrize(
    ("value", "baseline", "way", "expected"),
    [
        (0.923, 0.901, H, (0.022, Verdict.BETTER)),
        (0.88, 0.901, H, (-0.021, Verdict.WORSE)),
        (2.1, 2.4, L, (-0.3, Verdict.BETTER)),
        (2.5, 2.4, L, (0.1, Verdict.WORSE)),
        (0.5, 0.4, N, (0.1, None)),
        (0.91, 0.91, H, (0.0, Verdict.SAME)),
        (0.1 + 0.2, 0.3, L, (0.0, Verdict.SAME)),  # the same value, as floats round it
    ],
)
def test_change(
    value: float, baseline: float, way: Direction, expected: tuple[float, Verdict | None]
) -> None:
    found = change(value, baseline, way)
    assert found.delta == pytest.approx(expected[0])
    assert found.verdict is expected[1]


def test_the_telling_metrics_come_first_and_baseline_classifiers_last() -> None:
    metrics = parse_document(document("model_monitor_statistics"))
    names = [m.name for m in ranked(metrics)]
    assert names[:5] == ["auc", "accuracy", "f1", "precision", "recall"]
    assert names.index("false_positive_rate") < names.index("recall_best_constant_classifier")
    assert names[-1] == "items"


def version(arn: str, *documents: Document) -> VersionMetrics:
    return VersionMetrics(arn, int(arn.rsplit("/", 1)[1]), documents)


def doc(label: str, *metrics: Metric, problem: str | None = None, lasting: bool = True) -> Document:
    return Document(label, f"s3://ml/{label}.json", metrics, problem, lasting)


QUALITY = "Model quality statistics"
BIAS = "Bias report"


def test_key_values_pair_each_value_with_the_approved_versions_in_the_same_document() -> None:
    package = version("p/2", doc(QUALITY, Metric("auc", 0.923), Metric("new_metric", 3.0)))
    approved = version("p/1", doc(QUALITY, Metric("auc", 0.901)), doc(BIAS, Metric("auc", 0.2)))
    assert key_values(package, approved) == (
        KeyValue(QUALITY, Metric("auc", 0.923), 0.901),
        KeyValue(QUALITY, Metric("new_metric", 3.0), None),  # not in the approved version
    )


def test_key_values_are_taken_in_turn_from_each_document_up_to_the_limit() -> None:
    quality = doc(QUALITY, *(Metric(f"q{i}", i) for i in range(10)))
    bias = doc(BIAS, *(Metric(f"b{i}", i, None, Kind.BIAS) for i in range(3)))
    unread = doc("Explainability report", problem="access denied", lasting=False)
    chosen = key_values(version("p/2", quality, unread, bias), None)
    assert len(chosen) == MAX_VALUES
    assert [v.metric.name for v in chosen] == ["q0", "b0", "q1", "b1", "q2", "b2", "q3", "q4"]
    assert all(v.baseline is None for v in chosen)


def test_evidence_without_an_approved_version_says_why_and_is_complete() -> None:
    package = version("p/1", doc(QUALITY, Metric("auc", 0.9)))
    evidence = evidence_of(package, None, group="churn", baseline_note="no approved version")
    assert evidence.baseline_version is None and evidence.baseline_note == "no approved version"
    assert evidence.complete


def test_evidence_is_incomplete_while_a_document_is_to_be_read_again() -> None:
    denied = doc(BIAS, problem="access denied", lasting=False)
    package = version("p/2", doc(QUALITY, Metric("auc", 0.9)), denied)
    assert not evidence_of(package, None, group="g").complete
    # The approved version's unread documents too, and a lookup that failed.
    ok = version("p/2", doc(QUALITY, Metric("auc", 0.9)))
    assert not evidence_of(ok, version("p/1", denied), group="g").complete
    assert not evidence_of(ok, None, group="g", settled=False).complete
    # A document whose content is unusable is settled for good.
    broken = version("p/2", doc(QUALITY, problem="not JSON"))
    assert evidence_of(broken, None, group="g").complete


def test_evidence_lists_the_approved_versions_unreadable_documents() -> None:
    package = version("p/2", doc(QUALITY, Metric("auc", 0.9)))
    approved = version("p/1", doc(QUALITY, problem="larger than 1 MiB"))
    evidence = evidence_of(package, approved, group="g")
    assert evidence.baseline_version == 1
    assert [d.problem for d in evidence.baseline_problems] == ["larger than 1 MiB"]
    assert evidence.values == (KeyValue(QUALITY, Metric("auc", 0.9), None),)


def test_evidence_survives_json_as_it_was() -> None:
    package = version(
        "p/2",
        doc(QUALITY, Metric("auc", 0.923, 0.004), Metric("rmse", 2.0)),
        doc(BIAS, problem="access denied", lasting=False),
    )
    approved = version("p/1", doc(QUALITY, Metric("auc", 0.9)), doc(BIAS, problem="not JSON"))
    evidence = evidence_of(package, approved, group="churn")
    assert Evidence.from_json(evidence.to_json()) == Evidence(
        evidence.values,
        # What a card keeps of the documents: their links and problems, not their metrics.
        tuple(Document(d.label, d.uri, (), d.problem, d.lasting) for d in package.documents),
        "churn",
        1,
        None,
        (Document(BIAS, "s3://ml/Bias report.json", (), "not JSON"),),
        False,
    )
    assert VersionMetrics.from_json(package.to_json()) == package


@pytest.mark.parametrize(
    "stored",
    [None, [], "x", {"values": "x"}, {"values": [{"name": 1}], "documents": [{"uri": 2}]}],
)
def test_a_stored_value_that_does_not_fit_reads_as_nothing_to_show(stored: object) -> None:
    evidence = Evidence.from_json(stored)
    assert evidence is None or (evidence.values == () and not evidence.complete)
    assert VersionMetrics.from_json(stored) is None
