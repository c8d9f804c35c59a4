"""The HTML preview: Slack's look approximated, every text escaped, threads shown as threads."""

from __future__ import annotations

import html
import json
import re
from contextlib import redirect_stderr, redirect_stdout
from importlib import resources
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from markupsafe import Markup

from bot.cli.main import main
from bot.events.parse import parse_event
from bot.preview.emoji import EMOJI
from bot.preview.page import (
    BLOCK_KIT_BUILDER,
    PreviewMessage,
    PreviewSection,
    block_kit_builder_url,
    message_body_html,
    render_message,
    render_page,
)
from bot.render.renderer import Renderer
from tests.conftest import RAW_EVENTS_DIR, load_sample, sample_paths
from tests.preview.html_tree import classes_around, parse, section_message

SAMPLES = sample_paths()


# ------------------------------------------------------------------------- the whole corpus


@pytest.fixture(scope="module")
def sample_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, int]:
    """The preview command run once over every sample: (page, stdout, exit code)."""
    output = tmp_path_factory.mktemp("preview") / "preview.html"
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["preview", "--output", str(output)])
    return output.read_text(encoding="utf-8"), out.getvalue(), code


def test_page_shows_every_sample_header(sample_page: tuple[str, str, int]) -> None:
    page, _, code = sample_page
    assert code == 0
    renderer = Renderer()
    for path in SAMPLES:
        message = renderer.render(parse_event(load_sample(path.stem)))
        header = next(b for b in message["blocks"] if b["type"] == "header")
        text = header["text"]["text"]
        # The shortcode shows as its emoji; the rest is the text, escaped.
        words = re.sub(r":[a-z0-9_+-]+:\s*", "", text).strip()
        assert html.escape(html.unescape(words), quote=False) in page, path.name
        shortcode = re.match(r":([a-z0-9_+-]+):", text)
        if shortcode:
            assert EMOJI[shortcode.group(1)] in page
        assert path.name in page


def test_page_is_self_contained(sample_page: tuple[str, str, int]) -> None:
    page, _, _ = sample_page
    tree = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert {"script", "link", "img", "iframe", "object"}.isdisjoint(tree.tags)
    assert "src=" not in page
    assert "url(" not in page
    assert "@import" not in page
    assert "default-src 'none'" in page


def test_preview_command_prints_the_path_and_a_builder_link_per_sample(
    sample_page: tuple[str, str, int],
) -> None:
    _, out, _ = sample_page
    first, *links = out.splitlines()
    assert first.startswith("Wrote ")
    assert first.split()[1].endswith("preview.html")
    assert len(links) == len(SAMPLES)
    for line, path in zip(links, SAMPLES, strict=True):
        name, url = line.split(": ", 1)
        assert name.endswith(path.name)
        assert url.startswith(BLOCK_KIT_BUILDER)


def test_builder_link_holds_the_rendered_blocks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sample = next(p for p in SAMPLES if p.name == "training_job_state_change.json")
    assert main(["render", str(sample)]) == 0
    blocks = json.loads(capsys.readouterr().out)["blocks"]

    code = main(["preview", str(sample), "--output", str(tmp_path / "out" / "p.html")])
    out = capsys.readouterr().out

    assert code == 0
    assert (tmp_path / "out" / "p.html").is_file()
    assert out.splitlines()[0] == f"Wrote {tmp_path / 'out' / 'p.html'} (1 message)"
    url = out.splitlines()[1].split(": ", 1)[1]
    assert json.loads(unquote(url.removeprefix(BLOCK_KIT_BUILDER))) == {"blocks": blocks}


def test_preview_skips_a_bad_file_reports_it_and_still_writes_the_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = SAMPLES[0]
    bad = RAW_EVENTS_DIR / "model_state_change_pattern.txt"
    output = tmp_path / "p.html"

    code = main(["preview", str(good), str(bad), "--output", str(output)])
    out, err = capsys.readouterr()

    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"sagemaker-chatops: error: {bad}: not valid JSON: ")
    assert out.splitlines()[0] == f"Wrote {output} (1 message)"
    page = output.read_text(encoding="utf-8")
    assert good.name in page
    assert bad.name not in page


# ------------------------------------------------------------------------------- escaping


HOSTILE = "<script>alert(1)</script>"


def test_hostile_event_content_is_shown_as_text() -> None:
    raw = load_sample("training_job_state_change")
    raw["detail"]["TrainingJobName"] = HOSTILE
    raw["detail"]["TrainingJobStatus"] = "Failed"
    raw["detail"]["FailureReason"] = f'{HOSTILE} <img src=x onerror="alert(2)">'
    message = Renderer().render(parse_event(raw))

    page = render_page(HOSTILE, [PreviewSection(HOSTILE, [PreviewMessage(message, label=HOSTILE)])])

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Autoescape writes quotes as &#34; (the text shows them all the same).
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    shown = "".join(data for data, _ in parse(page).texts)
    assert '<img src=x onerror="alert(2)">' in shown


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE,  # raw markup where mrkdwn expects a control token
        "&lt;script&gt;alert(1)&lt;/script&gt;",  # escaped mrkdwn: shown as the characters
        "*<script>*",
        "`<script>`",
        "```<script>```",
        "<https://example.com|<script>>",
        "<@U1|<script>>",
        "<!date^1^{date}|<script>>",
        ":x:<script>",
    ],
)
def test_mrkdwn_never_produces_markup_from_text(text: str) -> None:
    page = render_page("t", [PreviewSection("s", [PreviewMessage(section_message(text))])])
    assert "<script" not in page


# ---------------------------------------------------------------------------------- blocks


def test_blocks_look_like_slack() -> None:
    message = {
        "text": "fallback",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": ":x: Failed", "emoji": True}},
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": "*Instance*\nml.m5.xlarge"},
                    {"type": "mrkdwn", "text": "*Duration*\n1h"},
                ],
            },
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Account 1234"}]},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Approve"},
                        "style": "primary",
                    },
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Reject"},
                        "style": "danger",
                    },
                    {"type": "button", "text": {"type": "plain_text", "text": "Inspect"}},
                ],
            },
        ],
    }
    tree = parse(render_page("t", [PreviewSection("s", [PreviewMessage(message)])]))

    assert "sk-header" in classes_around(tree, "Failed")
    assert {"sk-fields", "sk-field"} <= classes_around(tree, "ml.m5.xlarge")
    assert "sk-context" in classes_around(tree, "Account 1234")
    assert {"sk-button", "sk-button-primary"} <= classes_around(tree, "Approve")
    assert {"sk-button", "sk-button-danger"} <= classes_around(tree, "Reject")
    assert "sk-button-primary" not in classes_around(tree, "Inspect")
    assert "hr" in tree.tags
    assert "SageMaker ChatOps" in {data for data, _ in tree.texts}
    assert "APP" in {data for data, _ in tree.texts}
    assert "SM" in {data for data, _ in tree.texts}


def test_a_message_without_blocks_shows_its_text() -> None:
    tree = parse(render_page("t", [PreviewSection("s", [PreviewMessage({"text": "*only text*"})])]))
    assert "sk-text" in classes_around(tree, "only text")


# ------------------------------------------------------------------------------ conversation


def test_replies_are_shown_inside_a_thread() -> None:
    conversation = PreviewMessage(
        section_message("parent message"),
        label="Training job",
        edited=True,
        timestamp="10:42",
        replies=[
            PreviewMessage(section_message("first reply"), timestamp="10:43"),
            PreviewMessage(section_message("second reply"), broadcast=True),
        ],
    )
    page = render_page("Conversation", [PreviewSection("#ml-alerts", [conversation])])
    tree = parse(page)

    assert "sk-thread" not in classes_around(tree, "parent message")
    assert "sk-thread" in classes_around(tree, "first reply")
    assert "sk-thread" in classes_around(tree, "second reply")
    assert "2 replies" in page
    assert "(edited)" in page
    assert "Also sent to the channel" in page
    assert "10:42" in page
    assert "#ml-alerts" in page


def test_builder_url_encodes_only_the_blocks() -> None:
    message = {"text": "t", "blocks": [{"type": "divider"}]}
    url = block_kit_builder_url(message)
    assert url == BLOCK_KIT_BUILDER + "%7B%22blocks%22%3A%5B%7B%22type%22%3A%22divider%22%7D%5D%7D"


# ------------------------------------------------------------------- every block, hostile

# Quotes and angle brackets: text that would end an attribute, or open an element.
EVIL = "\"'><script>alert(1)</script><img src=x onerror=alert(2)>"
# The same characters as Slack sends them in mrkdwn (``& < >`` as entities): shown as EVIL.
EVIL_MRKDWN = EVIL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def test_a_hostile_value_in_every_block_type_is_escaped() -> None:
    message = {
        "text": "notification " + EVIL_MRKDWN,
        "blocks": [
            {"type": "header", "text": _plain("header " + EVIL)},
            {
                "type": "section",
                "text": _mrkdwn("section " + EVIL_MRKDWN),
                "fields": [_mrkdwn("mrkdwn field " + EVIL_MRKDWN), _plain("plain field " + EVIL)],
                "accessory": {
                    "type": "button",
                    "text": _plain("accessory " + EVIL),
                    "action_id": "action " + EVIL,
                },
            },
            {
                "type": "section",
                "text": _mrkdwn("menu"),
                "accessory": {"type": "static_select", "placeholder": _plain("select " + EVIL)},
            },
            {
                "type": "context",
                "elements": [
                    _mrkdwn("mrkdwn context " + EVIL_MRKDWN),
                    _plain("plain context " + EVIL),
                    {
                        "type": "image",
                        "image_url": "https://x",
                        "alt_text": "context image " + EVIL,
                    },
                ],
            },
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": _plain("button " + EVIL), "style": "primary"},
                    {"type": "button", "text": _plain("link"), "url": "https://x/" + EVIL},
                    {"type": "kind " + EVIL},
                ],
            },
            {"type": "image", "alt_text": "block image " + EVIL},
            {"type": "block " + EVIL},
        ],
        "attachments": [
            {
                "color": EVIL,
                "title": "attachment title " + EVIL,
                "text": "attachment text " + EVIL_MRKDWN,
                "fields": [{"title": "field title " + EVIL, "value": "field value " + EVIL_MRKDWN}],
                "blocks": [{"type": "section", "text": _mrkdwn("attachment block " + EVIL_MRKDWN)}],
            }
        ],
    }
    item = PreviewMessage(
        message,
        label="label " + EVIL,
        timestamp="time " + EVIL,
        replies=[PreviewMessage({"text": "reply " + EVIL_MRKDWN})],
    )

    page = render_page("title " + EVIL, [PreviewSection("heading " + EVIL, [item])])
    tree = parse(page)

    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert {"script", "img", "iframe", "object", "link"}.isdisjoint(tree.tags)
    for _, attributes in tree.attributes:
        assert not any(name.startswith("on") for name in attributes), attributes
    expected = {  # the text as shown, and a class of the element it is shown in
        "header": "sk-header",
        "section": "sk-text",
        "mrkdwn field": "sk-field",
        "plain field": "sk-field",
        "accessory": "sk-button",
        "select": "sk-select",
        "mrkdwn context": "sk-context-el",
        "plain context": "sk-context-el",
        "button": "sk-button-primary",
        "[kind": "sk-unsupported",
        "block image": "sk-img-large",
        "[block": "sk-unsupported",
        "attachment title": "sk-att-title",
        "attachment text": "sk-attachment",
        "field title": "sk-attachment",
        "field value": "sk-attachment",
        "attachment block": "sk-attachment",
        "label": "pv-label",
        "time": "sk-time",
        "reply": "sk-thread",
    }
    for name, css_class in expected.items():
        assert css_class in classes_around(tree, f"{name} {EVIL}"), name
    shown = [data for data, _ in tree.texts]
    assert shown.count(f"title {EVIL}") == 2  # <title> and <h1>
    assert shown.count(f"heading {EVIL}") == 2  # the contents and the section's heading
    assert f"notification {EVIL}" in shown  # the note under the message
    # Attribute values read back as the characters: nothing broke out of its quotes.
    titles = {a.get("title") for _, a in tree.attributes}
    assert {
        "action " + EVIL,
        "https://x/" + EVIL,
        "context image " + EVIL,
        "block image " + EVIL,
    } <= titles
    styles = {a["style"] for _, a in tree.attributes if a.get("style")}
    assert styles == {"border-left-color:#dddddd"}  # not a colour: Slack's grey


# -------------------------------------------------------------------------- the package


def test_the_page_inlines_the_package_stylesheet_under_a_policy() -> None:
    css = resources.files("bot.preview").joinpath("static/preview.css").read_text("utf-8")
    page = render_page("t", [])

    assert f"<style>\n{css}</style>" in page
    assert (
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ) in page
    assert '<meta name="referrer" content="no-referrer">' in page
    assert page.endswith("</html>\n")


def test_templates_and_stylesheet_are_resources_of_the_package() -> None:
    package = resources.files("bot.preview")
    for name in ("page.html.j2", "message.html.j2", "blocks.html.j2"):
        assert package.joinpath("templates", name).is_file(), name
    assert package.joinpath("static", "preview.css").is_file()


def test_a_message_or_its_body_alone_is_an_html_fragment() -> None:
    item = PreviewMessage({"text": "*hello*"}, timestamp="10:00")

    fragment = render_message(item)
    body = message_body_html(item.message)

    assert isinstance(fragment, Markup)
    assert isinstance(body, Markup)
    assert str(body).strip() == '<div class="sk-text"><b>hello</b></div>'
    tree = parse(fragment)
    assert {"pv-item", "sk-msg", "sk-body", "sk-text"} <= classes_around(tree, "hello")
    assert "Block Kit Builder" not in fragment


# ----------------------------------------------------------------------------------- modals


def test_a_modal_shows_its_title_blocks_input_and_buttons_escaped() -> None:
    from bot.preview.page import PreviewModal
    from bot.slack_app.modals import decision_view

    details = {
        "arn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/7",
        "name": "churn/7 <script>alert(1)</script>",
        "group": "churn",
        "version": 7,
        "metrics": [],
        "approved": None,
    }
    view = decision_view(Renderer(), details, "Approved", "C1", "1.1", "approval-x")
    tree = parse(render_page("t", [PreviewSection("s", [PreviewModal(view, label="modal")])]))

    assert "sk-modal-title" in classes_around(tree, "Approve model package")
    [submit] = [set().union(*stack) for data, stack in tree.texts if data == "Approve"]
    assert {"sk-modal-footer", "sk-button", "sk-button-primary"} <= submit
    assert {"sk-modal-footer", "sk-button"} <= classes_around(tree, "Cancel")
    assert "sk-input-label" in classes_around(tree, "Comment")
    assert "sk-input-multiline" in classes_around(tree, "Why? (saved with the decision)")
    assert "script" not in tree.tags  # the package's name is text
    assert any("<script>" in data for data, _ in tree.texts)
