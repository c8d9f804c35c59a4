"""S3 locations, and whether the bot may read one.

The bot reads metrics documents only under the ``bucket/prefix`` entries it is given (the
``metricsBuckets`` deployment parameter, ``CHATOPS_METRICS_BUCKETS``), the same entries its IAM
policy grants ``s3:GetObject`` on; a document elsewhere is not asked for.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# ``bucket/`` (the whole bucket) or ``bucket/prefix``: a bucket name as S3 allows it, then the
# slash that keeps ``bucket`` from also granting ``bucket-other``; no IAM wildcard in a prefix.
ENTRY = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[^*?,\s]*$")


class S3Location(NamedTuple):
    bucket: str
    key: str

    @classmethod
    def parse(cls, uri: str) -> S3Location | None:
        """``s3://bucket/key`` → its parts; None for anything else."""
        if not uri.startswith("s3://"):
            return None
        bucket, _, key = uri[5:].partition("/")
        return cls(bucket, key) if bucket and key else None

    @property
    def path(self) -> str:
        """``bucket/key``, as the allowed entries spell it."""
        return f"{self.bucket}/{self.key}"


def is_entry(text: str) -> bool:
    """Whether ``text`` is a valid ``bucket/prefix`` entry."""
    return bool(ENTRY.match(text))


def allowed(location: S3Location, entries: tuple[str, ...] | list[str]) -> bool:
    """Whether the location is under one of the ``bucket/prefix`` entries (as IAM matches the
    resource ``arn:…:s3:::bucket/prefix*``: a string prefix of ``bucket/key``)."""
    return any(location.path.startswith(entry) for entry in entries)
