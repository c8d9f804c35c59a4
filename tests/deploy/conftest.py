"""serverless.yml, read two ways.

- As configuration (fast, pure Python): the YAML with CloudFormation's short forms (``!Ref``,
  ``!GetAtt``…) and the osls variables it uses (``${self:…}``, ``${param:…}``,
  ``${sls:stage}``, ``${opt:…}``, ``${env:…}``) resolved the way osls does for ``--stage ci``.
- As the packaged CloudFormation template that osls writes. ``make package`` (deploy/package.sh,
  run by ``make test`` and CI) packages it with the real dependency layer and hands it over in
  ``CHATOPS_PACKAGE_DIR``; without that, the first test that needs it builds the function zip
  (deploy/build_function.py) and runs ``osls package`` itself with a stub layer (only where
  Node.js and ``node_modules/.bin/osls`` are installed, else those tests skip, or fail when
  ``CHATOPS_REQUIRE_PACKAGE`` is set, as in CI).
"""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SERVERLESS_YML = ROOT / "serverless.yml"
EVENTS_DIR = ROOT / "tests" / "events"
OSLS = ROOT / "node_modules" / ".bin" / "osls"
TEMPLATE_FILE = "cloudformation-template-update-stack.json"
STAGE = "ci"


def deploy_script(name: str) -> ModuleType:
    """A script of deploy/ (``build_function``, ``package_size``), imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "deploy" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def skip_or_fail(reason: str) -> None:
    """Skip, unless CI requires the package (then this is a failure, not a skip)."""
    if os.environ.get("CHATOPS_REQUIRE_PACKAGE"):
        pytest.fail(f"{reason}, and CHATOPS_REQUIRE_PACKAGE is set", pytrace=False)
    pytest.skip(reason)


# --- serverless.yml as configuration --------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """YAML's safe loader, reading CloudFormation short forms as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)

# Innermost variables of the sources used here; ${AWS::Region} in !Sub is CloudFormation's.
_VARIABLE = re.compile(r"\$\{(self|param|sls|opt|env):([^${}]*)\}")


class Resolver:
    """osls variable resolution, for the sources serverless.yml uses."""

    def __init__(
        self,
        raw: dict[str, Any],
        *,
        params: dict[str, Any] | None = None,
        options: dict[str, str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.raw = raw
        self.options = {"stage": STAGE, **(options or {})}
        stage = self.options["stage"]
        declared = raw.get("params") or {}
        self.params = {
            **(declared.get("default") or {}),
            **(declared.get(stage) or {}),
            **(params or {}),
        }
        self.env = env or {}

    def resolve(self, value: Any, depth: int = 0) -> Any:
        # Depth counts variables resolved within variables (a loop would never end), not the
        # nesting of the data.
        assert depth < 20, f"variables nested too deep at {value!r}"
        if isinstance(value, dict):
            return {k: self.resolve(v, depth) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, depth) for v in value]
        if not isinstance(value, str):
            return value
        while (match := _VARIABLE.search(value)) is not None:
            found = self._lookup(match.group(1), match.group(2), depth)
            if match.group(0) == value:  # the whole string: keep the value's type
                return self.resolve(found, depth + 1)
            value = value[: match.start()] + text(found) + value[match.end() :]
        return value

    def _lookup(self, source: str, address: str, depth: int) -> Any:
        name, _, fallback = (part.strip() for part in address.partition(","))
        default = fallback.strip("'\"") if fallback else None
        found: Any
        if source == "self":
            found = self._path(name, depth)
        elif source == "param":
            found = self.params.get(name)
        elif source == "sls":
            assert name == "stage", f"unknown ${{sls:{name}}}"
            found = self.options["stage"]
        elif source == "opt":
            found = self.options.get(name)
        else:
            found = self.env.get(name)
        if found is None:
            assert default is not None, f"${{{source}:{address}}} resolves to nothing"
            return default
        return found

    def _path(self, path: str, depth: int) -> Any:
        node: Any = self.raw
        for segment in path.split("."):
            if isinstance(node, str):
                node = self.resolve(node, depth + 1)
            node = node[int(segment)] if isinstance(node, list) else node[segment]
        return node


def text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def load_raw() -> dict[str, Any]:
    data = yaml.load(SERVERLESS_YML.read_text(), Loader=_CfnLoader)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return load_raw()


@pytest.fixture(scope="module")
def config(raw: dict[str, Any]) -> dict[str, Any]:
    resolved = Resolver(raw).resolve(raw)
    assert isinstance(resolved, dict)
    return resolved


@pytest.fixture(scope="module")
def resources(config: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = config["resources"]["Resources"]
    return found


# --- the packaged template --------------------------------------------------------------------


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory ``osls package`` wrote: ``make package``'s, else one made here."""
    given = os.environ.get("CHATOPS_PACKAGE_DIR")
    if given:
        directory = Path(given)
        if not directory.is_absolute():
            directory = ROOT / directory
        if not (directory / TEMPLATE_FILE).is_file():
            pytest.fail(f"CHATOPS_PACKAGE_DIR={given} holds no {TEMPLATE_FILE}", pytrace=False)
        newest_source = max(
            p.stat().st_mtime for p in (SERVERLESS_YML, ROOT / "deploy" / "osls-offline-package.js")
        )
        if (directory / TEMPLATE_FILE).stat().st_mtime < newest_source:
            pytest.fail(f"{directory} is older than serverless.yml: `make package`")
        return directory
    return _shared_package(tmp_path_factory, "osls")


@pytest.fixture(scope="session")
def snap_start_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The template of ``osls package --param snapStart=true``: always packaged here (the same
    way as above, with a stub layer), since ``make package`` packages the defaults only."""
    directory = _shared_package(tmp_path_factory, "osls-snap-start", {"snapStart": "true"})
    data: dict[str, Any] = json.loads((directory / TEMPLATE_FILE).read_text())
    return data


def _shared_package(
    tmp_path_factory: pytest.TempPathFactory, name: str, params: dict[str, str] | None = None
) -> Path:
    """``_package`` once for the whole run, also under pytest-xdist: the workers share the
    parent of their base temporary directories, and the first one in packages for all."""
    if shutil.which("node") is None:
        skip_or_fail("node is not installed")
    if not OSLS.exists():
        skip_or_fail("node_modules/.bin/osls is not installed (npm ci)")
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    tmp = shared / name
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (tmp / "done").exists():
            shutil.rmtree(tmp, ignore_errors=True)
            _package(tmp, params or {})
            (tmp / "done").touch()
    return tmp / "package"


def _package(tmp: Path, params: dict[str, str]) -> None:
    """``osls package --stage ci`` (with ``--param NAME=VALUE`` for each of ``params``) into
    ``tmp/package``, with no AWS credentials or configuration, the function zip as
    deploy/package.sh builds it, and a stub dependency layer (the real one is
    deploy/build_layer.sh's)."""
    layer = tmp / "layer"
    (layer / "python").mkdir(parents=True)
    (layer / "python" / "layer_stub.py").write_text("")
    function_zip = tmp / "function" / "sagemaker-chatops.zip"
    deploy_script("build_function").build(function_zip)
    out = tmp / "package"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        # osls resolves a layer path against the service directory, so a relative one.
        CHATOPS_LAYER_DIR=os.path.relpath(layer, ROOT),
        CHATOPS_FUNCTION_ZIP=str(function_zip),
        AWS_CONFIG_FILE=str(tmp / "no-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-aws-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [str(OSLS), "package", "--stage", STAGE, "--package", str(out)]
        + [f"--param={name}={value}" for name, value in params.items()],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"osls package failed:\n{result.stdout}\n{result.stderr}"
    shutil.copy2(function_zip, out)  # as deploy/package.sh does: both zips in one directory


def is_stub_layer(packaged: Path) -> bool:
    with zipfile.ZipFile(packaged / "deps.zip") as archive:
        return archive.namelist() == ["python/layer_stub.py"]


@pytest.fixture(scope="session")
def template(packaged: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((packaged / TEMPLATE_FILE).read_text())
    return data
