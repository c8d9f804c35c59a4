"""The state store and :func:`open_store`, which picks a backend from the ``store`` setting.

The store keeps threads and their deliveries, subscriptions, the audit log, locks, approvals,
reminders, the metrics read of model package versions and the Slack users found by email,
behind one small interface each (:mod:`bot.store.interfaces`); :class:`Store` is all of them.

URLs:

- ``sqlite:///relative/path.sqlite3`` and ``sqlite:////absolute/path.sqlite3`` (three slashes
  then the path, as SQLAlchemy spells it), ``sqlite://:memory:`` (also ``sqlite://`` and
  ``sqlite:///:memory:``);
- a bare path (no ``scheme://``): a SQLite file;
- ``dynamodb://TABLE``.

The backends are imported inside :func:`open_store`, so importing this package stays cheap.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.errors import ConfigurationError
from bot.store.base import (
    CHILDREN_KEY,
    ApprovalRecord,
    AuditRecord,
    ChannelFailure,
    ChildBuild,
    ChildMerge,
    DeliveryRecord,
    EmailUser,
    OrderKey,
    Reminder,
    Subscription,
    ThreadRecord,
)
from bot.store.interfaces import (
    Approvals,
    AuditLog,
    EmailUsers,
    Locks,
    PackageMetricsStore,
    Reminders,
    Store,
    SubscriptionStore,
    ThreadStore,
)

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

__all__ = [
    "CHILDREN_KEY",
    "ApprovalRecord",
    "Approvals",
    "AuditLog",
    "AuditRecord",
    "ChannelFailure",
    "ChildBuild",
    "ChildMerge",
    "DeliveryRecord",
    "EmailUser",
    "EmailUsers",
    "Locks",
    "OrderKey",
    "PackageMetricsStore",
    "Reminder",
    "Reminders",
    "Store",
    "Subscription",
    "SubscriptionStore",
    "ThreadRecord",
    "ThreadStore",
    "open_store",
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.DOTALL)
# DynamoDB's own rule for table names.
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]{3,255}$")


def open_store(url: str, *, dynamodb_client: DynamoDBClient | None = None) -> Store:
    """The store a URL names. A ``dynamodb://`` store without a client gets
    ``boto3.client("dynamodb")``, which honours ``AWS_ENDPOINT_URL_DYNAMODB`` and the usual
    region and credential settings."""
    url = url.strip()
    if not url:
        raise ConfigurationError("the store URL is empty; use sqlite:///PATH or dynamodb://TABLE")
    match = _SCHEME.match(url)
    if match is None:
        return _sqlite(url)
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme == "sqlite":
        if rest in ("", ":memory:", "/:memory:"):
            return _sqlite(":memory:")
        if not rest.startswith("/"):
            raise ConfigurationError(
                f"store URL {url!r}: a SQLite URL is sqlite:///relative/path or "
                "sqlite:////absolute/path (or sqlite://:memory:)"
            )
        return _sqlite(rest[1:])
    if scheme == "dynamodb":
        table = rest.strip("/")
        if not _TABLE_NAME.match(table):
            raise ConfigurationError(
                f"store URL {url!r}: {table!r} is not a DynamoDB table name "
                "(3-255 characters: letters, digits, '_', '-', '.')"
            )
        from bot.store.dynamodb import DynamoDBStore

        if dynamodb_client is None:
            import boto3

            dynamodb_client = boto3.client("dynamodb")
        return DynamoDBStore(table, dynamodb_client)
    raise ConfigurationError(
        f"store URL {url!r}: unknown scheme {scheme!r}; use sqlite:///PATH or dynamodb://TABLE"
    )


def _sqlite(path: str) -> Store:
    from bot.store.sqlite import SqliteStore

    return SqliteStore(path)
