"""What the local server accepts, as pure functions of a request's headers.

``serve`` runs on a developer's laptop, next to a web browser. Any page the browser opens can
send requests to ``http://127.0.0.1:3000`` (a form posting ``text/plain``), or to a name of its
own that it later points at 127.0.0.1 (DNS rebinding). With a Slack token, such an event would
reach the real workspace. So:

- ``Host`` must name this machine's loopback (``localhost``, ``127.0.0.1``, ``[::1]``, any
  port), or the address the server was bound to on purpose (``--host 192.168.1.5``; bound to
  every interface, ``0.0.0.0``, an IP literal: a rebinding attack needs a name). A page served
  from another name is refused.
- An ``Origin``, when present, must be this server's own (``http://localhost:PORT``,
  ``http://127.0.0.1:PORT``, or the bound address's); ``null`` is refused.
- ``POST /events`` takes ``application/json`` only (a browser cannot send that cross-origin
  without a preflight, which this server does not answer), with a ``Content-Length`` of at most
  :data:`MAX_BODY`, and with ``Authorization: Bearer TOKEN`` when a token is set.

Slack's own endpoint (``POST /slack/events``) reaches the server through a tunnel with the
tunnel's ``Host``; it is checked by Bolt's signature verification, not by these rules.

Each check returns None (accepted) or a :class:`Refusal` (status and a message for the client).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

MAX_BODY = 1 << 20  # EventBridge events are at most 256 KB; Slack payloads far less
LOOPBACK_NAMES = frozenset({"localhost"})
WILDCARDS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (recognised, not bound)
_LENGTH = re.compile(r"[0-9]{1,19}")
_HOST = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[^:\[\]]+))(?::(?P<port>[0-9]*))?$")


@dataclass(frozen=True)
class Refusal:
    status: HTTPStatus
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def is_loopback(host: str) -> bool:
    """Whether a host name or address (no port, no brackets) is this machine's loopback."""
    host = host.lower().rstrip(".")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def host_of(value: str) -> str | None:
    """The host part of a ``Host`` header (``name``, ``name:port``, ``[v6]:port``), lowercased."""
    found = _HOST.match(value.strip())
    if not found:
        return None
    host = found.group("v6") or found.group("name") or ""
    return host.lower().rstrip(".") or None


@dataclass(frozen=True)
class HostPolicy:
    """Which ``Host`` and ``Origin`` values the server answers, from the address it is bound to.

    ``bound`` is the address given to bind (``127.0.0.1`` by default); ``port`` the port it got.
    """

    bound: str
    port: int

    @property
    def public(self) -> bool:
        """Bound to something other than loopback: on purpose, reachable from other machines."""
        return not is_loopback(self.bound.strip("[]"))

    def host_allowed(self, host: str) -> bool:
        if is_loopback(host):
            return True
        bound = self.bound.strip("[]").lower().rstrip(".")
        if not self.public:
            return False
        if bound in WILDCARDS:
            return _is_ip(host)  # every interface: any address literal, no name
        return host == bound

    def check_host(self, value: str | None) -> Refusal | None:
        if value is None:
            return Refusal(HTTPStatus.FORBIDDEN, "a Host header is required")
        host = host_of(value)
        if host is None or not self.host_allowed(host):
            return Refusal(
                HTTPStatus.FORBIDDEN,
                "Host not allowed: this server answers on localhost (use --host to bind "
                "another address on purpose)",
            )
        return None

    def check_origin(self, value: str | None) -> Refusal | None:
        """An ``Origin`` (when a browser sends one) must be this server's own page."""
        if value is None:
            return None
        refusal = Refusal(
            HTTPStatus.FORBIDDEN,
            "Origin not allowed: only this server's own page may send requests",
        )
        parts = urlsplit(value.strip())
        try:
            port = parts.port
        except ValueError:
            return refusal
        host = (parts.hostname or "").rstrip(".")
        if parts.scheme != "http" or port != self.port or parts.path not in ("", "/"):
            return refusal
        bound = self.bound.strip("[]").lower()
        if is_loopback(host) or (self.public and bound not in WILDCARDS and host == bound):
            return None
        return refusal

    def check(self, host: str | None, origin: str | None) -> Refusal | None:
        return self.check_host(host) or self.check_origin(origin)


def check_content_type(value: str | None) -> Refusal | None:
    """``application/json``, with or without parameters (``; charset=utf-8``)."""
    media = (value or "").split(";", 1)[0].strip().lower()
    if media == "application/json":
        return None
    return Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json")


def body_length(
    lengths: Sequence[str], transfer_encoding: str | None, limit: int = MAX_BODY
) -> int | Refusal:
    """The body's declared length, or why it cannot be read.

    No ``Content-Length`` → 411 (chunked bodies are not taken); one that is not a non-negative
    decimal integer, or several that disagree → 400; more than ``limit`` → 413.
    """
    values = {value.strip() for value in lengths}
    if transfer_encoding is not None and values:
        return Refusal(HTTPStatus.BAD_REQUEST, "both Transfer-Encoding and Content-Length")
    if not values:
        return Refusal(HTTPStatus.LENGTH_REQUIRED, "Content-Length is required")
    if len(values) > 1:
        return Refusal(HTTPStatus.BAD_REQUEST, "conflicting Content-Length headers")
    (value,) = values
    if not _LENGTH.fullmatch(value):
        return Refusal(HTTPStatus.BAD_REQUEST, "Content-Length is not a non-negative integer")
    length = int(value)
    if length > limit:
        return Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"body over {limit} bytes")
    return length


def check_token(expected: str | None, authorization: str | None) -> Refusal | None:
    """``Authorization: Bearer TOKEN`` when a token is set, compared in constant time."""
    if expected is None:
        return None
    scheme, _, given = (authorization or "").strip().partition(" ")
    ok = hmac.compare_digest(given.strip().encode(), expected.encode())
    if scheme.lower() == "bearer" and ok:
        return None
    return Refusal(
        HTTPStatus.UNAUTHORIZED,
        "a bearer token is required (Authorization: Bearer TOKEN)",
        (("WWW-Authenticate", 'Bearer realm="sagemaker-chatops"'),),
    )
