"""AWS failures as ``ChatOpsError`` subclasses whose message a Slack user can read and act on.

botocore raises ``ClientError`` with a code, and its own errors for transport, credentials and
bad parameters. None of those may reach a user as a stack trace, and the raw text of some
(access denied names the role, the account) is for the logs, not for a channel. So every call
into AWS goes through :func:`aws_call`, which logs the details and raises one of these.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    NoCredentialsError,
    ParamValidationError,
)

from bot.errors import ChatOpsError

if TYPE_CHECKING:
    from bot.events.identity import ResourceKind

logger = logging.getLogger(__name__)


class AwsError(ChatOpsError):
    """An AWS call failed; the message says what to do about it. ``code`` is AWS's error code."""

    def __init__(self, message: str, *, code: str | None = None, operation: str | None = None):
        super().__init__(message)
        self.code = code
        self.operation = operation


NO_CREDENTIALS = "NoCredentials"
"""The ``code`` of the ``AwsPermissionError`` for no credentials at all (botocore's own error,
which AWS never saw): local use without an AWS profile, rather than a role lacking a right."""


class ResourceNotFoundError(AwsError):
    """The resource does not exist (or not in this account and region)."""


class AwsPermissionError(AwsError):
    """The bot's AWS identity may not make this call, or its credentials were rejected."""


class AwsThrottledError(AwsError):
    """AWS is throttling the bot; the same call may work in a moment."""


class AwsRequestError(AwsError):
    """AWS refused the request as asked: wrong state (stopping a finished job), bad value."""


class AwsUnavailableError(AwsError):
    """AWS could not be reached, or answered with a server error."""


class ActionNotSupportedError(AwsError):
    """The action makes no sense for this kind of resource (stopping an endpoint)."""


_NOT_FOUND_CODES = frozenset(
    {"ResourceNotFound", "ResourceNotFoundException", "NotFoundException", "NoSuchEntity"}
)
_DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
_THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "LimitExceededException",
    }
)
_SERVER_CODES = frozenset({"InternalFailure", "InternalServerError", "ServiceUnavailable"})
# SageMaker reports most missing resources as ValidationException ("Requested resource not
# found.", "Could not find training job ...", "... does not exist."); only the text tells them
# apart from a real validation error such as stopping a job that already finished.
_NOT_FOUND_TEXT = re.compile(r"not\s+(?:be\s+)?found|could\s+not\s+find|does\s+not\s+exist", re.I)


def map_client_error(exc: ClientError, subject: str, service: str = "sagemaker") -> AwsError:
    """The ``AwsError`` for a ``ClientError`` raised while acting on ``subject``."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code") or "Unknown")
    aws_message = str(error.get("Message") or "").strip()
    operation = exc.operation_name
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    action = f"{service}:{operation}"
    if code in _NOT_FOUND_CODES or (
        code == "ValidationException" and _NOT_FOUND_TEXT.search(aws_message)
    ):
        return ResourceNotFoundError(
            f"Could not find {subject} in this AWS account and region.",
            code=code,
            operation=operation,
        )
    if code in _DENIED_CODES:
        return AwsPermissionError(
            f"The bot is not allowed to call {action} (needed for {subject}). "
            "Ask an administrator to grant it to the bot's IAM role.",
            code=code,
            operation=operation,
        )
    if code in _CREDENTIAL_CODES:
        return AwsPermissionError(
            f"AWS rejected the bot's credentials ({code}) while calling {action}.",
            code=code,
            operation=operation,
        )
    if code in _THROTTLED_CODES:
        return AwsThrottledError(
            f"AWS is throttling the bot ({action}); try again in a minute.",
            code=code,
            operation=operation,
        )
    if (isinstance(status, int) and status >= 500) or code in _SERVER_CODES:
        return AwsUnavailableError(
            f"AWS had an internal error on {action} for {subject}; try again shortly.",
            code=code,
            operation=operation,
        )
    # Validation, conflicts (ResourceInUse, ConflictException) and limits: AWS's own text is
    # the most precise explanation ("... is in status Completed"), and it names no secrets.
    detail = f": {aws_message}" if aws_message else ""
    return AwsRequestError(
        f"AWS refused {operation} for {subject} ({code}){detail}",
        code=code,
        operation=operation,
    )


def resource_subject(kind: ResourceKind, name: str) -> str:
    """A resource as an error message names it: ``training job NAME``."""
    return f"{kind.title.lower()} {name}"


@contextmanager
def aws_call(subject: str, service: str = "sagemaker") -> Iterator[None]:
    """Run AWS calls about ``subject`` (e.g. ``training job 'x'``), raising ``AwsError``s only.

    The original exception is logged (with what the user must not see) and chained, so
    the logs keep the whole story while the user gets one readable sentence.
    """
    try:
        yield
    except ClientError as exc:
        mapped = map_client_error(exc, subject, service)
        logger.warning("AWS call for %s failed: %s", subject, exc)
        raise mapped from exc
    except NoCredentialsError as exc:
        raise AwsPermissionError(
            "The bot has no AWS credentials; check its role or environment.",
            code=NO_CREDENTIALS,
        ) from exc
    except ParamValidationError as exc:
        # botocore checked the request against the service model before sending it: a name
        # that is empty or of the wrong type. Its report names the parameter and the rule.
        report = str(exc).replace("\n", " ").strip()
        raise AwsRequestError(f"Invalid request for {subject}: {report}") from exc
    except BotoCoreError as exc:
        logger.warning("AWS call for %s failed: %r", subject, exc)
        raise AwsUnavailableError(
            f"Could not reach AWS ({type(exc).__name__}) for {subject}; try again shortly."
        ) from exc
