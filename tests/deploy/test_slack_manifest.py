"""slack-app-manifest.yml: the app a user creates by pasting it, with exactly the bot scopes the
code needs (found by reading which Slack Web API methods the code calls)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.deploy.conftest import ROOT, load_raw

MANIFEST = ROOT / "slack-app-manifest.yml"
# Every Slack Web API method the bot may call, and the bot scopes it needs (none: no scope).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "usergroups.users.list": ("usergroups:read",),  # approvers / admins given as user groups
    "views.open": (),  # modals: the trigger id is the permission
    "views.update": (),
    "auth.test": (),  # doctor: the token, its workspace and (in a header) its scopes
    # doctor: whether a channel is archived and the bot in it. The scope is the channel's
    # type's: public channels, and the private ones the bot is in (direct messages and group
    # DMs are not subscribed: the bot cannot post in them).
    "conversations.info": ("channels:read", "groups:read"),
    # an owner tag that names an email address; users:read.email needs users:read
    "users.lookupByEmail": ("users:read", "users:read.email"),
}
# Scopes that no method call shows, and why the bot needs them.
OTHER_SCOPES = {
    "commands": "the /sagemaker slash command",
    "chat:write.public": "posting to the default and subscribed channels without being invited",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(MANIFEST.read_text())
    return data


def slack_methods_called() -> set[str]:
    """The Web API methods the code calls: ``client.chat_postEphemeral(…)`` (slack_sdk's
    WebClient methods) and ``_call("chat.postMessage", …)`` (the bot's gateway)."""
    from slack_sdk import WebClient

    found: set[str] = set()
    for path in sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "handlers").glob("*.py")):
        source = path.read_text()
        found |= set(re.findall(r"_call\(\s*\"([a-z]+\.[a-zA-Z.]+)\"", source))
        for method in re.findall(r"\b_?client\.([a-z]+_[a-zA-Z_]+)\(", source):
            if callable(getattr(WebClient, method, None)) and method != "api_call":
                found.add(method.replace("_", "."))
    return found


def test_manifest_is_at_the_top_level_where_the_readme_says() -> None:
    assert MANIFEST.is_file()
    assert not (ROOT / "deploy" / "slack-app-manifest.yml").exists()
    assert "slack-app-manifest.yml" in (ROOT / "README.md").read_text()


def test_the_code_calls_only_methods_whose_scope_is_known() -> None:
    called = slack_methods_called()
    assert {"chat.postMessage", "chat.update", "usergroups.users.list"} <= called
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add these methods and their scopes to METHOD_SCOPES: {unknown}"


def test_bot_scopes_are_exactly_what_the_bot_needs(manifest: dict[str, Any]) -> None:
    needed = {s for m in slack_methods_called() for s in METHOD_SCOPES[m]} | set(OTHER_SCOPES)
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes) == {"bot"}, "no user scopes"
    assert sorted(scopes["bot"]) == sorted(needed)
    assert len(scopes["bot"]) == len(set(scopes["bot"]))


def test_doctor_checks_exactly_the_manifests_scopes(manifest: dict[str, Any]) -> None:
    """doctor compares the token's scopes with these (the manifest is not in the package)."""
    from bot.service.diagnosis import REQUIRED_SCOPES

    assert sorted(REQUIRED_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])


def test_slash_command_and_interactivity_go_to_the_http_api_route(
    manifest: dict[str, Any],
) -> None:
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/sagemaker"
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    # Both go to the one HTTP API route of serverless.yml.
    [event] = load_raw()["functions"]["slack"]["events"]
    path = event["httpApi"]["path"]
    assert path == "/slack/events"
    for url in (command["url"], manifest["settings"]["interactivity"]["request_url"]):
        assert url.startswith("https://") and url.endswith(path)
    assert manifest["features"]["bot_user"]["display_name"]
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_manifest_subscribes_to_no_events(manifest: dict[str, Any]) -> None:
    """The bot reacts to commands and buttons only: no Events API URL to verify."""
    assert "event_subscriptions" not in manifest.get("settings", {})


def test_manifest_lists_only_what_slack_accepts(manifest: dict[str, Any]) -> None:
    assert set(manifest) <= {"display_information", "features", "oauth_config", "settings"}
    assert len(manifest["display_information"]["name"]) <= 35
    description = manifest["features"]["slash_commands"][0]["description"]
    assert len(description) <= 100
