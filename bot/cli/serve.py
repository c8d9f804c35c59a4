"""``sagemaker-chatops serve``: a local HTTP server taking SageMaker events (and Slack requests)."""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import Subparsers, add_templates_option, cli_runtime
from bot.errors import ConfigurationError


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run a local HTTP server: POST /events takes SageMaker events",
        description="Serve POST /events (SageMaker events into the delivery pipeline), GET / "
        "(the local conversation) and, with a signing secret, POST /slack/events. POST /events "
        "takes application/json with a Content-Length, from a loopback Host and Origin (so that "
        "web pages cannot post to it), and a bearer token when one is set.",
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to bind (default: loopback); another one (0.0.0.0, a LAN address) "
        "is reachable from other machines and also accepted as Host",
    )
    parser.add_argument("--port", type=int, default=3000, help="port (default: 3000)")
    parser.add_argument("--channel", metavar="C", help="default channel for events")
    parser.add_argument("--store", metavar="URL", help="state store URL (default: setting)")
    parser.add_argument(
        "--token-env",
        metavar="NAME",
        help="require 'Authorization: Bearer TOKEN' on POST /events, TOKEN being the value of "
        "the environment variable NAME (default: the CHATOPS_SERVE_TOKEN setting, if set)",
    )
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.local.guard import WILDCARDS
    from bot.local.server import LocalServer
    from bot.settings import env_secret
    from bot.slack_app.http import slack_dispatch

    runtime = cli_runtime(args)
    if args.token_env:
        secret = env_secret(args.token_env)
        if secret is None:
            raise ConfigurationError(f"--token-env {args.token_env}: that variable is not set")
    else:
        secret = runtime.settings.serve_token
    token = secret.get_secret_value() if secret is not None else None

    server = LocalServer(
        runtime, host=args.host, port=args.port, slack=slack_dispatch(runtime), token=token
    )
    sys.stdout.write(
        f"Listening on {server.url}: POST /events (SageMaker events), GET / (conversation)"
        f"{', POST /slack/events' if server.slack else ''}. Ctrl-C stops.\n"
    )
    sys.stdout.flush()
    if server.policy.public:
        accepted = "any address literal" if args.host in WILDCARDS else args.host
        sys.stderr.write(
            f"warning: bound to {args.host}, not loopback: other machines can reach this "
            f"server, and Host {accepted} is accepted besides localhost"
            f"{'' if token else '; set CHATOPS_SERVE_TOKEN or --token-env to require a token'}."
            "\n"
        )
    if token:
        sys.stderr.write("POST /events requires 'Authorization: Bearer <token>'.\n")
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0
