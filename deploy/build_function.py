"""Build the Lambda function package (the zip both functions run; the layer holds the
dependencies): run by deploy/package.sh, so by ``make package``.

    python deploy/build_function.py [--out ZIP]   # default: build/function/sagemaker-chatops.zip

1. The project's wheel (``pip wheel . --no-deps``), unpacked: the code as pip installs it, the
   built-in templates inside the package (``bot/templates``, where pyproject.toml maps the
   top-level ``templates/`` folder and where the renderer looks for them).
2. The built-in templates compiled ahead of time there (``bot/templates/__compiled__``), by the
   unpacked package itself: a cold start imports them instead of compiling their source.
3. Zipped with what the handlers need and nothing else: not the wheel's metadata, and not
   DEVELOPER_ONLY (the command line, the local server, the HTML preview, the demo scenario;
   the handlers never import them, tests/deploy checks that against their imports). Tests,
   stand-ins and benchmarks are not in the wheel to begin with.
4. Your template overrides: each directory under ``templates/`` (e.g. ``templates/custom``) is
   added as it is, so ``templatesDir=/var/task/templates/custom`` finds it (README,
   "Templates").

The zip is deterministic (sorted names, fixed timestamps and modes): the same sources give the
same bytes, so osls keeps the functions' versions when nothing changed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from fnmatch import fnmatch
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "function" / "sagemaker-chatops.zip"
TEMPLATES = ROOT / "templates"  # the built-in templates' sources: bot.templates (pyproject.toml)
# What only a developer runs: `sagemaker-chatops` and what only it imports.
DEVELOPER_ONLY = (
    "bot/cli/*",  # the command line
    "bot/local/*",  # the local server and the conversation page
    "bot/slack_app/http.py",  # the Bolt app on the local server (`serve`)
    "bot/preview/*",  # the HTML preview of messages, its templates and stylesheet
    "bot/demo.py",  # the demo scenario
    "bot/py.typed",  # for type checkers
)
# What the wheel is built from (pyproject.toml names the rest: readme, packages, package-dir).
SOURCES = ("pyproject.toml", "README.md", "bot", "handlers", "templates")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def build_wheel(directory: Path) -> Path:
    """The project's wheel (``pip wheel . --no-deps``) in ``directory``.

    Built from a copy of the sources (SOURCES) in ``directory``: setuptools keeps what it built
    in ``build/lib`` and would carry a file deleted since into the next wheel. With this
    environment's setuptools when it is recent enough (the dev extra has it; no download), else
    in pip's isolated build environment.
    """
    tree = directory / "source"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "__compiled__")
            shutil.copytree(source, tree / name, ignore=ignore)
        else:
            tree.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tree / name)
    isolation = ["--no-build-isolation"] if _has_build_backend() else []
    command = [sys.executable, "-m", "pip", "wheel", str(tree), "--no-deps", *isolation]
    command += ["--quiet", "--disable-pip-version-check", "--wheel-dir", str(directory)]
    subprocess.run(command, check=True)
    shutil.rmtree(tree)
    [wheel] = directory.glob("sagemaker_chatops-*.whl")
    return wheel


def _has_build_backend() -> bool:
    """setuptools as pyproject.toml's [build-system] requires it (>=77), in this environment."""
    try:
        major = int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return False
    return major >= 77


def compile_templates(site: Path) -> Path:
    """Compile the built-in templates of the package unpacked in ``site``, where they are."""
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bot.render.renderer import compile_builtin_templates as c; print(c())",
        ],
        cwd=site,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    target = Path(result.stdout.strip())
    if not target.is_relative_to(site):
        raise SystemExit(f"build_function: the templates were compiled into {target}, not {site}")
    return target


def is_developer_only(name: str) -> bool:
    return any(fnmatch(name, pattern) for pattern in DEVELOPER_ONLY)


def function_files(site: Path) -> Iterator[tuple[str, Path]]:
    """(name in the zip, file) for what the handlers need, from the unpacked wheel."""
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        if not path.is_file() or name.split("/", 1)[0].endswith(".dist-info"):
            continue
        if "__pycache__" in name.split("/") or is_developer_only(name):
            continue
        yield name, path


def override_files(templates: Path = TEMPLATES) -> Iterator[tuple[str, Path]]:
    """(name in the zip, file) of the template override directories under ``templates/``."""
    for directory in sorted(p for p in templates.iterdir() if p.is_dir()):
        if directory.name.startswith("__"):  # __compiled__, __pycache__: not overrides
            continue
        for path in sorted(directory.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                yield f"templates/{path.relative_to(templates).as_posix()}", path


def write_zip(out: Path, files: list[tuple[str, Path]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(files):
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial.replace(out)


def build(out: Path) -> list[str]:
    """Build the function zip at ``out``; the names in it."""
    with tempfile.TemporaryDirectory(prefix="build-function-") as tmp:
        wheel = build_wheel(Path(tmp) / "wheel")
        site = Path(tmp) / "site"
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
        compile_templates(site)
        files = [*function_files(site), *override_files()]
        write_zip(out, files)
    return [name for name, _ in files]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args()
    names = build(args.out)
    overrides = sum(1 for n in names if n.startswith("templates/"))
    print(
        f"build_function: {args.out} ({len(names)} files, of which {overrides} in template "
        f"overrides under templates/)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
