"""The bot's loggers in a fresh Lambda process: routed at import, at POWERTOOLS_LOG_LEVEL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import logging, sys
import {module}
bot = logging.getLogger("bot")
assert not bot.propagate, "bot.* lines would also reach Lambda's root logger as plain text"
logging.getLogger("bot.probe").debug("probe debug")
logging.getLogger("bot.probe").info("probe info")
logging.getLogger("bot.probe").warning("probe warning")
"""


def run_probe(module: str, level: str | None) -> list[dict[str, object]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("POWERTOOLS_", "AWS_LAMBDA", "SLACK_", "CHATOPS_"))
    }
    # What the functions are given in Lambda, in the form local runs use: handlers.slack
    # builds its app at import, and would log that it cannot without them.
    env.update(SLACK_BOT_TOKEN="xoxb-probe", SLACK_SIGNING_SECRET="probe-signing-secret")
    if level is not None:
        env["POWERTOOLS_LOG_LEVEL"] = level
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = [json.loads(x) for x in out.stdout.splitlines() if x.startswith("{")]
    assert out.stderr == ""  # nothing printed a second time, unformatted
    return lines


@pytest.mark.parametrize("module", ["handlers.events", "handlers.slack"])
@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (None, ["probe info", "probe warning"]),
        ("DEBUG", ["probe debug", "probe info", "probe warning"]),
        ("WARNING", ["probe warning"]),
    ],
)
def test_bot_lines_are_powertools_json_at_powertools_log_level(
    module: str, level: str | None, expected: list[str]
) -> None:
    lines = run_probe(module, level)
    assert [line["message"] for line in lines] == expected
    assert {line["name"] for line in lines} == {"bot.probe"}
    assert {line["service"] for line in lines} == {"sagemaker-chatops"}
