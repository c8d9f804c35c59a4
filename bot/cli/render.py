"""``sagemaker-chatops render FILE``: print the Slack message an event file renders to."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.common import STDIN, Subparsers, add_templates_option, load_event_file, make_renderer


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "render",
        help="render an event to its Slack message (JSON on stdout)",
        description="Render an EventBridge event to the Slack message payload "
        '{"text": ..., "blocks": [...]} and print it as JSON.',
    )
    parser.add_argument("file", metavar="FILE", help=f"event JSON file, or {STDIN} for stdin")
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.events.parse import parse_event

    renderer = make_renderer(args.templates)
    event = parse_event(load_event_file(args.file))
    message = renderer.render(event)
    sys.stdout.write(json.dumps(message, indent=2, ensure_ascii=False) + "\n")
    return 0
