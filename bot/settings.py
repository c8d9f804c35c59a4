"""The one settings object. It is the only reader of the environment.

A pydantic model, validated once per process by :func:`get_settings`. The environment is read
by :meth:`Settings.from_env` (``CHATOPS_<FIELD>``, and Slack's usual names for the Slack
settings) rather than by pydantic-settings, whose import alone costs about as much as the rest
of a cold start's settings work several times over.

Secrets (the bot token, the signing secret) are fetched by the entry points through Powertools
Parameters when a parameter name is configured, and passed in explicitly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
)

from bot.evidence.locations import is_entry
from bot.render.studio import NO_STUDIO, StudioDomains, parse_studio_domains

PREFIX = "CHATOPS_"
# An IAM role name, optionally under a path (``ops/chatops``).
_ROLE_NAME = re.compile(r"^(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
# A failure reply shows at most this many log lines (one code block within Slack's limits).
MAX_FAILURE_LOG_LINES = 50


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    # Where the secrets live in AWS: an SSM parameter name, or ``secretsmanager:NAME``.
    slack_token_parameter: str | None = None
    slack_signing_secret_parameter: str | None = None

    # Delivery
    store: str = "sqlite:///.chatops/state.sqlite3"
    default_channel: str | None = None
    templates_dir: Path | None = None
    broadcast_failures: bool = True
    rollup_tuning: bool = True
    # A reply per distinct state instead of one when the status class changes.
    reply_every_state: bool = False
    finished_ttl_days: int = Field(default=30, ge=1)
    delivery_lease_seconds: float = Field(default=60.0, gt=0)

    # Authorization: Slack user ids (U…/W…) and user group ids (S…)
    approvers: list[str] = Field(default_factory=list)
    admins: list[str] = Field(default_factory=list)
    # Who may read (status, inspect, logs, the Inspect and Share buttons); empty: everyone, for
    # the bot's own account. Another account's resources: only those named here, in approvers
    # or in admins.
    viewers: list[str] = Field(default_factory=list)

    # The AWS account the bot runs in (in AWS, the stack's: serverless.yml sets it). Known
    # without a call, so a read is authorized before any AWS call. None: every account id a
    # resource names counts as another account.
    account_id: str | None = None

    # Studio domains (``[ACCOUNT:]REGION=DOMAIN, …``; no account: the bot's own): pipelines, the
    # model registry and feature groups of that account and region link to Studio there, the
    # rest to the console; none: everything links to the console (bot/render/studio.py).
    # After account_id: its validator reads the account (fields are validated in order).
    studio_domains: StudioDomains = NO_STUDIO

    # Approvals. How many different approvers a decision taken in Slack needs (2: the
    # two-person rule; a rejection always needs one). Anyone with UpdateModelPackage can still
    # decide outside Slack (Studio, the API): this binds the bot's buttons and commands only.
    approvals_required: int = Field(default=1, ge=1, le=10)
    # A package waiting for approval mentions the approvers (its card, its reminder).
    mention_approvers: bool = True
    # A package still waiting this long gets one reminder in its thread; 0: no reminders.
    approval_reminder_hours: float = Field(default=24.0, ge=0)

    # Other AWS accounts: the name of the role the bot assumes in the account of a resource
    # that is not in its own (events forwarded to a central bus); none: its own role only.
    cross_account_role: str | None = None

    # Model packages' metrics documents are read from S3 under these ``bucket/prefix`` entries
    # (``my-bucket/`` for a whole bucket; the events function's IAM grants exactly these) and
    # shown on their cards beside the approved version's; none: the cards link them only.
    metrics_buckets: list[str] = Field(default_factory=list)

    # Owners: the tags of a resource that name its owner, the first one present (and well
    # formed) wins: a Slack user id (U…/W…), a user group id (S…) or an email (looked up with
    # users.lookupByEmail). Alert replies mention them; empty: nobody is mentioned.
    owner_tags: list[str] = Field(default_factory=lambda: ["slack-owner", "owner"])
    # The last lines a failed job logged, added to its failure reply by an edit; 0: off (logs
    # may hold secrets: the operator decides). The events function may then read SageMaker's
    # job log groups.
    failure_log_lines: int = Field(default=0, ge=0, le=MAX_FAILURE_LOG_LINES)

    # Local ``serve``: when set, ``POST /events`` needs ``Authorization: Bearer <token>``.
    serve_token: SecretStr | None = None

    # Environment names tried before CHATOPS_<FIELD>: the ones Slack's own tools use.
    ENV_ALIASES: ClassVar[dict[str, tuple[str, ...]]] = {
        "slack_bot_token": ("SLACK_BOT_TOKEN",),
        "slack_signing_secret": ("SLACK_SIGNING_SECRET",),
        "slack_api_url": ("SLACK_API_URL",),
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from the environment; explicit ``overrides`` win."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            for key in (*cls.ENV_ALIASES.get(name, ()), PREFIX + name.upper()):
                if key in env:
                    values[name] = env[key]
                    break
        values.update(overrides)
        return cls(**values)

    @field_validator(
        "approvers", "admins", "viewers", "metrics_buckets", "owner_tags", mode="before"
    )
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("cross_account_role")
    @classmethod
    def _role_name(cls, value: str | None) -> str | None:
        if value is not None and not _ROLE_NAME.match(value):
            raise ValueError(f"not an IAM role name: {value!r}")
        return value

    @field_validator("metrics_buckets")
    @classmethod
    def _bucket_entries(cls, value: list[str]) -> list[str]:
        wrong = [entry for entry in value if not is_entry(entry)]
        if wrong:
            raise ValueError(
                f"not bucket/prefix entries: {wrong!r} (e.g. my-bucket/ or my-bucket/models/)"
            )
        return value

    @field_validator("account_id")
    @classmethod
    def _account_id(cls, value: str | None) -> str | None:
        if value is not None and not _ACCOUNT_ID.match(value):
            raise ValueError(f"not an AWS account id (12 digits): {value!r}")
        return value

    @field_validator("studio_domains", mode="before")
    @classmethod
    def _studio_domains(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            return parse_studio_domains(value, info.data.get("account_id"))
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        return value if value.endswith("/") else value + "/"

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "default_channel",
        "templates_dir",
        "slack_token_parameter",
        "slack_signing_secret_parameter",
        "cross_account_role",
        "account_id",
        "serve_token",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def env_secret(name: str, environ: Mapping[str, str] | None = None) -> SecretStr | None:
    """The value of one environment variable the user named (``serve --token-env NAME``), as a
    secret; None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(name, "")
    return SecretStr(value) if value else None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process (a Lambda container)."""
    return Settings.from_env()
