"""Who may approve and manage subscriptions, with user groups resolved through Slack."""

from __future__ import annotations

import logging

import pytest

from bot.service.authz import (
    ADMIN_ACTIONS,
    APPROVER_ACTIONS,
    Authorizer,
    Readers,
    readers_of,
)
from tests.standins.slack_api import SlackStandin

GROUPS = {"S0APPROVERS": ["U0GROUPIE", "U0OTHER"], "S0ADMINS": ["U0ADMIN"]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lookups(slack_api: SlackStandin) -> int:
    return len(slack_api.calls("usergroups.users.list"))


def authorizer(
    slack_api: SlackStandin,
    approvers: list[str],
    admins: list[str] | None = None,
    clock: Clock | None = None,
) -> Authorizer:
    return Authorizer(
        approvers, admins or [], slack_api.client(), ttl_seconds=300, clock=clock or Clock()
    )


@pytest.mark.slack_api(usergroups=GROUPS)
def test_listed_user_ids_may_approve_without_asking_slack(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE", "W0ENTERPRISE", "S0APPROVERS"])
    assert authz.can_approve("U0ALICE")
    assert authz.can_approve("W0ENTERPRISE")
    assert lookups(slack_api) == 0


@pytest.mark.slack_api(usergroups=GROUPS)
def test_group_members_may_approve(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE", "S0APPROVERS"])
    assert authz.can_approve("U0GROUPIE")
    assert not authz.can_approve("U0MALLORY")
    calls = slack_api.calls("usergroups.users.list")
    assert len(calls) == 1  # the second check used the cache
    assert calls[0].params["usergroup"] == "S0APPROVERS"


@pytest.mark.slack_api(usergroups=GROUPS)
def test_group_members_are_cached_for_the_ttl(slack_api: SlackStandin) -> None:
    clock = Clock()
    authz = authorizer(slack_api, ["S0APPROVERS"], clock=clock)
    assert authz.can_approve("U0GROUPIE")
    slack_api.set_usergroup("S0APPROVERS", ["U0NEWCOMER"])
    clock.now += 299
    assert authz.can_approve("U0GROUPIE")  # still the cached membership
    assert not authz.can_approve("U0NEWCOMER")
    assert lookups(slack_api) == 1
    clock.now += 2
    assert authz.can_approve("U0NEWCOMER")
    assert not authz.can_approve("U0GROUPIE")
    assert lookups(slack_api) == 2


@pytest.mark.slack_api(usergroups=GROUPS)
def test_each_group_is_cached_separately(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["S0APPROVERS", "S0ADMINS"])
    assert authz.can_approve("U0ADMIN")  # second group
    assert authz.can_approve("U0GROUPIE")
    assert not authz.can_approve("U0NOBODY")
    assert sorted(c.params["usergroup"] for c in slack_api.calls("usergroups.users.list")) == [
        "S0ADMINS",
        "S0APPROVERS",
    ]


@pytest.mark.slack_api(usergroups=GROUPS)
def test_slack_error_denies_and_logs(
    slack_api: SlackStandin, caplog: pytest.LogCaptureFixture
) -> None:
    authz = authorizer(slack_api, ["S0UNKNOWN"])
    with caplog.at_level(logging.WARNING, logger="bot.service.authz"):
        assert not authz.can_approve("U0GROUPIE")
    assert "S0UNKNOWN" in caplog.text
    assert "no_such_subteam" in caplog.text
    assert "xoxb" not in caplog.text


@pytest.mark.slack_api(usergroups=GROUPS)
def test_transient_failure_denies_and_is_not_cached(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["S0APPROVERS"])
    slack_api.fail_next(1, status=500, method="usergroups.users.list")
    assert not authz.can_approve("U0GROUPIE")  # fail closed
    assert authz.can_approve("U0GROUPIE")  # asked again, and Slack answered


@pytest.mark.slack_api(usergroups=GROUPS)
def test_unreachable_slack_denies(slack_api: SlackStandin) -> None:
    client = slack_api.client()
    client.base_url = "http://127.0.0.1:9/api/"  # nothing listens on the discard port
    client.retry_handlers = []
    authz = Authorizer(["S0APPROVERS"], [], client)
    assert not authz.can_approve("U0GROUPIE")


def test_nobody_may_approve_without_approvers(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, [])
    assert not authz.can_approve("U0ALICE")
    assert not authz.can_approve("")
    assert "Nobody may approve" in authz.refusal("approve")
    assert "no approvers are configured" in authz.refusal("approve")
    assert "`CHATOPS_APPROVERS`" in authz.refusal("retry")


def test_blank_entries_are_ignored(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["", "  "])
    assert not authz.can_approve("")
    assert "Nobody may stop" in authz.refusal("stop")


@pytest.mark.slack_api(usergroups=GROUPS)
def test_anyone_manages_subscriptions_without_admins(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE"])
    assert authz.can_manage_subscriptions("U0ANYONE")
    assert lookups(slack_api) == 0


@pytest.mark.slack_api(usergroups=GROUPS)
def test_admins_and_admin_groups_manage_subscriptions(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE"], admins=["U0BOB", "S0ADMINS"])
    assert authz.can_manage_subscriptions("U0BOB")
    assert authz.can_manage_subscriptions("U0ADMIN")
    assert not authz.can_manage_subscriptions("U0ALICE")  # an approver is not an admin
    assert not authz.can_approve("U0BOB")  # and an admin is not an approver


@pytest.mark.slack_api(usergroups=GROUPS)
def test_allowed_dispatches_by_action(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE"], admins=["U0BOB"])
    for action in APPROVER_ACTIONS:
        assert authz.allowed(action, "U0ALICE") and not authz.allowed(action, "U0BOB")
    for action in ADMIN_ACTIONS:
        assert authz.allowed(action, "U0BOB") and not authz.allowed(action, "U0ALICE")
    with pytest.raises(ValueError, match="unknown action"):
        authz.allowed("launch", "U0ALICE")


@pytest.mark.slack_api(usergroups=GROUPS)
def test_doctor_is_for_admins_only_and_nobody_without_admins(slack_api: SlackStandin) -> None:
    # GIVEN no admins: anyone may subscribe, but nobody may run doctor
    authz = authorizer(slack_api, ["U0ALICE"])
    assert authz.allowed("subscribe", "U0ANYONE")
    assert not authz.allowed("doctor", "U0ANYONE")
    assert not authz.allowed("doctor", "U0ALICE")  # an approver is not an admin
    # AND the refusal says why and tells the user the id to add
    text = authz.refusal("doctor", "U0ANYONE")
    assert text.startswith(":no_entry: Nobody may run `doctor` here yet: no admins are configured")
    assert "`CHATOPS_ADMINS`" in text and text.endswith("Your user id is `U0ANYONE`.")
    assert "Your user id" not in authz.refusal("doctor")
    assert authz.refusal("doctor", "<!channel>").endswith("Your user id is `&lt;!channel&gt;`.")
    # WHEN admins are configured (a user and a group), they and only they may
    authz = authorizer(slack_api, ["U0ALICE"], admins=["U0BOB", "S0ADMINS"])
    assert authz.allowed("doctor", "U0BOB") and authz.allowed("doctor", "U0ADMIN")
    assert not authz.allowed("doctor", "U0ALICE")
    assert authz.refusal("doctor", "U0ALICE") == (
        ":no_entry: You may not run `doctor`. Only the admins may: <@U0BOB>, <!subteam^S0ADMINS>."
    )


def test_refusal_names_who_may(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE", "S0APPROVERS", "W0ENT"], admins=["U0BOB"])
    text = authz.refusal("approve")
    assert text == (
        ":no_entry: You may not approve. Only the approvers may:"
        " <@U0ALICE>, <!subteam^S0APPROVERS>, <@W0ENT>."
    )
    assert authz.refusal("unsubscribe").endswith("Only the admins may: <@U0BOB>.")
    with pytest.raises(ValueError, match="unknown action"):
        authz.refusal("launch")


def test_refusal_never_renders_odd_ids_as_mentions(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["<!channel>", "alice@example.com"])
    text = authz.refusal("approve")
    assert "<!channel>" not in text
    assert "`channel`" in text
    assert "`aliceexample.com`" in text


# --- reading: CHATOPS_VIEWERS and other accounts -----------------------------------------

HOME, OTHER = "123456789012", "111122223333"
READ_GROUPS = {**GROUPS, "S0VIEWERS": ["U0WATCHER"]}


@pytest.mark.parametrize(
    ("account", "home", "viewers_configured", "readers"),
    [
        (None, HOME, False, Readers.EVERYONE),  # a bare name: looked up at home
        (HOME, HOME, False, Readers.EVERYONE),
        (None, HOME, True, Readers.NAMED),
        (HOME, HOME, True, Readers.NAMED),
        (OTHER, HOME, False, Readers.NAMED),  # another account: viewers unset name nobody
        (OTHER, HOME, True, Readers.NAMED),
        (None, None, False, Readers.EVERYONE),
        (HOME, None, False, Readers.NAMED),  # own account unknown: every account is another
    ],
)
def test_who_reads_where(
    account: str | None, home: str | None, viewers_configured: bool, readers: Readers
) -> None:
    assert readers_of(account, home, viewers_configured) is readers


def readers_authorizer(
    slack_api: SlackStandin, viewers: list[str], home: str | None = HOME
) -> Authorizer:
    return Authorizer(
        ["U0ALICE", "S0APPROVERS"],
        ["U0BOB"],
        slack_api.client(),
        viewers=viewers,
        home_account=home,
    )


@pytest.mark.slack_api(usergroups=READ_GROUPS)
def test_without_viewers_everyone_reads_at_home_without_asking_slack(
    slack_api: SlackStandin,
) -> None:
    authz = readers_authorizer(slack_api, [])
    assert authz.can_read("U0ANYONE", None) and authz.can_read("U0ANYONE", HOME)
    assert lookups(slack_api) == 0


@pytest.mark.slack_api(usergroups=READ_GROUPS)
def test_viewers_approvers_and_admins_read_once_viewers_are_set(slack_api: SlackStandin) -> None:
    authz = readers_authorizer(slack_api, ["U0CAROL", "S0VIEWERS"])
    for user in ("U0CAROL", "U0WATCHER", "U0ALICE", "U0GROUPIE", "U0BOB"):
        assert authz.can_read(user, HOME), user
    assert not authz.can_read("U0ANYONE", HOME)
    assert not authz.can_read("U0ANYONE", None)
    assert not authz.can_read("", None)
    assert "<@U0CAROL>" in authz.read_refusal(HOME)


@pytest.mark.slack_api(usergroups=READ_GROUPS)
def test_another_account_is_for_named_users_only(slack_api: SlackStandin) -> None:
    authz = readers_authorizer(slack_api, [])
    assert authz.is_other_account(OTHER) and not authz.is_other_account(HOME)
    assert not authz.is_other_account(None)
    assert not authz.can_read("U0ANYONE", OTHER)
    for user in ("U0ALICE", "U0GROUPIE", "U0BOB"):
        assert authz.can_read(user, OTHER), user
    text = authz.read_refusal(OTHER)
    assert text.startswith(":no_entry: You may not read this: account `111122223333`")
    assert text.endswith("may: <@U0ALICE>, <!subteam^S0APPROVERS>, <@U0BOB>.")


def test_unset_lists_name_nobody_for_another_account(slack_api: SlackStandin) -> None:
    # admins unset lets anyone manage subscriptions, but names nobody as a reader
    authz = Authorizer([], [], slack_api.client(), home_account=HOME)
    assert authz.can_manage_subscriptions("U0ANYONE")
    assert authz.can_read("U0ANYONE", HOME)
    assert not authz.can_read("U0ANYONE", OTHER)
    assert "Nobody may read resources of other accounts here yet" in authz.read_refusal(OTHER)


def test_unknown_own_account_is_said_and_odd_accounts_are_not_echoed(
    slack_api: SlackStandin,
) -> None:
    authz = readers_authorizer(slack_api, [], home=None)
    assert authz.is_other_account(HOME)
    assert "`CHATOPS_ACCOUNT_ID`" in authz.read_refusal(HOME)
    known = readers_authorizer(slack_api, [])
    text = known.read_refusal("<!channel>`*x*")
    assert "<!channel>" not in text and "`channelx`" in text


@pytest.mark.slack_api(usergroups=GROUPS)
def test_offline_a_group_not_fetched_yet_may_have_anyone_and_slack_is_not_asked(
    slack_api: SlackStandin,
) -> None:
    # GIVEN approvers: a user and a group whose members were never fetched
    authz = authorizer(slack_api, ["U0ALICE", "S0APPROVERS"])
    # THEN offline (before an ack) nobody is refused for want of the group's members…
    assert authz.allowed("approve", "U0STRANGER", offline=True)
    assert authz.allowed("approve", "U0GROUPIE", offline=True)
    assert lookups(slack_api) == 0
    # …and once they are known, offline tells them apart, still without asking Slack
    assert authz.can_approve("U0GROUPIE")  # online: fetches the group
    assert lookups(slack_api) == 1
    assert authz.allowed("approve", "U0GROUPIE", offline=True)
    assert not authz.allowed("approve", "U0STRANGER", offline=True)
    assert lookups(slack_api) == 1


@pytest.mark.slack_api(usergroups=GROUPS)
def test_offline_user_ids_alone_decide_for_certain(slack_api: SlackStandin) -> None:
    authz = authorizer(slack_api, ["U0ALICE"], admins=["U0ADMIN"])
    assert authz.allowed("approve", "U0ALICE", offline=True)
    assert not authz.allowed("approve", "U0STRANGER", offline=True)
    assert not authz.allowed("doctor", "U0STRANGER", offline=True)
    assert lookups(slack_api) == 0
