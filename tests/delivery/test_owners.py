"""Owners are pinged: the tags of a resource name its owner, and its alerts mention them.

The rules (``bot/delivery/owners.py``) as tables; then deliveries through the Slack stand-in,
which answers ``users.lookupByEmail`` as Slack does, with a real store.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.delivery import owners as ow
from bot.delivery.deliverer import Deliverer, DeliveryOptions, Outcome
from bot.delivery.owner_lookup import OwnerResolver
from bot.delivery.owners import Owner, OwnerKind, OwnerStep
from bot.store import EmailUser, Store
from tests.delivery.conftest import CHANNEL, RENDERER, gateway
from tests.delivery.test_delivery_scenarios import job_event
from tests.standins.slack_api import Message, SlackStandin

TAGS = ("slack-owner", "owner")
ADA = {"profile": {"email": "ada@example.com", "display_name": "ada"}}


class Counts:
    def __init__(self) -> None:
        self.counted: dict[str, float] = {}

    def count(self, name: str, value: float = 1) -> None:
        self.counted[name] = self.counted.get(name, 0) + value


# --- the rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("U024BE7LH", Owner(OwnerKind.USER, "U024BE7LH")),
        (" W012A3CDE ", Owner(OwnerKind.USER, "W012A3CDE")),
        ("S0614TZR7", Owner(OwnerKind.GROUP, "S0614TZR7")),
        ("Ada.Lovelace+ml@Example.com", Owner(OwnerKind.EMAIL, "ada.lovelace+ml@example.com")),
        ("u024be7lh", None),  # ids are upper case
        ("<@U024BE7LH>", None),  # a mention, not an id: never pasted into mrkdwn
        ("<!channel>", None),
        ("<!subteam^S0614TZR7>", None),
        ("U024BE7LH|<!here>", None),
        ("U024BE7LH <!everyone>", None),
        ("ada@example.com <!channel>", None),
        ("ada@example.com>", None),
        ("<mailto:ada@example.com|ada>", None),
        ("ada@localhost", None),  # no domain Slack could hold
        ("a" * 65 + "@example.com", None),
        ("ada@" + "b" * 250 + ".com", None),
        ("C0123456789", None),  # a channel is nobody
        ("", None),
        (42, None),
    ],
)
def test_only_well_formed_ids_and_addresses_are_owners(value: Any, expected: Owner | None) -> None:
    assert ow.parse_owner(value) == expected


def test_the_first_tag_present_and_well_formed_wins(caplog: pytest.LogCaptureFixture) -> None:
    both = {"owner": "ada@example.com", "slack-owner": "U0ADA"}
    assert ow.owner_from_tags(both, TAGS) == Owner(OwnerKind.USER, "U0ADA")
    # Tag names as people spell them.
    assert ow.owner_from_tags({"Owner": "S0TEAM"}, TAGS) == Owner(OwnerKind.GROUP, "S0TEAM")
    # A malformed value is skipped with a log line that names the tag, not the value.
    with caplog.at_level(logging.WARNING, logger="bot.delivery.owners"):
        found = ow.owner_from_tags(
            {"slack-owner": "<!channel>", "owner": "ada@example.com"}, TAGS, subject="job/x"
        )
    assert found == Owner(OwnerKind.EMAIL, "ada@example.com")
    [record] = caplog.records
    assert "slack-owner" in record.getMessage() and "job/x" in record.getMessage()
    assert "<!channel>" not in record.getMessage()
    assert ow.owner_from_tags({"team": "U0ADA"}, TAGS) is None
    assert ow.owner_from_tags("not tags", TAGS) is None
    assert ow.owner_from_tags({"owner": "U0ADA"}, ()) is None  # the setting is empty


def test_mentions_are_built_from_ids_only() -> None:
    assert ow.mention(Owner(OwnerKind.USER, "U0ADA")) == "<@U0ADA>"
    assert ow.mention(Owner(OwnerKind.GROUP, "S0TEAM")) == "<!subteam^S0TEAM>"
    assert ow.mention(Owner(OwnerKind.EMAIL, "ada@example.com")) is None
    assert ow.user_mention("U0ADA") == "<@U0ADA>"
    assert ow.user_mention("U0ADA> <!channel") is None


@pytest.mark.parametrize(
    ("alert_shown", "mentioned", "wanted", "known", "step"),
    [
        (True, True, False, True, OwnerStep.NOTHING),  # the alert mentioned them
        (True, True, True, True, OwnerStep.TOLD),  # … and an earlier one had not
        (True, False, False, True, OwnerStep.FOLLOW_UP),  # a new parent: no mention in it
        (True, False, False, False, OwnerStep.WANT),  # nobody known yet: wait for them
        (True, False, True, False, OwnerStep.WANT),
        (False, False, True, True, OwnerStep.FOLLOW_UP),  # a later event names them
        (False, False, True, False, OwnerStep.NOTHING),
        (False, False, False, True, OwnerStep.NOTHING),  # no alert went out without them
    ],
)
def test_when_the_owner_is_told(
    alert_shown: bool, mentioned: bool, wanted: bool, known: bool, step: OwnerStep
) -> None:
    decided = ow.owner_step(
        alert_shown=alert_shown, mentioned=mentioned, wanted=wanted, known=known
    )
    assert decided is step


def test_a_thread_remembers_a_bounded_number_of_alerts_waiting_for_their_owner() -> None:
    entries: list[dict[str, str]] = []
    for n in range(ow.MAX_WANTED + 5):
        entries = ow.with_wanted(entries, f"job/{n}", "Failed")
    assert len(entries) == ow.MAX_WANTED
    assert entries[0]["key"] == "job/5"
    assert ow.wanted_entries({ow.WANTED_KEY: entries}) == entries
    assert ow.wanted_entries({ow.WANTED_KEY: "junk"}) == []


def test_the_follow_up_escapes_the_name() -> None:
    text = ow.follow_up_text(ow.Trusted("<@U0ADA>"), "Training job", "<!here>*x*", "Failed")
    assert text == (
        ":bust_in_silhouette: <@U0ADA>: Training job *&lt;!here&gt;∗x∗* (Failed) is yours,"
        " see above."
    )


# --- deliveries ---------------------------------------------------------------------------


def deliverer(slack_api: SlackStandin, store: Store, metrics: Counts | None = None) -> Deliverer:
    """A 'Lambda instance': its own resolver (an empty memo), the shared store."""
    slack = gateway(slack_api)
    counts = metrics or Counts()
    owners = OwnerResolver(store, slack, TAGS, metrics=counts)
    return Deliverer(
        store,
        slack,
        RENDERER,
        DeliveryOptions(default_channel=CHANNEL),
        metrics=counts,
        owners=owners,
    )


def failed(minute: int = 30, **extra: Any) -> dict[str, Any]:
    return job_event("Failed", "Failed", minute, FailureReason="AlgorithmError: boom", **extra)


def started(minute: int = 1, **extra: Any) -> dict[str, Any]:
    return job_event("InProgress", "Starting", minute, **extra)


def thread(slack_api: SlackStandin) -> tuple[Message, list[Message]]:
    [parent] = [m for m in slack_api.messages(CHANNEL) if not m.is_reply]
    return parent, slack_api.thread(CHANNEL, parent.ts)


def all_text(slack_api: SlackStandin) -> str:
    parent, replies = thread(slack_api)
    return json.dumps([parent.blocks, parent.text, *[(r.blocks, r.text) for r in replies]])


def owner_line(reply: Message) -> str | None:
    lines = [
        b["elements"][0]["text"]
        for b in reply.blocks
        if b["type"] == "context" and b["elements"][0]["text"].startswith(":bust_in_silhouette:")
    ]
    return lines[0] if lines else None


@pytest.mark.parametrize(
    ("tag", "mention"),
    [("U0ADA", "<@U0ADA>"), ("W0ADA", "<@W0ADA>"), ("S0MLTEAM", "<!subteam^S0MLTEAM>")],
)
def test_a_failure_reply_mentions_the_owner_by_id(
    slack_api: SlackStandin, store: Store, tag: str, mention: str
) -> None:
    bot = deliverer(slack_api, store)
    tags = {"Tags": {"slack-owner": tag, "team": "ml"}}
    bot.deliver_raw(started(**tags))
    assert bot.deliver_raw(failed(**tags)).outcomes[CHANNEL] is Outcome.REPLIED
    _, [reply] = thread(slack_api)
    assert owner_line(reply) == f":bust_in_silhouette: Owner: {mention}"
    assert reply.reply_broadcast
    assert slack_api.calls("users.lookupByEmail") == []  # an id needs no lookup


@pytest.mark.slack_api(users={"U0ADA": ADA})
def test_an_email_owner_is_looked_up_once_and_kept_across_cold_starts(
    slack_api: SlackStandin, store: Store
) -> None:
    tags = {"Tags": {"owner": "Ada@Example.com"}}
    bot = deliverer(slack_api, store)
    bot.deliver_raw(started(**tags))  # not an alert: nobody is looked up
    assert slack_api.calls("users.lookupByEmail") == []
    bot.deliver_raw(failed(**tags))
    _, [reply] = thread(slack_api)
    assert owner_line(reply) == ":bust_in_silhouette: Owner: <@U0ADA>"
    [call] = slack_api.calls("users.lookupByEmail")
    assert call.params["email"] == "ada@example.com"
    # The store keeps it by digest, never by address.
    assert store.get_email_user(ow.email_key("ada@example.com")) == EmailUser("U0ADA")
    # Another failure, in a new instance (a cold start): no second lookup.
    other = json.loads(json.dumps(failed(31, **tags)).replace("bert-finetune-7", "bert-2"))
    deliverer(slack_api, store).deliver_raw(other)
    assert len(slack_api.calls("users.lookupByEmail")) == 1
    second = slack_api.messages(CHANNEL)[-1]  # its first event: a parent, the owner in reply
    [told] = slack_api.thread(CHANNEL, second.ts)
    assert told.text.startswith(":bust_in_silhouette: <@U0ADA>: Training job *bert-2*")


@pytest.mark.slack_api(users={"U0ADA": ADA})
def test_an_unknown_email_mentions_nobody_loses_nothing_and_is_not_asked_again(
    slack_api: SlackStandin, store: Store
) -> None:
    counts = Counts()
    bot = deliverer(slack_api, store, counts)
    tags = {"Tags": {"owner": "nobody@example.com"}}
    bot.deliver_raw(started(**tags))
    assert bot.deliver_raw(failed(**tags)).outcomes[CHANNEL] is Outcome.REPLIED
    parent, [reply] = thread(slack_api)
    assert owner_line(reply) is None
    assert "AlgorithmError: boom" in reply.text and reply.reply_broadcast
    assert parent.blocks[0]["text"]["text"].startswith(":x: Failed")
    [call] = slack_api.calls("users.lookupByEmail")
    assert call.error == "users_not_found"
    assert counts.counted["OwnersUnknown"] == 1
    assert store.get_email_user(ow.email_key("nobody@example.com")) == EmailUser(None)
    # Kept as unknown: a cold start's alert does not ask again.
    other = json.loads(json.dumps(failed(31, **tags)).replace("bert-finetune-7", "bert-2"))
    deliverer(slack_api, store).deliver_raw(other)
    assert len(slack_api.calls("users.lookupByEmail")) == 1


@pytest.mark.slack_api(users={"U0ADA": ADA}, scopes=["chat:write", "chat:write.public"])
def test_an_app_without_the_email_scope_still_posts_the_alert(
    slack_api: SlackStandin, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    counts = Counts()
    bot = deliverer(slack_api, store, counts)
    with caplog.at_level(logging.WARNING, logger="bot.delivery.owner_lookup"):
        bot.deliver_raw(failed(Tags={"owner": "ada@example.com"}))
    assert "users:read.email" in caplog.text
    assert counts.counted["OwnerLookupsFailed"] == 1
    # A failure to look up is not kept: the next alert asks again.
    assert store.get_email_user(ow.email_key("ada@example.com")) is None
    parent, replies = thread(slack_api)
    assert parent.blocks[0]["text"]["text"].startswith(":x: Failed") and replies == []


def test_an_owner_known_only_later_gets_one_short_reply(
    slack_api: SlackStandin, store: Store
) -> None:
    bot = deliverer(slack_api, store)
    # GIVEN a failure whose events carried no tags: its reply mentions nobody
    bot.deliver_raw(started(1))
    bot.deliver_raw(failed(30))
    _, [alert] = thread(slack_api)
    assert owner_line(alert) is None
    # WHEN a late event of the same job carries them (events arrive in any order)
    tags = {"Tags": {"slack-owner": "U0ADA"}}
    outcome = bot.deliver_raw(job_event("InProgress", "Training", 5, **tags)).outcomes[CHANNEL]
    # THEN one short reply tells the owner, with the alert's status; the parent is unchanged
    assert outcome is Outcome.LATE
    parent, [_, told] = thread(slack_api)
    assert told.text == (
        ":bust_in_silhouette: <@U0ADA>: Training job *bert-finetune-7* (Failed) is yours,"
        " see above."
    )
    assert not told.reply_broadcast
    assert parent.blocks[0]["text"]["text"].startswith(":x: Failed")
    # AND once: later events with the tags, from any instance, tell nobody again
    deliverer(slack_api, store).deliver_raw(job_event("InProgress", "Downloading", 3, **tags))
    bot.deliver_raw(job_event("Stopping", "Stopping", 31, **tags))
    assert [r.text for r in thread(slack_api)[1]].count(told.text) == 1


def test_a_failure_that_opens_its_thread_tells_the_owner_in_a_reply(
    slack_api: SlackStandin, store: Store
) -> None:
    bot = deliverer(slack_api, store)
    outcome = bot.deliver_raw(failed(Tags={"owner": "S0MLTEAM"})).outcomes[CHANNEL]
    assert outcome is Outcome.POSTED
    _, [told] = thread(slack_api)
    assert told.text.startswith(":bust_in_silhouette: <!subteam^S0MLTEAM>: Training job")
    bot.deliver_raw(failed(Tags={"owner": "S0MLTEAM"}))  # a duplicate: nothing more
    assert len(thread(slack_api)[1]) == 1


def test_a_success_mentions_nobody(slack_api: SlackStandin, store: Store) -> None:
    bot = deliverer(slack_api, store)
    tags = {"Tags": {"owner": "U0ADA"}}
    bot.deliver_raw(started(**tags))
    bot.deliver_raw(job_event("Completed", "Completed", 40, **tags))
    assert "U0ADA" not in all_text(slack_api)


@pytest.mark.parametrize(
    "value",
    ["<!channel>", "U0ADA|<!here>", "<@U0ADA> <!everyone>", "ada@example.com <!channel>"],
)
def test_a_malicious_tag_value_is_ignored_never_rendered(
    slack_api: SlackStandin, store: Store, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = deliverer(slack_api, store)
    tags = {"Tags": {"slack-owner": value}}
    bot.deliver_raw(started(**tags))
    with caplog.at_level(logging.WARNING, logger="bot.delivery.owners"):
        bot.deliver_raw(failed(**tags))
    _, [reply] = thread(slack_api)
    assert owner_line(reply) is None
    text = all_text(slack_api)
    for token in ("<!channel>", "<!here>", "<!everyone>", "<@U0ADA>"):
        assert token not in text
    assert "tag slack-owner of" in caplog.text
    assert slack_api.calls("users.lookupByEmail") == []


def test_a_failure_that_opens_its_thread_without_tags_waits_for_its_owner(
    slack_api: SlackStandin, store: Store
) -> None:
    bot = deliverer(slack_api, store)
    assert bot.deliver_raw(failed(30)).outcomes[CHANNEL] is Outcome.POSTED
    assert thread(slack_api)[1] == []
    bot.deliver_raw(started(1, Tags={"owner": "U0ADA"}))  # late, with the tags
    _, [told] = thread(slack_api)
    assert told.text.startswith(":bust_in_silhouette: <@U0ADA>: Training job *bert-finetune-7*")
    assert "(Failed)" in told.text


def test_events_that_are_no_alert_look_nobody_up(slack_api: SlackStandin, store: Store) -> None:
    counts = Counts()
    tags = {"Tags": {"owner": "nobody@example.com"}}
    bot = deliverer(slack_api, store, counts)
    bot.deliver_raw(started(1, **tags))
    bot.deliver_raw(job_event("InProgress", "Training", 5, **tags))
    bot.deliver_raw(job_event("Completed", "Completed", 40, **tags))
    assert slack_api.calls("users.lookupByEmail") == []  # no alert: nobody asked
