"""The Studio setting, from the environment to the message Slack receives."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

import handlers.events as events_handler
from bot.gateway import WebApiGateway, make_web_client
from bot.runtime import build_runtime
from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.conftest import load_sample
from tests.handlers.test_events_handler import LambdaContext, sqs_batch
from tests.standins.slack_api import SlackStandin

CHANNEL = "C0STUDIO"
STUDIO = "https://studio-d-abc123.studio.us-east-1.sagemaker.aws/"


@pytest.fixture
def deployed(slack_api: SlackStandin, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The events function as serverless.yml configures it, with a Studio domain in us-east-1."""
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Test")
    settings = Settings.from_env(
        {
            "CHATOPS_DEFAULT_CHANNEL": CHANNEL,
            "CHATOPS_ACCOUNT_ID": "123456789012",
            "CHATOPS_STUDIO_DOMAINS": "us-east-1=d-abc123",
        }
    )
    store = SqliteStore(":memory:")
    client = make_web_client(slack_api.token, slack_api.url, backoff_factor=0.01)
    runtime = build_runtime(
        settings,
        store=store,
        slack=WebApiGateway(client),
        metrics=events_handler._PowertoolsMetrics(),
    )
    monkeypatch.setattr(events_handler, "_runtime", runtime)
    yield
    store.close()


def test_a_run_in_the_domains_account_and_region_opens_studio(
    deployed: None, slack_api: SlackStandin
) -> None:
    batch = sqs_batch(json.dumps(load_sample("pipeline_execution_status_change")))
    assert events_handler.handler(batch, LambdaContext()) == {"batchItemFailures": []}
    [message] = slack_api.messages(CHANNEL)
    shown = json.dumps(message.blocks)
    assert f"<{STUDIO}pipelines/view/myPipeline-123/executions/p4jn9xou8a8s/graph|Studio>" in shown


def test_a_package_of_another_region_opens_the_console(
    deployed: None, slack_api: SlackStandin
) -> None:
    batch = sqs_batch(json.dumps(load_sample("model_package_state_change")))  # us-east-2
    assert events_handler.handler(batch, LambdaContext()) == {"batchItemFailures": []}
    [message] = slack_api.messages(CHANNEL)
    shown = json.dumps(message.blocks)
    assert "studio.us-east-1.sagemaker.aws" not in shown
    assert "https://us-east-2.console.aws.amazon.com/sagemaker/home" in shown
