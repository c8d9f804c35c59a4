"""AWS access for commands: SageMaker lookups, inspections and actions. Clients are passed in."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.aws.actions import ActionOutcome
    from bot.aws.errors import (
        ActionNotSupportedError,
        AwsError,
        AwsPermissionError,
        AwsRequestError,
        AwsThrottledError,
        AwsUnavailableError,
        ResourceNotFoundError,
    )
    from bot.aws.lookup import as_event, model_package_metrics
    from bot.aws.sagemaker import SageMaker

# Imported on first use: a name from one module does not import the others.
_MODULES = {
    "ActionOutcome": "bot.aws.actions",
    "ActionNotSupportedError": "bot.aws.errors",
    "AwsError": "bot.aws.errors",
    "AwsPermissionError": "bot.aws.errors",
    "AwsRequestError": "bot.aws.errors",
    "AwsThrottledError": "bot.aws.errors",
    "AwsUnavailableError": "bot.aws.errors",
    "ResourceNotFoundError": "bot.aws.errors",
    "as_event": "bot.aws.lookup",
    "model_package_metrics": "bot.aws.lookup",
    "SageMaker": "bot.aws.sagemaker",
}

__all__ = [
    "ActionNotSupportedError",
    "ActionOutcome",
    "AwsError",
    "AwsPermissionError",
    "AwsRequestError",
    "AwsThrottledError",
    "AwsUnavailableError",
    "ResourceNotFoundError",
    "SageMaker",
    "as_event",
    "model_package_metrics",
]


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULES[name]), name)
