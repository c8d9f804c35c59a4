"""``sagemaker-chatops serve``: a local HTTP server taking SageMaker events (and Slack requests)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import Subparsers, add_templates_option, cli_runtime


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run a local HTTP server: POST /events takes SageMaker events",
        description="Serve POST /events (SageMaker events into the delivery pipeline), GET / "
        "(the local conversation) and, with a signing secret, POST /slack/events.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=3000, help="port (default: 3000)")
    parser.add_argument("--channel", metavar="C", help="default channel for events")
    parser.add_argument("--store", metavar="URL", help="state store URL (default: setting)")
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.local.server import LocalServer
    from bot.slack_app.http import slack_dispatch

    runtime = cli_runtime(args)

    server = LocalServer(runtime, host=args.host, port=args.port, slack=slack_dispatch(runtime))
    sys.stdout.write(
        f"Listening on {server.url}: POST /events (SageMaker events), GET / (conversation)"
        f"{', POST /slack/events' if server.slack else ''}. Ctrl-C stops.\n"
    )
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0
