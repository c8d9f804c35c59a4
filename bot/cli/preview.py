"""``sagemaker-chatops preview``: one HTML page showing how event messages look in Slack."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

import bot
from bot.cli.common import (
    EXIT_USAGE,
    Subparsers,
    add_templates_option,
    display_name,
    error,
    load_event_file,
    make_renderer,
)
from bot.errors import ChatOpsError

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.preview.page import PreviewSection

SAMPLES_DIR = Path(bot.__file__).resolve().parent.parent / "tests" / "events"
DEFAULT_OUTPUT = Path("build") / "preview.html"
TITLE = "SageMaker ChatOps — message preview"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "preview",
        help="write an HTML page showing how event messages look in Slack",
        description="Render event files and write one self-contained HTML page that shows each "
        "message as Slack would, and print a Block Kit Builder link for each.",
    )
    parser.add_argument(
        "files",
        metavar="FILE",
        nargs="*",
        help=f"event JSON files (default: every sample in {SAMPLES_DIR})",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where to write the page (default: {DEFAULT_OUTPUT})",
    )
    add_templates_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.events.parse import parse_event
    from bot.preview.page import (
        PreviewMessage,
        PreviewSection,
        block_kit_builder_url,
        render_page,
    )

    renderer = make_renderer(args.templates)
    files: list[str] = args.files or [str(p) for p in sorted(SAMPLES_DIR.glob("*.json"))]
    sections: list[PreviewSection] = []
    links: list[tuple[str, str]] = []
    failed = 0
    for name in files:
        try:
            event = parse_event(load_event_file(name))
            message = renderer.render(event)
        except ChatOpsError as exc:
            error(str(exc))
            failed += 1
            continue
        item = PreviewMessage(
            message, label=event.envelope.detail_type, timestamp=_timestamp(event)
        )
        sections.append(PreviewSection(heading=Path(display_name(name)).name, messages=[item]))
        links.append((_shown(name), block_kit_builder_url(message)))

    try:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(render_page(TITLE, sections), encoding="utf-8")
    except OSError as exc:
        error(f"{args.output}: cannot write: {exc.strerror or exc}")
        return 1
    print(f"Wrote {args.output} ({len(sections)} message{'s' if len(sections) != 1 else ''})")
    for name, url in links:
        print(f"{name}: {url}")
    return EXIT_USAGE if failed else 0


def _shown(name: str) -> str:
    """A file as the user would type it: relative to the current directory when inside it."""
    path = Path(name)
    if not path.is_absolute():
        return name
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return name


def _timestamp(event: SageMakerEvent) -> str | None:
    time = event.time
    return f"{time:%b} {time.day}, {time:%H:%M} UTC" if time else None
