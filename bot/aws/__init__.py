"""AWS access for commands: SageMaker lookups, inspections and actions. Clients are passed in."""

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
