"""What ``/sagemaker`` tells people: each subcommand's usage, the full help, and how their own
text is quoted in replies. Every text is Slack mrkdwn.

The subcommands and their aliases are listed here, with their usage, so that the parser
(:mod:`bot.slash.grammar`) and the help cannot disagree on what exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.render.escape import mrkdwn_escape
from bot.slash.commands import KIND_CHOICES

SLASH_COMMAND = "/sagemaker"

# The status classes as people type them (``waiting``, not ``waiting_for_approval``).
STATUS_CLASS_LIST = ", ".join(
    f"`{c}`"
    for c in ("failed", "warning", "succeeded", "in_progress", "stopped", "waiting", "deleted")
)


def code(value: str) -> str:
    """User text as an inline code span that cannot mention, link or break out."""
    shown = value if len(value) <= 80 else value[:79] + "…"
    shown = mrkdwn_escape(shown).replace("`", "'").replace("\n", " ")
    return f"`{shown}`"


def command_span(text: str) -> str:
    """``/sagemaker TEXT`` as inline code, for examples in replies."""
    return f"`{SLASH_COMMAND} {text}`"


@dataclass(frozen=True, slots=True)
class _Usage:
    synopsis: str
    summary: str
    example: str


_USAGE: dict[str, _Usage] = {
    "help": _Usage("help [COMMAND]", "this help, or one command's", "help subscribe"),
    "subscribe": _Usage(
        "subscribe [TYPES…] [name=GLOB] [status=S1,S2] [account=ID] [region=R] [exclude=GLOB]",
        "post matching events to this channel",
        "subscribe training processing status=failed,stopped name=churn-* exclude=*-test",
    ),
    "unsubscribe": _Usage("unsubscribe ID|all", "remove a subscription", "unsubscribe k3x7pq"),
    "list": _Usage(
        "list [all]", "this channel's subscriptions; `all`: every channel's (admins)", "list"
    ),
    "status": _Usage("status NAME|ARN", "a resource's current state", "status churn-train-0412"),
    "inspect": _Usage(
        "inspect NAME|ARN",
        "why it failed: reason and log tail, shown to you alone (alias `logs`)",
        "inspect churn-train-0412",
    ),
    "approve": _Usage(
        "approve GROUP/VERSION|ARN [comment…]",
        "approve a model package version",
        "approve churn-models/7 metrics look good",
    ),
    "reject": _Usage(
        "reject GROUP/VERSION|ARN [comment…]",
        "reject a model package version",
        "reject churn-models/7 AUC dropped 4 points",
    ),
    "retry": _Usage(
        "retry PIPELINE_EXECUTION_ARN",
        "retry a failed pipeline execution",
        "retry arn:aws:sagemaker:us-east-1:123456789012:pipeline/churn/execution/a1b2c3d4e5f6",
    ),
    "stop": _Usage(
        "stop NAME|ARN",
        "stop a running job or pipeline execution",
        "stop churn-train-0412",
    ),
    "doctor": _Usage(
        "doctor",
        "check the bot's Slack token and scopes, its channels, secrets, table and AWS"
        " permissions, with how to fix what fails (admins only)",
        "doctor",
    ),
}

# Every word that names a subcommand (lower case) → the subcommand.
COMMAND_ALIASES = {
    **{name: name for name in _USAGE},
    "-h": "help",
    "--help": "help",
    "?": "help",
    "usage": "help",
    "sub": "subscribe",
    "unsub": "unsubscribe",
    "ls": "list",
    "subscriptions": "list",
    "logs": "inspect",
    "log": "inspect",
}


def usage(command: str) -> str:
    """One subcommand's usage and example (mrkdwn). Accepts aliases (``logs``)."""
    name = COMMAND_ALIASES.get(command.strip().lower(), command)
    spec = _USAGE.get(name)
    if spec is None:
        return command_list()
    lines = [f"*Usage:* {command_span(spec.synopsis)} — {spec.summary}"]
    if name == "subscribe":
        lines.append(_subscribe_notes())
    lines.append(f"*Example:* {command_span(spec.example)}")
    return "\n".join(lines)


def command_list() -> str:
    """The subcommands' names and where to read more: for when no one subcommand applies."""
    names = ", ".join(f"`{name}`" for name in _USAGE)
    return f"*Commands:* {names}. See {command_span('help')}."


def usage_text() -> str:
    """The full help (mrkdwn): every command, with examples. Fits one section block."""
    u = _USAGE

    def line(name: str) -> str:
        return (
            f"• {command_span(u[name].synopsis)}\n"
            f"    {u[name].summary}, e.g. {command_span(u[name].example)}"
        )

    return "\n".join(
        [
            f"*{SLASH_COMMAND}* — SageMaker events and actions in Slack",
            "*Subscriptions* (per channel)",
            line("subscribe"),
            f"• {command_span('list')}  •  {command_span('unsubscribe ID|all')}",
            "Keys AND together; repeat a key or use commas to OR its values:"
            f" {command_span('subscribe endpoint status=failed region=us-east-1,eu-west-1')}."
            f' Quote values with spaces: `name="my job*"`.',
            _subscribe_notes(),
            "*Resources*",
            line("status"),
            line("inspect"),
            line("stop"),
            line("retry"),
            "*Model approvals*",
            line("approve"),
            line("reject"),
            "The comment is optional and kept as typed.",
            "*Administration*",
            f"• {command_span(u['doctor'].synopsis)}\n    {u['doctor'].summary}",
        ]
    )


def _subscribe_notes() -> str:
    return (
        "*Types:* "
        + ", ".join(f"`{k}`" for k in KIND_CHOICES)
        + "\n*Statuses:* a status word (`Failed`, `InService`, …) or a class: "
        + STATUS_CLASS_LIST
    )


def help_text(topic: str | None = None) -> str:
    """``help`` (every command) or ``help TOPIC`` (that one's usage)."""
    return usage(topic) if topic else usage_text()
