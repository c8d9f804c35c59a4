"""The project as a new user gets it: the wheel built from the repository, installed in a fresh
virtualenv, its command line run from a directory that is not the checkout.

The wheel is built as deploy/build_function.py builds it (``pip wheel . --no-deps``, from a copy
of the sources). The fresh virtualenv gets the project from the wheel only; its dependencies
are this virtualenv's (a directory of links to them, without the project's editable install),
so nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import load_sample
from tests.deploy.conftest import EVENTS_DIR, ROOT, deploy_script

SAMPLE = EVENTS_DIR / "training_job_state_change.json"
_WHERE = "from bot.render import renderer as r; print(r.__file__, r.BUILTIN_TEMPLATES)"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built: Path = deploy_script("build_function").build_wheel(tmp_path_factory.mktemp("wheel"))
    return built


@pytest.fixture(scope="module")
def fresh(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with the wheel installed; its bin directory."""
    tmp = tmp_path_factory.mktemp("fresh")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # The dependencies: links to this virtualenv's packages, less the project itself.
    dependencies = tmp / "dependencies"
    dependencies.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if entry.suffix == ".pth" or re.match(r"(__editable__|sagemaker_chatops)", entry.name):
            continue
        (dependencies / entry.name).symlink_to(entry)
    (site / "dependencies.pth").write_text(f"{dependencies}\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    install += ["--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)]
    subprocess.run(install, check=True)
    return venv / "bin"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory that is not the checkout."""
    directory = tmp_path / "elsewhere"
    directory.mkdir()
    return directory


def _env(directory: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHATOPS_", "SLACK_"))}
    env.pop("PYTHONPATH", None)
    env["CHATOPS_STORE"] = f"sqlite:///{directory / 'state.sqlite3'}"
    return env


def cli(fresh: Path, directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(fresh / "sagemaker-chatops"), *args],
        cwd=directory,
        env=_env(directory),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_wheel_carries_the_built_in_templates_in_the_package(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    templates = sorted(
        n.removeprefix("bot/templates/")
        for n in names
        if n.startswith("bot/templates/") and n.endswith(".j2")
    )
    assert templates == sorted(p.name for p in (ROOT / "templates").glob("*.j2"))
    # The HTML preview's page and stylesheet travel with it too.
    assert "bot/preview/templates/page.html.j2" in names
    assert "bot/preview/static/preview.css" in names
    assert "bot/templates/__init__.py" in names
    assert {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")} == {
        "bot",
        "handlers",
    }
    assert not [n for n in names if "__compiled__" in n or "__pycache__" in n]
    assert "bot/cli/main.py" in names and "bot/local/server.py" in names  # the command line


def test_the_installed_package_finds_its_templates_inside_itself(
    fresh: Path, elsewhere: Path
) -> None:
    found = subprocess.run(
        [
            str(fresh / "python"),
            "-c",
            _WHERE,
        ],
        cwd=elsewhere,
        env=_env(elsewhere),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    site = fresh.parent / "lib"
    assert found[0].startswith(f"{site}/") and found[1].startswith(f"{site}/")
    assert found[1].endswith("/site-packages/bot/templates")


def test_render_from_anywhere_is_the_real_message(fresh: Path, elsewhere: Path) -> None:
    done = cli(fresh, elsewhere, "render", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    assert "failed" not in done.stderr  # not "template training_job failed …"
    message = json.loads(done.stdout)
    # The training job template's message, exactly as the checkout renders it.
    checkout = subprocess.run(
        [str(Path(sys.executable).parent / "sagemaker-chatops"), "render", str(SAMPLE)],
        cwd=ROOT,
        env=_env(elsewhere),
        capture_output=True,
        text=True,
        check=True,
    )
    assert message == json.loads(checkout.stdout)
    assert message["blocks"][0]["type"] == "header"
    assert len(message["blocks"]) > 3
    name = load_sample("training_job_state_change")["detail"]["TrainingJobName"]
    assert name in json.dumps(message)


def test_preview_and_the_demo_replay_from_anywhere(fresh: Path, elsewhere: Path) -> None:
    done = cli(fresh, elsewhere, "preview", str(SAMPLE), "--output", "preview.html")
    assert done.returncode == 0, done.stderr
    page = (elsewhere / "preview.html").read_text()
    assert load_sample("training_job_state_change")["detail"]["TrainingJobName"] in page
    done = cli(fresh, elsewhere, "replay", "--demo", "--output", "conversation.html")
    assert done.returncode == 0, done.stderr
    assert "failed;" not in done.stderr and "generic template failed" not in done.stderr
    assert (elsewhere / "conversation.html").stat().st_size > 10_000


@pytest.fixture
def server(fresh: Path, elsewhere: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [str(fresh / "sagemaker-chatops"), "serve", "--port", "0", "--channel", "C0WHEEL"],
        cwd=elsewhere,
        env=_env(elsewhere),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"Listening on (http://\S+):", line)
        assert found, line + (process.stderr.read() if process.stderr else "")
        yield found.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_from_anywhere_takes_an_event(server: str) -> None:
    request = urllib.request.Request(
        f"{server}/events",
        data=SAMPLE.read_bytes(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        answer = json.loads(response.read())
    assert "posted" in json.dumps(answer)
    with urllib.request.urlopen(f"{server}/", timeout=30) as response:
        page = response.read().decode()
    assert load_sample("training_job_state_change")["detail"]["TrainingJobName"] in page


def test_pyproject_lists_every_package() -> None:
    """pyproject.toml lists the packages (``find`` cannot map templates/ to bot.templates): each
    package of the sources, and bot.templates, is in the list.
    """
    import tomllib

    from setuptools import find_packages

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = find_packages(str(ROOT), include=["bot", "bot.*", "handlers", "handlers.*"])
    assert sorted(setuptools["packages"]) == sorted([*found, "bot.templates"])
    assert setuptools["package-dir"] == {"bot.templates": "templates"}
