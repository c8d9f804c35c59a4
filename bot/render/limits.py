"""Slack's Block Kit limits, enforced by truncating with an ellipsis.

Sources: ``shared/reference/slack-limits.md`` (slack_sdk validators and Slack's docs).
"""

from __future__ import annotations

from typing import Any

MAX_BLOCKS = 50
HEADER_TEXT = 150
SECTION_TEXT = 3000
SECTION_FIELDS = 10
FIELD_TEXT = 2000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
BUTTON_URL = 3000
ACTION_ID = 255
BLOCK_ID = 255
CONFIRM = {"title": 100, "text": 300, "confirm": 30, "deny": 30}
MESSAGE_TEXT = 40_000
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending in an ellipsis.

    Never leaves half an entity (``&am``), half a link (``<https://…``) or an open code fence,
    which Slack would show garbled.
    """
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:] and len(cut) - amp <= 6:
        cut = cut[:amp]
    lt = cut.rfind("<")
    if lt != -1 and ">" not in cut[lt:]:
        cut = cut[:lt]
    if cut.count("```") % 2:
        cut = cut + ELLIPSIS + "```" if len(cut) + 4 <= limit else cut[: cut.rfind("```")]
        return cut if cut.endswith("```") else cut + ELLIPSIS
    return cut + ELLIPSIS


def _text_obj(obj: Any, limit: int) -> None:
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        obj["text"] = truncate(obj["text"], limit)


def _element(element: dict[str, Any]) -> None:
    if isinstance(element.get("action_id"), str):
        element["action_id"] = element["action_id"][:ACTION_ID]
    if element.get("type") == "button":
        _text_obj(element.get("text"), BUTTON_TEXT)
        if isinstance(element.get("value"), str):
            element["value"] = element["value"][:BUTTON_VALUE]
        if isinstance(element.get("url"), str) and len(element["url"]) > BUTTON_URL:
            del element["url"]
    confirm = element.get("confirm")
    if isinstance(confirm, dict):
        for key, limit in CONFIRM.items():
            _text_obj(confirm.get(key), limit)


def enforce_block(block: dict[str, Any]) -> dict[str, Any]:
    """Bring one block within its limits, in place; returns it for chaining."""
    if isinstance(block.get("block_id"), str):
        block["block_id"] = block["block_id"][:BLOCK_ID]
    kind = block.get("type")
    if kind == "header":
        _text_obj(block.get("text"), HEADER_TEXT)
    elif kind == "section":
        _text_obj(block.get("text"), SECTION_TEXT)
        fields = block.get("fields")
        if isinstance(fields, list):
            del fields[SECTION_FIELDS:]
            for field in fields:
                _text_obj(field, FIELD_TEXT)
            if not fields:
                del block["fields"]
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            _element(accessory)
    elif kind == "context":
        elements = block.get("elements")
        if isinstance(elements, list):
            del elements[CONTEXT_ELEMENTS:]
            for element in elements:
                _text_obj(element, SECTION_TEXT)
    elif kind == "actions":
        elements = block.get("elements")
        if isinstance(elements, list):
            del elements[ACTIONS_ELEMENTS:]
            for element in elements:
                if isinstance(element, dict):
                    _element(element)
    return block


def enforce_message(message: dict[str, Any]) -> dict[str, Any]:
    """Bring a whole message within Slack's limits, in place."""
    blocks = [b for b in message.get("blocks") or [] if isinstance(b, dict)]
    if len(blocks) > MAX_BLOCKS:
        # Keep the actions at the end: they are what a person acts on.
        tail = [blocks[-1]] if blocks[-1].get("type") == "actions" else []
        head = blocks[: MAX_BLOCKS - 1 - len(tail)]
        omitted = len(blocks) - len(head) - len(tail)
        note = {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{ELLIPSIS} {omitted} more blocks omitted"}],
        }
        blocks = [*head, note, *tail]
    message["blocks"] = [enforce_block(b) for b in blocks]
    if isinstance(message.get("text"), str):
        message["text"] = truncate(message["text"], MESSAGE_TEXT)
    return message
