"""A package's evidence as mrkdwn: values, changes, verdicts, links and reasons, escaped."""

from __future__ import annotations

import json

import pytest

from bot.events.parse import parse_event
from bot.evidence.model import Document, Evidence, KeyValue, Kind, Metric
from bot.render.context import RenderContext
from bot.render.evidence import difference, evidence_text, number
from bot.render.renderer import Renderer
from tests.conftest import load_sample

QUALITY = "Model quality statistics"
URI = "s3://ml-artifacts/churn/eval/evaluation.json"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.923, "0.923"),
        (0.92345678, "0.9235"),
        (4.925353410353891, "4.925"),
        (2000.0, "2,000"),
        (12345.678, "12,345.7"),
        (-0.052, "-0.052"),
        (0.000123456, "0.0001235"),
    ],
)
def test_number(value: float, text: str) -> None:
    assert number(value) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [(0.022000000000000020, "+0.022"), (-0.3, "-0.3"), (1000.0, "+1,000"), (0.00051, "+0.00051")],
)
def test_difference(delta: float, text: str) -> None:
    assert difference(delta) == text


def test_values_with_and_without_a_baseline_value() -> None:
    evidence = Evidence(
        values=(
            KeyValue(QUALITY, Metric("auc", 0.923, 0.004), 0.901),
            KeyValue(QUALITY, Metric("rmse", 2.5), 2.4),
            KeyValue(QUALITY, Metric("DPPL (gender=F)", 0.05, None, Kind.BIAS), 0.06),
            KeyValue(QUALITY, Metric("accuracy", 0.91), 0.91),
            KeyValue(QUALITY, Metric("new", 1.0), None),
        ),
        documents=(Document(QUALITY, URI),),
        group="churn",
        baseline_version=6,
    )
    values, documents = evidence_text(evidence)
    assert values.splitlines() == [
        "*Metrics*",
        "auc *0.923* ±0.004 (+0.022 vs v6) :large_green_circle: better",
        "rmse *2.5* (+0.1 vs v6) :red_circle: worse",
        "DPPL (gender=F) *0.05* (-0.01 vs v6)",
        "accuracy *0.91* (= v6)",
        "new *1* (not in v6)",
        "_Compared with version 6 of churn, the approved version._",
    ]
    assert documents == (
        "• Model quality statistics: <https://s3.console.aws.amazon.com/s3/buckets/ml-artifacts"
        "?prefix=churn%2Feval%2Fevaluation.json|s3://ml-artifacts/churn/eval/evaluation.json>"
    )


def test_without_an_approved_version_the_note_says_why() -> None:
    evidence = Evidence(
        values=(KeyValue(QUALITY, Metric("auc", 0.9)),),
        documents=(Document(QUALITY, URI),),
        baseline_note="no version of churn is approved yet: nothing to compare with",
    )
    assert evidence_text(evidence).values.splitlines() == [
        "*Metrics*",
        "auc *0.9*",
        "_No version of churn is approved yet: nothing to compare with._",
    ]


def test_unavailable_documents_say_why_beside_their_link() -> None:
    long_uri = "s3://ml-artifacts/" + "deep/" * 30 + "analysis.json"
    evidence = Evidence(
        documents=(Document("Bias report", long_uri, problem="access denied", lasting=False),),
        baseline_version=1,
        baseline_problems=(Document(QUALITY, URI, problem="not JSON"),),
    )
    values, documents = evidence_text(evidence)
    assert "No values could be read from the documents below." in values
    assert "_Version 1's model quality statistics: metrics unavailable: not JSON._" in values
    assert documents.startswith("• Bias report: <https://s3.console.aws.amazon.com/")
    assert documents.endswith("|s3://…/analysis.json> — metrics unavailable: access denied")


def test_text_from_documents_cannot_mention_link_or_break_the_json() -> None:
    hostile = 'x <!channel> <https://evil|click> & "quoted" `code`'
    evidence = Evidence(
        values=(KeyValue(hostile, Metric(hostile, 1.0), 0.5),),
        documents=(
            Document(hostile, "s3://bucket/<!here>.json", problem=hostile),
            Document(hostile, "<https://evil|not s3>", problem=hostile),
        ),
        group=hostile,
        baseline_version=2,
        baseline_problems=(Document(hostile, URI, problem=hostile),),
    )
    values, documents = evidence_text(evidence)
    for text in (values, documents):
        assert "<!channel>" not in text and "<!here>" not in text
        assert "<https://evil" not in text
        assert "&lt;!channel&gt;" in text
    # And laid out in a card, the message is still valid JSON with the text intact.
    event = parse_event(load_sample("model_package_state_change"))
    message = Renderer().render(event, RenderContext(evidence=evidence))
    assert "&lt;!channel&gt;" in json.dumps(message)


def test_the_card_shows_the_evidence_instead_of_the_links() -> None:
    event = parse_event(load_sample("model_package_state_change"))
    uri = event.detail.ModelMetrics["ModelQuality"]["Statistics"]["S3Uri"]  # type: ignore[attr-defined]
    evidence = Evidence(
        values=(KeyValue(QUALITY, Metric("mse", 4.9), 5.3),),
        documents=(Document(QUALITY, uri),),
        group="versionedmp-p-idy6c3e1fiqj",
        baseline_version=1,
    )
    blocks = Renderer().render(event, RenderContext(evidence=evidence))["blocks"]
    text = json.dumps(blocks)
    assert "mse *4.9* (-0.4 vs v1) :large_green_circle: better" in text
    assert "*Model metrics*" not in text
    # Without evidence (the bot reads no metrics): the links, as before.
    plain = json.dumps(Renderer().render(event, RenderContext())["blocks"])
    assert "*Model metrics*" in plain and "mse" not in plain
