"""Who may approve and manage subscriptions, with user groups resolved through Slack."""

from __future__ import annotations

import logging

import pytest

from bot.service.authz import ADMIN_ACTIONS, APPROVER_ACTIONS, Authorizer
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
