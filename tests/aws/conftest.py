"""Fixtures for bot.aws against moto's server: real boto3 clients, and a Stubber for the calls
moto cannot answer."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from tests.standins.aws import AwsClientFactory


@pytest.fixture
def sm(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("sagemaker")


@pytest.fixture
def logs(aws_client_factory: AwsClientFactory) -> Any:
    return aws_client_factory("logs")


@pytest.fixture
def stub(sm: Any) -> Iterator[Stubber]:
    """A Stubber on the moto-bound client, for the single calls moto cannot answer.

    Not active yet: a test sets up over moto first, then answers its one call with
    ``with stub:``. Every queued response must have been used.
    """
    stubber = Stubber(sm)
    yield stubber
    stubber.assert_no_pending_responses()


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A server that accepts connections and never answers (S3 on a very bad day)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()
