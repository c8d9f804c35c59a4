"""AWS access for commands: SageMaker lookups, inspections and actions. Clients are passed in."""

from bot.aws.errors import (
    ActionNotSupportedError,
    AwsError,
    AwsPermissionError,
    AwsRequestError,
    AwsThrottledError,
    AwsUnavailableError,
    ResourceNotFoundError,
)
from bot.aws.sagemaker import ActionOutcome, SageMaker, as_event, model_package_metrics

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
