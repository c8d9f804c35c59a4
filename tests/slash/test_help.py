"""The help people read: the full text and one command's usage."""

from __future__ import annotations

import pytest

from bot.slash.commands import KIND_CHOICES
from bot.slash.help import usage, usage_text


def test_usage_text_covers_every_command_with_examples() -> None:
    text = usage_text()
    for command in (
        "subscribe",
        "unsubscribe",
        "list",
        "status",
        "inspect",
        "approve",
        "reject",
        "retry",
        "stop",
        "doctor",
    ):
        assert f"/sagemaker {command}" in text
    assert "e.g. `/sagemaker subscribe training" in text
    for kind in KIND_CHOICES:
        assert f"`{kind}`" in text
    assert len(text) < 3000  # one section block


@pytest.mark.parametrize("command", ["subscribe", "approve", "retry", "logs", "list"])
def test_usage_of_one_command(command: str) -> None:
    text = usage(command)
    assert text.startswith("*Usage:* `/sagemaker ")
    assert "*Example:* `/sagemaker " in text
