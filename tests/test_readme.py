"""The README documents what exists: every setting, every deployment param, every metric, and
its pictures are in the repository."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.settings import PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_in_the_configuration_reference(field: str) -> None:
    names = [PREFIX + field.upper(), *Settings.ENV_ALIASES.get(field, ())]
    table = _section("Configuration")
    assert any(f"`{name}`" in table for name in names), f"{names} missing from the README"


def test_every_deployment_param_is_in_the_configuration_reference() -> None:
    serverless = yaml.load((ROOT / "serverless.yml").read_text(), Loader=yaml.BaseLoader)
    table = _section("Configuration")
    missing = [name for name in serverless["params"]["default"] if f"`{name}`" not in table]
    assert not missing, f"serverless.yml params missing from the README: {missing}"


def test_every_metric_the_bot_emits_is_documented() -> None:
    sources = [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").glob("*.py")]
    text = "\n".join(p.read_text() for p in sources)
    emitted = set(re.findall(r'add_metric\(\s*name="(\w+)"', text))
    emitted |= set(re.findall(r'metrics\.count\(\s*"(\w+)"', text))
    emitted |= set(re.findall(r'"(Events[A-Z]\w+)" if ', text))  # count("A" if … else "B")
    emitted |= set(re.findall(r'else "(Events[A-Z]\w+)"', text))
    assert {"EventsReceived", "SlackLatency", "SlackErrors"} <= emitted
    operations = _section("Operations")
    missing = sorted(m for m in emitted if f"`{m}`" not in operations)
    assert not missing, f"metrics missing from the README: {missing}"


def test_pictures_exist_and_are_pngs() -> None:
    pictures = re.findall(r"\]\((docs/images/[^)]+)\)", README)
    assert len(pictures) >= 4
    for picture in pictures:
        path = ROOT / picture
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture


def test_quickstart_is_the_two_commands() -> None:
    quickstart = _section("Quickstart")
    assert "make demo" in quickstart and "make test" in quickstart


def test_every_event_type_with_a_card_is_listed_and_has_a_sample() -> None:
    from bot.events.registry import SPECS

    table = _section("Supported events")
    samples = {
        json.loads(path.read_text()).get("detail-type")
        for path in (ROOT / "tests" / "events").glob("*.json")
    }
    for spec in SPECS:
        assert f"| {spec.detail_type} |" in table, f"{spec.detail_type} missing from the README"
        assert spec.detail_type in samples, f"no sample of {spec.detail_type} in tests/events"
    sources = (ROOT / "tests" / "events" / "SOURCES.md").read_text()
    for path in (ROOT / "tests" / "events").glob("*.json"):
        stem = path.name
        assert any(
            re.fullmatch(pattern.replace("*", ".*"), stem)
            for pattern in re.findall(r"`([\w*.-]+\.json)`", sources)
        ), f"{stem} has no row in tests/events/SOURCES.md"
