"""Delivery benchmark: per workflow what Slack shows and costs; calls per state; duplicates.

Run from the repository root with the project's interpreter::

    .venv/bin/python bench/delivery_calls.py [--strict]

Replays ``bot.demo.scenario()`` (the demo: the nightly pipeline run with its steps, jobs and
the model package it registers, a failed run, a tuning job and its trials, an endpoint
deployment, a failing training job outside any run, with duplicates and out-of-order
arrivals) through a ``Deliverer`` with a SQLite store (a temporary file) and the Slack Web API
stand-in (``tests/standins/slack_api.py``, no rate limits), one event at a time, into one
channel.

Per workflow (one thread: a pipeline run with everything it made, or a resource that belongs
to no run): top-level messages, replies, broadcasts (replies also sent to the channel), Slack
calls, and characters posted (the visible text of every message posted and every update).
Targets: the nightly run (3 steps, 2 jobs, 1 package) is 1 top-level message, at most 10
replies and at most 1 broadcast (the approval request); the failed run is exactly 1 broadcast.

(a) Slack calls per distinct state. A distinct state is a distinct (resource key,
    ``bot.delivery.state.fingerprint(event)``) pair.
    The calls are the stand-in's call log (every method, failed calls included). Target ≤ 1.56,
    the figure before a run's jobs joined its thread: it must not get worse.
(b) Slack calls caused by duplicate deliveries: the scenario's own duplicates (events whose
    state was already delivered), then every event delivered a second time after the
    scenario. Target 0.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import CHANNEL, category, exit_code, quiet_logs, state_key, verdict

from bot.delivery import state as st
from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.demo import FAILED_RUN, NIGHTLY, scenario
from bot.events.parse import SageMakerEvent, parse_event
from bot.gateway import WebApiGateway, make_web_client
from bot.render.renderer import Renderer
from bot.render.views.replies import visible_length
from bot.store.sqlite import SqliteStore
from tests.standins.slack_api import SlackStandin, slack_standin

TARGET_CALLS_PER_STATE = 1.56  # measured before a run's jobs joined its thread
TARGET_DUPLICATE_CALLS = 0
NIGHTLY_TOP_LEVEL = 1
NIGHTLY_MAX_REPLIES = 10
NIGHTLY_MAX_BROADCASTS = 1
FAILED_RUN_BROADCASTS = 1
METHODS = ("chat.postMessage", "chat.update")


@dataclass
class Row:
    """Figures for one kind of thread."""

    events: int = 0
    states: set[tuple[str, str]] = field(default_factory=set)
    calls: Counter[str] = field(default_factory=Counter)

    top_level: int = 0
    replies: int = 0
    broadcasts: int = 0
    chars: int = 0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())

    def count_posts(self, calls: list[Any]) -> None:
        """What the calls made appear: a new top-level message, a reply (broadcast or not);
        and the visible characters of every message posted or updated."""
        for call in calls:
            if not call.ok or call.method not in METHODS:
                continue
            self.chars += visible_chars(call.params)
            if call.method != "chat.postMessage":
                continue
            if call.params.get("thread_ts"):
                self.replies += 1
                self.broadcasts += bool(call.params.get("reply_broadcast"))
            else:
                self.top_level += 1

    @property
    def per_state(self) -> float:
        return self.total_calls / len(self.states) if self.states else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    quiet_logs()

    events = scenario()
    rows: dict[str, Row] = {}
    flows: dict[str, Row] = {}
    outcomes: Counter[Outcome] = Counter()
    with tempfile.TemporaryDirectory() as tmp, slack_standin(channels=[CHANNEL]) as slack:
        store = SqliteStore(Path(tmp) / "state.sqlite3")
        client = make_web_client(slack.token, slack.url, backoff_factor=0.01)
        deliverer = Deliverer(
            store, WebApiGateway(client), Renderer(), DeliveryOptions(default_channel=CHANNEL)
        )

        # First pass: the scenario as it arrives. Calls are attributed to the event being
        # delivered (one at a time, so the call log's growth is exactly that event's calls).
        seen: set[tuple[str, str]] = set()
        repeat_events = repeat_calls = 0
        for raw in events:
            event = parse_event(raw)
            row = rows.setdefault(category(event), Row())
            key = state_key(event)
            before = len(slack.calls())
            outcomes.update(deliverer.deliver_raw(raw).outcomes.values())
            new_calls = slack.calls()[before:]
            for figures in (row, flows.setdefault(workflow(event), Row())):
                figures.events += 1
                figures.states.add(key)
                figures.calls.update(call.method for call in new_calls)
            flows[workflow(event)].count_posts(new_calls)
            if key in seen:
                repeat_events += 1
                repeat_calls += len(new_calls)
            seen.add(key)
        first_pass_calls = slack.calls()
        shown = _shown(slack)

        # Second pass: every event again, as a redelivery would bring it.
        second_outcomes: Counter[Outcome] = Counter()
        for raw in events:
            second_outcomes.update(deliverer.deliver_raw(raw).outcomes.values())
        second_pass_calls = len(slack.calls()) - len(first_pass_calls)
        store.close()

    failed = [c for c in first_pass_calls if not c.ok]
    total = Row(
        events=sum(r.events for r in rows.values()),
        states={s for r in rows.values() for s in r.states},
        calls=sum((r.calls for r in rows.values()), Counter()),
    )
    per_state = total.per_state
    calls_ok = per_state <= TARGET_CALLS_PER_STATE
    duplicate_calls = repeat_calls + second_pass_calls
    dup_ok = duplicate_calls <= TARGET_DUPLICATE_CALLS
    nightly = next((r for name, r in flows.items() if name.endswith(NIGHTLY)), Row())
    failed_run = next((r for name, r in flows.items() if name.endswith(FAILED_RUN)), Row())
    nightly_ok = (
        nightly.top_level == NIGHTLY_TOP_LEVEL
        and nightly.replies <= NIGHTLY_MAX_REPLIES
        and nightly.broadcasts <= NIGHTLY_MAX_BROADCASTS
    )
    failed_ok = failed_run.broadcasts == FAILED_RUN_BROADCASTS

    print(
        f"bot.demo.scenario(): {len(events)} events → Deliverer → SQLite store + Slack stand-in "
        f"(no rate limits), channel {CHANNEL}"
    )
    print()
    _table(rows, total)
    print()
    print(
        "    first pass outcomes: "
        + ", ".join(f"{o.value} {n}" for o, n in sorted(outcomes.items(), key=lambda x: x[0]))
    )
    print(
        f"    Slack shows: {shown[0]} parent messages, {shown[1]} thread replies, "
        f"{shown[2]} parent edits; failed calls: {len(failed)}"
    )
    print()
    print("Per workflow (one thread each: a pipeline run with what it made, or a resource)")
    _flows(flows)
    print()
    print("(w) The threads of the pipeline runs")
    print(
        f"    nightly run ({NIGHTLY}: 3 steps, 2 jobs, 1 package): {nightly.top_level} top-level "
        f"(target {NIGHTLY_TOP_LEVEL}), {nightly.replies} replies (≤ {NIGHTLY_MAX_REPLIES}), "
        f"{nightly.broadcasts} broadcast (≤ {NIGHTLY_MAX_BROADCASTS})   {verdict(nightly_ok)}"
    )
    print(
        f"    failed run ({FAILED_RUN}): {failed_run.broadcasts} broadcast "
        f"(target exactly {FAILED_RUN_BROADCASTS})   {verdict(failed_ok)}"
    )
    print()
    print("(a) Slack calls per distinct state")
    print(f"    calls             {total.total_calls:>8}")
    print(f"    distinct states   {len(total.states):>8}")
    print(f"    calls / state     {per_state:>8.2f}   target ≤ {TARGET_CALLS_PER_STATE:.2f}")
    print(f"    result            {verdict(calls_ok):>8}")
    print()
    print("(b) Slack calls caused by duplicate deliveries")
    print(
        f"    in the scenario   {repeat_calls:>8}   ({repeat_events} deliveries of a state "
        "already delivered)"
    )
    print(
        f"    second pass       {second_pass_calls:>8}   (all {len(events)} events delivered "
        "again: " + ", ".join(f"{o.value} {n}" for o, n in sorted(second_outcomes.items())) + ")"
    )
    print(f"    total             {duplicate_calls:>8}   target {TARGET_DUPLICATE_CALLS}")
    print(f"    result            {verdict(dup_ok):>8}")
    return exit_code(calls_ok and dup_ok and nightly_ok and failed_ok, args.strict)


def workflow(event: SageMakerEvent) -> str:
    """The thread an event goes to in the default channel: its run's, its parent's or its own
    (as the deliverer decides), named by kind and name."""
    root = st.thread_root(event, st.run_link(event))
    kind = "pipeline run" if root.run is not None else root.ref.kind.value
    return f"{kind} {root.ref.name}"


def visible_chars(params: dict[str, Any]) -> int:
    """The characters a person reads in a posted or updated message: every text of its blocks
    (header, sections, fields, context, buttons) as Slack shows it; the fallback text when it
    has no blocks."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not blocks:
        return visible_length(str(params.get("text") or ""))
    return sum(visible_length(text) for text in _texts(blocks))


def _texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [t for item in value for t in _texts(item)]
    if not isinstance(value, dict):
        return []
    if value.get("type") in ("mrkdwn", "plain_text") and isinstance(value.get("text"), str):
        return [value["text"]]
    return [t for key, item in value.items() if key not in ("url", "value") for t in _texts(item)]


def _flows(flows: dict[str, Row]) -> None:
    header = (
        f"    {'workflow':<42}{'events':>7}{'states':>7}{'top':>5}{'replies':>8}{'bcast':>6}"
        f"{'calls':>6}{'chars':>7}"
    )
    print(header)
    print("    " + "-" * (len(header) - 4))
    for name, row in flows.items():
        print(
            f"    {name[:41]:<42}{row.events:>7}{len(row.states):>7}{row.top_level:>5}"
            f"{row.replies:>8}{row.broadcasts:>6}{row.total_calls:>6}{row.chars:>7}"
        )
    print(
        "    (top = top-level messages; bcast = replies also sent to the channel; chars = "
        "visible characters of the messages posted and of every update)"
    )


def _table(rows: dict[str, Row], total: Row) -> None:
    header = (
        f"    {'kind':<22}{'events':>7}{'states':>8}{'post':>7}{'update':>8}{'other':>7}"
        f"{'calls':>7}{'calls/state':>13}"
    )
    print(header)
    print("    " + "-" * (len(header) - 4))
    for name, row in [*sorted(rows.items()), ("total", total)]:
        if name == "total":
            print("    " + "-" * (len(header) - 4))
        other = row.total_calls - sum(row.calls[m] for m in METHODS)
        print(
            f"    {name:<22}{row.events:>7}{len(row.states):>8}{row.calls['chat.postMessage']:>7}"
            f"{row.calls['chat.update']:>8}{other:>7}{row.total_calls:>7}{row.per_state:>13.2f}"
        )
    print(
        "    (by the kind of the resource or its parent; states = distinct (resource, "
        "fingerprint) pairs;\n     tuning trials are rolled up into the tuning job's parent: "
        "one update each, no reply)"
    )


def _shown(slack: SlackStandin) -> tuple[int, int, int]:
    """Parents, replies and parent edits in the channel, as a person would see them."""
    parents = [m for m in slack.messages(CHANNEL) if not m.is_reply]
    replies = sum(len(slack.thread(CHANNEL, m.ts)) for m in parents)
    edits = sum(len(m.history) for m in parents)
    return len(parents), replies, edits


if __name__ == "__main__":
    sys.exit(main())
