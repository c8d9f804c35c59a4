"""The one place that turns errors into what a Slack user reads. Never a stack trace."""

from __future__ import annotations

import logging

from bot.aws.errors import AwsError
from bot.errors import ChatOpsError, CommandError, NotAuthorizedError

logger = logging.getLogger(__name__)

UNEXPECTED = (
    ":warning: Something went wrong on the bot's side. It has been logged; please try again, "
    "or ask your ML platform team to look at the logs."
)


def user_message(exc: BaseException) -> str:
    if isinstance(exc, NotAuthorizedError):
        return f":no_entry: {exc}"
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, AwsError):
        return f":warning: {exc}"
    if isinstance(exc, ChatOpsError):
        return f":warning: {exc}"
    logger.error("unexpected error", exc_info=exc)
    return UNEXPECTED
