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


class SlackDeliveryError(ChatOpsError):
    """Slack refused a call after retries; the event must be delivered again."""


class CommandError(ChatOpsError):
    """A slash command the user typed cannot be understood; the message explains why."""


class NotAuthorizedError(ChatOpsError):
    """The Slack user may not do what they asked."""
