from datetime import UTC, datetime

import pytest

from bot.events.coerce import first_string, parse_number, parse_tags, parse_timestamp


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2018-10-06T12:26:13Z", datetime(2018, 10, 6, 12, 26, 13, tzinfo=UTC)),
        ("2022-12-03T00:09:33.084Z", datetime(2022, 12, 3, 0, 9, 33, 84000, tzinfo=UTC)),
        # nanoseconds: Python keeps microseconds
        ("2022-12-03T00:09:44.893854735Z", datetime(2022, 12, 3, 0, 9, 44, 893854, tzinfo=UTC)),
        ("2021-03-15T16:10:11+02:00", datetime(2021, 3, 15, 14, 10, 11, tzinfo=UTC)),
        ("2021-03-15T16:10:11", datetime(2021, 3, 15, 16, 10, 11, tzinfo=UTC)),
        (1583831889050, datetime(2020, 3, 10, 9, 18, 9, 50000, tzinfo=UTC)),
        (1592411992203.0, datetime(2020, 6, 17, 16, 39, 52, 203000, tzinfo=UTC)),
        ("1583831889050", datetime(2020, 3, 10, 9, 18, 9, 50000, tzinfo=UTC)),
        (1583831889, datetime(2020, 3, 10, 9, 18, 9, tzinfo=UTC)),  # seconds
        # whole epoch milliseconds exactly, even far in the future, where a float would drift
        (253402300799999, datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
        ("253402300799999", datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
        (253402300799999.0, datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)),
    ],
)
def test_timestamps_in_every_spelling(raw: object, expected: datetime) -> None:
    parsed = parse_timestamp(raw)
    assert parsed == expected
    assert parsed.microsecond == expected.microsecond


@pytest.mark.parametrize(
    "raw", ["Timestamp", "", "yesterday", True, [], {}, float("nan"), 1e30, 10**16, 2**70]
)
def test_bad_timestamps_raise_value_error(raw: object) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_timestamp(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3, 3),
        (1.0, 1),
        ("3", 3),
        (" 2.5 ", 2.5),
        ("1e3", 1000),
        (0.25, 0.25),
        (-0.0, 0),
        (2**70, 2**70),
        # whole floats become ints while a float holds them exactly (below 2**53)
        (2.0**53 - 1, 2**53 - 1),
        (2.0**53, 2.0**53),
        (-(2.0**53), -(2.0**53)),
    ],
)
def test_numbers_from_strings_and_floats(raw: object, expected: float) -> None:
    value = parse_number(raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "raw", ["three", "", True, None, [], "1,000", float("nan"), float("inf"), "-inf"]
)
def test_bad_numbers_raise(raw: object) -> None:
    with pytest.raises(ValueError, match=r".+"):
        parse_number(raw)


def test_tags_as_dict_or_key_value_list() -> None:
    assert parse_tags({"team": "ml", "n": 1}) == {"team": "ml", "n": "1"}
    assert parse_tags([{"Key": "team", "Value": "ml"}, {"Key": "empty"}]) == {
        "team": "ml",
        "empty": "",
    }
    assert parse_tags(None) == {}
    with pytest.raises(ValueError, match="Key"):
        parse_tags([{"Value": "orphan"}])


def test_source_string_or_list() -> None:
    assert first_string("aws.sagemaker") == "aws.sagemaker"
    assert first_string(["aws.sagemaker"]) == "aws.sagemaker"
    with pytest.raises(ValueError, match="string"):
        first_string([])
