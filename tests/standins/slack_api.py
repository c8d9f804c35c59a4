"""A local stand-in for Slack's Web API, for tests and benchmarks.

:class:`SlackStandin` runs a stdlib HTTP server on loopback (``127.0.0.1``, a free port) in a
background thread. It answers the Web API methods the bot uses closely enough that an
unmodified ``slack_sdk.WebClient(token=..., base_url=standin.url)`` talks to it. ``standin.url``
ends with ``/api/``, exactly like ``https://slack.com/api/``.

What it models, as Slack does:

* auth: ``Authorization: Bearer <token>`` or a ``token`` form field; ``not_authed`` /
  ``invalid_auth``. API errors are HTTP 200 with ``{"ok": false, "error": ...}``.
* scopes: the tokens' scopes (``scopes=``, or :meth:`SlackStandin.set_scopes`; by default every
  scope a method here accepts) come back in the ``x-oauth-scopes`` header of every answer, with
  the method's ``x-accepted-oauth-scopes``; a method called without its scope answers
  ``missing_scope`` with ``needed`` and ``provided``. A conversation's read methods need the
  scope of its type (``channels:read`` for a public channel, ``groups:read`` for a private one).
* channels: public or private, archived or not, the bot a member or not
  (:meth:`SlackStandin.set_channel`; by default a public channel the bot is in). Posting to an
  archived channel is ``is_archived``; to a public channel the bot is not in, ``not_in_channel``
  unless the token has ``chat:write.public``; a private channel the bot is not in does not
  exist for it (``channel_not_found``), for every method.
* Block Kit validation: the SDK's own validators (``Block.parse(b).to_dict()``) plus the
  message-level and per-block limits in ``/work/shared/reference/slack-limits.md``. Failures are
  ``invalid_blocks`` with an ``errors`` list; unparseable JSON is ``invalid_blocks_format``.
* state a person would see: channels with ordered top-level messages (broadcast thread replies
  shown in the channel too), threads, edits with their history, ephemeral messages and views.
* faults: :meth:`SlackStandin.fail_next` and :meth:`SlackStandin.set_failure_rate` (429 with
  ``Retry-After``, 5xx, or a slow answer so the client times out). A failed call never changes
  state, so a retried post is not a duplicate here.
* rate limits (opt-in): token buckets per method tier, plus per channel for
  ``chat.postMessage``. ``time_scale`` makes time run faster for benchmarks.

Retry-After and ``time_scale``
------------------------------
Every 429 carries ``Retry-After`` (integer seconds, as Slack sends it, ``max(0, ceil(s))``) and
``X-Standin-Retry-After-Seconds`` (the exact wait ``s`` as a float). Both are real seconds, i.e.
already multiplied by ``time_scale``. The bot's retry handler must honour ``Retry-After``.
slack_sdk's stock ``RateLimitErrorRetryHandler`` sleeps ``int(Retry-After) + random()``, so it
waits at least a second per 429 even when ``time_scale`` is small; benchmarks that want scaled
waits should use :class:`ScaledRateLimitRetryHandler`, which sleeps the float header.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.gateway.retry import RetryAfterHandler

__all__ = [
    "DEFAULT_PER_MINUTE",
    "DEFAULT_SCOPES",
    "DEFAULT_TOKEN",
    "METHOD_SCOPES",
    "NON_MARKETPLACE_2025_PER_MINUTE",
    "RETRY_AFTER_SECONDS_HEADER",
    "ApiCall",
    "Conversation",
    "Ephemeral",
    "Message",
    "MessageVersion",
    "RateLimitConfig",
    "RateLimiter",
    "ScaledRateLimitRetryHandler",
    "SlackStandin",
    "TokenBucket",
    "retry_after_headers",
    "retry_after_seconds",
    "slack_standin",
    "validate_blocks",
    "validate_view",
]

DEFAULT_TOKEN = "xoxb-test-token"
API_PREFIX = "/api/"
RESPONSE_PREFIX = "/response/"  # response_url endpoints (Slack: hooks.slack.com/commands/…)
RETRY_AFTER_SECONDS_HEADER = "X-Standin-Retry-After-Seconds"

MAX_TEXT_LENGTH = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
FIRST_TS_MICROS = 1_700_000_000_000_000
TS_STEP_MICROS = 100
DELETED_TEXT = "This message was deleted."

TIER_1, TIER_2, TIER_3, TIER_4, SPECIAL_600 = 1.0, 20.0, 50.0, 100.0, 600.0

#: Workspace-wide calls per minute, per method (slack-limits.md, Java SDK tier table).
DEFAULT_PER_MINUTE: Mapping[str, float] = {
    "chat.postMessage": 300.0,  # special: "several hundred per minute" per workspace
    "chat.update": TIER_3,
    "chat.delete": TIER_3,
    "chat.postEphemeral": TIER_4,
    "chat.getPermalink": SPECIAL_600,
    "auth.test": SPECIAL_600,
    "views.open": TIER_4,
    "views.update": TIER_4,
    "users.info": TIER_4,
    "users.lookupByEmail": TIER_3,
    "usergroups.users.list": TIER_2,
    "conversations.info": TIER_3,
    "conversations.history": TIER_3,
    "conversations.replies": TIER_3,
}

#: Overrides for apps not approved for the Marketplace (installs from 2025-05-29):
#: conversations.history and conversations.replies become Tier 1.
NON_MARKETPLACE_2025_PER_MINUTE: Mapping[str, float] = {
    "conversations.history": TIER_1,
    "conversations.replies": TIER_1,
}

#: The scopes a method accepts (any one of them), as Slack's ``x-accepted-oauth-scopes`` names
#: them for a bot token. Methods not listed need none (auth.test, chat.getPermalink, views.*);
#: the conversations.* methods need the scope of the conversation's type (below).
METHOD_SCOPES: Mapping[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "usergroups.users.list": ("usergroups:read",),
    "users.info": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
}
#: Conversation type -> the scope conversations.info needs, and the one history/replies need.
CONVERSATION_READ_SCOPES: Mapping[str, str] = {
    "public": "channels:read",
    "private": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}
CONVERSATION_HISTORY_SCOPES: Mapping[str, str] = {
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
#: Posting to public channels the bot is not in.
WRITE_PUBLIC_SCOPE = "chat:write.public"
#: A token's scopes unless told otherwise: everything any method here accepts, so a test that
#: is not about scopes never meets ``missing_scope``.
DEFAULT_SCOPES: frozenset[str] = frozenset(
    {scope for scopes in METHOD_SCOPES.values() for scope in scopes}
    | set(CONVERSATION_READ_SCOPES.values())
    | set(CONVERSATION_HISTORY_SCOPES.values())
    | {WRITE_PUBLIC_SCOPE, "commands"}
)
OAUTH_SCOPES_HEADER = "x-oauth-scopes"
ACCEPTED_SCOPES_HEADER = "x-accepted-oauth-scopes"

_FAULT_ERRORS = {
    429: "ratelimited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "request_timeout",
}


# ---------------------------------------------------------------------------------------------
# API errors and request parameters
# ---------------------------------------------------------------------------------------------


class ApiError(Exception):
    """An API-level failure: HTTP 200 with ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"ok": False, "error": self.error, **self.extra}


def _invalid_arguments(messages: Iterable[str]) -> ApiError:
    return ApiError(
        "invalid_arguments",
        response_metadata={"messages": [f"[ERROR] {m}" for m in messages]},
    )


class _Params:
    """Request parameters from a query string, a form body or a JSON body."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = dict(raw)

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def text(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def required(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise _invalid_arguments([f"missing required field: {name}"])
        return value

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes"}
        return bool(value)

    def integer(self, name: str, default: int) -> int:
        try:
            return int(self.raw.get(name, default))
        except (TypeError, ValueError):
            return default

    def json(self, name: str, *, error: str) -> Any:
        """A JSON-typed field: already decoded (JSON body) or a JSON string (form body)."""
        value = self.raw.get(name)
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ApiError(error) from exc


def parse_params(query: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Merge query-string and body parameters; the body wins on a clash."""
    params: dict[str, Any] = _form(query)
    if not body:
        return params
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        try:
            decoded = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ApiError("invalid_json") from exc
        if not isinstance(decoded, dict):
            raise ApiError("invalid_json")
        params.update(decoded)
    elif mime in {"application/x-www-form-urlencoded", ""}:
        params.update(_form(body.decode("utf-8", errors="replace")))
    else:
        raise ApiError("invalid_form_data")
    return params


def _form(encoded: str) -> dict[str, Any]:
    return {key: values[-1] for key, values in parse_qs(encoded, keep_blank_values=True).items()}


# ---------------------------------------------------------------------------------------------
# Block Kit validation
# ---------------------------------------------------------------------------------------------

# block type -> (pointer inside the block, max characters)
_TEXT_LIMITS: Mapping[str, tuple[str, int]] = {
    "header": ("/text/text", 150),
    "section": ("/text/text", 3000),
    "markdown": ("/text", 12_000),
}
# (block type, list field) -> max items
_LIST_LIMITS: Mapping[tuple[str, str], int] = {
    ("section", "fields"): 10,
    ("context", "elements"): 10,
    ("actions", "elements"): 25,
}
# (element type or "*", field pointer) -> max characters
_ELEMENT_LIMITS: Mapping[tuple[str, str], int] = {
    ("*", "/action_id"): 255,
    ("button", "/text/text"): 75,
    ("button", "/value"): 2000,
    ("button", "/url"): 3000,
}
_SECTION_FIELD_TEXT_MAX = 2000
_BLOCK_ID_MAX = 255


def _at(obj: Any, pointer: str) -> Any:
    """Follow a JSON pointer made of object keys; None when any step is missing."""
    for key in pointer.strip("/").split("/"):
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _length_error(value: Any, limit: int, pointer: str) -> list[tuple[str, str]]:
    if isinstance(value, str) and len(value) > limit:
        return [(pointer, f"must be less than {limit + 1} characters")]
    return []


def _element_errors(element: Any, pointer: str) -> list[tuple[str, str]]:
    if not isinstance(element, dict):
        return [(pointer, "must be an object")]
    errors: list[tuple[str, str]] = []
    for (kind, sub), limit in _ELEMENT_LIMITS.items():
        if kind in {"*", element.get("type")}:
            errors += _length_error(_at(element, sub), limit, pointer + sub)
    return errors


def _list_errors(block: dict[str, Any]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for (kind, name), limit in _LIST_LIMITS.items():
        items = block.get(name)
        if block.get("type") == kind and isinstance(items, list) and len(items) > limit:
            errors.append((f"/{name}", f"no more than {limit} items allowed"))
    return errors


def _nested_errors(block: dict[str, Any]) -> list[tuple[str, str]]:
    """Per-item limits: section fields, section accessory, actions elements."""
    errors: list[tuple[str, str]] = []
    kind = block.get("type")
    if kind == "section":
        for i, item in enumerate(block.get("fields") or []):
            text = _at(item, "/text")
            errors += _length_error(text, _SECTION_FIELD_TEXT_MAX, f"/fields/{i}/text")
        if block.get("accessory") is not None:
            errors += _element_errors(block["accessory"], "/accessory")
    if kind == "actions":
        for i, element in enumerate(block.get("elements") or []):
            errors += _element_errors(element, f"/elements/{i}")
    return errors


def _limit_errors(block: dict[str, Any]) -> list[tuple[str, str]]:
    """Slack's documented limits, as (pointer inside the block, message) pairs."""
    kind = str(block.get("type"))
    errors = _length_error(block.get("block_id"), _BLOCK_ID_MAX, "/block_id")
    if kind in _TEXT_LIMITS:
        sub, limit = _TEXT_LIMITS[kind]
        errors += _length_error(_at(block, sub), limit, sub)
    if kind == "header" and _at(block, "/text/type") not in {None, "plain_text"}:
        errors.append(("/text/type", "must be plain_text"))
    return errors + _list_errors(block) + _nested_errors(block)


def _sdk_error(block: dict[str, Any]) -> str | None:
    """What slack_sdk's own validators say: ``Block.parse(b).to_dict()``."""
    try:
        parsed = Block.parse(copy.deepcopy(block))
        if parsed is None:
            return f"unsupported block type: {block.get('type')}"
        parsed.to_dict()
    except SlackObjectFormationError as exc:
        return str(exc)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return f"malformed block: {exc}"
    return None


def _block_errors(block: Any, pointer: str) -> list[str]:
    if not isinstance(block, dict) or not block.get("type"):
        return [f"missing required field: type [json-pointer:{pointer}]"]
    errors = [f"{msg} [json-pointer:{pointer}{sub}]" for sub, msg in _limit_errors(block)]
    if errors:
        return errors
    sdk_error = _sdk_error(block)
    return [f"{sdk_error} [json-pointer:{pointer}]"] if sdk_error else []


def validate_blocks(
    blocks: Any, *, max_blocks: int = MAX_MESSAGE_BLOCKS, pointer: str = "/blocks"
) -> list[str]:
    """Error messages (empty when valid) in Slack's ``[json-pointer:...]`` style."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"no more than {max_blocks} items allowed [json-pointer:{pointer}]")
    for i, block in enumerate(blocks):
        errors += _block_errors(block, f"{pointer}/{i}")
    return errors


def validate_view(view: Any) -> list[str]:
    """Errors for a modal / Home tab view: ``View(**view).to_dict()`` plus block limits."""
    if not isinstance(view, dict):
        return ["must be an object [json-pointer:/view]"]
    if view.get("type") == "modal" and not view.get("title"):
        return ["missing required field: title [json-pointer:/view/title]"]
    errors = validate_blocks(
        view.get("blocks", []), max_blocks=MAX_VIEW_BLOCKS, pointer="/view/blocks"
    )
    if errors:
        return errors
    try:
        View(**view).to_dict()
    except SlackObjectFormationError as exc:
        return [f"{exc} [json-pointer:/view]"]
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        return [f"malformed view: {exc} [json-pointer:/view]"]
    return []


# ---------------------------------------------------------------------------------------------
# State: what a person in the workspace would see
# ---------------------------------------------------------------------------------------------


@dataclass
class MessageVersion:
    """An earlier version of an edited message."""

    text: str
    blocks: list[dict[str, Any]]
    replaced_at: str  # the edit's ts


@dataclass
class Message:
    """A channel message or a thread reply, as it currently shows."""

    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    user: str
    thread_ts: str | None = None
    reply_broadcast: bool = False
    attachments: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    history: list[MessageVersion] = field(default_factory=list)
    replies: list[Message] = field(default_factory=list)
    edited_ts: str | None = None
    deleted: bool = False

    @property
    def edited(self) -> bool:
        return self.edited_ts is not None

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, *, bot_id: str, team: str) -> dict[str, Any]:
        """The message object as the Web API returns it."""
        data: dict[str, Any] = {
            "type": "message",
            "user": self.user,
            "bot_id": bot_id,
            "team": team,
            "ts": self.ts,
            "text": self.text,
        }
        optional = {
            "blocks": self.blocks,
            "attachments": self.attachments,
            "metadata": self.metadata,
        }
        data.update({key: value for key, value in optional.items() if value})
        if self.is_reply:
            data["thread_ts"] = self.thread_ts
            if self.reply_broadcast:
                data["subtype"] = "thread_broadcast"
        elif self.replies:
            data.update(
                thread_ts=self.ts,
                reply_count=len(self.replies),
                reply_users=sorted({r.user for r in self.replies}),
                latest_reply=self.replies[-1].ts,
            )
        if self.edited_ts:
            data["edited"] = {"user": self.user, "ts": self.edited_ts}
        return data


@dataclass
class Ephemeral:
    """A message only ``user`` sees (chat.postEphemeral)."""

    channel: str
    user: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None


@dataclass(frozen=True)
class Conversation:
    """What the workspace knows of a channel: its type, whether it is archived, whether the
    bot is in it. ``kind``: ``public``, ``private``, ``im`` or ``mpim``."""

    id: str
    name: str
    kind: str = "public"
    archived: bool = False
    member: bool = True

    @property
    def visible(self) -> bool:
        """Whether the bot can see it at all: a private conversation only from inside."""
        return self.member or self.kind == "public"

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "is_channel": self.kind == "public",
            "is_group": self.kind == "private",
            "is_im": self.kind == "im",
            "is_mpim": self.kind == "mpim",
            "is_private": self.kind != "public",
            "is_archived": self.archived,
            "is_member": self.member,
            "created": FIRST_TS_MICROS // 1_000_000,
        }


@dataclass(frozen=True)
class ApiCall:
    """One request, as logged: also calls that failed or were faulted."""

    method: str
    params: dict[str, Any]
    time: float  # time.time() when answered
    status: int  # HTTP status
    ok: bool
    error: str | None
    response: dict[str, Any]
    fault: str | None = None  # "injected" / "random" / "rate_limit" when the stand-in refused


@dataclass(frozen=True)
class _Content:
    text: str | None
    blocks: list[dict[str, Any]] | None
    attachments: list[Any] | None


# ---------------------------------------------------------------------------------------------
# Rate limits
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateLimitConfig:
    """Token-bucket limits, in simulated (Slack) time.

    ``per_minute``: workspace-wide calls per minute per method (methods not listed are not
    limited). ``burst``: bucket capacity per method; a method not listed may burst a whole
    minute's budget. ``channel_per_second`` / ``channel_burst``: the extra per-channel bucket of
    chat.postMessage ("1 message per second to a specific channel", "generous burst").
    """

    per_minute: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_PER_MINUTE))
    burst: Mapping[str, float] = field(default_factory=dict)
    channel_per_second: float = 1.0
    channel_burst: float = 3.0


class TokenBucket:
    """A token bucket in real seconds."""

    def __init__(self, capacity: float, per_second: float, now: float) -> None:
        self.capacity = max(1.0, capacity)
        self.per_second = per_second
        self.tokens = self.capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until a token is available (0 when one is)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.per_second

    def take(self) -> None:
        self.tokens -= 1.0


class RateLimiter:
    """Per-method and per-channel buckets; time runs ``1 / time_scale`` times faster."""

    def __init__(
        self,
        config: RateLimitConfig,
        time_scale: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.time_scale = time_scale
        self.clock = clock
        self._buckets: dict[tuple[str, str], TokenBucket] = {}

    def _bucket(self, key: tuple[str, str], capacity: float, per_second: float) -> TokenBucket:
        if key not in self._buckets:
            real_rate = per_second / self.time_scale
            self._buckets[key] = TokenBucket(capacity, real_rate, self.clock())
        return self._buckets[key]

    def _buckets_for(self, method: str, channel: str | None) -> list[TokenBucket]:
        buckets: list[TokenBucket] = []
        per_minute = self.config.per_minute.get(method)
        if per_minute:
            capacity = self.config.burst.get(method, per_minute)
            buckets.append(self._bucket(("method", method), capacity, per_minute / 60.0))
        if method == "chat.postMessage" and channel:
            cfg = self.config
            buckets.append(
                self._bucket(("channel", channel), cfg.channel_burst, cfg.channel_per_second)
            )
        return buckets

    def admit(self, method: str, channel: str | None) -> float:
        """0 and a token taken from every bucket, or the real seconds to wait (nothing taken)."""
        now = self.clock()
        buckets = self._buckets_for(method, channel)
        wait = max((bucket.wait(now) for bucket in buckets), default=0.0)
        if wait == 0.0:
            for bucket in buckets:
                bucket.take()
        return wait


# ---------------------------------------------------------------------------------------------
# Fault injection
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fault:
    status: int
    retry_after: float  # simulated seconds
    timeout: float | None
    method: str | None
    source: str


@dataclass
class _RandomFaults:
    rate: float
    statuses: tuple[int, ...]
    retry_after: float
    methods: frozenset[str] | None
    rng: random.Random

    def draw(self, method: str) -> _Fault | None:
        if self.methods is not None and method not in self.methods:
            return None
        if self.rng.random() >= self.rate:
            return None
        status = self.rng.choice(self.statuses)
        return _Fault(status, self.retry_after, None, method, "random")


def retry_after_headers(real_seconds: float) -> dict[str, str]:
    """``Retry-After`` as Slack sends it (integer) and the exact value in a second header."""
    exact = round(max(0.0, real_seconds), 6)
    return {
        "Retry-After": str(max(0, math.ceil(exact))),
        RETRY_AFTER_SECONDS_HEADER: f"{exact:.6f}",
    }


# ---------------------------------------------------------------------------------------------
# The stand-in
# ---------------------------------------------------------------------------------------------


@dataclass
class _Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    fault: str | None = None
    text: str | None = None  # a plain-text body instead of JSON (response_url answers)


class SlackStandin:
    """A Slack Web API on ``http://127.0.0.1:PORT/api/`` (thread-safe; one lock for all state).

    Args:
        tokens: valid tokens; others get ``invalid_auth``.
        channels: fixed channel ids (or a map id -> name); unknown ids get ``channel_not_found``.
            None accepts any channel id.
        usergroups: user group id -> member user ids, for ``usergroups.users.list``.
        users: user id -> fields merged into the fake profile; when given, other ids get
            ``user_not_found``, and only these users' addresses are found by
            ``users.lookupByEmail`` (others: ``users_not_found``).
        scopes: the tokens' scopes (default :data:`DEFAULT_SCOPES`).
        rate_limits: False (default, no limits), True (Slack's limits) or a RateLimitConfig.
        time_scale: real seconds per simulated second (0.01 = 100x faster); scales the
            refill rates and every Retry-After.
        port: 0 picks a free port.
    """

    # State, (re)set by _clear_state().
    _channels: dict[str, list[Message]]  # top-level messages only
    _index: dict[tuple[str, str], Message]  # (channel, ts) -> message or reply
    _ephemerals: list[Ephemeral]
    _views: dict[str, dict[str, Any]]
    _used_triggers: set[str]
    _calls: list[ApiCall]
    _faults: list[_Fault]
    _random_faults: _RandomFaults | None
    _ts_micros: int
    _view_seq: int

    def __init__(
        self,
        *,
        tokens: Iterable[str] = (DEFAULT_TOKEN,),
        channels: Iterable[str] | Mapping[str, str] | None = None,
        usergroups: Mapping[str, Iterable[str]] | None = None,
        users: Mapping[str, Mapping[str, Any]] | None = None,
        scopes: Iterable[str] | None = None,
        rate_limits: bool | RateLimitConfig = False,
        time_scale: float = 1.0,
        host: str = "127.0.0.1",
        port: int = 0,
        team_id: str = "T0STANDIN",
        bot_user_id: str = "U0STANDINBOT",
        bot_id: str = "B0STANDIN",
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        self.tokens = list(tokens)
        self.channel_names = _channel_names(channels)
        self.conversations: dict[str, Conversation] = {}
        self.scopes = frozenset(DEFAULT_SCOPES if scopes is None else scopes)
        self.usergroups = {group: list(members) for group, members in (usergroups or {}).items()}
        self.users = (
            {uid: dict(fields) for uid, fields in users.items()} if users is not None else None
        )
        self.time_scale = time_scale
        self.team_id, self.bot_user_id, self.bot_id = team_id, bot_user_id, bot_id
        self._address = (host, port)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._limiter: RateLimiter | None = None
        self._methods = self._method_table()
        self.set_rate_limits(rate_limits)
        self._clear_state()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> SlackStandin:
        """Bind and serve in a daemon thread. Returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self._address, _RequestHandler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"slack-standin-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes any request sleeping for an injected timeout."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server, self._thread = None, None

    def __enter__(self) -> SlackStandin:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the stand-in is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The ``base_url`` for WebClient: ``http://127.0.0.1:PORT/api/``."""
        return f"http://{self._address[0]}:{self.port}{API_PREFIX}"

    @property
    def token(self) -> str:
        """The first valid token."""
        return self.tokens[0]

    def client(self, *, token: str | None = None, **kwargs: Any) -> WebClient:
        """A real ``slack_sdk.WebClient`` pointed at the stand-in."""
        return WebClient(token=token or self.token, base_url=self.url, **kwargs)

    # -- configuration at run time ------------------------------------------------------------

    def set_rate_limits(
        self, rate_limits: bool | RateLimitConfig, *, time_scale: float | None = None
    ) -> None:
        """Turn Slack-like rate limits on (True or a config) or off (False); resets buckets."""
        if time_scale is not None and time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        with self._lock:
            if time_scale is not None:
                self.time_scale = time_scale
            if rate_limits is False:
                self._limiter = None
                return
            config = rate_limits if isinstance(rate_limits, RateLimitConfig) else RateLimitConfig()
            self._limiter = RateLimiter(config, self.time_scale)

    def set_usergroup(self, group_id: str, user_ids: Iterable[str]) -> None:
        with self._lock:
            self.usergroups[group_id] = list(user_ids)

    def set_scopes(self, scopes: Iterable[str]) -> None:
        """The tokens' scopes from now on (an app reinstalled with other scopes)."""
        with self._lock:
            self.scopes = frozenset(scopes)

    def set_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        kind: str = "public",
        archived: bool = False,
        member: bool = True,
    ) -> None:
        """Describe a channel (and accept its id when the channel list is fixed)."""
        if kind not in CONVERSATION_READ_SCOPES:
            raise ValueError(f"unknown conversation kind: {kind}")
        with self._lock:
            shown = name or (self.channel_names or {}).get(channel_id) or channel_id.lower()
            if self.channel_names is not None:
                self.channel_names[channel_id] = shown
            self.conversations[channel_id] = Conversation(channel_id, shown, kind, archived, member)

    # -- faults -------------------------------------------------------------------------------

    def fail_next(
        self,
        n: int = 1,
        status: int | None = None,
        retry_after: float = 1,
        *,
        timeout: float | None = None,
        method: str | None = None,
    ) -> None:
        """Fail the next ``n`` requests (of ``method``, or any) without changing state.

        ``status`` defaults to 429 (with ``Retry-After: retry_after``, in simulated seconds) or,
        with ``timeout``, to 504 after sleeping ``timeout`` real seconds so the client times out.
        """
        effective = status if status is not None else (504 if timeout is not None else 429)
        with self._lock:
            for _ in range(n):
                self._faults.append(_Fault(effective, retry_after, timeout, method, "injected"))

    def set_failure_rate(
        self,
        rate: float,
        statuses: Iterable[int] = (429, 500, 503),
        seed: int | None = None,
        *,
        retry_after: float = 1,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Fail each request with probability ``rate`` (0 turns this off)."""
        with self._lock:
            if rate <= 0:
                self._random_faults = None
                return
            self._random_faults = _RandomFaults(
                rate=rate,
                statuses=tuple(statuses),
                retry_after=retry_after,
                methods=frozenset(methods) if methods is not None else None,
                rng=random.Random(seed),
            )

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._random_faults = None

    # -- state for assertions -----------------------------------------------------------------

    def messages(self, channel: str) -> list[Message]:
        """Top-level messages in order, with broadcast thread replies (copies)."""
        with self._lock:
            top = self._channels.get(channel, [])
            shown = top + [r for m in top for r in m.replies if r.reply_broadcast]
            return copy.deepcopy(sorted(shown, key=lambda m: m.ts))

    def thread(self, channel: str, ts: str) -> list[Message]:
        """The replies in the thread under ``ts`` (the parent itself not included)."""
        with self._lock:
            parent = self._index.get((channel, ts))
            return copy.deepcopy(parent.replies) if parent else []

    def message(self, channel: str, ts: str) -> Message | None:
        """Any message (top-level or reply) by ts."""
        with self._lock:
            found = self._index.get((channel, ts))
            return copy.deepcopy(found) if found and not found.deleted else None

    def ephemerals(self, channel: str | None = None, user: str | None = None) -> list[Ephemeral]:
        with self._lock:
            return [
                copy.deepcopy(e)
                for e in self._ephemerals
                if channel in {None, e.channel} and user in {None, e.user}
            ]

    def views(self) -> dict[str, dict[str, Any]]:
        """Open views by id, as last opened or updated."""
        with self._lock:
            return copy.deepcopy(self._views)

    def response_url(self, name: str = "cmd") -> str:
        """A ``response_url`` as Slack gives to commands and actions; see :meth:`responses`."""
        return f"http://127.0.0.1:{self.port}{RESPONSE_PREFIX}{name}"

    def responses(self, name: str = "cmd") -> list[dict[str, Any]]:
        """What the app sent to a ``response_url`` (respond()), oldest first."""
        with self._lock:
            return copy.deepcopy(self._responses.get(name, []))

    def record_response(self, name: str, body: bytes) -> _Reply:
        """A POST to a ``response_url``. Like Slack's (a webhook), it answers in plain text
        and checks the blocks as chat.postMessage does: invalid ones get HTTP 400
        ``invalid_blocks`` and nothing is shown."""
        try:
            payload = json.loads(body or b"{}")
        except json.JSONDecodeError:
            return _Reply(400, {}, text="invalid_payload")
        blocks = payload.get("blocks") if isinstance(payload, dict) else None
        if blocks is not None and validate_blocks(blocks):
            return _Reply(400, {}, text="invalid_blocks")
        with self._lock:
            self._responses.setdefault(name, []).append(payload)
        return _Reply(200, {}, text="ok")

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """The call log, oldest first; optionally one method only."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def reset(self) -> None:
        """Forget messages, views, calls, faults and rate-limit buckets; keep configuration."""
        with self._lock:
            self._clear_state()
            if self._limiter is not None:
                self._limiter = RateLimiter(self._limiter.config, self.time_scale)

    def _clear_state(self) -> None:
        self._channels = {}
        self._index = {}
        self._ephemerals = []
        self._views = {}
        self._used_triggers = set()
        self._calls = []
        self._responses: dict[str, list[dict[str, Any]]] = {}
        self._faults = []
        self._random_faults = None
        self._ts_micros = FIRST_TS_MICROS
        self._view_seq = 0

    # -- request pipeline ---------------------------------------------------------------------

    def handle(self, method: str, query: str, body: bytes, headers: Mapping[str, str]) -> _Reply:
        """Answer one HTTP request (called from the server threads; header names lower-case)."""
        with self._lock:
            try:
                params = parse_params(query, body, headers.get("content-type", ""))
            except ApiError as exc:
                params, reply = {}, _Reply(200, exc.body())
            else:
                token = _bearer(headers.get("authorization")) or params.get("token")
                params.pop("token", None)
                reply = self._decide(method, params, token)
            self._log(method, params, reply)
            return reply

    def _decide(self, method: str, params: dict[str, Any], token: Any) -> _Reply:
        fault = self._take_fault(method)
        if fault is not None:
            return self._fault_reply(fault)
        if method not in self._methods:
            return _Reply(200, ApiError("unknown_method").body())
        if not token:
            return _Reply(200, ApiError("not_authed").body())
        if token not in self.tokens:
            return _Reply(200, ApiError("invalid_auth").body())
        if self._limiter is not None:
            channel = params.get("channel")
            wait = self._limiter.admit(method, channel if isinstance(channel, str) else None)
            if wait > 0:
                return _Reply(
                    429,
                    ApiError("ratelimited").body(),
                    retry_after_headers(wait),
                    fault="rate_limit",
                )
        headers = {
            OAUTH_SCOPES_HEADER: ",".join(sorted(self.scopes)),
            ACCEPTED_SCOPES_HEADER: ",".join(METHOD_SCOPES.get(method, ())),
        }
        try:
            self._require_scope(METHOD_SCOPES.get(method, ()))
            return _Reply(200, self._methods[method](_Params(params)), headers)
        except ApiError as exc:
            return _Reply(200, exc.body(), headers)

    def _require_scope(self, accepted: Iterable[str]) -> None:
        """``missing_scope`` unless the token has one of ``accepted`` (none: no scope needed)."""
        accepted = tuple(accepted)
        if accepted and not set(accepted) & self.scopes:
            raise ApiError(
                "missing_scope", needed=",".join(accepted), provided=",".join(sorted(self.scopes))
            )

    def _take_fault(self, method: str) -> _Fault | None:
        for i, fault in enumerate(self._faults):
            if fault.method in {None, method}:
                return self._faults.pop(i)
        return self._random_faults.draw(method) if self._random_faults else None

    def _fault_reply(self, fault: _Fault) -> _Reply:
        body = ApiError(_FAULT_ERRORS.get(fault.status, "fault_injected")).body()
        headers = (
            retry_after_headers(fault.retry_after * self.time_scale) if fault.status == 429 else {}
        )
        return _Reply(fault.status, body, headers, delay=fault.timeout or 0.0, fault=fault.source)

    def _log(self, method: str, params: dict[str, Any], reply: _Reply) -> None:
        self._calls.append(
            ApiCall(
                method=method,
                params=params,
                time=time.time(),
                status=reply.status,
                ok=bool(reply.body.get("ok")),
                error=reply.body.get("error"),
                response=reply.body,
                fault=reply.fault,
            )
        )

    # -- helpers used by the methods ----------------------------------------------------------

    def _method_table(self) -> dict[str, Callable[[_Params], dict[str, Any]]]:
        return {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "usergroups.users.list": self._usergroups_users_list,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
        }

    def _next_ts(self) -> str:
        self._ts_micros += TS_STEP_MICROS
        seconds, micros = divmod(self._ts_micros, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _channel(self, p: _Params, name: str = "channel") -> str:
        channel = p.text(name)
        if not channel or (self.channel_names is not None and channel not in self.channel_names):
            raise ApiError("channel_not_found")
        if not self._conversation(channel).visible:
            raise ApiError("channel_not_found")  # a private channel the bot is not in
        return channel

    def _conversation(self, channel: str) -> Conversation:
        found = self.conversations.get(channel)
        if found is not None:
            return found
        name = (self.channel_names or {}).get(channel) or channel.lower()
        return Conversation(channel, name, "im" if channel.startswith("D") else "public")

    def _writable(self, channel: str) -> None:
        """What Slack checks before the bot writes in a channel it can see."""
        conversation = self._conversation(channel)
        if conversation.archived:
            raise ApiError("is_archived")
        if not conversation.member and WRITE_PUBLIC_SCOPE not in self.scopes:
            raise ApiError("not_in_channel")

    def _find(self, channel: str, ts: str | None) -> Message:
        found = self._index.get((channel, ts or ""))
        if found is None or found.deleted:
            raise ApiError("message_not_found")
        return found

    def _thread_parent(self, channel: str, thread_ts: str) -> Message:
        parent = self._index.get((channel, thread_ts))
        if parent is None:
            raise ApiError("thread_not_found")
        if parent.is_reply and parent.thread_ts:
            return self._index[(channel, parent.thread_ts)]
        return parent

    def _api(self, message: Message) -> dict[str, Any]:
        return message.to_api(bot_id=self.bot_id, team=self.team_id)

    # -- methods: auth, chat ------------------------------------------------------------------

    def _auth_test(self, p: _Params) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://standin.slack.com/",
            "team": "Stand-in",
            "user": "chatops-bot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, p: _Params) -> dict[str, Any]:
        channel = self._channel(p)
        self._writable(channel)
        content = _content(p, require=True)
        thread_ts = p.text("thread_ts") or None
        parent = self._thread_parent(channel, thread_ts) if thread_ts else None
        message = Message(
            channel=channel,
            ts=self._next_ts(),
            text=content.text or "",
            blocks=content.blocks or [],
            user=self.bot_user_id,
            thread_ts=parent.ts if parent else None,
            reply_broadcast=bool(parent) and p.flag("reply_broadcast"),
            attachments=content.attachments,
            metadata=_metadata(p),
        )
        if parent is not None:
            parent.replies.append(message)
        else:
            self._channels.setdefault(channel, []).append(message)
        self._index[(channel, message.ts)] = message
        return {"ok": True, "channel": channel, "ts": message.ts, "message": self._api(message)}

    def _chat_update(self, p: _Params) -> dict[str, Any]:
        channel = self._channel(p)
        if self._conversation(channel).archived:
            raise ApiError("is_archived")
        message = self._find(channel, p.text("ts"))
        content = _content(p, require=True)
        edit_ts = self._next_ts()
        message.history.append(MessageVersion(message.text, message.blocks, edit_ts))
        if content.text is not None:
            message.text = content.text
        if content.blocks is not None:
            message.blocks = content.blocks
        if content.attachments is not None:
            message.attachments = content.attachments
        if p.has("metadata"):
            message.metadata = _metadata(p)
        message.edited_ts = edit_ts
        return {
            "ok": True,
            "channel": channel,
            "ts": message.ts,
            "text": message.text,
            "message": self._api(message),
        }

    def _chat_post_ephemeral(self, p: _Params) -> dict[str, Any]:
        channel = self._channel(p)
        user = p.text("user")
        if not user or (self.users is not None and user not in self.users):
            raise ApiError("user_not_found")
        content = _content(p, require=True)
        ephemeral = Ephemeral(
            channel=channel,
            user=user,
            ts=self._next_ts(),
            text=content.text or "",
            blocks=content.blocks or [],
            thread_ts=p.text("thread_ts") or None,
        )
        self._ephemerals.append(ephemeral)
        return {"ok": True, "message_ts": ephemeral.ts}

    def _chat_get_permalink(self, p: _Params) -> dict[str, Any]:
        channel = self._channel(p)
        message = self._find(channel, p.text("message_ts"))
        link = f"https://standin.slack.com/archives/{channel}/p{message.ts.replace('.', '')}"
        if message.is_reply:
            link += f"?thread_ts={message.thread_ts}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _chat_delete(self, p: _Params) -> dict[str, Any]:
        channel = self._channel(p)
        message = self._find(channel, p.text("ts"))
        if message.is_reply and message.thread_ts:
            self._index[(channel, message.thread_ts)].replies.remove(message)
        elif message.replies:  # a parent with replies stays as a tombstone, as in Slack
            message.deleted, message.text, message.blocks = True, DELETED_TEXT, []
            return {"ok": True, "channel": channel, "ts": message.ts}
        else:
            self._channels[channel].remove(message)
        del self._index[(channel, message.ts)]
        return {"ok": True, "channel": channel, "ts": message.ts}

    # -- methods: views -----------------------------------------------------------------------

    def _views_open(self, p: _Params) -> dict[str, Any]:
        trigger_id = p.required("trigger_id")
        view = _checked_view(p)
        if trigger_id in self._used_triggers:
            raise ApiError("exchanged_trigger_id")
        self._used_triggers.add(trigger_id)
        self._view_seq += 1
        view_id = f"V{self._view_seq:010d}"
        stored = {
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "bot_id": self.bot_id,
            "app_id": "A0STANDIN",
            "root_view_id": view_id,
            "previous_view_id": None,
            "state": {"values": {}},
            "hash": self._next_ts(),
        }
        self._views[view_id] = stored
        return {"ok": True, "view": stored}

    def _views_update(self, p: _Params) -> dict[str, Any]:
        view_id = p.text("view_id")
        external_id = p.text("external_id")
        if not view_id and not external_id:
            raise _invalid_arguments(["view_id or external_id is required"])
        current = self._find_view(view_id, external_id)
        new_view = _checked_view(p)
        expected_hash = p.text("hash")
        if expected_hash and expected_hash != current["hash"]:
            raise ApiError("hash_conflict")
        updated = {**current, **new_view, "id": current["id"], "hash": self._next_ts()}
        updated["previous_view_id"] = current["id"]
        self._views[current["id"]] = updated
        return {"ok": True, "view": updated}

    def _find_view(self, view_id: str | None, external_id: str | None) -> dict[str, Any]:
        for stored in self._views.values():
            if (view_id and stored["id"] == view_id) or (
                external_id and stored.get("external_id") == external_id
            ):
                return stored
        raise ApiError("not_found")

    # -- methods: users, groups, conversations ------------------------------------------------

    def _usergroups_users_list(self, p: _Params) -> dict[str, Any]:
        group = p.text("usergroup")
        if not group or group not in self.usergroups:
            raise ApiError("no_such_subteam")
        return {"ok": True, "users": list(self.usergroups[group])}

    def _users_info(self, p: _Params) -> dict[str, Any]:
        user_id = p.text("user")
        if not user_id or (self.users is not None and user_id not in self.users):
            raise ApiError("user_not_found")
        return {"ok": True, "user": self._fake_user(user_id)}

    def _users_lookup_by_email(self, p: _Params) -> dict[str, Any]:
        """Only the users the stand-in was given (``users=``) have an address (their profile's
        ``email``, else the fake one); any other address is ``users_not_found``, as Slack
        answers an address nobody in the workspace has."""
        email = (p.text("email") or "").strip().lower()
        if not email:
            raise _invalid_arguments(["missing required field: email"])
        for user_id in self.users or {}:
            user = self._fake_user(user_id)
            if str(user["profile"].get("email", "")).lower() == email:
                return {"ok": True, "user": user}
        raise ApiError("users_not_found")

    def _fake_user(self, user_id: str) -> dict[str, Any]:
        name = f"user-{user_id.lower()}"
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": f"User {user_id}",
            "deleted": False,
            "is_bot": False,
            "tz": "UTC",
            "profile": {
                "display_name": name,
                "real_name": f"User {user_id}",
                "email": f"{name}@example.com",
            },
        }
        user.update((self.users or {}).get(user_id, {}))
        return user

    def _conversation_read(self, p: _Params, scopes: Mapping[str, str]) -> Conversation:
        """The conversation a read method names, once the token may read its type (a
        conversation the bot cannot see is not found, whatever the scopes)."""
        conversation = self._conversation(self._channel(p))
        self._require_scope([scopes[conversation.kind]])
        return conversation

    def _conversations_info(self, p: _Params) -> dict[str, Any]:
        conversation = self._conversation_read(p, CONVERSATION_READ_SCOPES)
        return {"ok": True, "channel": conversation.to_api()}

    def _conversations_history(self, p: _Params) -> dict[str, Any]:
        channel = self._conversation_read(p, CONVERSATION_HISTORY_SCOPES).id
        shown = list(reversed(self.messages(channel)))
        limit = max(1, p.integer("limit", 100))
        page = [self._api(m) for m in shown[:limit]]
        return {"ok": True, "messages": page, "has_more": len(shown) > limit}

    def _conversations_replies(self, p: _Params) -> dict[str, Any]:
        channel = self._conversation_read(p, CONVERSATION_HISTORY_SCOPES).id
        ts = p.text("ts")
        parent = self._index.get((channel, ts or ""))
        if parent is None:
            raise ApiError("thread_not_found")
        if parent.is_reply and parent.thread_ts:
            parent = self._index[(channel, parent.thread_ts)]
        thread = [parent, *parent.replies]
        limit = max(1, p.integer("limit", 1000))
        page = [self._api(m) for m in thread[:limit]]
        return {"ok": True, "messages": page, "has_more": len(thread) > limit}


def _channel_names(channels: Iterable[str] | Mapping[str, str] | None) -> dict[str, str] | None:
    if channels is None:
        return None
    if isinstance(channels, Mapping):
        return dict(channels)
    return {channel: channel.lower() for channel in channels}


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return None


def _content(p: _Params, *, require: bool) -> _Content:
    """Validated text / blocks / attachments of a message; text truncated like Slack."""
    blocks = p.json("blocks", error="invalid_blocks_format")
    if blocks is not None:
        errors = validate_blocks(blocks)
        if errors:
            raise ApiError(
                "invalid_blocks",
                errors=errors,
                response_metadata={"messages": [f"[ERROR] {e}" for e in errors]},
            )
    attachments = p.json("attachments", error="invalid_attachments")
    if attachments is not None and not isinstance(attachments, list):
        raise ApiError("invalid_attachments")
    text = p.text("text")
    if require and not (text or blocks or attachments):
        raise ApiError("no_text")
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        text = text[:MAX_TEXT_LENGTH]
    return _Content(text=text, blocks=blocks, attachments=attachments)


def _metadata(p: _Params) -> dict[str, Any] | None:
    metadata = p.json("metadata", error="invalid_metadata_format")
    if metadata is not None and not isinstance(metadata, dict):
        raise ApiError("invalid_metadata_format")
    return metadata


def _checked_view(p: _Params) -> dict[str, Any]:
    view = p.json("view", error="invalid_arguments")
    if view is None:
        raise _invalid_arguments(["missing required field: view"])
    errors = validate_view(view)
    if errors:
        raise _invalid_arguments(errors)
    return dict(view)


# ---------------------------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops concurrent connects (1 s SYN retry)

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        standin: SlackStandin,
    ) -> None:
        self.standin = standin
        super().__init__(address, handler)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackStandin/1.0"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _serve(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith(RESPONSE_PREFIX):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            name = url.path[len(RESPONSE_PREFIX) :]
            self._send(self.server.standin.record_response(name, body))
            return
        if not url.path.startswith(API_PREFIX):
            self._send(_Reply(404, {"ok": False, "error": "not_found"}))
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        standin = self.server.standin
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = standin.handle(url.path[len(API_PREFIX) :], url.query, body, headers)
        if reply.delay and standin._stopping.wait(reply.delay):
            return  # shutting down: drop the connection
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        if reply.text is not None:
            payload, content_type = reply.text.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            payload = json.dumps(reply.body).encode("utf-8")
            content_type = "application/json; charset=utf-8"
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(reply.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)


# ---------------------------------------------------------------------------------------------
# Client side helpers
# ---------------------------------------------------------------------------------------------


def retry_after_seconds(headers: Mapping[str, Any]) -> float:
    """The wait a 429 asks for: the exact stand-in header if present, else ``Retry-After``.

    Header values may be strings or lists of strings (slack_sdk's retry response).
    """
    lowered = {key.lower(): value for key, value in headers.items()}
    for name in (RETRY_AFTER_SECONDS_HEADER.lower(), "retry-after"):
        value = lowered.get(name)
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value is not None:
            with contextlib.suppress(ValueError):
                return max(0.0, float(value))
    return 1.0


class ScaledRateLimitRetryHandler(RetryAfterHandler):
    """The bot's 429 handler, sleeping exactly the stand-in's float wait (no jitter unless
    asked for).

    Against real Slack, which sends only ``Retry-After``, it behaves like the bot's handler.
    """

    def __init__(self, max_retry_count: int = 5, *, jitter: float = 0.0) -> None:
        super().__init__(max_retry_count=max_retry_count, jitter=jitter)

    def wait_seconds(self, response: HttpResponse) -> float:
        return retry_after_seconds(response.headers)


@contextlib.contextmanager
def slack_standin(**kwargs: Any) -> Iterator[SlackStandin]:
    """A started :class:`SlackStandin` (constructor ``kwargs``), stopped on exit."""
    standin = SlackStandin(**kwargs)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()


def http_api_event(body: str, *, secret: str) -> dict[str, Any]:
    """A request to the Slack function as API Gateway's HTTP API hands it to Lambda (payload
    2.0), signed with ``secret`` as Slack signs it."""
    from slack_sdk.signature import SignatureVerifier

    timestamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {
        "version": "2.0",
        "routeKey": "POST /slack/events",
        "rawPath": "/slack/events",
        "headers": {
            "content-type": "application/x-www-form-urlencoded",
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": signature,
        },
        "body": body,
        "isBase64Encoded": False,
        "requestContext": {"http": {"method": "POST", "path": "/slack/events"}},
    }
