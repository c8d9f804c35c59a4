"""Times as messages show them: Slack's date token over the UTC text, or the text alone."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.render.formatting import plain_time, when


@pytest.mark.parametrize(
    ("value", "text", "epoch"),
    [
        (datetime(2020, 3, 10, 9, 18, 9, 50000, tzinfo=UTC), "2020-03-10 09:18:09 UTC", 1583831889),
        # another zone: the same instant in UTC
        (
            datetime(2021, 3, 15, 16, 10, 11, tzinfo=timezone(timedelta(hours=2))),
            "2021-03-15 14:10:11 UTC",
            1615817411,
        ),
        # without a zone: taken as UTC
        (datetime(2021, 3, 15, 16, 10, 11), "2021-03-15 16:10:11 UTC", 1615824611),
        (datetime(1970, 1, 1, tzinfo=UTC), "1970-01-01 00:00:00 UTC", 0),
    ],
)
def test_times_are_slack_date_tokens_over_utc_text(value: datetime, text: str, epoch: int) -> None:
    assert plain_time(value) == text
    assert when(value) == f"<!date^{epoch}^{{date_short_pretty}} {{time_secs}}|{text}>"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC), "1969-12-31 23:59:59 UTC"),
        (datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC), "0999-01-02 03:04:05 UTC"),
    ],
)
def test_times_before_1970_are_text_only(value: datetime, text: str) -> None:
    assert when(value) == plain_time(value) == text


@pytest.mark.parametrize(("value", "shown"), [(None, ""), ("not a time", "not a time"), (7, "7")])
def test_other_values_are_shown_as_they_came(value: object, shown: str) -> None:
    assert when(value) == plain_time(value) == shown
