"""How often the children that come in floods refresh their parent: pure.

Which children these are is ``bot/delivery/state.py``'s ``throttled``. A labeling job's tasks
(one event per task and status: 10,000 for a job of 10,000 objects)
and a HyperPod cluster's Info events (several per instance it starts) would each edit their
parent, and Slack's ``chat.update`` is Tier 3: about 50 a minute per workspace. So these
children change the parent's counters at most once every ``REFRESH_SECONDS``: the thread's
summary keeps when it was last shown (``REFRESHED_KEY``), and the fold that writes a child
takes the turn when the counters changed and the last refresh is old enough. The summary is
written with the child in one conditional transaction, so of two Lambda instances folding at
once only one takes a turn. What arrives within a window shows with the next refresh: the
parent's own next event (a labeling job's terminal state carries its final ``LabelCounters``,
a cluster's next state), or the next child after the window.

A job of N tasks over T seconds then costs at most ``T / REFRESH_SECONDS + 1`` edits of its
parent, however large N is (a burst of 10,000 tasks in five minutes: 11 edits), and per task
event the same store work as any child: one delivery record, one child record and the
summary, written together.
"""

from __future__ import annotations

from typing import Any

REFRESH_SECONDS = 30.0  # two edits a minute per parent leaves room for 20 busy ones
REFRESHED_KEY = "refreshed_at"


def stamp(before: dict[str, Any], after: dict[str, Any], now: float) -> dict[str, Any]:
    """``after`` (a summary folded from ``before``), taking a refresh turn at ``now`` when what
    the parent shows changed and the last turn is ``REFRESH_SECONDS`` old or more."""
    last = before.get(REFRESHED_KEY)
    changed = _shown(before) != _shown(after)
    if not changed or (isinstance(last, int | float) and now - last < REFRESH_SECONDS):
        return after
    return {**after, REFRESHED_KEY: now}


def refreshes(summary: dict[str, Any] | None, now: float) -> bool:
    """Whether the summary a delivery wrote took the refresh turn at ``now``."""
    return isinstance(summary, dict) and summary.get(REFRESHED_KEY) == now


def _shown(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if k != REFRESHED_KEY}
