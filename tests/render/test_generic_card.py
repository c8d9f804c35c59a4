"""The card of any event type without one: readable, never a ❔ when it can tell, never fails."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.events.parse import parse_event
from bot.render.context import RenderContext
from bot.render.renderer import Renderer
from bot.render.views import generic
from tests.conftest import load_sample
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
UNKNOWN = ":grey_question:"
ACCOUNT = "123456789012"


def render(detail_type: Any, detail: Any, **envelope: Any) -> dict[str, Any]:
    raw = {
        "version": "0",
        "id": "e-1",
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": "123456789012",
        "region": "us-east-1",
        "time": "2026-12-01T10:00:00Z",
        "resources": [],
        "detail": detail,
        **envelope,
    }
    message = RENDERER.render(parse_event(raw))
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    return message


def header(message: dict[str, Any]) -> str:
    text: str = message["blocks"][0]["text"]["text"]
    return text


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]


def fields(message: dict[str, Any]) -> dict[str, str]:
    texts = [f["text"] for b in message["blocks"] for f in b.get("fields", [])]
    return dict(t.split("\n", 1) for t in texts)


def contexts(message: dict[str, Any]) -> list[str]:
    return [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]


def test_a_failure_one_level_down_is_the_cards_failure_reason() -> None:
    # GIVEN an event of a type the bot does not know, whose failure is nested
    message = render(
        "SageMaker Evaluation Job Status Change",
        {
            "EvaluationJobName": "llm-eval-7",
            "EvaluationJobArn": f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:evaluation-job/llm-eval-7",
            "Details": {
                "Status": "Failed",
                "FailureReason": "ResourceLimitExceeded: ml.g5.12xlarge for training job usage",
                "Attempts": 2,
            },
        },
    )
    # THEN the header says it failed, the title names the job, the reason is prominent
    assert header(message) == ":x: SageMaker Evaluation Job Status Change"
    title, failure, *_ = sections(message)
    assert title == "*llm-eval-7*\nEvaluation job is *Failed*"
    assert failure.startswith(":rotating_light: *Failure reason*\n```ResourceLimitExceeded")
    assert "llm-eval-7 is Failed. ResourceLimitExceeded" in message["text"]
    # and the other plain fields are facts, not JSON
    assert fields(message) == {"*Attempts*": "2"}
    assert not any(c.startswith(":page_facing_up:") for c in contexts(message))


def test_the_status_can_come_from_the_detail_type() -> None:
    message = RENDERER.render(parse_event(load_sample("generic_tracking_server_create_failed")))
    assert header(message) == ":x: SageMaker Tracking Server Create Failed"
    assert sections(message)[0] == "*team-mlflow*\nTracking server is *CreateFailed*"
    facts = fields(message)
    assert facts["*TrackingServerSize*"] == "Small"
    assert facts["*AutomaticModelRegistration*"] == "no"
    assert facts["*ArtifactStoreUri*"].startswith("<https://s3.console.aws.amazon.com/s3/buckets/")
    assert facts["*CreationTime*"].startswith("<!date^")  # in each reader's time zone
    # The name and the ARN are the title and the context, not facts again.
    assert "*TrackingServerName*" not in facts and "*TrackingServerArn*" not in facts


def test_a_reply_names_what_the_detail_type_is_about() -> None:
    # GIVEN a tracking server's failure, a kind the bot has no card for
    event = parse_event(load_sample("generic_tracking_server_create_failed"))
    # WHEN it is a one-line reply in its thread
    reply = RENDERER.render(event, RenderContext(mode="reply"))
    # THEN the line says "Tracking server", as the card does, not "SageMaker resource"
    assert reply["text"].startswith(":x: Tracking server *team-mlflow*: ")
    assert "SageMaker resource" not in json.dumps(reply)


def test_a_level_field_sets_the_severity_and_the_description_is_text() -> None:
    message = render(
        "SageMaker Example Cluster Event",  # a type SageMaker may add: nothing knows it
        {
            "EventDetails": {
                "ClusterName": "hp-train",
                "InstanceGroupName": "p5",
                "EventLevel": "Error",
                "Description": "Instance creation failed: insufficient capacity for ml.p5.48xlarge",
                "EventTime": 1748794825350,
            }
        },
    )
    assert header(message).startswith(":x: ")
    title, description = sections(message)
    assert title == "*hp-train*\nExample cluster: *Error*"
    assert description == (
        "*Description*\nInstance creation failed: insufficient capacity for ml.p5.48xlarge"
    )
    facts = fields(message)
    assert facts["*InstanceGroupName*"] == "p5"
    assert facts["*EventTime*"].startswith("<!date^1748794825^")
    assert "*EventLevel*" not in facts  # the title says it
    assert "insufficient capacity" in message["text"]  # the notification says what happened


def test_a_warning_level_is_a_warning_and_a_success_is_a_success() -> None:
    warning = render("SageMaker Example Event", {"Level": "Warn", "Name": "x"})
    assert header(warning).startswith(":warning: ")
    done = RENDERER.render(parse_event(load_sample("generic_model_card_export_job")))
    assert header(done) == ":white_check_mark: SageMaker Model Card Export Job State Change"
    assert sections(done)[0] == "*churn-card-pdf-3*\nModel card export job is *Completed*"


def test_a_status_message_on_a_healthy_resource_is_a_message_not_a_failure() -> None:
    message = render(
        "SageMaker Example Endpoint Event",
        {"ThingName": "t", "ThingStatus": "InService", "StatusMessage": "Scaled to 4 instances"},
    )
    assert header(message).startswith(":white_check_mark: ")
    assert "*Message*\nScaled to 4 instances" in sections(message)
    assert not any("Failure reason" in s for s in sections(message))


def test_the_raw_detail_is_one_bounded_context_line_of_what_is_shown_nowhere_else() -> None:
    config = {"Rules": [{"Name": f"rule-{i}", "Threshold": i} for i in range(200)]}
    message = render(
        "SageMaker Example Schedule State Change",
        {"ScheduleName": "s", "ScheduleStatus": "Failed", "FailureReason": "boom", **config},
    )
    more = [c for c in contexts(message) if c.startswith(":page_facing_up:")]
    assert len(more) == 1
    assert more[0].startswith(':page_facing_up: Also in the event: `{"Rules":[{"Name":"rule-0"')
    assert len(more[0]) < 500 and more[0].endswith("…`")
    assert "boom" not in more[0] and '"ScheduleName"' not in more[0]
    # nothing left to show: no line at all
    bare = render("SageMaker Example Event", {"ThingName": "t", "ThingStatus": "Failed"})
    assert not [c for c in contexts(bare) if c.startswith(":page_facing_up:")]


def test_a_failed_view_still_renders_the_event(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(generic, "guess", broken)
    raw = load_sample("generic_monitoring_schedule")
    message = RENDERER.render(parse_event(raw))
    assert_valid_message(message)
    assert header(message) == ":x: SageMaker Monitoring Schedule State Change"
    # the identity and status that parsing found, without the view's subject, facts or texts
    assert sections(message)[0] == "*churn-data-quality*\nSageMaker resource is *Failed*"
    assert "generic view failed" in caplog.text
    assert "minimal message" not in caplog.text  # the template rendered, not the last resort


def test_an_event_whose_own_card_fails_gets_the_generic_card(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.render import views

    def broken(*_: Any) -> Any:
        raise KeyError("boom")

    monkeypatch.setitem(views.VIEWS, "processing_job", broken)
    message = RENDERER.render(parse_event(load_sample("processing_job_state_change_failed")))
    assert_valid_message(message)
    assert header(message) == ":x: SageMaker Processing Job State Change"
    assert sections(message)[0].endswith("Processing job is *Failed*")
    assert any(s.startswith(":rotating_light: *Failure reason*") for s in sections(message))


def test_a_status_message_in_an_unknown_state_is_a_message() -> None:
    message = render("SageMaker Example Event", {"ThingName": "t", "StatusMessage": "Queued"})
    assert "*Message*\nQueued" in sections(message)
    assert not any("Failure reason" in s for s in sections(message))


# --- properties: detail-types and details the card has never seen ----------------------------

HOSTILE = st.sampled_from(
    ["<!channel>", "<!here|here>", "<@U123ABC>", "<https://evil.example|click>", "*bold* `x`",
     "a & b", "```", "\n", '"', "\\", "\u2028"]
)  # fmt: skip
text = st.one_of(st.text(max_size=60), HOSTILE, st.text(max_size=3000))
scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text)
key = st.one_of(
    st.sampled_from(
        ["ThingName", "ThingArn", "ThingStatus", "Status", "State", "currentStatus",
         "FailureReason", "FailureMessage", "StatusMessage", "ErrorMessage", "Description",
         "EventLevel", "CreationTime", "EventDetails", "Name"]
    ),
    st.text(max_size=20),
)  # fmt: skip
value = st.recursive(
    scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(key, inner, max_size=6)),
    max_leaves=20,
)
details = st.one_of(st.dictionaries(key, value, max_size=12), value)
# Fields that say nothing about identity or status, at any depth: what else a detail holds.
neutral = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["Size", "Notes", "Owner", "a"]), inner, max_size=3),
    ),
    max_leaves=8,
)
extras = st.dictionaries(st.sampled_from(["Version", "Owner", "Notes", "Config"]), neutral)
detail_types = st.one_of(
    st.sampled_from(
        ["SageMaker Human Task Expired", "SageMaker Tracking Server Start Failed",
         "SageMaker MLFlow Tracking Server Creating Run", "SageMaker Evaluation Job Status Change"]
    ),
    st.builds(lambda s: f"SageMaker {s}", st.text(max_size=40)),
    text,
    st.none(),
)  # fmt: skip
# Modest, so `make test` stays short; each ran with 1500 examples while it was written.
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@EXAMPLES
@given(detail_type=detail_types, detail=details, resources=st.lists(text, max_size=3))
def test_any_unknown_event_renders_a_valid_safe_message(
    detail_type: Any, detail: Any, resources: list[str]
) -> None:
    # GIVEN any detail-type and detail, WHEN rendered (render() asserts the message is valid
    # Block Kit within Slack's limits and carries no link, mention or date of the event's)
    message = render(detail_type, detail, resources=resources)
    # THEN nothing from the event pings anyone, in the blocks or the notification text
    dumped = json.dumps(message)
    for token in ("<!channel>", "<!here", "<@U123ABC>", "<https://evil"):
        assert token not in dumped


failure_fields = st.sampled_from(["FailureReason", "FailureMessage", "ErrorMessage"])
failure_words = st.sampled_from(["Failed", "FAILED", "CreateFailed", "START_FAILED", "Error"])
success_words = st.sampled_from(["Completed", "COMPLETED", "Succeeded", "InService", "Updated"])


@EXAMPLES
@given(
    extra=extras,
    nested=st.booleans(),
    failure_field=failure_fields,
    reason=st.text(min_size=1, max_size=100).filter(str.strip),
    word=failure_words,
    with_status=st.booleans(),
)
def test_a_recognisable_failure_is_never_a_question_mark(
    extra: dict[str, Any],
    nested: bool,
    failure_field: str,
    reason: str,
    word: str,
    with_status: bool,
) -> None:
    # GIVEN a failure said by a status word, or only by an error message, maybe nested
    inner: dict[str, Any] = {"ThingName": "thing", failure_field: reason}
    if with_status:
        inner["ThingStatus"] = word
    detail = {**extra, "Details": inner} if nested else {**extra, **inner}
    message = render("SageMaker Example Thing State Change", detail)
    # THEN the card says it failed, and shows why
    assert header(message).startswith(":x: ")
    assert any(s.startswith(":rotating_light: *Failure reason*") for s in sections(message))


@EXAMPLES
@given(
    extra=extras,
    nested=st.booleans(),
    word=success_words,
    level=st.sampled_from([None, "Info", "Warn", "Error"]),
)
def test_a_recognisable_success_is_never_a_question_mark(
    extra: dict[str, Any], nested: bool, word: str, level: str | None
) -> None:
    inner: dict[str, Any] = {"ThingName": "thing", "ThingStatus": word}
    if level:
        inner["EventLevel"] = level
    detail = {**extra, "Details": inner} if nested else {**extra, **inner}
    message = render("SageMaker Example Thing State Change", detail)
    assert header(message).startswith(":white_check_mark: ")
    assert UNKNOWN not in message["text"]


@EXAMPLES
@given(
    state=st.sampled_from(
        [("Create Failed", ":x:"), ("Start Failed", ":x:"), ("Created", ":white_check_mark:"),
         ("Updated", ":white_check_mark:"), ("Deleted", ":wastebasket:"),
         ("Expired", ":warning:"), ("Maintenance In Progress", ":hourglass_flowing_sand:")]
    ),
    subject=st.sampled_from(["Tracking Server", "Human Task", "Inference Thing"]),
    detail=extras,
)  # fmt: skip
def test_a_state_in_the_detail_type_is_never_a_question_mark(
    state: tuple[str, str], subject: str, detail: dict[str, Any]
) -> None:
    words, emoji = state
    message = render(f"SageMaker {subject} {words}", detail)
    assert header(message).startswith(emoji + " ")
