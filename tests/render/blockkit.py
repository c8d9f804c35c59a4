"""Assertions that a message is what Slack accepts: slack_sdk's models plus message limits."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from slack_sdk.models.blocks import Block

# Angle-bracket tokens the renderer itself creates; anything else came from data and is a leak.
OWN_TOKEN = re.compile(
    r"<(?:https://[a-z0-9.-]+\.(?:aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)/[^<>\s|]*"
    r"|!date\^\d+\^(?:\{date_short_pretty\} \{time_secs\}|\{time\})|@[UW][A-Z0-9]+)(?:\|[^<>]*)?>"
)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def assert_valid_message(message: dict[str, Any]) -> None:
    """Every block parses with slack_sdk (its validators check nested limits) and fits Slack."""
    assert set(message) >= {"text", "blocks"}
    assert isinstance(message["text"], str) and message["text"].strip()
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() == block  # to_dict() runs the validators
        _assert_block_limits(block)
    json.dumps(message)  # serialisable


def _assert_block_limits(block: dict[str, Any]) -> None:
    kind = block["type"]
    if kind == "header":
        assert len(block["text"]["text"]) <= 150
    if kind == "section":
        if "text" in block:
            assert len(block["text"]["text"]) <= 3000
        assert len(block.get("fields", [])) <= 10
        for field in block.get("fields", []):
            assert len(field["text"]) <= 2000
    if kind == "context":
        assert len(block["elements"]) <= 10
    if kind == "actions":
        for element in block["elements"]:
            assert len(element["action_id"]) <= 255
            if element["type"] == "button":
                assert len(element["text"]["text"]) <= 75
                assert len(element.get("value", "")) <= 2000


def assert_no_foreign_tokens(message: dict[str, Any]) -> None:
    """No ``<…>`` token in any visible text except the links, dates and mentions we build."""
    for block in message["blocks"]:
        for element in block.get("elements", []):
            if element.get("type") == "button":
                element = {k: v for k, v in element.items() if k != "value"}
        visible = {k: v for k, v in block.items() if k != "elements"}
        texts = [*strings(visible)]
        for element in block.get("elements", []):
            texts.extend(strings({k: v for k, v in element.items() if k != "value"}))
        for text in texts:
            leftover = OWN_TOKEN.sub("", text)
            assert "<" not in leftover and ">" not in leftover, text
    assert "<" not in OWN_TOKEN.sub("", message["text"])
