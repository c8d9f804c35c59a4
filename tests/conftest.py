"""Shared fixtures: sample events, Slack stand-in, moto server, Lambda context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.standins.fixtures", "tests.standins.aws"]

EVENTS_DIR = Path(__file__).parent / "events"
RAW_EVENTS_DIR = EVENTS_DIR / "raw"


def sample_paths() -> list[Path]:
    return sorted(EVENTS_DIR.glob("*.json"))


def load_sample(name: str) -> dict[str, Any]:
    """A sample event by file stem, e.g. ``training_job_state_change``."""
    data: dict[str, Any] = json.loads((EVENTS_DIR / f"{name}.json").read_text())
    return data


@pytest.fixture
def sample() -> Any:
    return load_sample
