"""Tolerant coercion of the messy values found in real SageMaker events.

Each function either returns a clean value or raises ``ValueError``; the models wrap them so a
value that cannot be cleaned is kept raw instead of failing the whole event.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

_FRACTION = re.compile(r"(\.\d{1,6})\d*")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NUMERIC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_timestamp(value: Any) -> datetime:
    """ISO-8601 (any fraction up to nanoseconds, ``Z`` or offset) or epoch milliseconds.

    Epoch values may be int, float or a numeric string; values that look like seconds
    (before year 2001 as milliseconds) are read as seconds.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, bool):
        raise ValueError("boolean is not a timestamp")
    if isinstance(value, int):
        return _from_epoch_int(value)
    if isinstance(value, float):
        whole = value.is_integer() and abs(value) < 2**53
        return _from_epoch_int(int(value)) if whole else _from_epoch(value)
    if isinstance(value, str):
        text = value.strip()
        if _NUMERIC.match(text):
            whole = text.lstrip("+-").isdigit()
            return _from_epoch_int(int(text)) if whole else _from_epoch(float(text))
        # Python parses at most microseconds: drop the digits past six.
        text = _FRACTION.sub(lambda m: m.group(1), text, count=1)
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a timestamp: {type(value).__name__}")


def _from_epoch_int(number: int) -> datetime:
    # Whole numbers exactly: a float loses microseconds on far-future millisecond values.
    unit = timedelta(milliseconds=1) if abs(number) >= 100_000_000_000 else timedelta(seconds=1)
    try:
        return _EPOCH + number * unit
    except OverflowError as exc:
        raise ValueError(str(exc)) from exc


def _from_epoch(number: float) -> datetime:
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("not a finite number")
    seconds = number / 1000.0 if abs(number) >= 1e11 else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError) as exc:
        raise ValueError(str(exc)) from exc


def parse_number(value: Any) -> int | float:
    """A number, or a string holding one. Whole floats become ints (``3.0`` instances → 3)."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not _NUMERIC.match(text):
            raise ValueError(f"not a number: {value!r}")
        value = float(text)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    raise ValueError(f"not a number: {type(value).__name__}")


def parse_tags(value: Any) -> dict[str, str]:
    """``{"k": "v"}`` or ``[{"Key": "k", "Value": "v"}]`` → dict."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    if isinstance(value, list):
        tags: dict[str, str] = {}
        for item in value:
            if not isinstance(item, dict):
                raise ValueError("tag list items must be objects")
            key = item.get("Key", item.get("key"))
            if key is None:
                raise ValueError("tag without Key")
            tag_value = item.get("Value", item.get("value"))
            tags[str(key)] = "" if tag_value is None else str(tag_value)
        return tags
    raise ValueError(f"not tags: {type(value).__name__}")


def first_string(value: Any) -> str:
    """``"aws.sagemaker"`` or ``["aws.sagemaker"]`` → ``"aws.sagemaker"``."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        first: str = value[0]
        return first
    raise ValueError("expected a string or a list of strings")
