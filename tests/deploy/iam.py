"""IAM checks shared by the configuration and the packaged template tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Actions that may have Resource "*", and why. Nothing else may.
STAR_RESOURCE_ACTIONS = {
    # Read-only; ListModelPackages has no resource type, so IAM grants it only with "*".
    "sagemaker:ListModelPackages": "no resource-level permissions",
    "sagemaker:ListPipelineExecutions": "read-only list",
    "sagemaker:ListPipelineExecutionSteps": "read-only list",
    # Only with tracing on; X-Ray has no resource-level permissions.
    "xray:PutTraceSegments": "no resource-level permissions",
    "xray:PutTelemetryRecords": "no resource-level permissions",
}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def role_statements(resources: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """Every statement that can apply to a role: its own, and those of the (conditional)
    policies attached to it."""
    found = [
        s
        for policy in resources[role]["Properties"]["Policies"]
        for s in policy["PolicyDocument"]["Statement"]
    ]
    for resource in resources.values():
        if (
            resource["Type"] == "AWS::IAM::Policy"
            and {"Ref": role} in resource["Properties"]["Roles"]
        ):
            found += as_list(resource["Properties"]["PolicyDocument"]["Statement"])
    return found


def iam_statements(resources: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for resource in resources.values():
        if resource["Type"] == "AWS::IAM::Role":
            for policy in resource["Properties"].get("Policies", []):
                yield from policy["PolicyDocument"]["Statement"]
        elif resource["Type"] == "AWS::IAM::Policy":
            yield from as_list(resource["Properties"]["PolicyDocument"]["Statement"])


def check_least_privilege(statements: list[dict[str, Any]]) -> None:
    assert statements
    for statement in statements:
        name = statement.get("Sid", statement)
        assert statement["Effect"] == "Allow", name
        assert "NotAction" not in statement and "NotResource" not in statement, name
        actions = as_list(statement["Action"])
        for action in actions:
            # No wildcard at all, not even a prefix (sagemaker:Describe*): named actions only.
            assert isinstance(action, str) and "*" not in action, f"{name}: {action}"
        if "*" in as_list(statement["Resource"]):
            extra = set(actions) - set(STAR_RESOURCE_ACTIONS)
            assert not extra, f"{name}: {sorted(extra)} on Resource '*'"


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    return {a for s in statements for a in as_list(s["Action"])}


def client_calls(paths: list[Path], client: str) -> set[str]:
    """The API operations (``DescribeTrainingJob``) the code calls on a boto3 client, by
    method name or paginator, as botocore's service model names them."""
    import boto3

    mapping = boto3.client(  # type: ignore[call-overload]
        client, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    ).meta.method_to_api_mapping
    source = "\n".join(p.read_text() for p in paths)
    # Calls on the client objects bot/aws names sm, self._sm, client, self._logs and s3.
    methods = set(re.findall(r"\b(?:sm|_sm|client|_logs|s3)\.([a-z][a-z0-9_]+)\(", source))
    methods |= set(re.findall(r"get_paginator\(\s*\"([a-z0-9_]+)\"", source))
    return {mapping[m] for m in methods if m in mapping}
