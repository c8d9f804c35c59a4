"""A failure card says what to do for well-known causes, and where a job was when it failed."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.render import hints
from bot.render.renderer import Renderer
from tests.conftest import load_sample

# Reasons as SageMaker words them (FailureReason of jobs and endpoints), and a word of the hint.
REASONS = {
    "cuda": (
        "AlgorithmError: RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB",
        "GPU ran out of memory",
    ),
    "oom": ("AlgorithmError: Please check the logs; exit code 137 (OOM)", "ran out of memory"),
    "quota": (
        "ResourceLimitExceeded: The account-level service limit 'ml.p4d.24xlarge for training"
        " job usage' is 0 Instances",
        "Service Quotas",
    ),
    "capacity": (
        "CapacityError: Unable to provision requested ML compute capacity."
        " InsufficientInstanceCapacity",
        "no capacity",
    ),
    "hyperpod capacity": (
        "We currently do not have sufficient capacity to launch new ml.p5.48xlarge instances."
        " Please try again.",
        "no capacity",
    ),
    "kms": ("ClientError: Access denied to KMS key arn:aws:kms:us-east-1:1:key/x", "KMS key"),
    "image": (
        "ClientError: CannotPullContainerError: pull access denied for 1.dkr.ecr/x:latest",
        "could not be pulled",
    ),
    "access": (
        "ClientError: Data download failed: AccessDenied (403): Access Denied on s3://b/k",
        "execution role was refused",
    ),
    "data": ("ClientError: Data download failed: NoSuchKey: s3://b/train/", "input data"),
    "runtime": ("MaxRuntimeExceeded: Training job exceeded MaxRuntimeInSeconds", "runtime"),
    "ping": (
        "The primary container for production variant AllTraffic did not pass the ping health"
        " check.",
        "/ping",
    ),
}


@pytest.mark.parametrize("case", sorted(REASONS))
def test_each_well_known_cause_gets_its_hint(case: str) -> None:
    reason, words = REASONS[case]
    hint = hints.hint_for(reason)
    assert hint is not None and words in hint, (case, hint)


def test_no_hint_for_an_unknown_cause_or_no_reason() -> None:
    assert hints.hint_for("AlgorithmError: the model diverged (loss is NaN)") is None
    assert hints.hint_for(None) is None
    # words that merely contain a pattern's letters are not it
    assert hints.hint_for("ClientError: secret rotation decreased the socket count") is None


def failed_training(reason: str, phases: list[str]) -> dict[str, Any]:
    event = load_sample("training_job_state_change")
    detail = event["detail"]
    detail.update(TrainingJobStatus="Failed", SecondaryStatus="Failed", FailureReason=reason)
    detail["SecondaryStatusTransitions"] = [
        {"Status": p, "StartTime": 1764061200000 + i * 60_000} for i, p in enumerate(phases)
    ]
    return event


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_a_failure_card_says_what_to_do_and_the_phase_it_failed_in() -> None:
    event = parse_event(
        failed_training(REASONS["cuda"][0], ["Starting", "Downloading", "Training", "Failed"])
    )
    text = blocks_text(Renderer().render(event))
    assert "*Failure reason* (while Training)" in text
    assert ":bulb: The GPU ran out of memory" in text


def test_no_hint_while_all_is_well() -> None:
    event = load_sample("training_job_state_change")
    event["detail"]["FailureReason"] = REASONS["cuda"][0]  # stale, on a job that is running
    text = blocks_text(Renderer().render(parse_event(event)))
    assert ":bulb:" not in text


def test_a_deployment_adds_its_own_hints_first_and_bad_entries_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / hints.HINTS_FILE).write_text(
        json.dumps(
            [
                {"match": "CUDA out of memory", "hint": "Ask <!channel> in #ml-help <@U1>."},
                {"match": "([unclosed", "hint": "never"},
                {"hint": "no match"},
            ]
        )
    )
    with caplog.at_level(logging.WARNING):
        renderer = Renderer(override_dir=tmp_path)
    assert "entry 2 skipped" in caplog.text and "entry 3 skipped" in caplog.text
    event = parse_event(failed_training(REASONS["cuda"][0], ["Training", "Failed"]))
    text = blocks_text(renderer.render(event))
    # the deployment's hint wins, escaped like any text: no mention, no broadcast
    assert ":bulb: Ask &lt;!channel&gt; in #ml-help &lt;@U1&gt;." in text
    # and the built-in ones still apply to what it does not cover
    other = parse_event(failed_training(REASONS["quota"][0], ["Starting", "Failed"]))
    assert "Service Quotas" in blocks_text(renderer.render(other))


def test_a_hints_file_that_is_not_a_list_of_hints_leaves_the_built_in_ones(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / hints.HINTS_FILE).write_text("{not json")
    with caplog.at_level(logging.WARNING):
        assert hints.load(tmp_path) == hints.BUILTIN
    assert "not readable JSON" in caplog.text
    (tmp_path / hints.HINTS_FILE).write_text('{"match": "x"}')
    assert hints.load(tmp_path) == hints.BUILTIN
