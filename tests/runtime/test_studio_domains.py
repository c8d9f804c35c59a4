"""CHATOPS_STUDIO_DOMAINS: which Studio domain links may open, refused at load when wrong."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings

OWN = "123456789012"


def test_none_by_default() -> None:
    assert not Settings.from_env({}).studio_domains
    assert Settings.from_env({"CHATOPS_STUDIO_DOMAINS": ""}).studio_domains.entries == ()


def test_entries_name_their_account_and_region() -> None:
    settings = Settings.from_env(
        {
            "CHATOPS_ACCOUNT_ID": OWN,
            "CHATOPS_STUDIO_DOMAINS": "us-east-1=d-abc123; 111122223333:eu-west-1=d-x-9y ,",
        }
    )
    domains = settings.studio_domains
    assert domains.domain_for(OWN, "us-east-1") == "d-abc123"
    assert domains.domain_for("111122223333", "eu-west-1") == "d-x-9y"
    assert domains.domain_for(OWN, "eu-west-1") is None
    assert domains.domain_for("111122223333", "us-east-1") is None
    assert domains.domain_for(None, "us-east-1") is None


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("d-abc123", r"write \[ACCOUNT:\]REGION=DOMAIN"),
        ("us-east-1=", r"write \[ACCOUNT:\]REGION=DOMAIN"),
        ("us-east-1=D-ABC123", "'D-ABC123' is not a Studio domain id"),
        ("us-east-1=d-abc.evil.example", "'d-abc.evil.example' is not a Studio domain id"),
        ("us-east-1=d-abc/x", "is not a Studio domain id"),
        ("us-east-1=abc123", "'abc123' is not a Studio domain id"),
        ("us-east-1=d-" + "a" * 62, "is not a Studio domain id"),
        ("evil.example=d-abc123", "'evil.example' is not a region of the aws partition"),
        ("cn-north-1=d-abc123", "'cn-north-1' is not a region of the aws partition"),
        ("us-gov-west-1=d-abc123", "is not a region of the aws partition"),
        ("12345:us-east-1=d-abc123", "'12345' is not an AWS account id"),
        ("us-east-1=d-a1,us-east-1=d-b2", "is given two Studio domains"),
    ],
)
def test_a_bad_entry_is_refused_at_load_saying_why(value: str, says: str) -> None:
    with pytest.raises(ValidationError, match=says) as refused:
        Settings.from_env({"CHATOPS_ACCOUNT_ID": OWN, "CHATOPS_STUDIO_DOMAINS": value})
    assert "studio_domains" in str(refused.value)


def test_an_entry_for_the_bots_own_account_needs_the_account() -> None:
    with pytest.raises(ValidationError, match="Set CHATOPS_ACCOUNT_ID or write ACCOUNT:REGION"):
        Settings.from_env({"CHATOPS_STUDIO_DOMAINS": "us-east-1=d-abc123"})
    # Named in full, it needs nothing else.
    named = Settings.from_env({"CHATOPS_STUDIO_DOMAINS": f"{OWN}:us-east-1=d-abc123"})
    assert named.studio_domains.domain_for(OWN, "us-east-1") == "d-abc123"
