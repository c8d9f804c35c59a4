"""Error hierarchy: one root class; the edge (CLI, handlers, listeners) maps them for users."""


class ChatOpsError(Exception):
    """Root of every error this project raises on purpose."""


class EventInputError(ChatOpsError):
    """Input that is not an event at all: not JSON, or not a JSON object."""


class TemplateError(ChatOpsError):
    """A template failed to render or rendered something that is not Block Kit JSON."""


class ConfigurationError(ChatOpsError):
    """Settings that cannot work (bad store URL, missing token where one is required)."""


class StoreError(ChatOpsError):
    """The state store failed in a way the caller cannot fix by retrying the same call."""


class StoreConflictError(ChatOpsError):
    """Other writers kept changing the records a write depends on; trying again later works."""


class SlackDeliveryError(ChatOpsError):
    """Slack refused a call after retries. ``code`` is Slack's error (``channel_not_found``),
    when it gave one; a permanent one is not worth a retry, any other is."""

    # Errors that the same call will meet again however often it is retried.
    PERMANENT = frozenset(
        {
            "channel_not_found",
            "not_in_channel",
            "is_archived",
            "invalid_blocks",
            "invalid_blocks_format",
            "msg_too_long",
            "no_text",
            "too_many_attachments",
            "restricted_action",
            "restricted_action_read_only_channel",
            "restricted_action_thread_only_channel",
            "cannot_reply_to_message",
            "ekm_access_denied",
        }
    )
    # Of those, the ones about the channel itself rather than the message: every message to it
    # will meet them until someone invites the bot back (or unarchives, or unsubscribes).
    CHANNEL_REFUSALS = frozenset(
        {
            "channel_not_found",
            "not_in_channel",
            "is_archived",
            "restricted_action",
            "restricted_action_read_only_channel",
        }
    )
    # The message the thread hangs on is gone (deleted by a person or a retention policy).
    GONE = frozenset({"message_not_found", "thread_not_found", "cant_update_message"})

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code in self.PERMANENT

    @property
    def channel_refused(self) -> bool:
        return self.code in self.CHANNEL_REFUSALS

    @property
    def gone(self) -> bool:
        return self.code in self.GONE


class CommandError(ChatOpsError):
    """A slash command the user typed cannot be understood; the message explains why."""


class NotAuthorizedError(ChatOpsError):
    """The Slack user may not do what they asked."""
