"""The Bolt app: ``/sagemaker`` and the buttons. Built once per process by an entry point."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_bolt.authorization import AuthorizeResult
    from slack_sdk import WebClient

    from bot.runtime import Runtime
    from bot.service.chatops import ChatOpsService, SageMakerFactory

ServiceRef = Callable[[], "ChatOpsService"]
"""The service, built on its first call and kept: listeners that answer without it (help, a
syntax error, the ack of a slow command) never build it."""

logger = logging.getLogger(__name__)
BOLT_APP_NAME = "sagemaker-chatops-bolt"


def build_service(
    runtime: Runtime,
    client: WebClient,
    sagemaker: SageMakerFactory | None = None,
    aws_client: Callable[..., Any] | None = None,
) -> ChatOpsService:
    """The service over the runtime's parts. ``aws_client`` (``boto3.client``'s signature)
    makes the other AWS clients: SageMaker's unless ``sagemaker`` is given, and the ones
    ``doctor`` reads the secrets and the bot's identity with (default: boto3's)."""
    from bot.aws.accounts import boto3_client, boto3_sagemakers
    from bot.service.audit import Auditor
    from bot.service.authz import Authorizer
    from bot.service.chatops import ChatOpsService
    from bot.service.doctor import Checkup

    settings = runtime.settings
    aws_client = aws_client or boto3_client
    sagemaker = sagemaker or boto3_sagemakers(
        cross_account_role=settings.cross_account_role,
        home_account=settings.account_id,
        make_client=aws_client,
    )
    return ChatOpsService(
        store=runtime.store,
        renderer=runtime.renderer,
        authorizer=Authorizer(
            settings.approvers,
            settings.admins,
            client,
            viewers=settings.viewers,
            home_account=settings.account_id,
        ),
        auditor=Auditor(runtime.store),
        sagemaker=sagemaker,
        slack=runtime.slack,
        refresh_parent=runtime.refresh_parent,
        on_subscriptions_changed=runtime.forget_subscriptions,
        approvals_required=settings.approvals_required,
        checkup=Checkup(settings, runtime.store, client, sagemaker, aws_client),
    )


class ImmediateExecutor(Executor):
    """Runs work in the calling thread: lazy listeners finish before ``dispatch`` returns.

    For tests and the local server, where there is no second Lambda invocation to wait for.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def token_authorize(token: str, bot_user_id: str | None = None) -> Callable[..., AuthorizeResult]:
    """Bolt's ``authorize``: the configured bot token, without a network call.

    Given a token, Bolt otherwise authorizes every request with ``auth.test`` (its
    SingleTeamAuthorization), a round trip to Slack before the ack, even with
    ``token_verification_enabled=False``. Nothing here needs its answer: the team and the
    user come from the request, and ``bot_user_id`` only serves Bolt's filter of the bot's own
    events, which this app does not receive.
    """
    from slack_bolt.authorization import AuthorizeResult

    def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=token,
            bot_user_id=bot_user_id,
        )

    return authorize


def build_app(
    service: ChatOpsService | ServiceRef,
    *,
    client: WebClient,
    signing_secret: str,
    process_before_response: bool,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app with every listener. Requests are signature-checked by Bolt and authorized
    with ``client``'s token, without a call to Slack. ``service`` may be a function that builds
    it: then it is called, once, by the first listener that needs it."""
    from slack_bolt import App
    from slack_bolt.logger.messages import (
        warning_client_prioritized_and_token_skipped,
        warning_token_skipped,
    )

    from bot.slack_app.listeners import actions, commands, view_submissions

    options: dict[str, Any] = {}
    if listener_executor is not None:
        options["listener_executor"] = listener_executor
    if not client.token:
        raise ValueError("the Slack app needs a client with a bot token")
    # Bolt warns that the client's token is ignored for authorize's (and SLACK_BOT_TOKEN for the
    # client's): it is the same token.
    skipped = {warning_token_skipped(), warning_client_prioritized_and_token_skipped()}
    bolt_logger = logging.getLogger("slack_bolt.App")
    drop_skipped: Callable[[logging.LogRecord], bool] = lambda r: r.getMessage() not in skipped  # noqa: E731
    bolt_logger.addFilter(drop_skipped)
    try:
        app = App(
            # Without a name, Bolt takes its caller's file name from inspect.stack(), which
            # resolves the path of every loaded module: about 50 ms of a cold start. Not the
            # handler's Powertools service name: Bolt gives each request a logger of the app's
            # name, set to the root logger's level (WARNING in Lambda), and that would be the
            # handler's own logger, whose INFO lines would then be dropped.
            name=BOLT_APP_NAME,
            client=client,
            signing_secret=signing_secret,
            process_before_response=process_before_response,
            # auth.test costs a round trip at start-up or per request; nothing needs its answer.
            token_verification_enabled=False,
            authorize=token_authorize(client.token),
            **options,
        )
    finally:
        bolt_logger.removeFilter(drop_skipped)
    get_service: ServiceRef = cache(service) if callable(service) else lambda: service
    for listeners in (commands, actions, view_submissions):
        listeners.register(app, get_service)

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error("unhandled error in a Slack listener", exc_info=error)

    return app
