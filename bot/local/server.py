"""``sagemaker-chatops serve``: the bot as a local HTTP server.

- ``POST /events``: a SageMaker event (or a JSON array of them) into the same delivery pipeline
  as the Lambda function. Answers with what happened per channel.
- ``GET /``: the local conversation as a page (when no Slack token is set).
- ``POST /slack/events``: Slack's slash commands and interactivity, through the Bolt app
  (signatures verified), when one is mounted.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bot.errors import ChatOpsError, EventInputError
from bot.events.parse import parse_event
from bot.gateway import LocalGateway
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

MAX_BODY = 1 << 20  # EventBridge events are at most 256 KB; Slack payloads far less
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
    ) -> None:
        self.runtime = runtime
        self.slack = slack
        self._lock = threading.Lock()  # one event at a time, as one Lambda instance
        handler = type("Handler", (_Handler,), {"server_ref": self})
        self.httpd = ThreadingHTTPServer((host, port), handler)

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
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain", b"too large")
            return None
        return self.rfile.read(length)

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
        if self.path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, "text/html; charset=utf-8", self.server_ref.page().encode())
        elif self.path == "/health":
            self._send(HTTPStatus.OK, "application/json", b'{"ok": true}')
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")

    def do_POST(self) -> None:
        body = self._body()
        if body is None:
            return
        if self.path == "/events":
            status, result = self.server_ref.deliver(body)
            self._send(status, "application/json", json.dumps(result).encode())
        elif self.path == "/slack/events" and self.server_ref.slack is not None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out_headers, text = self.server_ref.slack(
                body.decode("utf-8", "replace"), headers
            )
            content_type = out_headers.get("content-type", "text/plain;charset=utf-8")
            self._send(status, content_type, text.encode(), out_headers)
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")
