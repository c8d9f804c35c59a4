"""Who may do what: approvers (approve, reject, retry, stop), admins (subscriptions, doctor)
and viewers (status, inspect, logs, the Inspect and Share buttons).

The lists come from settings and hold Slack user ids (``U…``/``W…``) and user group ids
(``S…``). Groups are resolved with ``usergroups.users.list`` and cached per group for
``ttl_seconds``. Everything fails closed: an empty approvers list lets nobody approve, and a
group that cannot be resolved grants nothing (the failure is logged and not cached, so the next
check asks Slack again).

Reading is for everyone while no viewers are configured, but only in the bot's own account: a
resource of another account (or of any account, when the bot's own is not configured) is for
the users named in the viewers, approvers or admins lists, and nobody else. Which account a
resource is in comes from the command or the button (an ARN, an account id), never from AWS,
so a refusal costs no AWS call.

Subscribing is for anyone while no admins are configured (subscriptions only route
notifications). ``doctor`` is not: it shows the bot's configuration (its workspace, scopes,
parameter names, table, AWS account and role), so with no admins configured nobody may run it,
and the refusal tells the user the id to add.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from enum import Enum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.render.escape import code
from bot.render.formatting import configured_mentions

logger = logging.getLogger(__name__)

APPROVER_ACTIONS = ("approve", "reject", "retry", "stop")
ADMIN_ACTIONS = ("subscribe", "unsubscribe")  # anyone, when no admins are configured
# Nobody, when no admins are configured: what reaches beyond the channel typed in.
ADMIN_ONLY_ACTIONS = ("doctor", "list_all", "unsubscribe_elsewhere")
# How a refusal names an action that is not a verb.
_ACTION_WORDS = {
    "doctor": "run `doctor`",
    "list_all": "list every channel's subscriptions",
    "unsubscribe_elsewhere": "remove another channel's subscriptions",
}

_GROUP = re.compile(r"^S[A-Z0-9]+$")


def _clean(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in ids if i and i.strip()))


class Readers(Enum):
    """Who may read a resource."""

    EVERYONE = "everyone"
    NAMED = "named"  # the users and groups named in the viewers, approvers or admins lists


def readers_of(account: str | None, home_account: str | None, viewers_configured: bool) -> Readers:
    """Who may read a resource in ``account`` (None: the bot's own; a bare name is looked up
    there). Another account's resources, or any account's when the bot's own is unknown, are
    for the named users only; the bot's own, for everyone until viewers are configured."""
    elsewhere = account is not None and account != home_account
    return Readers.NAMED if elsewhere or viewers_configured else Readers.EVERYONE


class Authorizer:
    """Answers "may this user do that?" for the slash command and the buttons."""

    def __init__(
        self,
        approvers: list[str],
        admins: list[str],
        client: WebClient,
        ttl_seconds: float = 300,
        clock: Callable[[], float] = time.monotonic,
        *,
        viewers: list[str] | None = None,
        home_account: str | None = None,
    ) -> None:
        self.approvers = _clean(approvers)
        self.admins = _clean(admins)
        self.viewers = _clean(viewers or [])
        self.home_account = home_account
        self._client = client
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}  # id -> (expires, members)

    # --- decisions -------------------------------------------------------------------------

    def can_approve(self, user_id: str, *, offline: bool = False) -> bool:
        """Approve, reject, retry, stop. Nobody may when no approvers are configured."""
        return self._member(user_id, self.approvers, offline=offline)

    def can_manage_subscriptions(self, user_id: str, *, offline: bool = False) -> bool:
        """Subscribe, unsubscribe. Anyone may when no admins are configured."""
        if not self.admins:
            return True
        return self._member(user_id, self.admins, offline=offline)

    def can_run_doctor(self, user_id: str, *, offline: bool = False) -> bool:
        """``doctor``: admins only; nobody when no admins are configured."""
        return self._member(user_id, self.admins, offline=offline)

    def allowed(self, action: str, user_id: str, *, offline: bool = False) -> bool:
        """The decision for an action name (one of the ``*_ACTIONS``). ``offline``: without
        asking Slack, a user group not known yet counts as having the user (so a refusal made
        offline is certain, and an approval only says "ask again, online")."""
        if action in APPROVER_ACTIONS:
            return self.can_approve(user_id, offline=offline)
        if action in ADMIN_ACTIONS:
            return self.can_manage_subscriptions(user_id, offline=offline)
        if action in ADMIN_ONLY_ACTIONS:
            return self.can_run_doctor(user_id, offline=offline)
        raise ValueError(f"unknown action: {action}")

    def refusal(self, action: str, user_id: str | None = None) -> str:
        """An ephemeral reply (mrkdwn) for a user who may not ``action``: who may. With the
        user's id, a refusal for want of any admin tells them their id, to be added."""
        if action in APPROVER_ACTIONS:
            ids, role, setting = self.approvers, "approvers", "CHATOPS_APPROVERS"
        elif action in ADMIN_ACTIONS or action in ADMIN_ONLY_ACTIONS:
            ids, role, setting = self.admins, "admins", "CHATOPS_ADMINS"
        else:
            raise ValueError(f"unknown action: {action}")
        words = _ACTION_WORDS.get(action, action)
        if not ids:
            text = (
                f":no_entry: Nobody may {words} here yet: no {role} are configured"
                f" (`{setting}`), so the bot refuses to be safe. Ask whoever runs the bot"
                " to add Slack users or user groups."
            )
            if user_id:
                text += f" Your user id is {code(user_id)}."
            return text
        who = configured_mentions(ids)
        return f":no_entry: You may not {words}. Only the {role} may: {who}."

    # --- reading ---------------------------------------------------------------------------

    def is_other_account(self, account: str | None) -> bool:
        """Whether ``account`` is not the bot's own (an unknown own account matches none)."""
        return account is not None and account != self.home_account

    def can_read(self, user_id: str, account: str | None, *, offline: bool = False) -> bool:
        """Status, inspect, logs and the buttons that read, for a resource in ``account``
        (None: the bot's own). Decided from the settings and Slack alone: no AWS call.
        ``offline``: as for :meth:`allowed`."""
        readers = readers_of(account, self.home_account, bool(self.viewers))
        if readers is Readers.EVERYONE:
            return True
        return self._member(user_id, self._named_readers(), offline=offline)

    def read_refusal(self, account: str | None) -> str:
        """An ephemeral reply (mrkdwn) for a user who may not read in ``account``: who may."""
        named = self._named_readers()
        who = configured_mentions(named)
        if self.is_other_account(account):
            safe = re.sub(r"[^0-9A-Za-z-]", "", str(account))[:32]
            where = (
                f"account `{safe}` is not the bot's own"
                if self.home_account
                else "the bot's own account is not configured (`CHATOPS_ACCOUNT_ID`), so every"
                " account counts as another's"
            )
            if not named:
                return (
                    f":no_entry: Nobody may read resources of other accounts here yet: {where},"
                    " and nobody is named in `CHATOPS_VIEWERS`, `CHATOPS_APPROVERS` or"
                    " `CHATOPS_ADMINS`."
                )
            return (
                f":no_entry: You may not read this: {where}. Only the users named as"
                f" viewers, approvers or admins may: {who}."
            )
        return f":no_entry: You may not read SageMaker resources here. Only these may: {who}."

    def _named_readers(self) -> list[str]:
        return list(dict.fromkeys([*self.viewers, *self.approvers, *self.admins]))

    # --- membership ------------------------------------------------------------------------

    def _member(self, user_id: str, entries: list[str], *, offline: bool = False) -> bool:
        if not user_id or not entries:
            return False
        if user_id in entries:
            return True
        groups = [group for group in entries if _GROUP.match(group)]
        if offline:
            known = [self._cached(group) for group in groups]
            return any(members is None or user_id in members for members in known)
        return any(user_id in self._members(group) for group in groups)

    def _cached(self, group: str) -> frozenset[str] | None:
        """A group's members as last fetched, while fresh; None when Slack must be asked."""
        with self._lock:
            cached = self._groups.get(group)
        return cached[1] if cached is not None and cached[0] > self._clock() else None

    def _members(self, group: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._groups.get(group)
            if cached is not None and cached[0] > now:
                return cached[1]
        members = self._fetch(group)
        if members is None:
            return frozenset()
        with self._lock:
            self._groups[group] = (now + self._ttl, members)
        return members

    def _fetch(self, group: str) -> frozenset[str] | None:
        try:
            response = self._client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            logger.warning("cannot resolve user group %s (%s): denying", group, error)
            return None
        except (SlackClientError, OSError) as exc:
            logger.warning("cannot resolve user group %s (%s): denying", group, type(exc).__name__)
            return None
        users = response.get("users")
        if not isinstance(users, list):
            logger.warning("user group %s: unexpected answer without users: denying", group)
            return None
        return frozenset(u for u in users if isinstance(u, str))

    def clear_cache(self) -> None:
        with self._lock:
            self._groups.clear()
