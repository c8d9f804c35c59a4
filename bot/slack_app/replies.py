"""The one place that turns errors into what a Slack user reads. Never a stack trace."""

from __future__ import annotations

import logging

from bot.aws.errors import AwsError
from bot.errors import ChatOpsError, CommandError, NotAuthorizedError
from bot.render.escape import mrkdwn_escape

logger = logging.getLogger(__name__)

UNEXPECTED = (
    ":warning: Something went wrong on the bot's side. It has been logged; please try again, "
    "or ask your ML platform team to look at the logs."
)


# An error that repeats a long name or ARN (or AWS's message about it) twice is still a sentence.
MAX_ERROR_CHARS = 600


def _shortened(text: str) -> str:
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def user_message(exc: BaseException) -> str:
    """The mrkdwn reply for an error.

    A refusal and a command's syntax error are written as mrkdwn, with the user's words already
    escaped (``bot.service.authz``, ``bot.slash.grammar``). Every other error is plain text
    that may repeat what the user typed or what AWS answered (a name, an ARN), so it is
    escaped here: it can never mention, link or notify.
    """
    if isinstance(exc, NotAuthorizedError):
        # The authorizer's refusals are whole replies, emoji included: not a second one.
        text = str(exc)
        return text if text.startswith(":no_entry:") else f":no_entry: {text}"
    if isinstance(exc, CommandError):
        return str(exc)
    if isinstance(exc, AwsError | ChatOpsError):
        return f":warning: {mrkdwn_escape(_shortened(str(exc)))}"
    logger.error("unexpected error", exc_info=exc)
    return UNEXPECTED
