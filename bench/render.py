"""Rendering profile: events rendered per second, and the import time of the rendering code.

Run from the repository root with the project's interpreter::

    .venv/bin/python bench/render.py [--seconds N] [--runs N]

(a) Throughput over the sample corpus (``tests/events/*.json``): for each event, the work a
    delivery does per event — ``load_event_json`` of the text, ``parse_event``, ``Renderer.render``
    and ``json.dumps`` of the message — on one core, after a warm-up, for ``--seconds`` of work.
    One renderer is reused, as in a warm Lambda container.
(b) Import time of ``bot.render.renderer`` and ``bot.events`` in a fresh process (a Lambda cold
    start pays it), as the median wall time of ``--runs`` runs of ``python -c "import ..."``,
    next to ``python -c pass`` and to ``import bot.cli.main`` (the command line's start-up).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "events"
WARM_UP_SECONDS = 0.5
IMPORTS = (
    ("baseline: python -c pass", "pass"),
    ("import bot.render.renderer, bot.events", "import bot.render.renderer, bot.events"),
    ("import bot.cli.main (command line start-up)", "import bot.cli.main"),
)


def calibration_us() -> float:
    """A yardstick for comparing figures across machines: ``sum(range(1000))``, best of 5."""
    import timeit

    return min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="timed work (default 3)")
    parser.add_argument("--runs", type=int, default=9, help="import-time runs (default 9)")
    args = parser.parse_args(argv)

    cpu = pin_to_one_cpu()
    pinned = f"pinned to CPU {cpu}" if cpu is not None else "not pinned"
    print(f"Python {sys.version.split()[0]} · {pinned} · machine speed: {calibration_us():.1f} µs")
    print("    (machine speed: best time of sum(range(1000)); about 8-10 µs on a current laptop)")
    print()
    throughput(args.seconds)
    print()
    import_times(args.runs)
    return 0


def pin_to_one_cpu() -> int | None:
    """Run on the first CPU this process may use (children inherit it), where the OS allows."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def throughput(seconds: float) -> None:
    from bot.events.parse import load_event_json, parse_event
    from bot.render.renderer import Renderer

    texts = [path.read_text(encoding="utf-8") for path in sorted(EVENTS.glob("*.json"))]
    if not texts:
        raise SystemExit(f"no sample events in {EVENTS}")
    renderer = Renderer()

    def one_pass() -> None:
        for text in texts:
            message = renderer.render(parse_event(load_event_json(text)))
            json.dumps(message)  # as slack_sdk sends it

    with _counting_renderer_logs() as fallbacks:
        cold = _timed(one_pass)
        fallbacks_per_pass = fallbacks()
        deadline = time.perf_counter() + WARM_UP_SECONDS
        while time.perf_counter() < deadline:
            one_pass()
        events = 0
        start = time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds:
            one_pass()
            events += len(texts)

    rate = events / elapsed
    stages = _stage_split(renderer, texts, seconds / 3)
    floor_rate = _floor_rate(renderer, texts, seconds / 3)
    print(f"(a) Render throughput: parse + render + serialise, {len(texts)} sample events")
    print(f"    events/s          {rate:>12,.0f}")
    print(f"    µs/event          {1e6 / rate:>12.1f}")
    print(f"    timed             {events:>12,} events in {elapsed:.2f} s (after warm-up)")
    print(f"    first pass        {cold * 1e3:>12.1f} ms  (templates loaded on first use)")
    total = sum(stages.values())
    print("    where the time goes (each stage timed on its own, event by event; shares of the")
    print("    stages' sum, shown as µs of the measured µs/event):")
    for stage, seconds_spent in stages.items():
        share = seconds_spent / total if total else 0.0
        print(f"      {stage:<44}{share * 1e6 / rate:>7.1f}  {share:>4.0%}")
    print(f"    floor             {floor_rate:>12,.0f}  events/s: the same messages, not presented")
    print(f"{'':22}(read, parse, a template that emits the finished message, serialise):")
    print(f"{'':22}presenting them costs {1e6 / rate - 1e6 / floor_rate:.0f} µs/event on top")
    if fallbacks_per_pass:
        print(
            f"    note: {fallbacks_per_pass} of {len(texts)} samples rendered through the generic "
            "fallback (their template is missing or failed): figures are not representative"
        )


def _stage_split(renderer: Any, texts: list[str], seconds: float) -> dict[str, float]:
    """Mean seconds per event of each stage of one delivery's rendering, timed in turn."""
    from bot.events.parse import load_event_json, parse_event
    from bot.render.context import RenderContext
    from bot.render.limits import enforce_message
    from bot.render.renderer import TEMPLATE_SUFFIX, _variables

    names = (
        "read the event's JSON (json)",
        "parse: envelope and detail models (pydantic)",
        "present: views, links, times (Python)",
        "template: Jinja, and json of its output",
        "Slack's limits",
        "serialise the message (json, as slack_sdk)",
    )
    spent = dict.fromkeys(names, 0.0)
    clock = time.perf_counter
    events = 0
    deadline = clock() + seconds
    while clock() < deadline:
        for text in texts:
            t0 = clock()
            raw = load_event_json(text)
            t1 = clock()
            event = parse_event(raw)
            t2 = clock()
            name = event.spec.template
            variables = _variables(event, RenderContext(), name)
            t3 = clock()
            output = renderer._env.get_template(name + TEMPLATE_SUFFIX).render(variables)
            message = json.loads(output)
            t4 = clock()
            message["blocks"] = [b for b in message["blocks"] if b is not None]
            enforce_message(message)
            t5 = clock()
            json.dumps(message)
            t6 = clock()
            for stage, (a, b) in zip(
                names, ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)), strict=True
            ):
                spent[stage] += b - a
        events += len(texts)
    return {stage: total / events for stage, total in spent.items()}


def _floor_rate(renderer: Any, texts: list[str], seconds: float) -> float:
    """Events/s of the same loop when the message is already made: what reading, parsing, one
    template call and JSON in and out cost for messages of these sizes, with no presentation."""
    from bot.events.parse import load_event_json, parse_event

    finished = {
        text: json.dumps(renderer.render(parse_event(load_event_json(text)))) for text in texts
    }
    import jinja2

    # The finished text is JSON already: a plain environment passes it through as it is.
    plain = jinja2.Environment(autoescape=False).from_string("{{ message }}")

    def floor_pass() -> None:
        for text in texts:
            parse_event(load_event_json(text))
            message = json.loads(plain.render(message=finished[text]))
            json.dumps(message)

    events = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        floor_pass()
        events += len(texts)
    return events / elapsed


def import_times(runs: int) -> None:
    print(f"(b) Import time in a fresh process: median wall time of {runs} runs")
    baseline = None
    for label, code in IMPORTS:
        median = _median_process_ms(code, runs)
        extra = f"  (+{median - baseline:.1f} ms over baseline)" if baseline is not None else ""
        baseline = median if baseline is None else baseline
        print(f"    {label:<42} {median:>8.1f} ms{extra}")


def _median_process_ms(code: str, runs: int) -> float:
    command = [sys.executable, "-c", code]
    subprocess.run(command, check=True, cwd=ROOT)  # warm the disk cache and the .pyc files
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT)
        samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def _timed(work: Callable[[], None]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


@contextmanager
def _counting_renderer_logs() -> Iterator[Callable[[], int]]:
    """Count the renderer's fallback records instead of printing a traceback per event."""
    records: list[logging.LogRecord] = []

    class Count(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("bot.render.renderer")
    handler = Count()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield lambda: len(records)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


if __name__ == "__main__":
    raise SystemExit(main())
