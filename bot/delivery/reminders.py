"""Reminders of packages still waiting for approval: each due one is posted once, in the thread
of the package's card, mentioning the approvers.

The deliverer schedules a reminder when it shows a package waiting (one per channel and
package); a scheduled invocation of the events function (``serverless.yml``) sends the due
ones. Whether a package still waits is read from its card's thread at that moment: a decision
taken since, in Slack or elsewhere (its event), cancels the reminder.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from bot import approvals as ap
from bot.deadline import current_deadline
from bot.delivery import state as st
from bot.delivery.metrics import Counter
from bot.errors import SlackDeliveryError
from bot.gateway import SlackGateway
from bot.render.escape import Trusted
from bot.render.renderer import section_message
from bot.store import Approvals, Reminder, Reminders, ThreadRecord, ThreadStore

logger = logging.getLogger(__name__)

BATCH = 50  # reminders read per invocation; the rest are read by the next one
SECONDS_PER_REMINDER = 2.0  # one Slack post, a few store calls: started only with this left


class ReminderStore(ThreadStore, Approvals, Reminders, Protocol):
    """What the reminders use of the store: the due reminders, the card's thread and the
    approvals given so far."""


def still_waiting(thread: ThreadRecord | None) -> bool:
    """Whether a card's thread still shows its package waiting, undecided."""
    if thread is None or not thread.ts:
        return False
    event = st.root_event(thread.state)
    if event is None or not st.waits_for_approval(event):
        return False
    return ap.decision_from_state(thread.state.get(st.DECISION_KEY)) is None


class ReminderSender:
    """Sends the due reminders. Store and Slack are passed in."""

    def __init__(
        self,
        store: ReminderStore,
        slack: SlackGateway,
        *,
        hours: float,
        approvers: Trusted | None,
        approvals_required: int = 1,
        metrics: Counter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.slack = slack
        self.hours = hours
        self.approvers = approvers
        self.approvals_required = approvals_required
        self.metrics = metrics
        self._clock = clock

    def send_due(self) -> int:
        """Post every due reminder of packages still waiting; how many were posted. A reminder
        whose post fails for a reason that may pass is due again at the next run (the others
        are sent meanwhile), and the first such failure is raised at the end."""
        sent = 0
        failures: list[Exception] = []
        for reminder in self.store.due_reminders(self._clock(), BATCH):
            deadline = current_deadline()
            if deadline is not None and not deadline.fits(SECONDS_PER_REMINDER):
                logger.warning("reminders left for the next run: %.1f s left", deadline.remaining())
                break
            # Taken before it is posted, so that concurrent runs post it once.
            if not self.store.take_reminder(reminder):
                continue
            try:
                sent += self._send(reminder)
            except SlackDeliveryError as exc:
                if exc.permanent:
                    logger.warning(
                        "reminder of %s in %s refused: %s (dropped)",
                        reminder.resource_key,
                        reminder.channel,
                        exc.code,
                    )
                    continue
                self.store.release_reminder(reminder)
                logger.warning("reminder of %s failed (due again): %s", reminder.resource_key, exc)
                failures.append(exc)
            except Exception as exc:
                self.store.release_reminder(reminder)
                logger.exception("reminder of %s failed (due again)", reminder.resource_key)
                failures.append(exc)
        if self.metrics is not None:
            self.metrics.count("RemindersSent", sent)  # 0 too: each run shows in the metric
        if failures:
            raise failures[0]
        return sent

    def _send(self, reminder: Reminder) -> bool:
        thread = self.store.get_thread(reminder.channel, reminder.resource_key)
        if not still_waiting(thread):
            return False  # decided (or its card is gone) since it was scheduled
        assert thread is not None
        thread_ts = st.thread_of(thread)
        assert thread_ts is not None
        record = self.store.get_approval(reminder.resource_key)
        so_far = ap.counted_votes(record.state if record else {}, ap.PENDING)
        text = ap.reminder_text(
            thread.name or reminder.resource_key,
            self.hours,
            self.approvers,
            so_far,
            self.approvals_required,
        )
        self.slack.post_message(reminder.channel, section_message(text), thread_ts=thread_ts)
        logger.info("reminded %s in %s", reminder.resource_key, reminder.channel)
        return True
