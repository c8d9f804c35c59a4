"""Builds the bot's parts from the settings: store, renderer, Slack gateway, deliverer.

Entry points (Lambda handlers, the CLI) call :func:`build_runtime` once per process; nothing
here runs at import time. Explicit arguments win over the settings, so tests inject fakes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.delivery.deliverer import Deliverer, DeliveryMetrics, DeliveryOptions
from bot.gateway import (
    CallObserver,
    LocalGateway,
    SlackGateway,
    WebApiGateway,
    make_web_client,
)
from bot.render.renderer import Renderer
from bot.settings import Settings
from bot.store import Store, open_store

if TYPE_CHECKING:
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    store: Store
    renderer: Renderer
    slack: SlackGateway
    deliverer: Deliverer
    web_client: WebClient | None = None  # None in local mode (no token)


def fetch_secret(name: str) -> str:
    """A secret through Powertools Parameters (cached for 5 minutes per container).

    ``secretsmanager:NAME`` reads Secrets Manager; anything else is an SSM parameter name.
    """
    from aws_lambda_powertools.utilities import parameters

    if name.startswith("secretsmanager:"):
        value = parameters.get_secret(name.removeprefix("secretsmanager:"), max_age=300)
    else:
        value = parameters.get_parameter(name, decrypt=True, max_age=300)
    return value if isinstance(value, str) else str(value)


def resolve_bot_token(settings: Settings) -> str | None:
    """The bot token: from the environment locally, else from SSM or Secrets Manager."""
    if settings.slack_bot_token is not None:
        return settings.slack_bot_token.get_secret_value()
    if settings.slack_token_parameter:
        return fetch_secret(settings.slack_token_parameter)
    return None


def resolve_signing_secret(settings: Settings) -> str | None:
    if settings.slack_signing_secret is not None:
        return settings.slack_signing_secret.get_secret_value()
    if settings.slack_signing_secret_parameter:
        return fetch_secret(settings.slack_signing_secret_parameter)
    return None


def build_runtime(
    settings: Settings,
    *,
    store: Store | None = None,
    slack: SlackGateway | None = None,
    metrics: DeliveryMetrics | None = None,
    slack_observer: CallObserver | None = None,
) -> Runtime:
    """Wire the parts. Without a bot token, Slack is the in-memory ``LocalGateway``."""
    store = store or open_store(settings.store)
    renderer = Renderer(settings.templates_dir)
    web_client = None
    if slack is None:
        token = resolve_bot_token(settings)
        if token:
            web_client = make_web_client(token, settings.slack_api_url)
            slack = WebApiGateway(web_client, slack_observer)
        else:
            logger.info("no Slack token: messages stay local")
            slack = LocalGateway()
    deliverer = Deliverer(
        store, slack, renderer, DeliveryOptions.from_settings(settings), metrics=metrics
    )
    return Runtime(settings, store, renderer, slack, deliverer, web_client)
