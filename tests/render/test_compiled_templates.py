"""Templates compiled ahead of time: used while current, ignored once a source changes."""

import shutil
from pathlib import Path

import jinja2
import pytest

from bot.cli.main import main
from bot.events.parse import parse_event
from bot.render import compiled, renderer
from bot.render.context import RenderContext
from bot.render.renderer import Renderer
from tests.conftest import load_sample, sample_paths


@pytest.fixture
def template_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built-in templates, standing in for them."""
    copy = tmp_path / "templates"
    shutil.copytree(renderer.BUILTIN_TEMPLATES, copy, ignore=shutil.ignore_patterns("__*"))
    monkeypatch.setattr(renderer, "BUILTIN_TEMPLATES", copy)
    return copy


def _module_loaders(loader: jinja2.BaseLoader) -> list[jinja2.ModuleLoader]:
    if isinstance(loader, jinja2.ModuleLoader):
        return [loader]
    if isinstance(loader, jinja2.ChoiceLoader):
        return [m for inner in loader.loaders for m in _module_loaders(inner)]
    return []


def _uses_compiled(r: Renderer) -> bool:
    return bool(_module_loaders(r._env.loader))  # type: ignore[arg-type]


def test_without_a_build_templates_compile_from_source(template_dir: Path) -> None:
    assert not _uses_compiled(Renderer())


def test_compiled_templates_render_exactly_like_their_sources(template_dir: Path) -> None:
    target = renderer.compile_builtin_templates()
    assert target == template_dir / compiled.COMPILED_DIR
    assert len(list(target.glob("tmpl_*.py"))) == len(list(template_dir.glob("*.j2")))
    from_build, from_source = Renderer(), Renderer()
    from_source._env = renderer._environment(None, precompiled=False)
    assert _uses_compiled(from_build) and not _uses_compiled(from_source)
    contexts = [RenderContext(), RenderContext(mode="reply", previous_status="InProgress")]
    for path in sample_paths():
        event = parse_event(load_sample(path.stem))
        for context in contexts:
            assert from_build.render(event, context) == from_source.render(event, context)


def test_a_template_changed_after_the_build_is_rendered_from_its_source(
    template_dir: Path,
) -> None:
    renderer.compile_builtin_templates()
    source = template_dir / "_base.json.j2"
    text = source.read_text()
    source.write_text(text.replace('"text": "{{', '"text": "Edited {{', 1))
    r = Renderer()
    assert not _uses_compiled(r)
    message = r.render(parse_event(load_sample("image_state_change")))
    assert message["text"].startswith("Edited ")


def test_user_templates_still_take_precedence(template_dir: Path, tmp_path: Path) -> None:
    renderer.compile_builtin_templates()
    overrides = tmp_path / "mine"
    overrides.mkdir()
    (overrides / "image.json.j2").write_text(
        '{"text": "mine: {{ r.name }}", "blocks": [{"type": "section", '
        '"text": {"type": "mrkdwn", "text": "{{ r.name }}"}}]}'
    )
    r = Renderer(override_dir=overrides)
    assert _uses_compiled(r)
    assert r.render(parse_event(load_sample("image_state_change")))["text"].startswith("mine: ")


def test_fingerprint_covers_the_options_that_shape_the_code(template_dir: Path) -> None:
    env = renderer._environment(None, precompiled=False)
    before = compiled.fingerprint(template_dir, env)
    env.trim_blocks = False
    assert compiled.fingerprint(template_dir, env) != before


def test_compile_templates_command(template_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compile-templates"]) == 0
    assert "compiled" in capsys.readouterr().out
    assert (template_dir / compiled.COMPILED_DIR / compiled.FINGERPRINT_FILE).is_file()
    assert _uses_compiled(Renderer())
