"""The ``/sagemaker`` slash command: parsing, subscriptions, authorization and audit.

Parsing and describing are pure; the authorizer talks to Slack through the ``WebClient`` it is
given, and the auditor writes to the store it is given.
"""

from bot.commands.audit import Auditor
from bot.commands.authz import Authorizer
from bot.commands.parse import (
    Approve,
    Command,
    CommandSyntaxError,
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
    parse_command,
    usage,
    usage_text,
)
from bot.commands.subscriptions import (
    describe,
    format_list,
    new_subscription_id,
    subscription_from,
    unique_id_factory,
)

__all__ = [
    "Approve",
    "Auditor",
    "Authorizer",
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
    "describe",
    "format_list",
    "new_subscription_id",
    "parse_command",
    "subscription_from",
    "unique_id_factory",
    "usage",
    "usage_text",
]
