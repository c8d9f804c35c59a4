"""Text past the parser's limits is an ``EventInputError``; the deepest legal event still works."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.errors import EventInputError
from bot.events.parse import (
    MAX_EVENT_CHARS,
    MAX_EVENT_DEPTH,
    json_depth,
    load_event_json,
    parse_event,
)
from bot.render.renderer import Renderer
from tests.conftest import load_sample, sample_paths
from tests.render.blockkit import assert_valid_message

SAMPLES = [p.stem for p in sample_paths()]


def nested(levels: int, leaf: Any = "x") -> Any:
    """``levels`` of alternating objects and arrays around ``leaf`` (``json_depth``: levels)."""
    value = leaf
    for i in range(levels):
        value = {"k": value} if i % 2 else [value]
    return value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper than Python can read"),
        ('{"a": ' + "[" * 100_000, "nested deeper than Python can read"),
        ('{"d": ' * 5_000 + "1" + "}" * 5_000, "nested deeper than Python can read"),
        ('{"n": ' + "1" * 5_000 + "}", "a number with more digits than Python reads"),
        ('{"n": -' + "9" * 100_000 + "}", "a number with more digits than Python reads"),
        (json.dumps({"d": nested(MAX_EVENT_DEPTH)}), f"nested {MAX_EVENT_DEPTH + 1} levels deep"),
        ('{"s": "' + "x" * MAX_EVENT_CHARS + '"}', "too large to be an event"),
    ],
    ids=["array-100k", "unclosed-100k", "object-5k", "int-5k", "int-100k", "past-max", "big"],
)
def test_parser_limits_are_event_input_errors(text: str, message: str) -> None:
    with pytest.raises(EventInputError, match=message) as caught:
        load_event_json(text)
    # One line, short: it is what the CLI prints and what the events handler logs.
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 200


def test_json_depth_counts_containers_without_recursion() -> None:
    assert json_depth("x") == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [1, {"b": []}]}) == 4
    assert json_depth(nested(100_000)) == 100_000


@pytest.mark.parametrize("name", SAMPLES)
def test_real_events_are_far_from_the_depth_limit(name: str) -> None:
    assert json_depth(load_sample(name)) <= MAX_EVENT_DEPTH // 4


@pytest.mark.parametrize("name", SAMPLES)
def test_the_deepest_legal_event_parses_and_renders(name: str) -> None:
    # GIVEN a real event with a value as deep as the limit allows, inside its detail
    raw = load_sample(name)
    detail = raw.setdefault("detail", {})
    detail["Extra"] = nested(MAX_EVENT_DEPTH - 2)
    text = json.dumps(raw)
    # WHEN it is read, understood and rendered
    loaded = load_event_json(text)
    assert json_depth(loaded) == MAX_EVENT_DEPTH
    event = parse_event(loaded)
    message = Renderer().render(event)
    # THEN it is a valid message, and the raw event still serializes (the store keeps it)
    assert_valid_message(message)
    assert json.loads(json.dumps(event.raw)) == loaded


def test_a_generic_event_whose_detail_is_as_deep_as_allowed_renders() -> None:
    raw = {
        "detail-type": "SageMaker Something New",
        "source": "aws.sagemaker",
        "resources": ["arn:aws:sagemaker:us-east-1:123456789012:thing/t-1"],
        "detail": nested(MAX_EVENT_DEPTH - 1),
    }
    event = parse_event(load_event_json(json.dumps(raw)))
    assert_valid_message(Renderer().render(event))
