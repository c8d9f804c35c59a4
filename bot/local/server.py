"""``sagemaker-chatops serve``: the bot as a local HTTP server.

- ``POST /events``: a SageMaker event (or a JSON array of them) into the same delivery pipeline
  as the Lambda function. Answers with what happened per channel.
- ``GET /``: the local conversation as a page (when no Slack token is set).
- ``POST /slack/events``: Slack's slash commands and interactivity, through the Bolt app
  (signatures verified), when one is mounted.

What is accepted (loopback ``Host`` and ``Origin``, JSON only, a declared length, a token when
set) is decided in :mod:`bot.local.guard`; refusals are JSON ``{"error": ...}``.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.errors import ChatOpsError, EventInputError
from bot.events.parse import parse_event
from bot.gateway import LocalGateway
from bot.local.guard import (
    MAX_BODY,
    HostPolicy,
    Refusal,
    body_length,
    check_content_type,
    check_token,
)
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

__all__ = ["MAX_BODY", "LocalServer", "SlackDispatch"]
_DRAIN_LIMIT = 4 * MAX_BODY  # what a refused request's body may cost us to read and discard
_DRAIN_SECONDS = 2.0
SlackDispatch = Callable[[str, dict[str, str]], tuple[int, dict[str, str], str]]
"""(raw body, headers) → (status, headers, body): how a Bolt app answers a Slack request."""


class LocalServer:
    def __init__(
        self,
        runtime: Runtime,
        *,
        host: str = "127.0.0.1",
        port: int = 3000,
        slack: SlackDispatch | None = None,
        token: str | None = None,
    ) -> None:
        """``token``: when set, ``POST /events`` needs ``Authorization: Bearer TOKEN``."""
        self.runtime = runtime
        self.slack = slack
        self._token = token or None
        self._lock = threading.Lock()  # one event at a time, as one Lambda instance
        handler = type("Handler", (_Handler,), {"server_ref": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.policy = HostPolicy(bound=host, port=int(self.httpd.server_address[1]))

    @property
    def requires_token(self) -> bool:
        return self._token is not None

    def check_token(self, authorization: str | None) -> Refusal | None:
        return check_token(self._token, authorization)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def deliver(self, body: bytes) -> tuple[int, dict[str, Any]]:
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return HTTPStatus.BAD_REQUEST, {"error": f"not valid JSON: {exc}"}
        events = payload if isinstance(payload, list) else [payload]
        results: list[dict[str, Any]] = []
        status = HTTPStatus.OK
        for raw in events:
            if not isinstance(raw, dict):
                results.append({"error": "expected a JSON object"})
                status = HTTPStatus.BAD_REQUEST
                continue
            try:
                with self._lock:
                    report = self.runtime.deliverer.deliver(parse_event(raw))
            except EventInputError as exc:
                results.append({"id": raw.get("id"), "error": str(exc)})
                status = HTTPStatus.BAD_REQUEST
                continue
            except ChatOpsError as exc:
                logger.warning("event %s failed: %s", raw.get("id"), exc)
                results.append({"id": raw.get("id"), "error": str(exc)})
                status = HTTPStatus.BAD_GATEWAY
                continue
            outcomes = {channel: o.value for channel, o in report.outcomes.items()}
            results.append({"id": report.event_id, "outcomes": outcomes})
        return status, {"results": results}

    def page(self) -> str:
        from bot.local.conversation import conversation_html

        if isinstance(self.runtime.slack, LocalGateway):
            return conversation_html(self.runtime.slack)
        return "<!DOCTYPE html><title>sagemaker-chatops</title><p>Posting to Slack.</p>"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> LocalServer:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    server_ref: LocalServer
    server_version = "sagemaker-chatops"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def _body(self) -> bytes | None:
        """The body, exactly its declared length; None (refused) when that is missing or bad."""
        length = body_length(
            self.headers.get_all("Content-Length") or [], self.headers.get("Transfer-Encoding")
        )
        if isinstance(length, Refusal):
            self._refuse(length)
            return None
        return self.rfile.read(length)

    def _refuse(self, refusal: Refusal) -> None:
        """Answer a refusal, then read and discard what the client may still be sending (never
        more than it declared, within limits), so that closing does not reset the connection
        before the client has read the answer."""
        body = json.dumps({"error": refusal.message}).encode()
        self.close_connection = True
        self._send(refusal.status, "application/json", body, dict(refusal.headers))
        self.wfile.flush()
        declared = self.headers.get("Content-Length", "")
        limit = int(declared) if declared.isascii() and declared.isdigit() else _DRAIN_LIMIT
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_DRAIN_SECONDS)
            left = min(limit, _DRAIN_LIMIT)
            while left > 0:
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _guard(self) -> bool:
        """The ``Host`` and ``Origin`` checks; False (refused) when they fail."""
        refusal = self.server_ref.policy.check(self.headers.get("Host"), self.headers.get("Origin"))
        if refusal is not None:
            self._refuse(refusal)
            return False
        return True

    def _send(
        self, status: int, content_type: str, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            if name.lower() not in ("content-length", "content-type"):
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if not self._guard():
            return
        if self.path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server_ref.page().encode())
        elif self.path == "/health":
            self._send(HTTPStatus.OK, "application/json", b'{"ok": true}')
        else:
            self._refuse(Refusal(HTTPStatus.NOT_FOUND, "not found"))

    def do_POST(self) -> None:
        if self.path == "/events":
            self._post_events()
        elif self.path == "/slack/events" and self.server_ref.slack is not None:
            # Slack comes through a tunnel, with the tunnel's Host: Bolt checks the signature.
            body = self._body()
            if body is None:
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out_headers, text = self.server_ref.slack(
                body.decode("utf-8", "replace"), headers
            )
            content_type = out_headers.get("content-type", "text/plain;charset=utf-8")
            self._send(status, content_type, text.encode(), out_headers)
        else:
            self._refuse(Refusal(HTTPStatus.NOT_FOUND, "not found"))

    def _post_events(self) -> None:
        refusal = (
            self.server_ref.policy.check(self.headers.get("Host"), self.headers.get("Origin"))
            or self.server_ref.check_token(self.headers.get("Authorization"))
            or check_content_type(self.headers.get("Content-Type"))
        )
        if refusal is not None:
            self._refuse(refusal)
            return
        body = self._body()
        if body is None:
            return
        status, result = self.server_ref.deliver(body)
        self._send(status, "application/json", json.dumps(result).encode())
