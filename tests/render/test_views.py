"""Views compute what a message shows; templates lay it out and can still change it."""

from pathlib import Path
from typing import Any

import pytest

from bot.events.parse import parse_event
from bot.render import views
from bot.render.context import RenderContext
from bot.render.renderer import Renderer
from tests.conftest import load_sample, sample_paths
from tests.render.blockkit import assert_valid_message


def _field_texts(message: dict[str, Any]) -> list[str]:
    return [f["text"] for b in message["blocks"] for f in b.get("fields", [])]


def test_every_event_template_has_a_view() -> None:
    templates = {parse_event(load_sample(p.stem)).spec.template for p in sample_paths()}
    assert templates <= set(views.VIEWS)


def test_a_user_template_extends_the_views_facts(tmp_path: Path) -> None:
    (tmp_path / "training_job.json.j2").write_text(
        '{% extends "_base.json.j2" %}\n'
        '{% set facts = facts + [("Team", d | dig("Tags", "team") or "<!channel>")] %}\n'
    )
    message = Renderer(override_dir=tmp_path).render(
        parse_event(load_sample("training_job_state_change"))
    )
    assert_valid_message(message)
    fields = _field_texts(message)
    assert fields[-1] == "*Team*\n&lt;!channel&gt;"  # escaped like any other value
    assert any(f.startswith("*Instance*\n") for f in fields)  # the view's facts are kept


def test_a_user_template_replaces_the_facts(tmp_path: Path) -> None:
    (tmp_path / "training_job.json.j2").write_text(
        '{% extends "_base.json.j2" %}\n{% set facts = [("Only", "this")] %}\n'
    )
    message = Renderer(override_dir=tmp_path).render(
        parse_event(load_sample("training_job_state_change"))
    )
    assert _field_texts(message) == ["*Only*\nthis"]


def test_a_view_that_fails_falls_back_to_the_generic_template(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: Any) -> dict[str, Any]:
        raise KeyError("boom")

    monkeypatch.setitem(views.VIEWS, "training_job", broken)
    event = parse_event(load_sample("training_job_state_change"))
    message = Renderer().render(event, RenderContext())
    assert_valid_message(message)
    assert message["blocks"][0]["text"]["text"].endswith("SageMaker Training Job State Change")
    assert "view training_job failed" in caplog.text


def test_facts_in_more_than_ten_fields_take_more_sections(tmp_path: Path) -> None:
    extra = ", ".join(f'("Fact {i}", {i})' for i in range(12))
    (tmp_path / "image.json.j2").write_text(
        f'{{% extends "_base.json.j2" %}}\n{{% set facts = [{extra}] %}}\n'
    )
    message = Renderer(override_dir=tmp_path).render(parse_event(load_sample("image_state_change")))
    assert_valid_message(message)
    sections = [b for b in message["blocks"] if "fields" in b]
    assert [len(b["fields"]) for b in sections] == [10, 2]
    assert sections[1]["fields"][-1]["text"] == "*Fact 11*\n11"
