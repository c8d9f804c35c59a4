"""``sagemaker-chatops replay``: the local mode (no token) and Slack mode (stand-in)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.settings import get_settings
from tests.conftest import EVENTS_DIR
from tests.standins.slack_api import SlackStandin


@pytest.fixture(autouse=True)
def _no_slack_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "CHATOPS_SLACK_BOT_TOKEN", "CHATOPS_SLACK_TOKEN_PARAMETER"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()


def test_demo_without_token_prints_threads_and_writes_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "conversation.html"
    assert main(["replay", "--demo", "--output", str(page)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    # One parent per workflow or resource, with the current (final) state: the jobs and the
    # package the nightly run made are in the run's thread (the package as its approval card,
    # broadcast), and so is the failed run's training job
    parents = [line for line in lines if line.startswith("  ● ")]
    assert len(parents) == 6
    assert any(
        "↳ ✋ Model package churn-models/7: PendingManualApproval  [also sent to the channel]" in ln
        for ln in lines
    )
    assert any("Pipeline execution nightly-2026-11-25: Executing → Succeeded" in p for p in parents)
    assert any("Training job churn-experiment-gpu-03: Failed" in p for p in parents)
    assert any("Endpoint churn-scoring: InService" in p for p in parents)
    assert any("HyperPod cluster llm-pretrain: InService" in p for p in parents)
    assert any("Pipeline execution tenure-buckets-test: Executing → Failed" in p for p in parents)
    assert not any("pipelines-" in p for p in parents)  # a run's jobs have no thread of their own
    # Steps reply in their execution's thread; the failures are broadcast, once per thread
    assert any("↳ ✅ Pipeline step *RegisterModel*: Starting → *Succeeded*" in ln for ln in lines)
    broadcasts = [line for line in lines if "[also sent to the channel]" in line]
    # the approval card, the failed run's job, the failed job, the cluster's capacity error
    assert len(broadcasts) == 4
    assert any("AlgorithmError" in line and "pipelines-w5n8d2h6kq3j" in line for line in broadcasts)
    assert "17 duplicate" in out
    html = page.read_text()
    assert "churn-scoring" in html
    assert "<script" not in html


def test_replay_files_posts_to_slack_with_a_token(
    slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", slack_api.token)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("CHATOPS_STORE", "sqlite://:memory:")
    get_settings.cache_clear()
    files = [str(EVENTS_DIR / "pipeline_execution_status_change.json"),
             str(EVENTS_DIR / "pipeline_step_status_change.json")]  # fmt: skip
    assert main(["replay", "--channel", "C42", *files]) == 0
    assert "2 events delivered to C42" in capsys.readouterr().out
    [parent] = slack_api.messages("C42")
    [reply] = slack_api.thread("C42", parent.ts)
    assert "myprocessingstep1" in reply.text
    assert parent.edited  # the execution's checklist now lists the step
    assert "myprocessingstep1" in json.dumps(parent.blocks)


def test_replay_needs_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay"]) == 2
    assert "nothing to replay" in capsys.readouterr().err


def test_replay_bad_file_is_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    assert main(["replay", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not valid JSON" in err
