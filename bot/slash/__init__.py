"""The ``/sagemaker`` slash command's language: its grammar, help texts, command types, and
how subscriptions are described. Pure: no Slack, no AWS. (The command line is ``bot.cli``.)
"""

from bot.slash.commands import (
    Approve,
    Command,
    Help,
    Inspect,
    ListSubscriptions,
    ModelPackageRef,
    Reject,
    ResourceTarget,
    Retry,
    Status,
    Stop,
    Subscribe,
    Unsubscribe,
    is_quick,
)
from bot.slash.grammar import CommandSyntaxError, parse_command, slack_unescape
from bot.slash.help import code, help_text, usage, usage_text
from bot.slash.subscriptions import (
    describe,
    format_list,
    new_subscription_id,
    subscription_from,
    unique_id_factory,
)

__all__ = [
    "Approve",
    "Command",
    "CommandSyntaxError",
    "Help",
    "Inspect",
    "ListSubscriptions",
    "ModelPackageRef",
    "Reject",
    "ResourceTarget",
    "Retry",
    "Status",
    "Stop",
    "Subscribe",
    "Unsubscribe",
    "code",
    "describe",
    "format_list",
    "help_text",
    "is_quick",
    "new_subscription_id",
    "parse_command",
    "slack_unescape",
    "subscription_from",
    "unique_id_factory",
    "usage",
    "usage_text",
]
