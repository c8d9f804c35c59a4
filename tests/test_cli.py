"""The ``sagemaker-chatops`` command line: ``render`` (``preview`` is in tests/render)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.main import main
from bot.events.parse import parse_event
from bot.settings import get_settings
from tests.conftest import RAW_EVENTS_DIR, sample_paths

SAMPLES = sample_paths()
RAW_SAMPLES = sorted(RAW_EVENTS_DIR.glob("*.txt"))
TRAINING = next(p for p in SAMPLES if p.name == "training_job_state_change.json")
ERROR_PREFIX = "sagemaker-chatops: error: "


@pytest.fixture(autouse=True)
def _no_configured_templates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The developer's own CHATOPS_TEMPLATES_DIR must not change what these tests see."""
    monkeypatch.delenv("CHATOPS_TEMPLATES_DIR", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_message(out: str) -> dict[str, Any]:
    message = json.loads(out)
    assert isinstance(message, dict)
    assert isinstance(message["text"], str)
    assert message["text"].strip()
    assert isinstance(message["blocks"], list)
    assert message["blocks"]
    assert all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in message["blocks"])
    return message


def assert_one_error_line(err: str, starts_with: str) -> None:
    assert err.startswith(ERROR_PREFIX + starts_with), err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err


def test_samples_exist() -> None:
    assert len(SAMPLES) >= 10
    assert RAW_SAMPLES


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_render_prints_the_message_of_every_sample(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    # WHEN a sample event is rendered
    code, out, _ = run_cli(capsys, "render", str(path))

    # THEN the message is printed as indented JSON
    assert code == 0
    assert_message(out)
    assert out.startswith('{\n  "text": ')
    assert out.endswith("}\n")


def test_render_prints_non_ascii_text_as_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "training_job.json.j2").write_text(
        '{"text": "café → ✅", "blocks": [{"type": "divider"}]}', encoding="utf-8"
    )

    code, out, _ = run_cli(capsys, "render", str(TRAINING), "--templates", str(tmp_path))

    assert code == 0
    assert '"text": "café → ✅"' in out


def test_render_reads_stdin_for_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, from_file, _ = run_cli(capsys, "render", str(TRAINING))
    assert code == 0

    monkeypatch.setattr(sys, "stdin", io.StringIO(TRAINING.read_text(encoding="utf-8")))
    code, from_stdin, _ = run_cli(capsys, "render", "-")

    assert code == 0
    assert from_stdin == from_file


@pytest.mark.parametrize("path", RAW_SAMPLES, ids=lambda p: p.stem)
def test_malformed_json_is_one_error_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], path: Path
) -> None:
    code, out, err = run_cli(capsys, "render", str(path))

    assert code == 2
    assert out == ""
    assert_one_error_line(err, f"{path}: not valid JSON: ")
    assert " at line 1 column " in err


def test_error_names_the_json_problem(capsys: pytest.CaptureFixture[str]) -> None:
    path = RAW_EVENTS_DIR / "model_state_change_pattern.txt"

    _, _, err = run_cli(capsys, "render", str(path))

    assert err == (
        f"{ERROR_PREFIX}{path}: not valid JSON: Expecting ',' delimiter at line 1 column 80\n"
    )


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[1, 2]", "list"), ('"an event"', "str"), ("42", "int"), ("null", "NoneType")],
)
def test_json_that_is_not_an_object_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, kind: str
) -> None:
    path = tmp_path / "event.json"
    path.write_text(text, encoding="utf-8")

    code, out, err = run_cli(capsys, "render", str(path))

    assert code == 2
    assert out == ""
    assert err == f"{ERROR_PREFIX}{path}: expected a JSON object, got {kind}\n"


def test_stdin_errors_are_named_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("[]"))

    code, out, err = run_cli(capsys, "render", "-")

    assert (code, out) == (2, "")
    assert err == f"{ERROR_PREFIX}<stdin>: expected a JSON object, got list\n"


def test_missing_file_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"

    code, out, err = run_cli(capsys, "render", str(missing))

    assert (code, out) == (2, "")
    assert_one_error_line(err, f"{missing}: cannot read: ")


def test_a_file_that_is_not_utf8_is_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"detail-type": "caf\xe9"}')

    code, out, err = run_cli(capsys, "render", str(path))

    assert (code, out) == (2, "")
    assert_one_error_line(err, f"{path}: not UTF-8 text: ")


def test_a_json_object_that_is_not_a_sagemaker_event_renders(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"source": "aws.s3", "hello": "world"}), encoding="utf-8")

    code, out, _ = run_cli(capsys, "render", str(path))

    assert code == 0
    assert_message(out)


def test_a_json_object_that_is_not_a_sagemaker_event_uses_the_generic_template(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # GIVEN a templates directory whose generic template is recognisable
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "generic.json.j2").write_text(
        '{"text": "generic {{ r.name }}", "blocks": [{"type": "divider"}, null]}', encoding="utf-8"
    )
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"id": "evt-1", "hello": "world"}), encoding="utf-8")

    # WHEN an object that is no SageMaker event is rendered
    code, out, _ = run_cli(capsys, "render", str(path), "--templates", str(templates))

    # THEN the generic template renders it
    assert code == 0
    assert json.loads(out) == {"text": "generic evt-1", "blocks": [{"type": "divider"}]}


def write_custom_training_template(directory: Path) -> None:
    directory.mkdir(exist_ok=True)
    (directory / "training_job.json.j2").write_text(
        '{"text": "custom {{ r.name }}", "blocks": '
        '[{"type": "section", "text": {"type": "mrkdwn", "text": "custom"}}, null]}',
        encoding="utf-8",
    )


def expected_custom_message() -> dict[str, Any]:
    name = parse_event(json.loads(TRAINING.read_text(encoding="utf-8"))).resource.name
    return {
        "text": f"custom {name}",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "custom"}}],
    }


def test_templates_option_takes_precedence_over_the_built_in_templates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_custom_training_template(tmp_path)

    code, out, _ = run_cli(capsys, "render", str(TRAINING), "--templates", str(tmp_path))

    assert code == 0
    assert json.loads(out) == expected_custom_message()


def test_templates_default_to_the_setting(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_custom_training_template(tmp_path)
    monkeypatch.setenv("CHATOPS_TEMPLATES_DIR", str(tmp_path))
    get_settings.cache_clear()

    code, out, _ = run_cli(capsys, "render", str(TRAINING))

    assert code == 0
    assert json.loads(out) == expected_custom_message()


def test_templates_option_must_be_a_directory(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run_cli(capsys, "render", str(TRAINING), "--templates", str(tmp_path / "x"))

    assert (code, out) == (2, "")
    assert_one_error_line(err, "templates directory ")


def test_a_failing_template_falls_back_with_one_warning_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "training_job.json.j2").write_text("{{ no_such_variable }}", encoding="utf-8")

    code, out, err = run_cli(capsys, "render", str(TRAINING), "--templates", str(tmp_path))

    assert code == 0
    assert_message(out)
    assert err.count("\n") == 1
    assert "training_job" in err
    assert "Traceback" not in err


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])

    assert exit_info.value.code == 2
    assert "COMMAND" in capsys.readouterr().err


def run_process(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CHATOPS_TEMPLATES_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=60,
        check=False,
    )


def test_process_renders_a_sample_from_stdin() -> None:
    result = run_process("render", "-", stdin=TRAINING.read_text(encoding="utf-8"))

    assert result.returncode == 0, result.stderr
    assert_message(result.stdout)


def test_process_reports_malformed_json_on_one_line() -> None:
    path = RAW_SAMPLES[0]

    result = run_process("render", str(path))

    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_error_line(result.stderr, f"{path}: not valid JSON: ")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested deeper than Python can read"),
        ('{"detail": {"n": ' + "7" * 10_000 + "}}", "a number with more digits than Python reads"),
    ],
    ids=["nested-100k", "number-10k-digits"],
)
def test_parser_limits_are_one_error_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")

    code, out, err = run_cli(capsys, "render", str(path))

    assert (code, out) == (2, "")
    assert_one_error_line(err, f"{path}: {problem}")
