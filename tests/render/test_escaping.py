"""Event data can never ping anyone, make a link, or break the JSON."""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.events.parse import parse_event
from bot.render.context import RenderContext
from bot.render.escape import code, code_block, finalize, link, mrkdwn_escape
from bot.render.renderer import Renderer
from bot.render.views.replies import MAX_REPLY_CHARS, visible_length
from tests.conftest import load_sample, sample_paths
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

RENDERER = Renderer()
HOSTILE = '<!channel> <@U123> <https://evil.example|click> "q" \\ \n\t & </x> ``` `'


def test_hostile_name_and_reason_render_as_text() -> None:
    raw = load_sample("processing_job_state_change_failed")
    raw["detail"]["ProcessingJobName"] = HOSTILE
    raw["detail"]["FailureReason"] = HOSTILE
    message = RENDERER.render(parse_event(raw))
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    visible = json.dumps([b for b in message["blocks"] if b["type"] != "actions"])
    assert "<!channel>" not in visible and "<@U123>" not in visible
    dumped = json.dumps(message)
    assert "&lt;!channel&gt;" in dumped
    # the name inside the console URL is percent-encoded, never raw
    assert "processing-jobs/%3C%21channel%3E" in dumped


def test_escape_primitives() -> None:
    assert mrkdwn_escape("a & <b>") == "a &amp; &lt;b&gt;"
    assert finalize('"x"\n') == '\\"x\\"\\n'
    assert (
        link("https://e.example/a?b=1&c=2", "<x>") == "<https://e.example/a?b=1&amp;c=2|&lt;x&gt;>"
    )
    assert link(None, "<x>") == "<x>"  # plain text: finalize escapes it later
    assert code("a`b") == "`aˋb`"
    assert code_block("x```y") == "```xˋˋˋy```"


hostile_text = st.one_of(
    st.text(max_size=200),
    st.sampled_from([HOSTILE, "<!here>", "<@W1>", "<#C1>", "<http://x|y>", "&amp;", "\\u0000"]),
)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(hostile_text, children, max_size=4)
    ),
    max_leaves=12,
)
SAMPLES = [p.stem for p in sample_paths()]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(SAMPLES),
    overrides=st.lists(st.tuples(st.integers(min_value=0, max_value=200), json_values), max_size=8),
    envelope_time=json_values,
)
def test_arbitrary_detail_values_render_safely(
    name: str, overrides: list[tuple[int, Any]], envelope_time: Any
) -> None:
    # GIVEN a sample whose detail fields are replaced by arbitrary, hostile values
    raw = load_sample(name)
    keys = list(raw["detail"])
    for index, value in overrides:
        raw["detail"][keys[index % len(keys)]] = value
    raw["time"] = envelope_time
    # WHEN it is rendered
    message = RENDERER.render(parse_event(raw))
    # THEN it is valid Block Kit with no mention, special or link that came from the data
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
    # AND its thread reply is one safe line of at most 300 visible characters (a hint may
    # follow it on a context line)
    event = parse_event(raw)
    reply = RENDERER.render(event, RenderContext(mode="reply", previous_status="InProgress"))
    assert_valid_message(reply)
    assert_no_foreign_tokens(reply)
    block, *after = reply["blocks"]
    assert [b["type"] for b in after] in ([], ["context"])
    assert visible_length(block["text"]["text"]) <= MAX_REPLY_CHARS


@settings(max_examples=150, deadline=None)
@given(detail=st.dictionaries(hostile_text, json_values, max_size=8), detail_type=hostile_text)
def test_arbitrary_events_render_safely(detail: dict[str, Any], detail_type: str) -> None:
    message = RENDERER.render(parse_event({"detail-type": detail_type, "detail": detail}))
    assert_valid_message(message)
    assert_no_foreign_tokens(message)
