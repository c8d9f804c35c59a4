"""The mention of a resource's owner: its tags read (:mod:`bot.delivery.owners`), an email
address turned into its Slack user with ``users.lookupByEmail``.

What Slack said of an address is kept: in this process (``MEMO_SIZE`` addresses) and in the
store (``EmailUsers``, by digest), so that neither a warm nor a cold start asks again: a user
found for ``FOUND_SECONDS``, an address nobody has for ``UNKNOWN_SECONDS`` (they may join).
Never raises: a lookup that fails (Slack down, the scope missing) is logged and counted, and
the alert goes out without the mention; it is not kept, so the next alert asks again.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.delivery import owners as ow
from bot.delivery.metrics import NO_METRICS, Counter
from bot.errors import SlackDeliveryError
from bot.store import EmailUser, EmailUsers

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.gateway import UserDirectory
    from bot.render.escape import Trusted

logger = logging.getLogger(__name__)

FOUND_SECONDS = 7 * 86_400.0  # a person's address rarely moves to another user
UNKNOWN_SECONDS = 3_600.0  # nobody has it yet: they may join the workspace within the hour
MEMO_SIZE = 256  # addresses remembered in this process, the least recently used go first


class OwnerResolver:
    """The mention of an event's resource's owner, or None. ``directory``: Slack's users by
    email (None: an address tag names nobody)."""

    def __init__(
        self,
        store: EmailUsers,
        directory: UserDirectory | None,
        tag_names: tuple[str, ...] | list[str],
        *,
        metrics: Counter | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._directory = directory
        self.tag_names = tuple(tag_names)
        self._metrics = metrics or NO_METRICS
        self._clock = clock
        self._memo: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    def owner(self, event: SageMakerEvent) -> ow.Owner | None:
        return ow.owner_from_tags(
            event.detail.field("Tags"), self.tag_names, subject=event.resource.key
        )

    def mention(self, event: SageMakerEvent) -> Trusted | None:
        """The owner's mention; None when the tags name nobody (usable) or the address is
        nobody's."""
        owner = self.owner(event)
        if owner is None:
            return None
        if owner.kind is not ow.OwnerKind.EMAIL:
            return ow.mention(owner)
        user_id = self.user_by_email(owner.value)
        return ow.user_mention(user_id) if user_id else None

    def user_by_email(self, address: str) -> str | None:
        key = ow.email_key(address)
        now = self._clock()
        memo = self._memo.get(key)
        if memo is not None and memo[0] > now:
            self._memo.move_to_end(key)
            return memo[1]
        kept = self._kept(key)
        if kept is not None:
            # The store's expiry is not known here: remembered for the shorter time.
            self._remember(key, kept.user_id, now + UNKNOWN_SECONDS)
            return kept.user_id
        if self._directory is None:
            return None
        try:
            user_id = self._directory.user_id_by_email(address)
        except SlackDeliveryError as exc:
            why = (
                "the app lacks users:read.email (reinstall it)"
                if exc.code == "missing_scope"
                else exc.code or "Slack did not answer"
            )
            logger.warning("an owner's address could not be looked up: %s", why)
            self._metrics.count("OwnerLookupsFailed")
            return None
        except Exception:  # a bug must not cost the alert
            logger.exception("looking up an owner's address failed")
            self._metrics.count("OwnerLookupsFailed")
            return None
        ttl = FOUND_SECONDS if user_id else UNKNOWN_SECONDS
        if user_id is None:
            logger.info("no Slack user has an owner tag's address: nobody is mentioned")
            self._metrics.count("OwnersUnknown")
        self._remember(key, user_id, now + ttl)
        try:
            self._store.put_email_user(key, user_id, ttl_seconds=ttl)
        except Exception:  # kept in this process only; a cold start asks again
            logger.warning("keeping an owner's user failed", exc_info=True)
        return user_id

    def _kept(self, key: str) -> EmailUser | None:
        try:
            return self._store.get_email_user(key)
        except Exception:  # the store failing costs a lookup, not the alert
            logger.warning("reading a kept owner's user failed", exc_info=True)
            return None

    def _remember(self, key: str, user_id: str | None, until: float) -> None:
        self._memo[key] = (until, user_id)
        self._memo.move_to_end(key)
        while len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
