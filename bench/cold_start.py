"""Cold-start benchmark: the events Lambda's first event in a fresh process, and its memory.

Run from the repository root with the project's interpreter::

    .venv/bin/python bench/cold_start.py [--runs N] [--memory-events N]
                                         [--memory-store both|dynamodb|sqlite] [--strict]

Every measurement runs in a fresh ``python`` subprocess, as a new Lambda container would; the
runs of each kind are interleaved and medians reported. Each child takes ``time.perf_counter()``
on its first line and after its work; on Linux that clock (CLOCK_MONOTONIC) is shared with this
process, so the wall time splits into interpreter start-up (spawn to first line), the child's
own phases, and interpreter exit (last line to the parent seeing it end).

(a) ``python -c "import boto3"``: the reference, what any Python Lambda that talks to AWS pays.
(b) The events handler's cold start: the driver imports ``handlers.events`` (import), then
    hands the handler an SQS batch of one realistic event, a training job's first state change,
    a new job every run (first event: the runtime the handler builds on first use (settings,
    Slack client; timed on its own as "runtime"; the store client and renderer are built on
    first use, within the event), the store's reads and
    conditional writes, and the parent message posted to the Slack stand-in, which runs in
    this process). Store: DynamoDB (``CHATOPS_STORE=dynamodb://TABLE``) on moto's server,
    started by this process (``AWS_ENDPOINT_URL_DYNAMODB``, fake credentials); the same with a
    SQLite store for comparison. Target: total wall time ≤ 2.0 times (a)'s. The ratio without
    interpreter exit (which Lambda never waits for) is shown too.
(c) Peak memory: one process handles ``--memory-events`` events (default 1,000: the burst load
    of bench/burst.py) through the handler in SQS batches of 10, read one batch at a time.
    Peak = the child's ``VmHWM`` (Linux: the high-water RSS of the process since its exec).
    ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` is shown too, but on Linux it starts from
    the RSS of the process that spawned the child (here this one, with moto and the stand-in
    loaded), so it overstates a small child. Target ≤ 128 MB. ``--memory-store``: moto answers
    a DynamoDB call in about 20 ms on this machine, so 1,000 events on DynamoDB take minutes;
    the default, ``both``, runs the first 30 events on DynamoDB (the boto3 client's footprint)
    and all of them on SQLite (growth over many events). ``--memory-store dynamodb`` runs
    them all on DynamoDB.
(d) The Slack function's cold ack: a fresh process imports ``handlers.slack``, which builds
    its Bolt app at import as Lambda's init phase would ("import"), and handles one signed
    ``/sagemaker help`` request of API Gateway's HTTP API through Bolt's Lambda adapter ("1st
    event"), with the bot token and signing secret in the environment (Slack: the stand-in,
    which counts any ``auth.test``; the store: DynamoDB on moto, opened only if something needs
    it). Target: total wall time ≤ 2.0 times (a)'s.
(f) The floor of (d): a minimal Bolt app on the same Lambda adapter, one ``/sagemaker``
    listener that acks with a fixed text, authorized from the token without a network call,
    built before the request as (d)'s is.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _common import (
    CHANNEL,
    FAKE_AWS_ENV,
    ROOT,
    burst_load,
    dynamodb_client,
    exit_code,
    median,
    moto_server,
    quiet_logs,
    verdict,
)

from tests.standins.slack_api import SlackStandin, slack_standin

TARGET_RATIO = 2.0
TARGET_MAX_RSS_MB = 128.0
SAMPLE_EVENT = ROOT / "tests" / "events" / "training_job_state_change.json"
BATCH_SIZE = 10
DYNAMODB_MEMORY_EVENTS = 30  # with --memory-store both

# ``python -c REFERENCE``: the reference import, timed like the driver.
REFERENCE = """\
import time
T0 = time.perf_counter()
import boto3
T1 = time.perf_counter()
print(T0, T1)
"""

# ``python -c STACK``: what any events handler on this project's stack imports and builds before
# it does any work of its own: boto3 and a DynamoDB client, pydantic and a model, Jinja2 and a
# template, slack_sdk's Web client, Powertools' Logger, Metrics and batch processor. The floor
# of (b): no implementation on this stack can start faster.
STACK = """\
import time
T0 = time.perf_counter()
import boto3
boto3.client("dynamodb")
import pydantic, jinja2
from slack_sdk.web import WebClient
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
class Event(pydantic.BaseModel):
    id: str = ""
Event.model_validate({"id": "x"})
jinja2.Environment().from_string("{{ x }}").render(x=1)
T1 = time.perf_counter()
print(T0, T1)
"""

# ``python -c DRIVER BATCHES_JSONL RESULT_JSON``: a Lambda container's life, one SQS batch a line.
DRIVER = """\
import time
T0 = time.perf_counter()
import json, resource, sys


class Context:
    function_name = "sagemaker-chatops-bench-events"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    memory_limit_in_mb = 128
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/" + function_name
    log_stream_name = "bench"

    def get_remaining_time_in_millis(self):
        return 60_000


def peak_kb():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


import handlers.events as events

T1 = time.perf_counter()
with open(sys.argv[1]) as batches:
    first = json.loads(next(batches))
    T2 = time.perf_counter()
    events.runtime()  # what the handler builds on its first event, timed on its own
    T2b = time.perf_counter()
    failures = len(events.handler(first, Context())["batchItemFailures"])
    T3 = time.perf_counter()
    peak_first = peak_kb()
    count = len(first["Records"])
    for line in batches:
        batch = json.loads(line)
        failures += len(events.handler(batch, Context())["batchItemFailures"])
        count += len(batch["Records"])
T4 = time.perf_counter()
result = {
    "t0": T0,
    "import": T1 - T0,
    "first_event": T3 - T2,
    "runtime": T2b - T2,
    "rest": T4 - T3,
    "events": count,
    "failures": failures,
    "peak_kb_first": peak_first,
    "peak_kb": peak_kb(),
    "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
}
with open(sys.argv[2], "w") as f:
    json.dump(result, f)
result["t_end"] = time.perf_counter()
with open(sys.argv[2], "w") as f:
    json.dump(result, f)
"""


# ``python -c SLACK_DRIVER EVENT_JSON``: the Slack function's cold start, one signed request.
SLACK_DRIVER = (
    """\
import time
T0 = time.perf_counter()
import json, sys
"""
    + DRIVER.split("def peak_kb", 1)[0].split("import json, resource, sys", 1)[1]
    + """
import handlers.slack as slack  # the init phase: the Bolt app is built at import

T1 = time.perf_counter()
assert slack._handler is not None, "the Bolt app was not built at import"
response = slack.handler(json.loads(sys.argv[1]), Context())
T3 = time.perf_counter()
assert response["statusCode"] == 200 and "subscribe" in response["body"], response
print(T0, T1, T3)
"""
)

# ``python -c BOLT_FLOOR EVENT_JSON``: the least a Bolt app on the Lambda adapter does.
BOLT_FLOOR = (
    """\
import time
T0 = time.perf_counter()
import json, os, sys
"""
    + DRIVER.split("def peak_kb", 1)[0].split("import json, resource, sys", 1)[1]
    + """
from slack_bolt import App
from slack_bolt.adapter.aws_lambda import SlackRequestHandler
from slack_bolt.authorization import AuthorizeResult

token = os.environ.pop("SLACK_BOT_TOKEN")
app = App(
    signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    process_before_response=True,
    authorize=lambda enterprise_id, team_id: AuthorizeResult(
        enterprise_id=enterprise_id, team_id=team_id, bot_token=token
    ),
)
app.command("/sagemaker")(lambda ack: ack("Usage: /sagemaker subscribe ..."))
handler = SlackRequestHandler(app)
T1 = time.perf_counter()
response = handler.handle(json.loads(sys.argv[1]), Context())
T3 = time.perf_counter()
assert response["statusCode"] == 200 and "subscribe" in response["body"], response
print(T0, T1, T3)
"""
)
SIGNING_SECRET = "bench-signing-secret"


@dataclass
class Samples:
    """Seconds, one value per run."""

    total: list[float] = field(default_factory=list)
    start: list[float] = field(default_factory=list)
    work: list[float] = field(default_factory=list)  # import (a), import (b)
    first_event: list[float] = field(default_factory=list)
    runtime: list[float] = field(default_factory=list)  # part of first_event
    exit: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)

    @property
    def no_exit(self) -> list[float]:
        return [t - e for t, e in zip(self.total, self.exit, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each kind (default 7)")
    parser.add_argument(
        "--memory-events", type=int, default=1000, help="events for (c) (default 1000)"
    )
    parser.add_argument(
        "--memory-store",
        choices=("both", "dynamodb", "sqlite"),
        default="both",
        help=f"store for (c); both (default): DynamoDB for the first {DYNAMODB_MEMORY_EVENTS} "
        "events, SQLite for all",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    quiet_logs()
    # As packaging does (deploy/build_function.py): the package ships compiled templates.
    from bot.render.renderer import compile_builtin_templates

    compile_builtin_templates()

    with (
        tempfile.TemporaryDirectory() as tmp_dir,
        moto_server() as aws_url,
        slack_standin(channels=[CHANNEL]) as slack,
    ):
        tmp = Path(tmp_dir)
        dynamo_env = child_env(slack, f"dynamodb://{new_table(aws_url)}", aws_url)
        slack_env = {**dynamo_env, "SLACK_SIGNING_SECRET": SIGNING_SECRET}
        reference, stack, dynamo, sqlite = Samples(), Samples(), Samples(), Samples()
        slack_ack, bolt_floor = Samples(), Samples()
        # A first run of each warms the disk cache and writes the .pyc files.
        run_reference(Samples())
        run_cold(tmp, dynamo_env, Samples())
        run_slack(SLACK_DRIVER, slack_env, Samples())
        run_slack(BOLT_FLOOR, slack_env, Samples())
        for i in range(args.runs):
            run_reference(reference)
            run_reference(stack, STACK, dynamo_env)
            run_cold(tmp, dynamo_env, dynamo)
            run_cold(tmp, child_env(slack, f"sqlite:///{tmp}/cold-{i}.sqlite3", aws_url), sqlite)
            run_slack(SLACK_DRIVER, slack_env, slack_ack)
            run_slack(BOLT_FLOOR, slack_env, bolt_floor)
        posted = len(slack.calls("chat.postMessage"))
        auth_tests = len(slack.calls("auth.test"))

        memory: list[dict[str, Any]] = []
        if args.memory_store != "sqlite":
            n = args.memory_events
            if args.memory_store == "both":
                n = min(n, DYNAMODB_MEMORY_EVENTS)
            memory.append(memory_run(n, tmp, slack, aws_url, None))
        if args.memory_store != "dynamodb":
            store = f"sqlite:///{tmp}/memory.sqlite3"
            memory.append(memory_run(args.memory_events, tmp, slack, aws_url, store))

    ratio = median(dynamo.total) / median(reference.total)
    ratio_no_exit = median(dynamo.no_exit) / median(reference.no_exit)
    floor = median(stack.total) / median(reference.total)
    ack_ratio = median(slack_ack.total) / median(reference.total)
    ack_no_exit = median(slack_ack.no_exit) / median(reference.no_exit)
    ack_floor = median(bolt_floor.total) / median(reference.total)
    ratio_ok = ratio <= TARGET_RATIO
    ack_ok = ack_ratio <= TARGET_RATIO and auth_tests == 0
    peak_mb = max(m["peak_kb"] for m in memory) / 1024
    memory_ok = peak_mb <= TARGET_MAX_RSS_MB and not any(m["failures"] for m in memory)

    print(f"Cold start: medians of {args.runs} interleaved runs, fresh subprocesses (ms)")
    print()
    header = (
        f"    {'':<40}{'total':>7}{'start':>7}{'import':>8}{'1st event':>11}{'runtime':>9}"
        f"{'exit':>6}{'no exit':>9}{'peak RSS':>11}"
    )
    print(header)
    print("    " + "-" * (len(header) - 4))
    rows = (
        ('(a) python -c "import boto3"', reference),
        ("(s) the stack alone (see below)", stack),
        ("(b) handlers.events + 1st event, DynamoDB", dynamo),
        ("    same, SQLite store (comparison)", sqlite),
        ("(d) handlers.slack + /sagemaker help", slack_ack),
        ("(f) minimal Bolt on the Lambda adapter", bolt_floor),
    )
    for label, s in rows:
        first = f"{median(s.first_event) * 1e3:>11.0f}" if s.first_event else f"{'':>11}"
        first += f"{median(s.runtime) * 1e3:>9.0f}" if s.runtime else f"{'':>9}"
        peak = f"{median(s.peak_mb):>8.1f} MB" if s.peak_mb else ""
        print(
            f"    {label:<40}{median(s.total) * 1e3:>7.0f}{median(s.start) * 1e3:>7.0f}"
            f"{median(s.work) * 1e3:>8.0f}{first}{median(s.exit) * 1e3:>6.0f}"
            f"{median(s.no_exit) * 1e3:>9.0f}{peak}"
        )
    print(
        "    (start: spawn to the child's first line; 1st event: SQS batch of one event, of which"
        "\n    runtime: settings and Slack client (the store and renderer: on first use, in the"
        "\n    1st event), built on the first event;"
        "\n    exit: the child's last line to its end; no exit: total − exit)"
    )
    print()
    print(
        f"    (b) total / (a) total        {ratio:5.2f}×   target ≤ {TARGET_RATIO:.1f}×   ", end=""
    )
    print(verdict(ratio_ok))
    print(
        f"    (b) / (a) without exit       {ratio_no_exit:5.2f}×   (what a Lambda cold start waits)"
    )
    print(
        f"    (s) total / (a) total        {floor:5.2f}×   the floor: boto3 + a DynamoDB client,"
        "\n    pydantic, Jinja2, slack_sdk and Powertools Logger, Metrics and Batch imported, one"
        "\n    model validated and one template rendered, before any work of the bot's own"
    )
    print(f"    first events posted to the Slack stand-in: {posted}")
    print()
    print(
        f"    (d) total / (a) total        {ack_ratio:5.2f}×   target ≤ {TARGET_RATIO:.1f}×   ",
        end="",
    )
    print(verdict(ack_ok))
    print(f"    (d) / (a) without exit       {ack_no_exit:5.2f}×   (what Slack's request waits)")
    print(
        f"    (f) total / (a) total        {ack_floor:5.2f}×   the floor: Bolt and its Lambda"
        "\n    adapter (which imports boto3 and makes a Lambda client), one listener, one request"
    )
    print(
        f"    auth.test calls on the Slack stand-in: {auth_tests}   (d), (f): import is the init"
        "\n    phase (the imports, the secrets, the Bolt app built); 1st event: the request"
    )
    print()
    print("(c) Peak memory: events through the handler in one process, SQS batches of 10")
    header = (
        f"    {'store':<10}{'events':>8}{'after 1st batch':>17}{'peak':>11}{'ru_maxrss':>12}"
        f"{'failures':>10}{'ms/event':>10}"
    )
    print(header)
    print("    " + "-" * (len(header) - 4))
    for m in memory:
        per_event = m["rest"] / max(1, m["events"] - BATCH_SIZE) * 1e3
        print(
            f"    {m['store']:<10}{m['events']:>8}{m['peak_kb_first'] / 1024:>14.1f} MB"
            f"{m['peak_kb'] / 1024:>8.1f} MB{m['ru_maxrss_kb'] / 1024:>9.1f} MB"
            f"{m['failures']:>10}{per_event:>10.1f}"
        )
    print(f"    peak {peak_mb:.1f} MB   target ≤ {TARGET_MAX_RSS_MB:.0f} MB   {verdict(memory_ok)}")
    return exit_code(ratio_ok and memory_ok and ack_ok, args.strict)


def new_table(aws_url: str) -> str:
    from bot.store.dynamodb import create_table

    table = f"chatops-bench-{uuid.uuid4().hex[:8]}"
    create_table(dynamodb_client(aws_url), table)
    return table


def child_env(slack: SlackStandin, store: str, aws_url: str) -> dict[str, str]:
    """A Lambda container's environment, pointed at the stand-ins."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "CHATOPS_", "AWS_", "POWERTOOLS_", "_X_AMZN", "LAMBDA_"))
    }
    env.update(FAKE_AWS_ENV)
    env.update(
        SLACK_BOT_TOKEN=slack.token,
        SLACK_API_URL=slack.url,
        CHATOPS_STORE=store,
        CHATOPS_DEFAULT_CHANNEL=CHANNEL,
        AWS_ENDPOINT_URL_DYNAMODB=aws_url,
        POWERTOOLS_SERVICE_NAME="sagemaker-chatops",
        POWERTOOLS_LOG_LEVEL="WARNING",
    )
    return env


def first_event(n: int) -> dict[str, Any]:
    """The sample training job event as a new job's first state change (unique per run)."""
    event: dict[str, Any] = json.loads(SAMPLE_EVENT.read_text(encoding="utf-8"))
    job = f"bench-cold-{uuid.uuid4().hex[:8]}-{n}"
    arn = f"arn:aws:sagemaker:us-east-1:123456789012:training-job/{job}"
    event["id"] = str(uuid.uuid4())
    event["resources"] = [arn]
    event["detail"].update(
        TrainingJobName=job,
        TrainingJobArn=arn,
        TrainingJobStatus="InProgress",
        SecondaryStatus="Starting",
    )
    for name in ("TrainingEndTime", "FailureReason"):
        event["detail"].pop(name, None)
    return event


def sqs_batch(events: list[dict[str, Any]]) -> dict[str, Any]:
    """An SQS event for Lambda, as the event source mapping delivers it."""
    now = str(int(time.time() * 1000))
    return {
        "Records": [
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": "bench-receipt-handle",
                "body": json.dumps(event),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": now,
                    "SenderId": "AIDAEXAMPLE",
                    "ApproximateFirstReceiveTimestamp": now,
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:sagemaker-chatops-events",
                "awsRegion": "us-east-1",
            }
            for event in events
        ]
    }


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(spawn time, end time, stdout) on the perf_counter clock."""
    spawned = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    ended = time.perf_counter()
    if done.returncode:
        raise SystemExit(f"{command[:2]} failed:\n{done.stderr}")
    return spawned, ended, done.stdout


def run_reference(
    samples: Samples, code: str = REFERENCE, env: dict[str, str] | None = None
) -> None:
    spawned, ended, out = _run([sys.executable, "-c", code], env or os.environ.copy())
    t0, t1 = (float(x) for x in out.split())
    samples.total.append(ended - spawned)
    samples.start.append(t0 - spawned)
    samples.work.append(t1 - t0)
    samples.exit.append(ended - t1)


def signed_help_request() -> dict[str, Any]:
    """API Gateway's HTTP API event for ``/sagemaker help``, signed as Slack signs it."""
    from urllib.parse import urlencode

    from tests.standins.slack_api import http_api_event

    body = urlencode(
        {
            "command": "/sagemaker",
            "text": "help",
            "user_id": "U0BENCH",
            "channel_id": CHANNEL,
            "team_id": "T0STANDIN",
            "response_url": "https://hooks.slack.com/commands/T0STANDIN/1/bench",
            "trigger_id": "trigger-bench",
        }
    )
    return http_api_event(body, secret=SIGNING_SECRET)


def run_slack(code: str, env: dict[str, str], samples: Samples) -> None:
    """(d) or (f): a fresh process handles one signed ``/sagemaker help``."""
    command = [sys.executable, "-c", code, json.dumps(signed_help_request())]
    spawned, ended, out = _run(command, env)
    t0, t1, t3 = (float(x) for x in out.split())
    samples.total.append(ended - spawned)
    samples.start.append(t0 - spawned)
    samples.work.append(t1 - t0)  # the init phase: imports, secrets, the Bolt app
    samples.first_event.append(t3 - t1)
    samples.exit.append(ended - t3)


def run_driver(batches: Path, env: dict[str, str], tmp: Path) -> dict[str, Any]:
    """One handler process over the batches (one SQS batch a line); its figures."""
    out = tmp / f"result-{uuid.uuid4().hex}.json"
    spawned, ended, _ = _run([sys.executable, "-c", DRIVER, str(batches), str(out)], env)
    result: dict[str, Any] = json.loads(out.read_text())
    result.update(total=ended - spawned, start=result["t0"] - spawned, exit=ended - result["t_end"])
    return result


def run_cold(tmp: Path, env: dict[str, str], samples: Samples) -> None:
    batches = tmp / f"cold-{uuid.uuid4().hex}.jsonl"
    batches.write_text(json.dumps(sqs_batch([first_event(len(samples.total))])) + "\n")
    result = run_driver(batches, env, tmp)
    if result["failures"]:
        raise SystemExit(f"the handler failed its first event: {result}")
    samples.total.append(result["total"])
    samples.start.append(result["start"])
    samples.work.append(result["import"])
    samples.first_event.append(result["first_event"])
    samples.runtime.append(result["runtime"])
    samples.exit.append(result["exit"])
    samples.peak_mb.append(result["peak_kb"] / 1024)


def memory_run(
    events: int, tmp: Path, slack: SlackStandin, aws_url: str, store: str | None
) -> dict[str, Any]:
    """The first ``events`` events of the burst load through one handler process; ``store``
    None is a new DynamoDB table on moto."""
    store = store or f"dynamodb://{new_table(aws_url)}"
    load = burst_load(max(events, 1000)).events[:events]
    path = tmp / f"memory-{uuid.uuid4().hex}.jsonl"
    with path.open("w") as f:
        for i in range(0, len(load), BATCH_SIZE):
            f.write(json.dumps(sqs_batch(load[i : i + BATCH_SIZE])) + "\n")
    result = run_driver(path, child_env(slack, store, aws_url), tmp)
    result["store"] = store.split(":", 1)[0]
    return result


if __name__ == "__main__":
    sys.exit(main())
