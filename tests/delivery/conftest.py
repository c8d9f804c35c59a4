"""Delivery fixtures: a Deliverer wired to the Slack stand-in and a real store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.delivery.deliverer import Deliverer, DeliveryOptions
from bot.gateway import WebApiGateway, make_web_client
from bot.render.renderer import Renderer
from bot.store import Store
from bot.store.dynamodb import DynamoDBStore
from bot.store.sqlite import SqliteStore
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0DELIVERY"
RENDERER = Renderer()

DelivererFactory = Callable[..., Deliverer]


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    backend: Store
    if request.param == "sqlite":
        backend = SqliteStore(tmp_path / "state.sqlite3")
    else:
        client = request.getfixturevalue("dynamodb_client")
        backend = DynamoDBStore(request.getfixturevalue("dynamodb_table"), client)
    yield backend
    backend.close()


def gateway(slack_api: SlackStandin, **client_options: float) -> WebApiGateway:
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01, **client_options)
    return WebApiGateway(client)


@pytest.fixture
def make_deliverer(slack_api: SlackStandin, store: Store) -> DelivererFactory:
    """A Deliverer over the stand-in; each call is a new 'Lambda instance' on the same store."""

    def factory(*, store_: Store | None = None, **options: object) -> Deliverer:
        defaults: dict[str, object] = {"default_channel": CHANNEL}
        defaults.update(options)
        return Deliverer(
            store_ or store,
            gateway(slack_api),
            RENDERER,
            DeliveryOptions(**defaults),  # type: ignore[arg-type]
        )

    return factory
