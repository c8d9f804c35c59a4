"""Burst benchmark: 1,000 events against Slack's rate limits, with concurrent workers.

Run from the repository root with the project's interpreter::

    .venv/bin/python bench/burst.py [--runs N] [--workers N] [--time-scale S] [--strict]

Load (``bench/_common.py: burst_load``): a tuning job with 200 training jobs (402 events),
renamed copies of the demo's other streams (pipeline + steps, model package, failing training
job, endpoint + canary deployment: 22 events a copy) until fewer than one copy fits, and
duplicate deliveries for the rest: 1,000 events, all routed to one channel, interleaved at
random (each resource's events in order), as several resources feed one SQS queue.

Slack: the Web API stand-in (``tests/standins/slack_api.py``) with Slack's rate limits (its
``RateLimitConfig()`` defaults: chat.postMessage about 1 per second per channel with a burst
of 3 and 300 per minute per workspace; chat.update Tier 3, 50 per minute), time-scaled
(``--time-scale 0.01``: a simulated second lasts 10 ms).

Delivery: ``--workers`` threads, each its own Deliverer, WebClient and SQLite connection to one
shared store file, like Lambda instances sharing a table. The WebClient is the bot's own
(``make_web_client``) with its 429 handler swapped for ``ScaledRateLimitRetryHandler``, which
sleeps the stand-in's exact scaled Retry-After (the bot's handler rounds up to whole seconds,
i.e. 100 simulated seconds at this scale). An event whose delivery raises is put back at the
end of the queue, as SQS redelivers it, until it is delivered.

Reported: Slack calls by method, 429s, requeues, events lost (under the delivery rules: every
parent shows its newest state and each child's newest state, a run's jobs on their steps'
lines, the tuning job's roll-up every trial in its final status; every alert is in its thread;
no reply twice), the wall time (real and simulated), the lower bound that the rate
limits set for the exact mix of calls made, and measured ÷ bound (target ≤ 1.25).

The bound: a token bucket with capacity ``B`` refilled at ``r`` per second admits at most
``B + r·t`` calls by time ``t``, so ``n`` admitted calls need ``t >= (n - B) / r`` whatever the
client does. The bound is the largest of these over the buckets the calls went through
(per method, and per channel for chat.postMessage), with ``B`` and ``r`` from the stand-in's
``RateLimitConfig`` in use.
"""

from __future__ import annotations

import argparse
import contextlib
import queue
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import CHANNEL, BurstLoad, burst_load, exit_code, quiet_logs, state_key, verdict
from slack_sdk import WebClient

from bot.delivery import children as ch
from bot.delivery import state as st
from bot.delivery.deliverer import Deliverer, DeliveryOptions
from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent, parse_event
from bot.gateway import WebApiGateway, make_web_client
from bot.gateway.retry import RetryAfterHandler
from bot.render.context import RenderContext
from bot.render.renderer import Renderer
from bot.store.sqlite import SqliteStore
from tests.standins.slack_api import (
    ApiCall,
    Message,
    RateLimitConfig,
    ScaledRateLimitRetryHandler,
    SlackStandin,
    slack_standin,
)

TARGET_RATIO = 1.25
MAX_ATTEMPTS = 100  # per event; beyond this it counts as lost (SQS would dead-letter it)
RENDERER = Renderer()


def bench_client(slack: SlackStandin, retry: str) -> WebClient:
    """The bot's WebClient, its 429 handler swapped for one that honours scaled waits."""
    client = make_web_client(slack.token, slack.url, backoff_factor=0.01)
    # "bot": the bot's 10% jitter on the exact scaled wait, to measure what the jitter costs.
    jitter = 0.0 if retry == "exact" else 0.1
    client.retry_handlers = [
        ScaledRateLimitRetryHandler(max_retry_count=h.max_retry_count, jitter=jitter)
        if isinstance(h, RetryAfterHandler)
        else h
        for h in client.retry_handlers
    ]
    return client


# ---------------------------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------------------------


@dataclass
class RunResult:
    real_seconds: float
    simulated_seconds: float
    calls: list[ApiCall]
    requeues: Counter[str]
    lost_in_queue: int
    check: Check
    bound: Bound

    @property
    def ratio(self) -> float:
        return self.simulated_seconds / self.bound.seconds if self.bound.seconds else float("inf")


def run_once(
    load: BurstLoad, *, workers: int, time_scale: float, retry: str, config: RateLimitConfig
) -> RunResult:
    with (
        tempfile.TemporaryDirectory() as tmp,
        slack_standin(channels=[CHANNEL], rate_limits=config, time_scale=time_scale) as slack,
    ):
        path = Path(tmp) / "state.sqlite3"
        SqliteStore(path).close()  # schema first, so workers do not race to create it
        jobs: queue.Queue[tuple[dict[str, Any], int] | None] = queue.Queue()
        for raw in load.events:
            jobs.put((raw, 1))
        requeues: Counter[str] = Counter()
        lost: list[dict[str, Any]] = []
        lock = threading.Lock()
        stores = [SqliteStore(path) for _ in range(workers)]

        def work(store: SqliteStore) -> None:
            deliverer = Deliverer(
                store,
                WebApiGateway(bench_client(slack, retry)),
                RENDERER,
                DeliveryOptions(default_channel=CHANNEL),
            )
            while (job := jobs.get()) is not None:
                raw, attempt = job
                try:
                    deliverer.deliver_raw(raw)
                except Exception as exc:  # any failure: SQS redelivers the message
                    with lock:
                        requeues[type(exc).__name__] += 1
                        if attempt >= MAX_ATTEMPTS:
                            lost.append(raw)
                        else:
                            jobs.put((raw, attempt + 1))
                finally:
                    jobs.task_done()

        threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in stores]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        jobs.join()
        real = time.perf_counter() - start
        for _ in threads:
            jobs.put(None)
        for thread in threads:
            thread.join()
        calls = slack.calls()
        check = verify(load, slack, stores[0])
        for store in stores:
            with contextlib.suppress(Exception):
                store.close()
    return RunResult(
        real_seconds=real,
        simulated_seconds=real / time_scale,
        calls=calls,
        requeues=requeues,
        lost_in_queue=len(lost),
        check=check,
        bound=lower_bound(calls, config),
    )


# ---------------------------------------------------------------------------------------------
# Exactly once: what Slack shows against the distinct states of the load
# ---------------------------------------------------------------------------------------------


@dataclass
class Check:
    states: int = 0  # distinct states in the load
    shown: int = 0  # states a person can see: newest on a parent or line, an alert, a reply
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    stale_parents: list[str] = field(default_factory=list)
    rollup: str = ""


_TRANSITION = re.compile(r"\S+ → ")


def signature(text: str) -> str:
    """A message text without "previous → " transitions, which depend on arrival order."""
    return _TRANSITION.sub("", text)


def verify(load: BurstLoad, slack: SlackStandin, store: SqliteStore) -> Check:
    """Nothing lost, nothing twice, every parent current, under the delivery rules: each
    thread's parent shows its newest state and each child's newest state (a step's, a job's
    on its step's line, a trial's in the roll-up); every alert (failure, warning) is in the
    thread; no reply is posted twice."""
    check = Check()
    first: dict[tuple[str, str], SageMakerEvent] = {}
    for raw in load.events:
        event = parse_event(raw)
        first.setdefault(state_key(event), event)
    check.states = len(first)
    by_root: dict[str, list[SageMakerEvent]] = {}
    roots: dict[str, st.Root] = {}
    for event in first.values():
        root = st.thread_root(event, st.run_link(event))
        roots[root.key] = root
        by_root.setdefault(root.key, []).append(event)

    thread_ts: set[str] = set()
    for root_key, events in by_root.items():
        thread = store.get_thread(CHANNEL, root_key)
        if thread and thread.ts:
            thread_ts.add(thread.ts)
        parent = slack.message(CHANNEL, thread.ts) if thread and thread.ts else None
        if thread is None or parent is None:
            check.lost += [f"{root_key}: no thread" for _ in events]
            continue
        root = roots[root_key]
        _check_thread(check, slack, parent, events, root_key)
        _check_children(check, store, events, root, root_key)
        _check_root(check, parent, thread.state, events, root, root_key)
        if any(_rolled_up(e, root) for e in events):
            check.rollup = _rollup_text(parent, thread.state)
    for message in slack.messages(CHANNEL):
        if not message.is_reply and message.ts not in thread_ts:
            replies = len(slack.thread(CHANNEL, message.ts))
            check.duplicated.append(
                f"orphan parent message {message.ts} ({replies} replies): {message.text[:80]!r}"
            )
    return check


def _rolled_up(event: SageMakerEvent, root: st.Root) -> bool:
    """Tuning trials: folded into the parent's roll-up, no reply of their own."""
    return root.run is None and event.kind is ResourceKind.TRAINING and event.parent is not None


def _check_thread(
    check: Check, slack: SlackStandin, parent: Message, events: list[SageMakerEvent], key: str
) -> None:
    """Every alert once: as a reply or as the parent's first version; no reply twice."""
    replies = [signature(r.text) for r in slack.thread(CHANNEL, parent.ts)]
    shown_first = signature((parent.history[0] if parent.history else parent).text)
    for sig, count in Counter(replies).items():
        if count > 1:
            check.duplicated += [f"{key}: reply {sig!r}"] * (count - 1)
    for event in events:
        if not st.is_alert(event):
            continue
        reply = signature(RENDERER.render(event, RenderContext(mode="reply"))["text"])
        first = signature(RENDERER.render(event)["text"])
        if reply in replies or first == shown_first:
            check.shown += 1
        else:
            check.lost.append(f"{key}: alert {reply!r}")


def _newest(events: list[SageMakerEvent], root: st.Root) -> dict[str, SageMakerEvent]:
    newest: dict[str, SageMakerEvent] = {}
    for event in events:
        is_child = st.thread_root(event, st.run_link(event) if root.run else None).is_child
        name = st.child_key(event, root) if is_child else st.EVENT_KEY
        if name not in newest or event.order_key > newest[name].order_key:
            newest[name] = event
    return newest


def _check_children(
    check: Check,
    store: SqliteStore,
    events: list[SageMakerEvent],
    root: st.Root,
    key: str,
) -> None:
    """The parent keeps each child's newest state: a step's checklist line, a job's line on
    its step, a trial in the roll-up. A stale trial or job is a lost state (nothing else shows
    it); a stale step a stale parent."""
    for name, event in _newest(events, root).items():
        if name == st.EVENT_KEY:
            continue
        entry = store.get_child(CHANNEL, key, name)
        kept = entry.get("status") if entry is not None else None
        same = sum(1 for e in events if st.child_key(e, root) == name)
        if kept == event.status:
            check.shown += same
            continue
        if _rolled_up(event, root) or name.startswith(st.JOB_PREFIX):
            check.lost.append(f"{key}: {name} kept as {kept}, newest is {event.status}")
        else:
            check.stale_parents.append(f"{key}: {name} kept as {kept}, newest is {event.status}")


def _check_root(
    check: Check,
    parent: Message,
    state: dict[str, Any],
    events: list[SageMakerEvent],
    root: st.Root,
    key: str,
) -> None:
    """The store keeps the newest root state and the parent shows exactly what it renders to."""
    shown = st.root_event(state)
    newest = _newest(events, root).get(st.EVENT_KEY)
    if shown is None or (newest is not None and shown.order_key != newest.order_key):
        check.stale_parents.append(f"{key}: the store's root state is not the newest")
        return
    if newest is not None:
        check.shown += 1
    expected = RENDERER.render(shown, st.render_context(shown, state))
    if parent.blocks != expected["blocks"]:
        check.stale_parents.append(f"{key}: parent is not the newest rendered state")


def _rollup_text(parent: Message, state: dict[str, Any]) -> str:
    summary = st.children_summary(state)
    kept: Counter[str] = Counter()
    for group in ch.trial_groups(summary):
        kept.update(ch.counts(summary, group)["status"])
    text = next(
        (
            str(b["text"]["text"])
            for b in parent.blocks
            if b.get("type") == "section" and "total)" in str(b.get("text", {}).get("text", ""))
        ),
        "",
    )
    shown = " / ".join(line for line in text.splitlines()[:2])
    return f"store keeps {sum(kept.values())} trials {dict(kept)}; parent shows {shown!r}"


# ---------------------------------------------------------------------------------------------
# The lower bound the rate limits set
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucketBound:
    name: str
    admitted: int
    capacity: float
    per_second: float

    @property
    def seconds(self) -> float:
        return max(0.0, (self.admitted - self.capacity) / self.per_second)


@dataclass(frozen=True)
class Bound:
    buckets: list[BucketBound]

    @property
    def seconds(self) -> float:
        return max((b.seconds for b in self.buckets), default=0.0)

    @property
    def binding(self) -> BucketBound | None:
        return max(self.buckets, key=lambda b: b.seconds, default=None)


def admitted(call: ApiCall) -> bool:
    """Went through the limiter and took a token (API errors after that still count)."""
    return call.fault is None and call.error not in {"not_authed", "invalid_auth", "unknown_method"}


def lower_bound(calls: list[ApiCall], config: RateLimitConfig) -> Bound:
    """Minimum simulated seconds any client needs for these admitted calls: per bucket
    ``(n - capacity) / rate`` (buckets start full), the largest over all buckets."""
    per_method = Counter(c.method for c in calls if admitted(c))
    per_channel = Counter(
        str(c.params.get("channel"))
        for c in calls
        if admitted(c) and c.method == "chat.postMessage"
    )
    buckets = []
    for method, n in sorted(per_method.items()):
        per_minute = config.per_minute.get(method)
        if per_minute:
            capacity = max(1.0, config.burst.get(method, per_minute))
            buckets.append(BucketBound(f"{method} (workspace)", n, capacity, per_minute / 60))
    for channel, n in sorted(per_channel.items()):
        buckets.append(
            BucketBound(
                f"chat.postMessage (channel {channel})",
                n,
                max(1.0, config.channel_burst),
                config.channel_per_second,
            )
        )
    return Bound(buckets)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="events (default 1000)")
    parser.add_argument("--trials", type=int, default=200, help="tuning trials (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent workers (default 4)")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=0.01,
        help="real seconds per simulated second (default 0.01)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs; medians reported (default 3)")
    parser.add_argument(
        "--retry",
        choices=("exact", "bot"),
        default="exact",
        help="429 waits: exact scaled Retry-After (default), or the bot's policy (+0-10%% jitter)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    quiet_logs()

    load = burst_load(args.events, args.trials)
    config = RateLimitConfig()
    print(f"Load: {load.describe()}")
    print(
        f"Slack stand-in: RateLimitConfig() defaults, time_scale {args.time_scale} "
        f"(1 simulated s = {args.time_scale * 1000:g} ms); {args.workers} workers, "
        f"shared SQLite store, 429 waits: {args.retry}"
    )
    print()
    results: list[RunResult] = []
    for n in range(args.runs):
        result = run_once(
            load,
            workers=args.workers,
            time_scale=args.time_scale,
            retry=args.retry,
            config=config,
        )
        results.append(result)
        _print_run(n + 1, result)
    passed = _print_summary(results)
    return exit_code(passed, args.strict)


def _print_run(n: int, r: RunResult) -> None:
    by_method: Counter[str] = Counter()
    limited: Counter[str] = Counter()
    other_errors: Counter[str] = Counter()
    for call in r.calls:
        if call.fault == "rate_limit":
            limited[call.method] += 1
        elif call.ok:
            by_method[call.method] += 1
        else:
            other_errors[f"{call.method}: {call.error}"] += 1
    c = r.check
    lost = len(c.lost) + r.lost_in_queue
    print(
        f"run {n}: real {r.real_seconds:6.2f} s = simulated {r.simulated_seconds:7.1f} s; "
        f"bound {r.bound.seconds:7.1f} s; ratio {r.ratio:.3f}"
    )
    print(
        "    Slack calls ok: "
        + ", ".join(f"{m} {k}" for m, k in sorted(by_method.items()))
        + f"; 429s: {sum(limited.values())} ("
        + ", ".join(f"{m} {k}" for m, k in sorted(limited.items()))
        + ")"
        + (f"; other errors: {dict(other_errors)}" if other_errors else "")
    )
    print(
        f"    requeued deliveries: {sum(r.requeues.values())} {dict(r.requeues) or ''}; "
        f"states shown: {c.shown}/{c.states}; lost {lost}, duplicated "
        f"{len(c.duplicated)}, stale parents {len(c.stale_parents)}"
    )
    if c.rollup:
        print(f"    tuning roll-up: {c.rollup}")
    problems = Counter(c.lost + c.duplicated + c.stale_parents)
    for problem, times in list(problems.items())[:6]:
        print(f"    ! {problem}" + (f"  (×{times})" if times > 1 else ""))
    for b in r.bound.buckets:
        print(
            f"    bound {b.name:<36} {b.admitted:>5} calls, burst {b.capacity:g}, "
            f"{b.per_second * 60:g}/min → {b.seconds:7.1f} s"
        )


def _print_summary(results: list[RunResult]) -> bool:
    ratios = [r.ratio for r in results]
    ratio = statistics.median(ratios)
    lost = max(len(r.check.lost) + r.lost_in_queue for r in results)
    duplicated = max(len(r.check.duplicated) for r in results)
    stale = max(len(r.check.stale_parents) for r in results)
    ratio_ok = ratio <= TARGET_RATIO
    correct = lost == 0 and duplicated == 0 and stale == 0
    binding = results[0].bound.binding
    print()
    print(f"Summary over {len(results)} run(s) (medians; worst for correctness)")
    print(f"    real wall time     {statistics.median(r.real_seconds for r in results):8.2f} s")
    print(
        f"    simulated time     {statistics.median(r.simulated_seconds for r in results):8.1f} s"
    )
    print(
        f"    rate-limit bound   {statistics.median(r.bound.seconds for r in results):8.1f} s"
        + (f"   (binding: {binding.name})" if binding else "")
    )
    print(
        f"    measured / bound   {ratio:8.3f}     target ≤ {TARGET_RATIO}   {verdict(ratio_ok)}"
        f"   (runs: {', '.join(f'{x:.3f}' for x in ratios)})"
    )
    print(
        f"    events lost        {lost:8d}     target 0      {verdict(lost == 0)}"
        f"   (duplicated {duplicated}, stale parents {stale})"
    )
    return ratio_ok and correct


if __name__ == "__main__":
    sys.exit(main())
