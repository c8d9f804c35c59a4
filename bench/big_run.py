"""Big-run benchmark: what a 300-step pipeline run costs per event, at its start and its end.

Run from the repository root with the project's interpreter::

    .venv/bin/python bench/big_run.py [--steps N] [--strict]

A run of ``--steps`` steps (100 by default, four times what a parent shows; ``--steps 300`` is
the issue's run and takes minutes, see below), each one Executing then Failed with a long
failure reason (1,000 characters: SageMaker's go up to 1,024), is delivered one event at a
time through a ``Deliverer`` into one channel of the Slack Web API stand-in, with the store
in DynamoDB on moto's server (over HTTP, as in AWS). Measured per event: DynamoDB calls, the
bytes of their requests and responses (what DynamoDB bills by, in 1 KB write and 4 KB read
units), Slack calls, and wall time. Printed: the means over the first and the last 30 step
events and their ratio, and the size of the run's thread item at the end.

Targets (issue 12): the thread's item stays well under DynamoDB's 400 KB (it was 497 KB for
300 such steps); the last events cost at most 3× the first (DynamoDB calls, bytes, Slack calls).
Wall time is shown but is no target: moto deep-copies the whole table on every
TransactWriteItems (to roll back), so on moto an event's time grows with the table, which
DynamoDB's does not. Measured with 300 steps: 8.5 → 8.6 DynamoDB calls, 29 → 71 KB (2.43×),
2 → 2 Slack calls per step event, a 7.4 KB thread item.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import timeit
from statistics import mean
from typing import Any

from _common import CHANNEL, dynamodb_client, exit_code, moto_server, quiet_logs, verdict

from bot.delivery import state as st
from bot.delivery.deliverer import Deliverer, DeliveryOptions
from bot.events.parse import parse_event
from bot.gateway import WebApiGateway, make_web_client
from bot.render.renderer import Renderer
from bot.store.dynamodb import THREAD_SK, DynamoDBStore, create_table, thread_pk
from tests.standins.aws import dynamodb_item_size
from tests.standins.slack_api import slack_standin

ACCOUNT, REGION = "123456789012", "us-east-1"
PIPELINE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/big-run"
EXECUTION = f"{PIPELINE}/execution/bigrun0000001"
REASON = "ClientError: " + "Traceback (most recent call last): a long failure reason. " * 17
ITEM_LIMIT = 400 * 1024
WINDOW = 30
MAX_RATIO = 3.0


def event(index: int, detail_type: str, detail: dict[str, Any], second: int) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"big-{index}",
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": ACCOUNT,
        "region": REGION,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1764061200 + second)),
        "resources": [],
        "detail": {"pipelineArn": PIPELINE, "pipelineExecutionArn": EXECUTION, **detail},
    }


def run_events(steps: int) -> list[dict[str, Any]]:
    events = [
        event(
            0,
            "SageMaker Model Building Pipeline Execution Status Change",
            {"currentPipelineExecutionStatus": "Executing"},
            0,
        )
    ]
    for index in range(steps):
        for status in ("Executing", "Failed"):
            detail = {
                "stepName": f"Step{index:03d}",
                "stepType": "Processing",
                "currentStepStatus": status,
                **({"failureReason": REASON} if status == "Failed" else {}),
            }
            second = 1 + len(events)
            events.append(
                event(
                    len(events),
                    "SageMaker Model Building Pipeline Execution Step Status Change",
                    detail,
                    second,
                )
            )
    return events


class Meter:
    """DynamoDB calls and the bytes of their requests and responses, from botocore's hooks."""

    def __init__(self, client: Any) -> None:
        self.calls = 0
        self.bytes = 0
        client.meta.events.register("before-send.dynamodb", self._request)
        client.meta.events.register("after-call.dynamodb", self._response)

    def _request(self, request: Any, **_: Any) -> None:
        self.calls += 1
        self.bytes += len(request.body or b"")

    def _response(self, http_response: Any, **_: Any) -> None:
        self.bytes += len(http_response.content or b"")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    quiet_logs()
    speed = min(timeit.repeat("sum(range(1000))", number=2000, repeat=5)) / 2000 * 1e6
    events = run_events(args.steps)
    with moto_server() as endpoint, slack_standin() as slack:
        client = dynamodb_client(endpoint)
        create_table(client, "big-run")
        store = DynamoDBStore("big-run", client)
        meter = Meter(client)
        web = make_web_client(slack.token, slack.url)
        deliverer = Deliverer(
            store,
            WebApiGateway(web),
            Renderer(),
            DeliveryOptions(default_channel=CHANNEL),
        )
        costs: list[tuple[int, int, int, float]] = []
        for raw in events:
            before = (meter.calls, meter.bytes, len(slack.calls()), time.perf_counter())
            deliverer.deliver_raw(raw)
            costs.append(
                (
                    meter.calls - before[0],
                    meter.bytes - before[1],
                    len(slack.calls()) - before[2],
                    (time.perf_counter() - before[3]) * 1000,
                )
            )
        key = st.run_link(parse_event(events[0])).run.key  # type: ignore[union-attr]
        item = client.get_item(
            TableName="big-run",
            Key={"pk": {"S": thread_pk(CHANNEL, key)}, "sk": {"S": THREAD_SK}},
        )["Item"]
        size = dynamodb_item_size(item)

    steps = costs[1:]
    first, last = steps[:WINDOW], steps[-WINDOW:]
    print(f"big run: {args.steps} steps, each Executing then Failed with a 1,000-character reason")
    print(f"    machine speed: {speed:.1f} µs for sum(range(1000))")
    names = ("DynamoDB calls", "DynamoDB bytes", "Slack calls", "wall ms")
    ratios = []
    print(f"    {'per step event':<16} {'first 30':>10} {'last 30':>10} {'ratio':>7}")
    for index, name in enumerate(names):
        a, b = mean(c[index] for c in first), mean(c[index] for c in last)
        ratio = b / a if a else float("inf")
        if index < 3:
            ratios.append(ratio)
        print(f"    {name:<16} {a:>10.1f} {b:>10.1f} {ratio:>6.2f}x")
    passed_cost = all(r <= MAX_RATIO for r in ratios)
    passed_size = size < ITEM_LIMIT // 4
    print(
        f"(a) last/first, calls and bytes: at most {max(ratios):.2f}x"
        f" (target ≤ {MAX_RATIO:.0f}x) {verdict(passed_cost)}"
    )
    print(
        f"(b) the run's thread item: {size / 1024:.1f} KB (target well under 400 KB: ≤ 100 KB)"
        f" {verdict(passed_size)}"
    )
    print(json.dumps({"item_bytes": size, "ratios": [round(r, 2) for r in ratios]}))
    return exit_code(passed_cost and passed_size, args.strict)


if __name__ == "__main__":
    sys.exit(main())
