"""``sagemaker-chatops replay``: run the delivery pipeline over event files, in order.

With ``SLACK_BOT_TOKEN`` set the messages go to Slack (``SLACK_API_URL`` to point elsewhere) and
the configured store keeps the threads. Without a token nothing leaves the machine: the store is
in memory and the conversation is printed and written as an HTML page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import (
    EXIT_USAGE,
    Subparsers,
    add_templates_option,
    cli_runtime,
    error,
    load_event_file,
)

DEFAULT_OUTPUT = Path("build") / "conversation.html"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="deliver event files through the bot (to Slack, or locally without a token)",
        description="Deliver SageMaker events, in order, exactly as the Lambda function does: "
        "threads, dedup and ordering included.",
    )
    parser.add_argument("files", metavar="FILE", nargs="*", help="event JSON files, in order")
    parser.add_argument("--demo", action="store_true", help="replay the built-in demo scenario")
    parser.add_argument("--channel", metavar="C", help="the channel to post to (default: setting)")
    parser.add_argument(
        "--store", metavar="URL", help="state store URL (default: in memory without a token)"
    )
    parser.add_argument(
        "-o", "--output", metavar="PATH", type=Path, default=DEFAULT_OUTPUT,
        help=f"HTML page of the local conversation (default: {DEFAULT_OUTPUT})",
    )  # fmt: skip
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.errors import ChatOpsError
    from bot.gateway import LocalGateway

    if not args.files and not args.demo:
        error("nothing to replay: give event files, or --demo")
        return EXIT_USAGE
    events: list[tuple[str, dict[str, Any]]] = []
    if args.demo:
        from bot.demo import scenario

        events += [("demo", e) for e in scenario()]
    events += [(name, load_event_file(name)) for name in args.files]

    runtime = cli_runtime(args, require_channel=True)  # no channel: ConfigurationError, exit 2
    channel = runtime.settings.default_channel

    failures = 0
    outcomes: dict[str, int] = {}
    for name, raw in events:
        try:
            report = runtime.deliverer.deliver_raw(raw)
        except ChatOpsError as exc:
            failures += 1
            error(f"{name}: event {raw.get('id')}: {exc}")
            continue
        for outcome in report.outcomes.values():
            outcomes[outcome.value] = outcomes.get(outcome.value, 0) + 1

    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    if isinstance(runtime.slack, LocalGateway):
        from bot.local.conversation import conversation_html, format_conversation

        sys.stdout.write(format_conversation(runtime.slack))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(conversation_html(runtime.slack), encoding="utf-8")
        calls = len(runtime.slack.calls)
        sys.stdout.write(
            f"\n{len(events)} events: {summary}; {calls} Slack calls (local, not sent)\n"
            f"Conversation page: {args.output}\n"
        )
    else:
        sys.stdout.write(f"{len(events)} events delivered to {channel}: {summary}\n")
    return 1 if failures else 0
