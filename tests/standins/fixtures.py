"""pytest plugin: the ``slack_api`` fixture, a started :class:`SlackStandin` per test.

Load it from the root ``tests/conftest.py`` with ``pytest_plugins = ["tests.standins.fixtures"]``.

Configure the stand-in per test with constructor keyword arguments, either through a marker::

    @pytest.mark.slack_api(channels=["C1"], rate_limits=True, time_scale=0.01)
    def test_something(slack_api): ...

or through indirect parametrization::

    @pytest.mark.parametrize("slack_api", [{"channels": ["C1"]}], indirect=True)
    def test_something(slack_api): ...

The fixture removes real ``SLACK_*`` (and ``CHATOPS_SLACK_*``) environment variables for the
test, so a developer's own token or API URL can never reach a test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.standins.slack_api import SlackStandin, slack_standin

_SLACK_ENV_PREFIXES = ("SLACK_", "CHATOPS_SLACK_")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "slack_api(**kwargs): SlackStandin constructor arguments for the slack_api fixture",
    )


def _standin_kwargs(request: pytest.FixtureRequest) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    marker = request.node.get_closest_marker("slack_api")
    if marker is not None:
        kwargs.update(marker.kwargs)
    kwargs.update(getattr(request, "param", None) or {})
    return kwargs


@pytest.fixture
def slack_api(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SlackStandin]:
    """A started Slack Web API stand-in; ``slack_api.client()`` is a WebClient pointed at it."""
    for name in list(os.environ):
        if name.startswith(_SLACK_ENV_PREFIXES):
            monkeypatch.delenv(name)
    with slack_standin(**_standin_kwargs(request)) as standin:
        yield standin
