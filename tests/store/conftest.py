"""The store tests reach DynamoDB through the moto server stand-in."""

from tests.standins.aws import (  # noqa: F401
    aws_client_factory,
    dynamodb_client,
    dynamodb_table,
    moto_server,
)
