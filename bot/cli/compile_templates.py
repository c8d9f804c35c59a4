"""``sagemaker-chatops compile-templates``: compile the built-in templates ahead of time.

Packaging runs it, so that a Lambda cold start imports the templates' Python instead of
compiling their source (see ``bot.render.compiled``).
"""

from __future__ import annotations

import argparse
import sys

from bot.cli.common import Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "compile-templates",
        help="compile the built-in templates ahead of time (packaging runs this)",
        description="Compile the built-in templates (the package bot.templates) to Python "
        "modules in __compiled__ beside them, which the renderer loads while they match their "
        "sources.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot.render.renderer import compile_builtin_templates

    target = compile_builtin_templates()
    count = sum(1 for _ in target.glob("tmpl_*.py"))
    sys.stdout.write(f"compiled {count} templates into {target}\n")
    return 0
