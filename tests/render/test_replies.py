"""Thread replies are one line: emoji, what changed, when, and the one fact that matters."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.render.context import RenderContext
from bot.render.escape import Trusted
from bot.render.renderer import Renderer
from bot.render.views.replies import MAX_REPLY_CHARS, visible_length, visible_text
from tests.conftest import load_sample, sample_paths
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
REPLY = RenderContext(mode="reply", previous_status="InProgress")
HOSTILE_NAMES = ["<!channel>", "*bold*", "<http://x|y>"]


def reply(raw: dict[str, Any], context: RenderContext = REPLY) -> dict[str, Any]:
    return RENDERER.render(parse_event(raw), context)


def line(message: dict[str, Any]) -> str:
    """The reply's line; it must be its first block and its notification text too. Only
    context lines may follow it (a hint, a mention)."""
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    block, *after = message["blocks"]
    assert all(b["type"] == "context" for b in after)
    assert block["type"] == "section" and set(block) == {"type", "text"}
    text: str = block["text"]["text"]
    assert message["text"] == text
    assert "\n" not in text
    assert visible_length(text) <= MAX_REPLY_CHARS
    return text


def training_job(**detail: Any) -> dict[str, Any]:
    raw = load_sample("training_job_state_change")
    raw["detail"].update(detail)
    return raw


def failed_step(reason: str) -> dict[str, Any]:
    raw = load_sample("pipeline_step_status_change")
    raw["detail"].update(currentStepStatus="Failed", failureReason=reason)
    return raw


METRICS = [
    {"MetricName": "train:loss", "Value": 0.1234, "Timestamp": "2026-11-25T10:40:00Z"},
    {"MetricName": "validation:auc", "Value": 0.921, "Timestamp": "2026-11-25T10:40:00Z"},
]
EXTRA_EVENTS = {
    "training_job_with_metrics": training_job(FinalMetricDataList=METRICS),
    "failed_step": failed_step("AlgorithmError: out of memory"),
    "failed_processing_job": load_sample("processing_job_state_change_failed"),
}
EVENTS = {p.stem: load_sample(p.stem) for p in sample_paths()} | EXTRA_EVENTS


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_every_reply_is_one_short_line_with_emoji_status_and_time(name: str) -> None:
    event = parse_event(EVENTS[name])
    text = line(RENDERER.render(event, REPLY))
    assert text.startswith(event.style.emoji + " ")
    assert f"*{event.status or 'State change'}*" in text
    assert event.time is not None
    assert event.time.strftime("%H:%M UTC") in visible_text(text)
    assert "<!date^" in text  # each reader sees the time in their own zone


def test_a_completed_training_job_reply_shows_its_metric() -> None:
    text = line(reply(training_job(FinalMetricDataList=METRICS)))
    assert visible_text(text).endswith(" · validation:auc 0.921 (+1 more)")
    assert "Training job *89c96cc8-dded-4739-afcc-6f1dc936701d*: InProgress → *Completed*" in text


def test_a_trial_reply_shows_the_tuning_objective_when_the_event_has_it() -> None:
    objective = {"MetricName": "train:loss", "Value": 0.1234}
    raw = training_job(FinalMetricDataList=METRICS)
    raw["detail"]["FinalHyperParameterTuningJobObjectiveMetric"] = objective
    assert visible_text(line(reply(raw))).endswith(" · train:loss 0.1234")


def test_the_parent_keeps_the_details_the_reply_leaves_out() -> None:
    raw = training_job(FinalMetricDataList=METRICS)
    assert "Hyperparameters" not in str(reply(raw))
    parent = RENDERER.render(parse_event(raw))
    assert parent["blocks"][0]["type"] == "header"
    assert "Hyperparameters" in str(parent) and "Final metrics" in str(parent)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (failed_step("AlgorithmError: out of memory"), "AlgorithmError: out of memory"),
        (EVENTS["failed_processing_job"], "InternalServerError: We encountered an internal error"),
        (training_job(TrainingJobStatus="Failed", FailureReason="ClientError: bad\ninput"), None),
    ],
)
def test_a_failure_reply_shows_its_reason(raw: dict[str, Any], expected: str | None) -> None:
    text = line(reply(raw))
    assert text.startswith(":x: ")
    assert "InProgress → *Failed*" in text
    assert (expected or "ClientError: bad input") in text  # one line: white space collapsed


def test_a_failed_step_names_the_step() -> None:
    text = line(reply(failed_step("AlgorithmError: out of memory")))
    assert text.startswith(":x: Pipeline step *myprocessingstep1*: InProgress → *Failed* · ")


def test_a_huge_failure_reason_is_clipped_never_the_name_or_status() -> None:
    name = "n" * 63
    raw = failed_step("ExitCode 1: " + "x" * 10_000)
    raw["detail"]["stepName"] = name
    text = line(reply(raw))
    assert visible_length(text) == MAX_REPLY_CHARS
    assert text.endswith("…")
    assert f"*{name}*: InProgress → *Failed* · " in text


def test_clipping_counts_escaped_characters_as_one() -> None:
    raw = failed_step("<&> " * 3000)
    text = line(reply(raw))
    assert "&lt;&amp;&gt;" in text
    assert MAX_REPLY_CHARS - 2 <= visible_length(text) <= MAX_REPLY_CHARS  # a space may go
    assert "&" not in text.rsplit("&gt;", 1)[-1]  # never cut inside an entity


def test_an_absurdly_long_name_and_status_still_fit() -> None:
    raw = failed_step("reason")
    raw["detail"].update(stepName="s" * 5000, currentStepStatus="S" * 5000)
    raw["detail"]["previousStepStatus"] = "P" * 5000
    text = line(reply(raw, RenderContext(mode="reply")))
    assert visible_length(text) <= MAX_REPLY_CHARS


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_hostile_names_and_reasons_are_escaped_in_a_reply(hostile: str) -> None:
    raw = failed_step(hostile)
    raw["detail"]["stepName"] = hostile
    text = line(reply(raw))
    assert "<!channel>" not in text and "<http://x|y>" not in text
    assert "**" not in text  # a name's asterisks cannot open or close the bold span
    visible = visible_text(text)
    assert hostile.replace("*", "∗") in visible  # the name shows as it is, bold
    assert visible.endswith(" · " + hostile.replace("*", ""))  # the reason, as text


def test_an_endpoint_reply_shows_its_variant() -> None:
    raw = load_sample("endpoint_state_change")
    raw["detail"]["ProductionVariants"] = [
        {"VariantName": "AllTraffic", "CurrentInstanceCount": 2, "InstanceType": "ml.m5.large"},
        {"VariantName": "Shadow", "CurrentInstanceCount": 1},
    ]
    text = line(reply(raw, RenderContext(mode="reply", previous_status="Creating")))
    assert "Endpoint *MyEndpoint*: Creating → *InService*" in text
    assert visible_text(text).endswith(" · AllTraffic: 2 × ml.m5.large (+1 variant)")


def test_a_tuning_job_reply_shows_the_best_training_job() -> None:
    raw = load_sample("tuning_job_state_change")
    raw["detail"].update(
        HyperParameterTuningJobStatus="Completed",
        BestTrainingJob={
            "TrainingJobName": "hpo-004",
            "FinalHyperParameterTuningJobObjectiveMetric": {"MetricName": "auc", "Value": 0.9},
        },
    )
    assert visible_text(line(reply(raw))).endswith(" · best hpo-004: auc 0.9")


def test_a_pipeline_execution_reply_counts_the_steps_it_knows() -> None:
    steps = [{"status_class": "succeeded"}, {"status_class": "succeeded"}, {"status_class": "x"}]
    context = RenderContext(mode="reply", previous_status="Executing", steps=steps)
    text = line(reply(load_sample("pipeline_execution_status_change"), context))
    assert visible_text(text).endswith(" · 2/3 steps done")


def test_no_fact_when_nothing_matters() -> None:
    text = line(reply(load_sample("model_card_state_change")))
    assert visible_text(text).count(" · ") == 1  # what changed · when


def test_a_user_reply_template_overrides_every_reply(tmp_path: Path) -> None:
    (tmp_path / "_reply.json.j2").write_text(
        '{"text": "{{ reply_line.text }}", "blocks": [{"type": "section", "text": {"type": '
        '"mrkdwn", "text": "{{ reply_line.emoji }} {{ reply_line.subject }} [{{ r.kind }}]'
        '{% if reply_fact %} {{ reply_fact }}{% endif %}"}}]}'
    )
    message = Renderer(tmp_path).render(parse_event(failed_step("<!channel> oom")), REPLY)
    text = message["blocks"][0]["text"]["text"]
    assert text == ":x: Pipeline step *myprocessingstep1* [step] &lt;!channel&gt; oom"


def test_a_user_type_template_still_renders_the_parent_not_the_replies(tmp_path: Path) -> None:
    (tmp_path / "endpoint.json.j2").write_text(
        '{"text": "mine {{ r.name }}", "blocks": [{"type": "divider"}, null]}'
    )
    renderer = Renderer(tmp_path)
    event = parse_event(load_sample("endpoint_state_change"))
    assert renderer.render(event)["text"] == "mine MyEndpoint"
    assert renderer.render(event, REPLY)["text"].startswith(":white_check_mark: Endpoint")


def test_a_broken_reply_template_falls_back_to_the_line(tmp_path: Path) -> None:
    (tmp_path / "_reply.json.j2").write_text('{"text": "{{ no_such_variable }}"}')
    raw = failed_step("boom")
    message = Renderer(tmp_path).render(parse_event(raw), REPLY)
    assert line(message) == line(reply(copy.deepcopy(raw)))


def context_lines(message: dict[str, Any]) -> list[str]:
    """The context lines under a reply's line."""
    return [b["elements"][0]["text"] for b in message["blocks"][1:]]


def test_a_failure_reply_says_what_to_do_when_the_cause_is_well_known() -> None:
    message = reply(failed_step("RuntimeError: CUDA out of memory. Tried to allocate 2 GiB"))
    line(message)
    assert context_lines(message) == [
        ":bulb: The GPU ran out of memory: lower the batch size, or use an instance with more"
        " GPU memory."
    ]


def test_a_timeout_reply_says_what_to_do() -> None:
    message = reply(load_sample("training_job_state_change_max_runtime"))
    line(message)
    [hint] = context_lines(message)
    assert hint.startswith(":bulb: The job hit its maximum runtime")


def test_no_hint_for_an_unknown_cause_nor_on_a_success() -> None:
    assert context_lines(reply(failed_step("ValueError: something new"))) == []
    completed = reply(training_job(FailureReason="CUDA out of memory"))
    assert context_lines(completed) == []


def test_a_user_hint_in_a_reply_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "hints.json").write_text(
        '[{"match": "quota", "hint": "Ask <!channel> in <#C1|ops> *now*"}]'
    )
    message = Renderer(tmp_path).render(parse_event(failed_step("quota reached")), REPLY)
    line(message)
    [hint] = context_lines(message)
    assert "<!channel>" not in hint and "<#C1|ops>" not in hint
    assert "&lt;!channel&gt;" in hint


def test_an_alert_reply_mentions_the_owner_and_no_other_reply_does() -> None:
    owner = Trusted("<@U0OWNER>")
    failed = reply(failed_step("boom"), RenderContext(mode="reply", owner=owner))
    line(failed)
    assert context_lines(failed) == [":bust_in_silhouette: Owner: <@U0OWNER>"]
    completed = reply(training_job(), RenderContext(mode="reply", owner=owner))
    assert "U0OWNER" not in json.dumps(completed)
