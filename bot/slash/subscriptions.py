"""Subscriptions from parsed commands, described in words for people. Pure but for the id source.

Ids are short (6 characters of lower-case base32, 30 bits) so people can type them, drawn from
a cryptographic random source so they cannot be guessed, and checked against the store so two
subscriptions never share one.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from bot.errors import StoreError
from bot.render.escape import mrkdwn_escape
from bot.slash.commands import Subscribe
from bot.slash.help import SLASH_COMMAND, code
from bot.store import ChannelFailure, Subscription, SubscriptionStore

ID_LENGTH = 6
MAX_LISTED = 50

IdFactory = Callable[[], str]


def new_subscription_id(random_bytes: Callable[[int], bytes] = secrets.token_bytes) -> str:
    """A random id such as ``k3x7pq``: lower-case base32 (no 0, 1, 8, 9: nothing to misread)."""
    return base64.b32encode(random_bytes(5)).decode("ascii").lower()[:ID_LENGTH]


def unique_id_factory(
    store: SubscriptionStore,
    random_bytes: Callable[[int], bytes] = secrets.token_bytes,
    attempts: int = 20,
) -> IdFactory:
    """An id factory that never returns an id already used by any channel's subscription."""

    def factory() -> str:
        taken = {s.id for s in store.list_subscriptions()}
        for _ in range(attempts):
            candidate = new_subscription_id(random_bytes)
            if candidate not in taken:
                return candidate
        raise StoreError(f"no free subscription id after {attempts} attempts")

    return factory


def subscription_from(
    command: Subscribe,
    channel: str,
    user_id: str | None,
    now: float,
    id_factory: IdFactory,
) -> Subscription:
    """The subscription a ``subscribe`` command asks for, in ``channel``."""
    return Subscription(
        id=id_factory(),
        channel=channel,
        kinds=list(command.kinds),
        names=list(command.names),
        statuses=list(command.statuses),
        accounts=list(command.accounts),
        regions=list(command.regions),
        excludes=list(command.excludes),
        created_by=user_id,
        created_at=now,
    )


# --- describe ----------------------------------------------------------------------------------

_JOB_KINDS = ("training", "tuning", "processing", "transform", "labeling")
_NOUNS = {
    "endpoint": "*endpoints* (with their deployments)",
    "deployment": "*endpoint deployments*",
    "model-package": "*model packages*",
    "model": "*models*",
    "pipeline": "*pipeline executions* (with their steps)",
    "step": "*pipeline steps*",
    "feature-group": "*feature groups*",
    "image": "*images* (with their versions)",
    "image-version": "*image versions*",
    "model-card": "*model cards*",
    "notebook": "*notebook instances*",
    "lifecycle-config": "*notebook lifecycle configs*",
    "endpoint-config": "*endpoint configs*",
    "algorithm": "*algorithms*",
    "hyperpod": "*HyperPod clusters* (with their nodes)",
}
_ORDER = {kind: i for i, kind in enumerate([*_JOB_KINDS, *_NOUNS])}
_CLASS_WORDS = {
    "failed": "failed",
    "warning": "warning",
    "succeeded": "succeeded",
    "in_progress": "in-progress",
    "stopped": "stopped",
    "waiting_for_approval": "waiting-for-approval",
    "waiting": "waiting-for-approval",
    "deleted": "deleted",
}
_STATUS_WORD = re.compile(r"^[A-Za-z]+$")


def _join(items: Sequence[str], word: str) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _kinds_phrase(kinds: Sequence[str]) -> str:
    wanted = _unique(k.strip().lower() for k in kinds)
    if not wanted or "all" in wanted:
        return ""
    known = sorted((k for k in wanted if k in _ORDER), key=_ORDER.__getitem__)
    jobs = [k for k in known if k in _JOB_KINDS]
    items: list[str] = []
    if jobs:
        items.append(_join([f"*{k}*" for k in jobs], "and") + " jobs")
    items += [_NOUNS[k] for k in known if k not in _JOB_KINDS]
    items += [f"*{mrkdwn_escape(k).replace('*', '')}* events" for k in wanted if k not in _ORDER]
    return _join(items, "and")


def _status_phrase(statuses: Sequence[str]) -> str:
    words = []
    for status in _unique(statuses):
        key = status.strip().lower().replace("-", "_")
        if key in _CLASS_WORDS:
            words.append(_CLASS_WORDS[key])
        elif _STATUS_WORD.match(status):
            words.append(status)
        else:
            words.append(code(status))
    return _join(_unique(words), "or")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def describe(subscription: Subscription) -> str:
    """What a subscription matches, in words (mrkdwn), e.g.

    "Failed or stopped *training* and *processing* jobs named `churn-*`, except `*-test`,
    in account 123456789012, us-east-1".
    """
    s = subscription
    kinds = _kinds_phrase(s.kinds)
    statuses = _status_phrase(s.statuses)
    if statuses:
        head = f"{statuses} {kinds or 'SageMaker events'}"
    else:
        head = f"all {kinds or 'SageMaker events'}"
    text = _capitalise(head)
    if s.names:
        text += " named " + _join([code(n) for n in _unique(s.names)], "or")
    if s.excludes:
        text += ", except " + _join([code(n) for n in _unique(s.excludes)], "and")
    where = []
    if s.accounts:
        accounts = [mrkdwn_escape(a) for a in _unique(s.accounts)]
        noun = "account" if len(accounts) == 1 else "accounts"
        where.append(f"{noun} {_join(accounts, 'or')}")
    if s.regions:
        where.append(_join([mrkdwn_escape(r) for r in _unique(s.regions)], "or"))
    if where:
        text += (", in " if s.excludes else " in ") + ", ".join(where)
    return text


# --- list --------------------------------------------------------------------------------------

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def _line(subscription: Subscription) -> str:
    """One subscription in a list: its id, what it takes, who added it and when."""
    return f"{code(subscription.id)} {describe(subscription)}{_added(subscription)}"


def _added(subscription: Subscription) -> str:
    parts = []
    if subscription.created_by and _USER_ID.match(subscription.created_by):
        parts.append(f"by <@{subscription.created_by}>")
    if subscription.created_at > 0:
        when = int(subscription.created_at)
        fallback = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%d")
        parts.append(f"<!date^{when}^{{date_short}}|{fallback}>")
    return f" _(added {' '.join(parts)})_" if parts else ""


BOT_NAME = "SageMaker ChatOps"

# Slack's refusal of a channel, in words (bot.errors.SlackDeliveryError.CHANNEL_REFUSALS).
_REFUSALS = {
    "not_in_channel": "the bot is not in this channel",
    "is_archived": "the channel is archived",
    "channel_not_found": "the channel does not exist for the bot",
    "restricted_action": "the bot may not post in this channel",
    "restricted_action_read_only_channel": "the channel is read-only",
}


def refusal_words(reason: str) -> str:
    """Why Slack refuses a channel, for people; an unknown code is shown as it is."""
    return _REFUSALS.get(reason) or f"Slack refuses messages here ({code(reason)})"


def _broken(failure: ChannelFailure) -> str:
    return (
        f"⚠ *Events are not delivered to this channel:* {refusal_words(failure.reason)}"
        f" (Slack refused the last {failure.failures} messages). Invite the bot with"
        f" `/invite @{BOT_NAME}`, or `{SLASH_COMMAND} unsubscribe all`."
    )


def format_list(subscriptions: Sequence[Subscription], broken: ChannelFailure | None = None) -> str:
    """The reply to ``list`` (mrkdwn): one line per subscription, with its id; with ⚠, why
    and how to fix it when the channel is ``broken`` (Slack keeps refusing it)."""
    if not subscriptions:
        return (
            "This channel has no subscriptions. Add one, e.g."
            f" `{SLASH_COMMAND} subscribe training status=failed`."
        )
    count = len(subscriptions)
    title = "1 subscription" if count == 1 else f"{count} subscriptions"
    lines = [f"*{title} in this channel*"]
    if broken is not None:
        lines.append(_broken(broken))
    mark = "⚠ " if broken is not None else ""
    for s in subscriptions[:MAX_LISTED]:
        lines.append(f"• {mark}{_line(s)}")
    if count > MAX_LISTED:
        lines.append(f"…and {count - MAX_LISTED} more.")
    lines.append(f"Remove one with `{SLASH_COMMAND} unsubscribe ID`.")
    return "\n".join(lines)


_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]+$")


def channel_mention(channel: str) -> str:
    """``<#C…>`` for a channel id (Slack shows its name to those who may see it)."""
    return f"<#{channel}>" if _CHANNEL_ID.match(channel) else code(channel)


def format_everywhere(
    subscriptions: Sequence[Subscription], failures: dict[str, ChannelFailure]
) -> str:
    """The reply to ``list all`` (mrkdwn): every channel's subscriptions, a channel Slack keeps
    refusing first, with why; its subscriptions can be removed from here by id."""
    if not subscriptions:
        return "No channel has subscriptions."
    by_channel: dict[str, list[Subscription]] = {}
    for s in subscriptions:
        by_channel.setdefault(s.channel, []).append(s)
    order = sorted(by_channel, key=lambda c: (c not in failures, c))
    lines = [f"*{len(subscriptions)} subscriptions in {len(by_channel)} channels*"]
    listed = 0
    for channel in order:
        failure = failures.get(channel)
        header = f"*{channel_mention(channel)}*"
        if failure is not None:
            header += (
                f" ⚠ not delivered: {refusal_words(failure.reason)}"
                f" (Slack refused the last {failure.failures} messages)"
            )
        lines.append(header)
        for s in by_channel[channel]:
            if listed == MAX_LISTED:
                break
            lines.append(f"• {_line(s)}")
            listed += 1
    if len(subscriptions) > listed:
        lines.append(f"…and {len(subscriptions) - listed} more.")
    lines.append(f"Remove any of them from here with `{SLASH_COMMAND} unsubscribe ID`.")
    return "\n".join(lines)
