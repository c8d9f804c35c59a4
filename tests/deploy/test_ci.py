"""CI really packages and lints: `.ci/run` → `make test` → `make package` (deploy/package.sh)
before the test suite, which then reads that package."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.deploy.conftest import ROOT, skip_or_fail


def test_ci_requires_the_package_and_runs_make_test() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)
    lines = [line.strip() for line in script.read_text().splitlines()]
    assert "export CHATOPS_REQUIRE_PACKAGE=1" in lines
    assert lines[-1] == "make test"


def test_make_test_packages_lints_and_measures_before_the_tests() -> None:
    if shutil.which("make") is None or shutil.which("npm") is None:
        skip_or_fail("make or npm is not installed")
    # A dry run prints every command, also of the recursive `make package`.
    env = {**os.environ, "CHATOPS_REQUIRE_PACKAGE": "1"}
    result = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    commands = result.stdout
    package = commands.index("bash deploy/package.sh")
    tests = commands.index("-m pytest")
    assert package < tests
    assert "CHATOPS_PACKAGE_DIR=build/package" in commands[tests - 80 : tests]
    steps = (ROOT / "deploy" / "package.sh").read_text()
    for step in (
        "npm ci",
        "deploy/build_layer.sh",
        "npx --no-install osls package",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "cfn-lint",
        "deploy/package_size.py",
    ):
        assert step in steps, step
    assert "set -euo pipefail" in steps


@pytest.mark.parametrize("required", [True, False])
def test_without_npm_packaging_fails_in_ci_and_is_skipped_loudly_elsewhere(required: bool) -> None:
    make = shutil.which("make")
    if make is None:
        skip_or_fail("make is not installed")
        return
    env = {k: v for k, v in os.environ.items() if k != "CHATOPS_REQUIRE_PACKAGE"}
    if required:
        env["CHATOPS_REQUIRE_PACKAGE"] = "1"
    # HAVE_NPM= : as on a machine without npm. -o: the virtualenv counts as up to date.
    result = subprocess.run(
        [make, "--no-print-directory", "-o", ".venv/.installed", "package-check", "HAVE_NPM="],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "npm is not installed" in result.stderr
    assert (result.returncode != 0) is required
    assert "deploy/package.sh" not in result.stdout
