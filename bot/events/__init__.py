"""SageMaker events: models, identity, status. Pure: no I/O."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.events.identity import Arn, ResourceKind, ResourceRef
    from bot.events.parse import SageMakerEvent, load_event_json, parse_event
    from bot.events.status import StatusClass, classify, normalize_status

# Imported on first use: a name from one module does not import the others.
_MODULES = {
    "Arn": "bot.events.identity",
    "ResourceKind": "bot.events.identity",
    "ResourceRef": "bot.events.identity",
    "SageMakerEvent": "bot.events.parse",
    "load_event_json": "bot.events.parse",
    "parse_event": "bot.events.parse",
    "StatusClass": "bot.events.status",
    "classify": "bot.events.status",
    "normalize_status": "bot.events.status",
}

__all__ = [
    "Arn",
    "ResourceKind",
    "ResourceRef",
    "SageMakerEvent",
    "StatusClass",
    "classify",
    "load_event_json",
    "normalize_status",
    "parse_event",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULES[name]), name)
