"""CHATOPS_METRICS_BUCKETS: the bucket/prefix entries the bot reads metrics documents under."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_entries_are_read_from_a_comma_separated_list() -> None:
    settings = Settings.from_env(
        {"CHATOPS_METRICS_BUCKETS": "ml-artifacts/churn/, metrics-bucket/"}
    )
    assert settings.metrics_buckets == ["ml-artifacts/churn/", "metrics-bucket/"]
    assert Settings.from_env({}).metrics_buckets == []
    assert Settings.from_env({"CHATOPS_METRICS_BUCKETS": ""}).metrics_buckets == []


@pytest.mark.parametrize("value", ["ml-artifacts", "s3://ml-artifacts/", "ml-artifacts/*"])
def test_what_would_grant_more_than_a_prefix_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="bucket/prefix"):
        Settings.from_env({"CHATOPS_METRICS_BUCKETS": value})
