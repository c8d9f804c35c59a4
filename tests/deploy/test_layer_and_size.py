"""The dependency layer deploy/build_layer.sh builds (build/layer), and the package's size.

The layer is built by ``make package`` (and so by ``make test`` and CI); without it these tests
skip, or fail when ``CHATOPS_REQUIRE_PACKAGE`` is set.
"""

from __future__ import annotations

import re
import struct
from importlib.metadata import Distribution, distributions
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.deploy.conftest import ROOT, deploy_script, is_stub_layer, skip_or_fail

BUILD_LAYER = ROOT / "deploy" / "build_layer.sh"
LAYER_SITE = ROOT / "build" / "layer" / "python"  # deploy/build_layer.sh's default output
MB = 1024 * 1024
# The layer without the AWS SDK is about 23 MB unzipped; with boto3 back it would be about 60.
LAYER_BUDGET = 40 * MB
FUNCTION_BUDGET = 2 * MB

_ELF_MACHINE_AARCH64 = 183


def _elf_machine(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[:4] == b"\x7fELF", path
    endian = "<" if header[5] == 1 else ">"
    machine: int = struct.unpack(f"{endian}H", header[18:20])[0]
    return machine


def _script_value(name: str) -> str:
    found = re.search(rf'^{name}="?([^"\n]+)"?', BUILD_LAYER.read_text(), re.MULTILINE)
    assert found, name
    return found.group(1).split("#")[0].strip()


@pytest.fixture(scope="module")
def built_layer() -> Path:
    if not (LAYER_SITE.parent / ".build-key").is_file():
        skip_or_fail("the layer is not built (deploy/build_layer.sh, or make package)")
    return LAYER_SITE


@pytest.fixture(scope="module")
def layer_dists(built_layer: Path) -> dict[str, Distribution]:
    return {
        canonicalize_name(d.metadata["Name"]): d for d in distributions(path=[str(built_layer)])
    }


def test_layer_binaries_are_arm64(built_layer: Path) -> None:
    libraries = [p for p in built_layer.rglob("*.so*") if p.is_file()]
    assert libraries, "no compiled extension (pydantic-core has one)"
    wrong = [p for p in libraries if _elf_machine(p) != _ELF_MACHINE_AARCH64]
    assert not wrong, f"not aarch64: {wrong}"


def test_layer_has_the_dependencies_for_the_runtime(built_layer: Path) -> None:
    version = _script_value("LAMBDA_PYTHON").replace(".", "")
    assert list(built_layer.glob(f"pydantic_core/_pydantic_core.cpython-{version}-*.so"))
    for package in ("pydantic", "jinja2", "slack_sdk", "slack_bolt", "aws_lambda_powertools"):
        assert (built_layer / package / "__init__.py").is_file(), package
    # The .pyc files, when there are any, are for the Lambda runtime's Python.
    wrong = [
        p for p in built_layer.rglob("*.pyc") if not p.name.endswith(f".cpython-{version}.pyc")
    ]
    assert not wrong, f"compiled for another Python: {wrong[:5]}"


def test_layer_leaves_the_aws_sdk_to_the_runtime(
    built_layer: Path, layer_dists: dict[str, Distribution]
) -> None:
    provided = {canonicalize_name(n) for n in _script_value("RUNTIME_PROVIDED").split()}
    assert {"boto3", "botocore"} <= provided
    assert not provided & set(layer_dists)
    for top in ("boto3", "botocore", "s3transfer", "urllib3", "dateutil", "jmespath"):
        assert not (built_layer / top).exists(), top


def test_layer_and_runtime_together_satisfy_every_requirement(
    layer_dists: dict[str, Distribution],
) -> None:
    """Every dependency of what the bot needs, on Lambda's Python 3.12 on arm64, is in the
    layer or in the runtime (boto3's closure): nothing is missing once boto3 is left out."""
    provided = {canonicalize_name(n) for n in _script_value("RUNTIME_PROVIDED").split()}
    lambda_env: dict[str, str] = {
        **default_environment(),
        "python_version": "3.12",
        "python_full_version": "3.12.0",
        "platform_machine": "aarch64",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
    }
    pyproject = (ROOT / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", pyproject, re.MULTILINE | re.DOTALL)
    assert block
    wanted = [Requirement(r) for r in re.findall(r'"([^"]+)"', block.group(1))]
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    while wanted:
        requirement = wanted.pop()
        name = canonicalize_name(requirement.name)
        key = (name, frozenset(requirement.extras))
        if key in seen:
            continue
        seen.add(key)
        if name in provided:
            continue
        dist = layer_dists.get(name)
        if dist is None:
            missing.append(str(requirement))
            continue
        assert dist.version in requirement.specifier or not requirement.specifier, requirement
        for text in dist.requires or []:
            nested = Requirement(text)
            for extra in requirement.extras or {""}:
                env = {**lambda_env, "extra": extra}
                if nested.marker is None or nested.marker.evaluate(env):
                    wanted.append(nested)
    assert not missing, f"neither in the layer nor in the Lambda runtime: {missing}"


# --- the package's size ---------------------------------------------------------------------------


def _package_size() -> ModuleType:
    return deploy_script("package_size")


def test_package_size_is_measured_and_within_budget(packaged: Path) -> None:
    package_size = _package_size()
    sizes: dict[str, Any] = package_size.measure_package(packaged)
    function, layer = sizes["function"], sizes["layer"]
    assert function.name == "sagemaker-chatops.zip" and layer.name == "deps.zip"
    assert 0 < function.zipped < function.unzipped < FUNCTION_BUDGET
    text, within = package_size.report(sizes)
    assert within and "sagemaker-chatops.zip" in text and "deps.zip" in text
    if not is_stub_layer(packaged):
        assert 0 < layer.zipped < layer.unzipped < LAYER_BUDGET


def test_package_size_report_flags_a_package_over_lambdas_limit() -> None:
    package_size = _package_size()
    big = package_size.Artifact("deps.zip", 90 * MB, 260 * MB, 10)
    small = package_size.Artifact("sagemaker-chatops.zip", MB, 2 * MB, 10)
    text, within = package_size.report({"function": small, "layer": big})
    assert not within and "OVER THE LIMIT" in text
