"""The Bolt app: ``/sagemaker`` and the buttons. Built once per process by an entry point."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import TYPE_CHECKING, Any

from bot.aws.accounts import AccountAccess, SageMakers
from bot.runtime import Runtime
from bot.service.audit import Auditor
from bot.service.authz import Authorizer
from bot.service.chatops import ChatOpsService, SageMakerFactory

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)


def boto3_sagemaker(
    default_region: str | None = None, cross_account_role: str | None = None
) -> SageMakerFactory:
    """SageMaker services per region and account, their boto3 clients made on first use and
    kept. With ``cross_account_role``, other accounts are reached through that role."""

    def make_client(service: str, **options: Any) -> Any:
        import boto3

        return boto3.client(service, **options)  # type: ignore[call-overload]

    access = None
    if cross_account_role:
        access = AccountAccess(
            lambda: make_client("sts", region_name=default_region), cross_account_role
        )
    return SageMakers(make_client, access, default_region=default_region)


def build_service(
    runtime: Runtime, client: WebClient, sagemaker: SageMakerFactory | None = None
) -> ChatOpsService:
    settings = runtime.settings
    return ChatOpsService(
        store=runtime.store,
        renderer=runtime.renderer,
        authorizer=Authorizer(settings.approvers, settings.admins, client),
        auditor=Auditor(runtime.store),
        sagemaker=sagemaker or boto3_sagemaker(cross_account_role=settings.cross_account_role),
        slack=runtime.slack,
        refresh_parent=runtime.deliverer.refresh_parent,
        on_subscriptions_changed=runtime.deliverer.forget_subscriptions,
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


def build_app(
    service: ChatOpsService,
    *,
    client: WebClient,
    signing_secret: str,
    process_before_response: bool,
    listener_executor: Executor | None = None,
) -> App:
    """The Bolt app with every listener. Requests are signature-checked by Bolt."""
    from slack_bolt import App

    from bot.slack_app.listeners import actions, commands, view_submissions

    options: dict[str, Any] = {}
    if listener_executor is not None:
        options["listener_executor"] = listener_executor
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=process_before_response,
        # auth.test at start-up costs a round trip per cold start; nothing here needs its answer.
        token_verification_enabled=False,
        **options,
    )
    for listeners in (commands, actions, view_submissions):
        listeners.register(app, service)

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        logger.error("unhandled error in a Slack listener", exc_info=error)

    return app
