"""Builds the bot's parts from the settings: store, renderer, Slack gateway, deliverer,
reminders.

Entry points (Lambda handlers, the CLI) call :func:`build_runtime` once per process; nothing
here runs at import time. Explicit arguments win over the settings, so tests inject fakes.
The store, the renderer and the deliverer are built on first use (and their modules imported
then), so an entry point that answers without them (the Slack function's help, syntax errors
and acks) never pays for them.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from bot.gateway import (
    CallObserver,
    LocalGateway,
    SlackGateway,
    WebApiGateway,
    make_web_client,
)
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.delivery.deliverer import Deliverer, EvidenceSource
    from bot.delivery.log_lines import FailureLogs
    from bot.delivery.metrics import Counter
    from bot.delivery.owner_lookup import OwnerResolver
    from bot.delivery.reminders import ReminderSender
    from bot.render.renderer import Renderer
    from bot.store import Store

logger = logging.getLogger(__name__)


class Runtime:
    """The parts, each built once: the store, the renderer, the deliverer and the reminders on
    first use."""

    def __init__(
        self,
        settings: Settings,
        slack: SlackGateway,
        web_client: WebClient | None = None,  # None in local mode (no token)
        *,
        store: Store | None = None,
        metrics: Counter | None = None,
    ) -> None:
        self.settings = settings
        self.slack = slack
        self.web_client = web_client
        self._store = store
        self._metrics = metrics

    @cached_property
    def store(self) -> Store:
        if self._store is not None:
            return self._store
        from bot.store import open_store

        return open_store(self.settings.store)

    @cached_property
    def renderer(self) -> Renderer:
        from bot.render.renderer import Renderer

        return Renderer(self.settings.templates_dir, studio=self.settings.studio_domains)

    @cached_property
    def deliverer(self) -> Deliverer:
        from bot.delivery.deliverer import Deliverer, DeliveryOptions

        options = DeliveryOptions.from_settings(self.settings)
        return Deliverer(
            self.store,
            self.slack,
            self.renderer,
            options,
            metrics=self._metrics,
            evidence=self.evidence,
            owners=self.owners,
            failure_logs=self.failure_logs,
        )

    @cached_property
    def failure_logs(self) -> FailureLogs | None:
        """Failed jobs' last log lines for their replies (``failure_log_lines`` > 0); None:
        off, and no CloudWatch Logs call is ever made."""
        if self.settings.failure_log_lines <= 0:
            return None
        from bot.aws.accounts import boto3_sagemakers
        from bot.aws.failure_logs import CLIENTS, FailureLogReader

        sources = boto3_sagemakers(
            cross_account_role=self.settings.cross_account_role,
            home_account=self.settings.account_id,
            clients=CLIENTS,
        )
        return FailureLogReader(sources)

    @cached_property
    def owners(self) -> OwnerResolver | None:
        """Whom an alert mentions, from the resource's tags (``owner_tags``); None: nobody."""
        if not self.settings.owner_tags:
            return None
        from bot.delivery.owner_lookup import OwnerResolver
        from bot.gateway import UserDirectory

        directory = self.slack if isinstance(self.slack, UserDirectory) else None
        return OwnerResolver(self.store, directory, self.settings.owner_tags, metrics=self._metrics)

    @cached_property
    def evidence(self) -> EvidenceSource | None:
        """Package cards' metrics, read from the configured buckets (the events function);
        None without any: the cards link the documents only."""
        if not self.settings.metrics_buckets:
            return None
        from bot.aws.accounts import boto3_sagemakers
        from bot.aws.evidence import CLIENTS, EvidenceGatherer

        sources = boto3_sagemakers(
            cross_account_role=self.settings.cross_account_role,
            home_account=self.settings.account_id,
            clients=CLIENTS,
        )
        return EvidenceGatherer(sources, self.store, self.settings.metrics_buckets)

    @cached_property
    def reminders(self) -> ReminderSender:
        from bot.delivery.reminders import ReminderSender
        from bot.render.formatting import configured_mentions

        settings = self.settings
        approvers = settings.approvers if settings.mention_approvers else []
        return ReminderSender(
            self.store,
            self.slack,
            hours=settings.approval_reminder_hours,
            approvers=configured_mentions(approvers) or None,
            approvals_required=settings.approvals_required,
            metrics=self._metrics,
        )

    def refresh_parent(self, channel: str, key: str, ts: str) -> None:
        """The deliverer's: re-render a parent message from the store."""
        self.deliverer.refresh_parent(channel, key, ts)

    def forget_subscriptions(self) -> None:
        """The deliverer's cached subscriptions are stale; nothing to do if it is not built."""
        if "deliverer" in self.__dict__:
            self.deliverer.forget_subscriptions()


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
    metrics: Counter | None = None,
    slack_observer: CallObserver | None = None,
) -> Runtime:
    """Wire the parts. Without a bot token, Slack is the in-memory ``LocalGateway``. The store
    (unless given), renderer and deliverer are built on first use."""
    web_client = None
    if slack is None:
        token = resolve_bot_token(settings)
        if token:
            web_client = make_web_client(token, settings.slack_api_url)
            slack = WebApiGateway(web_client, slack_observer)
        else:
            logger.info("no Slack token: messages stay local")
            slack = LocalGateway()
    return Runtime(settings, slack, web_client, store=store, metrics=metrics)
