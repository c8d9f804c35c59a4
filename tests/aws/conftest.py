"""Fixtures for bot.aws against moto's server: real boto3 clients, and a Stubber for the calls
moto cannot answer."""

from __future__ import annotations

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
