"""The models validate the usual shapes in pydantic-core and the rest in Python: both paths must
give the same value for any input, or a field would read differently depending on its spelling."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import jsonio
from bot.events.coerce import parse_number, parse_tags, parse_timestamp
from bot.events.models import Detail, EventEnvelope, ModelPackageDetail, TrainingJobDetail
from bot.events.status import KNOWN_STATUSES, normalize_status


def _python_path(parser: Any, value: Any) -> Any:
    """What the field held when every value went through the Python coercion."""
    if value is None:
        return None
    try:
        return parser(value)
    except (ValueError, TypeError):
        return value


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, datetime) and isinstance(b, datetime):
        return a == b and a.utcoffset() == b.utcoffset()
    return type(a) is type(b) and a == b


iso_texts = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}{}".format,
    st.sampled_from([1, 1970, 2019, 2024, 9999]),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 60),
    st.integers(0, 61),
    st.sampled_from(["", ".1", ".123456", ".123456789", "."]),
    st.sampled_from(["Z", "z", "+00:00", "-00:00", "+05:30", "+14:00", "+24:00", "", "+0530"]),
)
epoch_millis = st.integers(-(10**16), 10**16)
timestamps = st.one_of(
    iso_texts,
    epoch_millis,
    epoch_millis.map(str),
    epoch_millis.map(float),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.booleans(),
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2.0**53, -(2.0**53), 2.0**53 - 1, -0.0, 3.0, 2.5]),
    st.text(max_size=12),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)
tags = st.one_of(
    st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=5), st.none(), st.integers())),
    st.lists(st.fixed_dictionaries({"Key": st.text(max_size=5), "Value": st.text(max_size=5)})),
    st.lists(st.integers(), max_size=2),
    st.text(max_size=5),
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(timestamps)
def test_timestamp_fields_read_like_parse_timestamp(value: Any) -> None:
    detail = TrainingJobDetail.model_validate({"CreationTime": value})
    assert _same(detail.CreationTime, _python_path(parse_timestamp, value))


@settings(max_examples=400)
@given(numbers)
def test_number_fields_read_like_parse_number(value: Any) -> None:
    detail = ModelPackageDetail.model_validate({"ModelPackageVersion": value})
    assert _same(detail.ModelPackageVersion, _python_path(parse_number, value))


@settings(max_examples=200)
@given(tags)
def test_tag_fields_read_like_parse_tags(value: Any) -> None:
    assert _same(Detail.model_validate({"Tags": value}).Tags, _python_path(parse_tags, value))


@pytest.mark.parametrize("status", [*KNOWN_STATUSES, "IN_SERVICE", "in progress", "Odd_Status", 7])
def test_status_fields_read_like_normalize_status(status: Any) -> None:
    detail = TrainingJobDetail.model_validate({"TrainingJobStatus": status})
    assert detail.TrainingJobStatus == normalize_status(status)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("job", "job"), (7, "7"), (2.5, "2.5"), (True, "True"), ({"a": 1}, '{"a": 1}'), (None, None)],
)
def test_text_fields_take_any_scalar_or_object_as_text(value: Any, expected: str | None) -> None:
    assert TrainingJobDetail.model_validate({"TrainingJobName": value}).TrainingJobName == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("aws.sagemaker", "aws.sagemaker"), (["aws.sagemaker"], "aws.sagemaker"), (5, 5), ([], [])],
)
def test_envelope_source_string_or_list(value: Any, expected: Any) -> None:
    assert EventEnvelope.model_validate({"source": value}).source == expected


def test_nested_model_that_does_not_validate_is_kept_raw() -> None:
    detail = TrainingJobDetail.model_validate({"ResourceConfig": "ml.m5.xlarge"})
    assert detail.ResourceConfig == "ml.m5.xlarge"
    variants = [{"VariantName": "a"}, "not a variant"]
    endpoint = EventEnvelope.model_validate({"resources": ["arn:x", 3]})
    assert endpoint.resources == ["arn:x", 3]
    from bot.events.models import EndpointDetail

    assert EndpointDetail.model_validate({"ProductionVariants": variants}).ProductionVariants == (
        variants
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": [1.5, "x", null, true]}',
        '{"n": NaN, "i": Infinity}',  # the json module's extensions, refused by orjson
        '{"big": 123456789012345678901234567890}',  # past 64 bits
        '{"s": "\\ud800"}',  # a lone surrogate escape
        '"just a string"',
    ],
)
def test_jsonio_loads_like_the_json_module(text: str) -> None:
    expected = json.loads(text)
    got = jsonio.loads(text)
    assert json.dumps(got, sort_keys=True) == json.dumps(expected, sort_keys=True)


@pytest.mark.parametrize("text", ["{", "[1,]", "", "{'a': 1}"])
def test_jsonio_errors_are_the_json_modules(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as raised:
        jsonio.loads(text)
    with pytest.raises(json.JSONDecodeError) as reference:
        json.loads(text)
    assert (raised.value.msg, raised.value.pos) == (reference.value.msg, reference.value.pos)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values, st.booleans())
def test_jsonio_reads_any_json_text_like_the_json_module(value: Any, ascii_only: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert repr(jsonio.loads(text)) == repr(json.loads(text))


def test_jsonio_duplicate_keys_keep_the_last_like_the_json_module() -> None:
    assert jsonio.loads('{"a": 1, "a": 2}') == json.loads('{"a": 1, "a": 2}') == {"a": 2}
