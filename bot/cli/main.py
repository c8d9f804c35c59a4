"""The ``sagemaker-chatops`` command line.

Subcommands live in ``bot.cli``, one module each with ``register(subparsers)``; adding
one is an import and an entry in ``COMMANDS``. This module stays small and cheap to import: the
renderer and the event models are loaded by the command that needs them.

Exit status: 0 on success; 2 on a usage error or input that cannot be used (argparse's
convention), reported in one line on stderr; 1 when a command cannot write its output.
``--verbose`` adds tracebacks to the problems the code logs (such as a template that failed).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bot import __version__
from bot.cli import compile_templates, preview, render, replay, serve
from bot.cli.common import EXIT_USAGE, PROG, error
from bot.errors import ChatOpsError

COMMANDS = (render, preview, replay, serve, compile_templates)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROG, description="Slack ChatOps for Amazon SageMaker.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log more, with tracebacks, on stderr"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with _log_to_stderr(verbose=args.verbose):
        try:
            code: int = args.func(args)
        except ChatOpsError as exc:
            error(str(exc))
            return EXIT_USAGE
        except KeyboardInterrupt:
            return 130
    return code


class _OneLineFormatter(logging.Formatter):
    """``sagemaker-chatops: warning: message``, without the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"


@contextmanager
def _log_to_stderr(*, verbose: bool) -> Iterator[None]:
    """Show the project's log records on stderr while a command runs, then undo it.

    Undone so that ``main`` can be called many times in one process (tests) without stacking
    handlers on a stream that has since been replaced.
    """
    logger = logging.getLogger("bot")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(f"{PROG}: %(levelname)s: %(name)s: %(message)s")
        if verbose
        else _OneLineFormatter()
    )
    previous_level = logger.level
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)


if __name__ == "__main__":
    raise SystemExit(main())
