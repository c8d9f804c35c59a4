"""The Lambda function zip (deploy/build_function.py, packaged by ``make package``): what the
handlers need and nothing a developer alone uses, and it works on its own.

The zip is unpacked as Lambda does (``/var/task``) and the handlers run from it in a fresh
interpreter whose path is that directory, the standard library and the dependencies: not the
checkout, not the editable install, not the tests. The dependencies are this virtualenv's
site-packages, standing in for the layer (deploy/build_layer.sh pins the layer to the same
versions, but builds it for arm64, which this machine cannot import); what the handlers import
from them is checked against the real layer and the Lambda runtime's AWS SDK.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import EVENTS_DIR, ROOT, deploy_script, is_stub_layer, skip_or_fail

FUNCTION_ZIP = "sagemaker-chatops.zip"
CHANNEL = "C0LAMBDA"
# What the runtime provides (deploy/build_layer.sh's RUNTIME_PROVIDED), as import names, and
# SnapStart's runtime hooks (handlers/slack.py), which Lambda's Python runtimes include.
RUNTIME_MODULES = {
    *("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3"),
    "snapshot_restore_py",
}
# Imported when present, else done without: botocore's CA bundle (botocore.httpsession).
OPTIONAL_MODULES = {"certifi"}


@pytest.fixture(scope="module")
def names(packaged: Path) -> list[str]:
    with zipfile.ZipFile(packaged / FUNCTION_ZIP) as archive:
        return archive.namelist()


# --- what is in it ----------------------------------------------------------------------------


def _module_of(name: str) -> str:
    return name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _imports(path: Path, module: str) -> set[str]:
    """Every module ``path`` imports (also inside functions and under TYPE_CHECKING)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([base] if base else [])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def handlers_closure() -> set[str]:
    """The bot's modules the two handlers import, directly or not, from the sources."""
    sources = {
        _module_of(p.relative_to(ROOT).as_posix()): p
        for top in ("bot", "handlers")
        for p in (ROOT / top).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    reached: set[str] = set()
    stack = ["handlers.events", "handlers.slack"]
    while stack:
        module = stack.pop()
        if module in reached or module not in sources:
            continue
        reached.add(module)
        parents = module.split(".")
        stack += [".".join(parents[:i]) for i in range(1, len(parents))]
        stack += [m for m in _imports(sources[module], module) if m in sources]
    return reached


def test_function_zip_holds_what_the_handlers_import_and_nothing_else(names: list[str]) -> None:
    modules = {_module_of(n) for n in names if n.endswith(".py") and "/__compiled__/" not in n}
    # The built-in templates' package is imported by name (importlib.resources), not by import.
    assert modules == handlers_closure() | {"bot.templates"}


def test_function_zip_holds_nothing_a_developer_alone_uses(names: list[str]) -> None:
    developer_only = (
        "tests/",
        "bench/",
        "deploy/",
        "docs/",
        "bot/cli/",
        "bot/local/",
        "bot/demo.py",
        "bot/preview/",
        "bot/slack_app/http.py",
        "bot/py.typed",
    )
    assert not [n for n in names if n.startswith(developer_only)]
    assert not [n for n in names if "standin" in n or "bench" in n or "conftest" in n]
    assert not [n for n in names if ".dist-info/" in n or ".egg-info/" in n]
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [n for n in names if deploy_script("build_function").is_developer_only(n)]
    # Besides modules, the templates only (a data file the handlers need is a decision here).
    data = [n for n in names if not n.endswith(".py")]
    assert [n for n in data if not n.endswith(".j2")] == ["bot/templates/__compiled__/FINGERPRINT"]
    assert all(n.startswith("bot/templates/") for n in data)


def test_function_zip_carries_the_built_in_templates_inside_the_package(names: list[str]) -> None:
    sources = sorted(p.name for p in (ROOT / "templates").glob("*.j2"))
    packaged = sorted(
        n.removeprefix("bot/templates/")
        for n in names
        if n.startswith("bot/templates/") and n.count("/") == 2 and n.endswith(".j2")
    )
    assert packaged == sources
    assert "bot/templates/__compiled__/FINGERPRINT" in names


def test_template_override_directories_ship_where_the_readme_says(tmp_path: Path) -> None:
    """templates/custom/x.json.j2 is /var/task/templates/custom/x.json.j2 in the function, for
    ``templatesDir=/var/task/templates/custom`` (README, "Templates")."""
    templates = tmp_path / "templates"
    (templates / "custom" / "nested").mkdir(parents=True)
    (templates / "__compiled__").mkdir()
    (templates / "training_job.json.j2").write_text("built in")
    (templates / "custom" / "training_job.json.j2").write_text("override")
    (templates / "custom" / "nested" / "x.json.j2").write_text("nested")
    (templates / "__compiled__" / "tmpl_x.py").write_text("")
    found = dict(deploy_script("build_function").override_files(templates))
    assert set(found) == {
        "templates/custom/training_job.json.j2",
        "templates/custom/nested/x.json.j2",
    }
    readme = (ROOT / "README.md").read_text()
    assert "templatesDir=/var/task/templates/custom" in readme


# --- and it runs on its own ---------------------------------------------------------------------

# Run in the unpacked function with ``python -I -S``: no site-packages, no .pth (so no editable
# install), no PYTHONPATH, no current directory; then the function's path as Lambda sets it.
_LAMBDA = r"""
import json, sys
task, dependencies, handler, events = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path[:0] = [task]
sys.path.append(dependencies)
import jinja2

def module_loaders(loader):
    if isinstance(loader, jinja2.ModuleLoader):
        return [loader.module.__path__[0]]
    return [p for inner in getattr(loader, "loaders", []) for p in module_loaders(inner)]

out = {}
if handler == "events":
    import handlers.events
    from bot.render import renderer

    context = type("Context", (), {"function_name": "events", "memory_limit_in_mb": 256,
        "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:events",
        "aws_request_id": "r-1", "get_remaining_time_in_millis": lambda self: 30000})()
    records = [{"messageId": f"m-{i}", "receiptHandle": "h", "body": open(path).read(),
                "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                "md5OfBody": "", "eventSource": "aws:sqs", "awsRegion": "us-east-1",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q"}
               for i, path in enumerate(events)]
    out["result"] = handlers.events.handler({"Records": records}, context)
    runtime = handlers.events.runtime()
    out["messages"] = [m.message for ms in runtime.slack.channels.values() for m in ms]
    out["builtin_templates"] = str(renderer.BUILTIN_TEMPLATES)
    out["compiled_loaders"] = module_loaders(runtime.renderer._env.loader)
else:
    import handlers.slack
    out["built_at_import"] = handlers.slack._handler is not None
    out["result"] = type(handlers.slack.request_handler()).__name__
out["modules"] = {name: getattr(m, "__file__", None) or "" for name, m in sys.modules.items()}
print(json.dumps(out))
"""

_OVERRIDE = """{
  "text": "custom {{ display_name }}",
  "blocks": [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Custom: *{{ display_name }}*"}}
  ]
}
"""


@pytest.fixture(scope="module")
def function_dir(packaged: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The function zip unpacked as Lambda does (/var/task), with a template override in
    templates/custom, where deploy/build_function.py ships templates/custom."""
    task = tmp_path_factory.mktemp("lambda") / "task"
    with zipfile.ZipFile(packaged / FUNCTION_ZIP) as archive:
        archive.extractall(task)
    custom = task / "templates" / "custom"
    custom.mkdir(parents=True)
    (custom / "training_job.json.j2").write_text(_OVERRIDE)
    return task


def run_handler(task: Path, handler: str, env: dict[str, str], *events: Path) -> dict[str, Any]:
    dependencies = sysconfig.get_paths()["purelib"]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", _LAMBDA, str(task), dependencies, handler]
        + [str(e) for e in events],
        cwd=task.parent,
        env={
            "PATH": os.environ.get("PATH", ""),
            "CHATOPS_STORE": f"sqlite:///{task.parent / f'{handler}.sqlite3'}",
            "POWERTOOLS_SERVICE_NAME": "sagemaker-chatops",
            "POWERTOOLS_METRICS_NAMESPACE": "Test",
            "POWERTOOLS_TRACE_DISABLED": "true",
            "AWS_DEFAULT_REGION": "us-east-1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    data["dependencies"], data["stderr"] = dependencies, done.stderr
    return data


@pytest.fixture(scope="module")
def events_run(function_dir: Path) -> dict[str, Any]:
    """The events handler on an SQS batch of two events, Slack being the in-memory gateway (no
    token), with ``CHATOPS_TEMPLATES_DIR`` as serverless.yml sets it from ``templatesDir``."""
    env = {
        "CHATOPS_DEFAULT_CHANNEL": CHANNEL,
        "CHATOPS_TEMPLATES_DIR": str(function_dir / "templates" / "custom"),
    }
    training = EVENTS_DIR / "training_job_state_change.json"
    endpoint = EVENTS_DIR / "endpoint_state_change.json"
    return run_handler(function_dir, "events", env, training, endpoint)


@pytest.fixture(scope="module")
def slack_run(function_dir: Path) -> dict[str, Any]:
    """The slack handler imported: its Bolt app is built then, in the init phase (and calls
    nothing until a request comes)."""
    env = {
        "SLACK_BOT_TOKEN": "xoxb-function-package-test",
        "SLACK_SIGNING_SECRET": "function-package-test",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
    }
    return run_handler(function_dir, "slack", env)


def test_the_handlers_run_from_the_function_zip_alone(
    function_dir: Path, events_run: dict[str, Any], slack_run: dict[str, Any]
) -> None:
    assert events_run["result"] == {"batchItemFailures": []}
    assert len(events_run["messages"]) == 2
    assert slack_run["result"] == "SlackRequestHandler"
    assert slack_run["built_at_import"] is True
    for run in (events_run, slack_run):
        modules: dict[str, str] = run["modules"]
        ours = {n: f for n, f in modules.items() if n.split(".")[0] in ("bot", "handlers")}
        assert ours and all(f.startswith(f"{function_dir}/") for f in ours.values()), ours
        assert not [n for n in modules if n.split(".")[0] == "tests"]
        elsewhere = [f for f in modules.values() if not f.startswith(run["dependencies"])]
        assert not [f for f in elsewhere if f.startswith(f"{ROOT}/")]


def test_the_function_finds_its_built_in_templates_inside_the_package_compiled(
    function_dir: Path, events_run: dict[str, Any]
) -> None:
    assert events_run["builtin_templates"] == f"{function_dir}/bot/templates"
    # The ahead-of-time build is current for the dependencies' Jinja: a cold start imports it.
    assert events_run["compiled_loaders"] == [f"{function_dir}/bot/templates/__compiled__"]
    [_, endpoint] = events_run["messages"]
    assert endpoint["blocks"][0]["type"] == "header"
    assert "failed" not in events_run["stderr"]  # no "template … failed" fallback


def test_a_template_override_from_templates_dir_takes_precedence(
    events_run: dict[str, Any],
) -> None:
    [training, _] = events_run["messages"]
    assert training["blocks"][0]["text"]["text"].startswith("Custom: *")
    assert training["text"].startswith("custom ")


def test_what_the_handlers_import_is_in_the_layer_or_the_lambda_runtime(
    events_run: dict[str, Any], slack_run: dict[str, Any], packaged: Path
) -> None:
    imported = {
        name.split(".")[0]
        for run in (events_run, slack_run)
        for name, path in run["modules"].items()
        if path.startswith(run["dependencies"] + "/")
    }
    assert {"pydantic", "jinja2", "slack_sdk", "slack_bolt", "aws_lambda_powertools"} <= imported
    if is_stub_layer(packaged):
        skip_or_fail("a stub layer (not `make package`'s): nothing to compare with")
    with zipfile.ZipFile(packaged / "deps.zip") as archive:
        layer = {n.split("/")[1].removesuffix(".py") for n in archive.namelist() if n.count("/")}
    layer |= {n.split(".")[0] for n in layer}  # extension modules: name.cpython-312-….so
    assert imported - layer - RUNTIME_MODULES - OPTIONAL_MODULES == set()
