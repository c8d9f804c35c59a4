"""SageMaker events: models, identity, status. Pure: no I/O."""

from bot.events.identity import Arn, ResourceKind, ResourceRef
from bot.events.parse import SageMakerEvent, load_event_json, parse_event
from bot.events.status import StatusClass, classify, normalize_status

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
