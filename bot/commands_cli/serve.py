"""``sagemaker-chatops serve``: a local HTTP server taking SageMaker events (and Slack requests)."""

from __future__ import annotations

import argparse
import sys

from bot.commands_cli import Subparsers, add_templates_option


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
    from bot.runtime import build_runtime, resolve_bot_token
    from bot.settings import Settings
    from bot.store import open_store

    settings = Settings.from_env(**({"templates_dir": args.templates} if args.templates else {}))
    local = resolve_bot_token(settings) is None
    channel = args.channel or settings.default_channel or ("sagemaker-alerts" if local else None)
    settings = settings.model_copy(update={"default_channel": channel})
    store_url = args.store or ("sqlite://:memory:" if local else settings.store)
    runtime = build_runtime(settings, store=open_store(store_url))
    from bot.slack.mount import slack_dispatch

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
