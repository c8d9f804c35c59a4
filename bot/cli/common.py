"""What the subcommands of ``sagemaker-chatops`` share.

Each subcommand module exposes ``register(subparsers)``, which adds its parser and sets
``func`` to a function ``(args) -> exit code``. Modules import only the standard library at
the top, so that ``sagemaker-chatops --help`` stays fast; the renderer and the event models
are imported when a command runs.

The helpers here are what several commands share: reading an event file and building a renderer.
Input problems are raised as ``ChatOpsError`` subclasses whose message names the file; the one
place that turns them into an exit status is ``bot.cli.main``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from bot.errors import ConfigurationError, EventInputError

if TYPE_CHECKING:
    from bot.render.renderer import Renderer
    from bot.runtime import Runtime
    from bot.settings import Settings

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

PROG = "sagemaker-chatops"
STDIN = "-"
EXIT_USAGE = 2  # argparse's status for bad usage; also used for input that cannot be used


def error(message: str) -> None:
    """Report a problem to the user: one line on stderr, in argparse's format."""
    sys.stderr.write(f"{PROG}: error: {message}\n")


def display_name(name: str) -> str:
    """How an input file is called in messages (``-`` is standard input)."""
    return "<stdin>" if name == STDIN else name


def read_text(name: str) -> str:
    """The text of a file, or of standard input for ``-``; unreadable input is an input error."""
    try:
        if name == STDIN:
            return sys.stdin.read()
        return Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise EventInputError(f"{display_name(name)}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise EventInputError(f"{display_name(name)}: not UTF-8 text: {exc.reason}") from exc


def load_event_file(name: str) -> dict[str, Any]:
    """A file's JSON object; an ``EventInputError`` naming the file if it is not one."""
    from bot.events.parse import load_event_json

    text = read_text(name)
    try:
        return load_event_json(text)
    except EventInputError as exc:
        raise EventInputError(f"{display_name(name)}: {exc}") from exc


def add_templates_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--templates",
        metavar="DIR",
        type=Path,
        help="directory of templates that take precedence over the built-in ones "
        "(default: the CHATOPS_TEMPLATES_DIR setting)",
    )


def make_renderer(templates: Path | None) -> Renderer:
    """A renderer with ``templates`` (or the configured directory) over the built-in templates."""
    from bot.render.renderer import Renderer

    settings = _settings()
    if templates is None:
        templates = settings.templates_dir
    if templates is not None and not templates.is_dir():
        raise ConfigurationError(f"templates directory {templates}: not a directory")
    return Renderer(override_dir=templates, studio=settings.studio_domains)


def _settings() -> Settings:
    from pydantic import ValidationError

    from bot.settings import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in exc.errors()
        )
        raise ConfigurationError(f"invalid settings: {problems}") from exc


LOCAL_CHANNEL = "sagemaker-alerts"


def cli_runtime(args: argparse.Namespace, *, require_channel: bool = False) -> Runtime:
    """The bot's parts for ``replay`` and ``serve``, from the settings and the options.

    Without a Slack token nothing leaves the machine: the store is in memory (a file would keep
    threads whose messages exist nowhere) and the channel has a local name. With a token, a
    channel is needed for ``replay`` (``serve`` can rely on subscriptions alone) and the
    configured store keeps the threads.
    """
    from bot.runtime import build_runtime, resolve_bot_token
    from bot.settings import Settings
    from bot.store import open_store

    settings = Settings.from_env(**({"templates_dir": args.templates} if args.templates else {}))
    local = resolve_bot_token(settings) is None
    channel = args.channel or settings.default_channel or (LOCAL_CHANNEL if local else None)
    if require_channel and not channel:
        raise ConfigurationError("no channel: pass --channel or set CHATOPS_DEFAULT_CHANNEL")
    settings = settings.model_copy(update={"default_channel": channel})
    store_url = args.store or ("sqlite://:memory:" if local else settings.store)
    return build_runtime(settings, store=open_store(store_url))
