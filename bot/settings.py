"""The one settings object. It is the only reader of the environment.

Secrets (the bot token, the signing secret) are fetched by the handlers through Powertools
Parameters when a parameter name is configured, and passed in explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHATOPS_", extra="ignore", frozen=True)

    # Slack
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "CHATOPS_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "CHATOPS_SLACK_SIGNING_SECRET"),
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "CHATOPS_SLACK_API_URL"),
    )
    # Where the token lives in AWS: an SSM parameter name, or ``secretsmanager:NAME``.
    slack_token_parameter: str | None = None
    slack_signing_secret_parameter: str | None = None

    # Delivery
    store: str = "sqlite:///.chatops/state.sqlite3"
    default_channel: str | None = None
    templates_dir: Path | None = None
    broadcast_failures: bool = True
    rollup_tuning: bool = True
    finished_ttl_days: int = Field(default=30, ge=1)
    delivery_lease_seconds: float = Field(default=60.0, gt=0)

    # Authorization: Slack user ids (U…/W…) and user group ids (S…)
    approvers: CommaList = Field(default_factory=list)
    admins: CommaList = Field(default_factory=list)

    @field_validator("approvers", "admins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "default_channel",
        "templates_dir",
        "slack_token_parameter",
        "slack_signing_secret_parameter",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process (a Lambda container)."""
    return Settings()
