"""When a flood's child takes its turn to refresh the parent: pure, a table."""

from __future__ import annotations

from typing import Any

import pytest

from bot.delivery import throttle
from bot.delivery.throttle import REFRESH_SECONDS, REFRESHED_KEY

ONE = {"counts": {"tasks": {"total": 1, "status": {"Completed": 1}}}}
TWO = {"counts": {"tasks": {"total": 2, "status": {"Completed": 2}}}}


def at(summary: dict[str, Any], refreshed: float) -> dict[str, Any]:
    return {**summary, REFRESHED_KEY: refreshed}


@pytest.mark.parametrize(
    ("before", "after", "now", "turn"),
    [
        ({}, ONE, 100.0, True),  # the first child: the parent shows it at once
        (at(ONE, 100.0), TWO, 100.0 + REFRESH_SECONDS - 0.1, False),  # within the window
        (at(ONE, 100.0), TWO, 100.0 + REFRESH_SECONDS, True),  # the window is over
        (at(ONE, 100.0), at(ONE, 100.0), 1000.0, False),  # nothing new to show (a duplicate)
    ],
)
def test_a_turn_is_taken_when_the_counts_changed_and_the_window_is_over(
    before: dict[str, Any], after: dict[str, Any], now: float, turn: bool
) -> None:
    stamped = throttle.stamp(before, after, now)
    assert throttle.refreshes(stamped, now) is turn
    assert {k: v for k, v in stamped.items() if k != REFRESHED_KEY} == {
        k: v for k, v in after.items() if k != REFRESHED_KEY
    }


def test_no_summary_written_is_no_turn() -> None:
    assert not throttle.refreshes(None, 1.0)
