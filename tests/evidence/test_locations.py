"""Which S3 locations the bot may read."""

from __future__ import annotations

import pytest

from bot.evidence.locations import S3Location, allowed, is_entry

ENTRIES = ("ml-artifacts/churn/", "metrics-bucket/")


@pytest.mark.parametrize(
    ("uri", "ok"),
    [
        ("s3://ml-artifacts/churn/eval/evaluation.json", True),
        ("s3://metrics-bucket/anything.json", True),
        ("s3://ml-artifacts/fraud/evaluation.json", False),  # another prefix
        ("s3://ml-artifacts-copy/churn/evaluation.json", False),  # bucket named alike
        ("s3://metrics-bucket-2/anything.json", False),
    ],
)
def test_allowed_is_a_prefix_of_bucket_and_key(uri: str, ok: bool) -> None:
    location = S3Location.parse(uri)
    assert location is not None
    assert allowed(location, ENTRIES) is ok


@pytest.mark.parametrize(
    "uri", ["https://bucket/key", "s3://", "s3://bucket", "s3://bucket/", "/local/file.json"]
)
def test_only_s3_uris_with_a_key_are_locations(uri: str) -> None:
    assert S3Location.parse(uri) is None


@pytest.mark.parametrize(
    ("entry", "ok"),
    [
        ("my-bucket/", True),
        ("my-bucket/models/churn/", True),
        ("my-bucket/models/churn", True),
        ("my-bucket", False),  # would also grant my-bucket-other
        ("s3://my-bucket/", False),
        ("my-bucket/models/*", False),  # an IAM wildcard
        ("My_Bucket/", False),
        ("ab/", False),
    ],
)
def test_an_entry_is_a_bucket_and_a_prefix(entry: str, ok: bool) -> None:
    assert is_entry(entry) is ok
