"""The bot token and signing secret come from SSM or Secrets Manager (Powertools Parameters)."""

from __future__ import annotations

import pytest

from bot.runtime import resolve_bot_token, resolve_signing_secret
from bot.settings import Settings
from tests.standins.aws import AwsClientFactory


@pytest.fixture(autouse=True)
def _aws_endpoint(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Powertools builds its own boto3 clients; boto3 sends them to moto through this.
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_token_from_an_ssm_secure_string(aws_client_factory: AwsClientFactory) -> None:
    ssm = aws_client_factory("ssm")
    ssm.put_parameter(Name="/chatops/test/token", Value="xoxb-from-ssm", Type="SecureString")
    settings = Settings(slack_token_parameter="/chatops/test/token")
    assert resolve_bot_token(settings) == "xoxb-from-ssm"


def test_signing_secret_from_secrets_manager(aws_client_factory: AwsClientFactory) -> None:
    secrets = aws_client_factory("secretsmanager")
    secrets.create_secret(Name="chatops-test-signing", SecretString="s3cr3t")
    settings = Settings(slack_signing_secret_parameter="secretsmanager:chatops-test-signing")
    assert resolve_signing_secret(settings) == "s3cr3t"


def test_environment_wins_and_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-local")
    settings = Settings.from_env(slack_token_parameter="/never/read")
    assert resolve_bot_token(settings) == "xoxb-local"
    assert "xoxb-local" not in repr(settings)
    assert "xoxb-local" not in str(settings.model_dump())


def test_no_token_anywhere_means_local_mode() -> None:
    assert resolve_bot_token(Settings()) is None
