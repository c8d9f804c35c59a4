"""AWS stand-in: moto's server on loopback, reached over real HTTP by real boto3 clients.

A server rather than ``mock_aws`` so the code under test runs exactly as in Lambda (its own
clients, endpoints from the environment, threads) and nothing is patched in-process.

Use from a conftest: ``from tests.standins.aws import moto_server, dynamodb_client  # noqa``.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

AwsClientFactory = Callable[[str], Any]
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AtomicDynamoDB:
    """WSGI wrapper that runs DynamoDB requests one at a time.

    moto evaluates a ConditionExpression and then writes, with no lock in between, so under
    its threaded server two racing conditional writes can both succeed. Real DynamoDB makes
    every conditional write atomic, and the store's exactly-once guarantees rest on that;
    serializing DynamoDB calls (only those: other services, e.g. SQS long polls, may block)
    gives the stand-in the same guarantee.
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith("DynamoDB_"):
            return self._app(environ, start_response)
        with self._lock:
            # Materialized under the lock: the write happens while the body is produced.
            return list(self._app(environ, start_response))


@dataclass(frozen=True)
class AwsRequest:
    """One request that reached moto: the service it was signed for and its operation."""

    service: str  # the SigV4 credential scope's service: ``sagemaker``, ``logs``, ``sts``…
    operation: str  # ``DescribeTrainingJob``, ``GetLogEvents``, ``AssumeRole``…
    access_key: str  # whose credentials: the environment's, or an assumed role's


_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request")


class RequestLog:
    """WSGI wrapper that records every request moto receives, as it arrives over HTTP.

    What a test counts with it is what AWS would have been asked, whatever made the call (a
    client the code under test built itself, in another thread, with assumed credentials).
    """

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self.requests: list[AwsRequest] = []

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        match = _CREDENTIAL.search(str(environ.get("HTTP_AUTHORIZATION", "")))
        if match is not None:  # moto's own endpoints (/moto-api) are not AWS calls
            target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
            operation = target.rsplit(".", 1)[-1]
            if not operation:  # the query protocol (STS): Action=… in the form body
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = environ["wsgi.input"].read(length) if length else b""
                environ["wsgi.input"] = io.BytesIO(body)
                query = environ.get("QUERY_STRING", "") + "&" + body.decode("utf-8", "replace")
                operation = (parse_qs(query).get("Action") or [""])[0]
            with self._lock:
                self.requests.append(AwsRequest(match[2], operation, match[1]))
        return self._app(environ, start_response)


_REQUEST_LOGS: dict[str, RequestLog] = {}  # endpoint URL -> its log


class AwsRequests:
    """The requests moto received since this object was made (one test's)."""

    def __init__(self, log: RequestLog) -> None:
        self._log = log
        self._start = len(log.requests)

    def all(self) -> list[AwsRequest]:
        return self._log.requests[self._start :]

    def operations(self) -> list[str]:
        """``service:Operation`` of each request, in order (DynamoDB's too, if any)."""
        return [f"{r.service}:{r.operation}" for r in self.all()]

    def mark(self) -> None:
        """Count from now on."""
        self._start = len(self._log.requests)


class _Body:
    """A response body as botocore reads it from urllib3 (``stream()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._data


def deny(client: Any, operation: str, code: str = "AccessDeniedException") -> None:
    """Make AWS refuse ``operation`` to ``client`` as IAM refuses an action a role lacks.

    moto's server does not enforce IAM, so the refusal is AWS's answer on the wire: an HTTP
    400 with the error in the service's JSON, sent back before the request leaves botocore
    and parsed like any other answer (the client's retries, error parsing and exception
    classes all run). For the services that speak JSON (SageMaker, Logs, SSM, Secrets
    Manager, DynamoDB).
    """
    model = client.meta.service_model
    if model.protocol not in ("json", "rest-json"):
        raise ValueError(f"deny() speaks JSON; {model.service_name} is {model.protocol}")
    action = f"{model.signing_name}:{operation}"
    body = {
        "__type": code,
        "message": (
            "User: arn:aws:sts::123456789012:assumed-role/chatops-slack/session is not"
            f" authorized to perform: {action} because no identity-based policy allows it"
        ),
    }

    def refuse(request: Any, **kwargs: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        headers = {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "denied"}
        return AWSResponse(request.url, 400, headers, _Body(json.dumps(body).encode()))

    client.meta.events.register(f"before-send.{model.service_id.hyphenize()}.{operation}", refuse)


def denying(make_client: Callable[..., Any], service: str, operation: str) -> Callable[..., Any]:
    """``make_client`` whose ``service`` clients are refused ``operation`` (see :func:`deny`)."""

    def make(name: str, **options: Any) -> Any:
        client = make_client(name, **options)
        if name == service:
            deny(client, operation)
        return client

    return make


def dynamodb_item_size(item: dict[str, Any]) -> int:
    """An item's size as DynamoDB counts it (its 400 KB limit), from its wire form: names and
    values in UTF-8 (numbers taken as their text: an upper bound), and a few bytes for each
    map, list and element."""

    def value_size(value: dict[str, Any]) -> int:
        ((kind, inner),) = value.items()
        if kind in ("S", "N"):
            return len(str(inner).encode())
        if kind == "M":
            return 3 + sum(len(k.encode()) + 1 + value_size(v) for k, v in inner.items())
        if kind == "L":
            return 3 + sum(1 + value_size(v) for v in inner)
        return 1

    return sum(len(name.encode()) + value_size(value) for name, value in item.items())


@contextlib.contextmanager
def moto_endpoint() -> Iterator[str]:
    """moto's threaded server on a free loopback port, DynamoDB writes made atomic, every
    request logged (``aws_requests``); yields its endpoint URL. The caller sets the
    credentials (the fixture below, the benchmarks)."""
    from moto.server import ThreadedMotoServer

    # One access-log line per request buries a failing test's own output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # Port 0: the OS picks a free port when binding, so parallel workers never collide.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    url = ""
    try:
        # werkzeug looks up server.app per request, so wrapping it now covers every call.
        wsgi_server = server._server
        assert wsgi_server is not None
        log = RequestLog(AtomicDynamoDB(wsgi_server.app))
        wsgi_server.app = log
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        _REQUEST_LOGS[url] = log
        yield url
    finally:
        _REQUEST_LOGS.pop(url, None)
        server.stop()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """One moto server per test session (per xdist worker); yields its endpoint URL.

    Fake credentials and region are in the environment while it lives, so code that builds
    its own clients (``open_store``, the handlers) can never sign with real ones.
    """
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAKE_CREDENTIALS.items():
            env.setenv(name, value)
        env.setenv("AWS_DEFAULT_REGION", REGION)
        # Anything that could override the fake credentials above goes.
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            env.delenv(name, raising=False)
        with moto_endpoint() as url:
            yield url


@pytest.fixture
def aws_requests(moto_server: str) -> AwsRequests:
    """The AWS requests moto receives during the test, counted at its HTTP server. Tests run
    one at a time per server (one per xdist worker), so they are the test's own."""
    return AwsRequests(_REQUEST_LOGS[moto_server])


@pytest.fixture
def aws_client_factory(moto_server: str) -> AwsClientFactory:
    """``factory(service)``: a boto3 client for that service at the moto server."""
    import boto3
    from botocore.config import Config

    # Few retries and short timeouts: a local server either answers at once or is broken.
    config = Config(
        retries={"max_attempts": 2, "mode": "standard"}, connect_timeout=5, read_timeout=30
    )

    def factory(service: str) -> Any:
        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=moto_server,
            region_name=REGION,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            config=config,
        )

    return factory


@pytest.fixture
def moto_clients(moto_server: str) -> Callable[..., Any]:
    """``boto3.client``'s signature, at the moto server: ``make(service, region_name=…, …)``.
    Credentials are the environment's fake ones unless given (e.g. an assumed role's)."""
    import boto3

    def make_client(service: str, **options: Any) -> Any:
        return boto3.client(service, endpoint_url=moto_server, **options)  # type: ignore[call-overload]

    return make_client


@pytest.fixture
def dynamodb_client(aws_client_factory: AwsClientFactory) -> DynamoDBClient:
    client: DynamoDBClient = aws_client_factory("dynamodb")
    return client


@pytest.fixture
def dynamodb_table(dynamodb_client: DynamoDBClient) -> Iterator[str]:
    """A fresh store table for one test (a unique name isolates tests sharing the server)."""
    from bot.store.dynamodb import create_table

    name = f"chatops-test-{uuid.uuid4().hex[:12]}"
    create_table(dynamodb_client, name)
    yield name
    # Keeps the server's memory flat over a long session.
    dynamodb_client.delete_table(TableName=name)
