"""Shared helpers for the delivery benchmarks (not a benchmark itself).

Importing this module puts the repository root on ``sys.path`` so the benchmarks can use the
test stand-ins (``tests.standins``) when run as ``.venv/bin/python bench/X.py``.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import random
import statistics
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.delivery.state import fingerprint  # noqa: E402
from bot.events.identity import ResourceKind  # noqa: E402
from bot.events.parse import SageMakerEvent, parse_event  # noqa: E402

CHANNEL = "C0BENCH"
PASS, FAIL = "PASS", "FAIL"

# Kind of the thread's root resource -> the label used in breakdowns.
CATEGORIES: dict[ResourceKind, str] = {
    ResourceKind.PIPELINE: "pipeline/steps",
    ResourceKind.TUNING: "tuning/trials",
    ResourceKind.ENDPOINT: "endpoint/deployment",
    ResourceKind.MODEL_PACKAGE: "model package",
    ResourceKind.TRAINING: "training",
}

# Resource names in bot.demo's non-tuning streams, renamed per copy in the burst load.
DEMO_NAMES = (
    "churn-training",  # pipeline
    "nightly-2026-11-25",  # pipeline execution display name
    "tenure-buckets-test",  # the failed run's display name
    "churn-models",  # model package group
    "churn-experiment-gpu-03",  # training job
    "churn-scoring",  # endpoint (and its endpoint configs)
)
# Pipeline execution ids (also in job names and S3 paths): renamed to another id of 12
# lowercase alphanumerics, so the jobs' names still say which run made them.
DEMO_EXECUTIONS = ("k2x9p4q7wz1a", "w5n8d2h6kq3j")


def verdict(passed: bool) -> str:
    return PASS if passed else FAIL


def exit_code(passed: bool, strict: bool) -> int:
    return 0 if passed or not strict else 1


def quiet_logs() -> None:
    """Keep the bot's per-event warnings (e.g. requeued deliveries) out of the report."""
    logging.basicConfig(level=logging.ERROR)
    for name in ("bot", "slack_sdk", "urllib3", "botocore", "werkzeug"):
        logging.getLogger(name).setLevel(logging.ERROR)


def state_key(event: SageMakerEvent) -> tuple[str, str]:
    """A distinct state: (resource key, fingerprint). The deliverer also tells apart a state
    reached again later (``delivery_key``); the demo's resources never do."""
    return event.resource.key, fingerprint(event)


def category(event: SageMakerEvent) -> str:
    root = event.parent or event.resource
    return CATEGORIES.get(root.kind, str(root.kind.value))


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ---------------------------------------------------------------------------------------------
# The burst load
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BurstLoad:
    events: list[dict[str, Any]]
    trials: int
    tuning_events: int
    other_sets: int
    other_events: int
    duplicates: int

    def describe(self) -> str:
        return (
            f"{len(self.events)} events = 1 tuning job with {self.trials} training jobs "
            f"({self.tuning_events} events: tuning InProgress + Completed, each trial "
            f"InProgress + Completed)\n"
            f"    + {self.other_sets} renamed copies of the demo's other streams "
            f"({self.other_events} events; each copy: the nightly pipeline run with 3 steps, "
            f"2 jobs and a model package ({len(_demo_set()[0])}), a failing training job "
            f"({len(_demo_set()[1])}), an endpoint update with a canary deployment "
            f"({len(_demo_set()[2])}), a failing pipeline run ({len(_demo_set()[3])}))\n"
            f"    + {self.duplicates} duplicate deliveries (SQS at-least-once)"
        )


def burst_load(total: int = 1000, trials: int = 200, seed: int = 11) -> BurstLoad:
    """``total`` events: a tuning job with ``trials`` trials, the demo's other streams under
    distinct names until fewer than one copy fits, and duplicate deliveries for the rest.

    Arrival order: the streams are interleaved at random (seeded), each stream keeping its own
    order, as events of several resources reach one SQS queue.
    """
    from bot import demo

    ids = demo._Ids()
    tuning = demo.tuning_events(ids, trials=trials)
    if len(tuning) > total:
        raise ValueError(f"{trials} trials give {len(tuning)} events, more than {total}")
    streams: list[list[dict[str, Any]]] = [tuning]
    sets = (total - len(tuning)) // sum(len(stream) for stream in _demo_set())
    for n in range(sets):
        base = [
            *demo.pipeline_events(ids),
            *demo.failed_training_events(ids),
            *demo.endpoint_events(ids),
            *demo.failed_pipeline_events(ids),
        ]
        renamed = [_renamed(event, n) for event in base]
        # Each resource's events in its own time order, as one stream per resource.
        by_resource: dict[str, list[dict[str, Any]]] = {}
        for event in renamed:
            root = parse_event(event)
            key = (root.parent or root.resource).key
            by_resource.setdefault(key, []).append(event)
        streams.extend(sorted(s, key=lambda e: e["time"]) for s in by_resource.values())
    other_events = sum(len(s) for s in streams) - len(tuning)
    rng = random.Random(seed)
    events = _interleave(streams, rng)
    duplicates = total - len(events)
    for _ in range(duplicates):
        i = rng.randrange(len(events))
        j = rng.randrange(i + 1, len(events) + 1)
        events.insert(j, copy.deepcopy(events[i]))
    return BurstLoad(events, trials, len(tuning), sets, other_events, duplicates)


def _demo_set() -> tuple[list[dict[str, Any]], ...]:
    """One copy of the demo's other streams: nightly run, failed training job, endpoint,
    failed run."""
    from bot import demo

    ids = demo._Ids()
    return (
        demo.pipeline_events(ids),
        demo.failed_training_events(ids),
        demo.endpoint_events(ids),
        demo.failed_pipeline_events(ids),
    )


def _renamed(event: dict[str, Any], n: int) -> dict[str, Any]:
    text = json.dumps(event)
    for name in DEMO_NAMES:
        text = text.replace(name, f"{name}-b{n:03d}")
    for execution in DEMO_EXECUTIONS:
        text = text.replace(execution, f"{execution[:8]}{n:04d}")
    renamed: dict[str, Any] = json.loads(text)
    return renamed


def _interleave(streams: list[list[dict[str, Any]]], rng: random.Random) -> list[dict[str, Any]]:
    """A uniformly random merge that keeps each stream's order."""
    queues = [list(reversed(s)) for s in streams if s]
    merged: list[dict[str, Any]] = []
    while queues:
        weights = [len(q) for q in queues]
        i = rng.choices(range(len(queues)), weights=weights)[0]
        merged.append(queues[i].pop())
        if not queues[i]:
            queues.pop(i)
    return merged


# ---------------------------------------------------------------------------------------------
# The AWS stand-in: moto's server, as tests/standins/aws.py starts it
# ---------------------------------------------------------------------------------------------

AWS_REGION = "us-east-1"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": AWS_REGION,
    "AWS_REGION": AWS_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """moto's threaded server on loopback, DynamoDB calls serialized (``AtomicDynamoDB``);
    yields its endpoint URL. Fake credentials are put in this process's environment."""
    from tests.standins.aws import moto_endpoint

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_AWS_ENV)
    with moto_endpoint() as url:
        yield url


def dynamodb_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=AWS_REGION,
        aws_access_key_id=FAKE_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    )
