"""The ``/sagemaker`` slash command's language: its grammar, help texts, command types, and
how subscriptions are described. Pure: no Slack, no AWS. (The command line is ``bot.cli``.)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Imported on first use: parsing a command does not import the store (subscriptions).
_MODULES = {
    "Approve": "bot.slash.commands",
    "Command": "bot.slash.commands",
    "Help": "bot.slash.commands",
    "Inspect": "bot.slash.commands",
    "ListSubscriptions": "bot.slash.commands",
    "ModelPackageRef": "bot.slash.commands",
    "Reject": "bot.slash.commands",
    "ResourceTarget": "bot.slash.commands",
    "Retry": "bot.slash.commands",
    "Status": "bot.slash.commands",
    "Stop": "bot.slash.commands",
    "Subscribe": "bot.slash.commands",
    "Unsubscribe": "bot.slash.commands",
    "is_quick": "bot.slash.commands",
    "CommandSyntaxError": "bot.slash.grammar",
    "parse_command": "bot.slash.grammar",
    "slack_unescape": "bot.slash.grammar",
    "code": "bot.slash.help",
    "help_text": "bot.slash.help",
    "usage": "bot.slash.help",
    "usage_text": "bot.slash.help",
    "describe": "bot.slash.subscriptions",
    "format_list": "bot.slash.subscriptions",
    "new_subscription_id": "bot.slash.subscriptions",
    "subscription_from": "bot.slash.subscriptions",
    "unique_id_factory": "bot.slash.subscriptions",
}

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


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_MODULES[name]), name)
