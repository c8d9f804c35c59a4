"""Slack messages as one self-contained HTML page: what a message looks like, without Slack.

The page is made by the Jinja templates in ``bot/preview/templates`` with autoescape on, so every
piece of text from a message is HTML-escaped: an event that contains ``<script>`` shows the
characters. Text objects go through :mod:`bot.preview.mrkdwn`, whose results are already safe
:class:`~markupsafe.Markup`. The stylesheet, ``bot/preview/static/preview.css``, is inlined:
no scripts, no fonts, images or styles fetched from anywhere, and a Content-Security-Policy that
forbids them, so the page can be opened from disk or attached to a review. The only I/O is
reading the package's own templates and stylesheet.

A page is a list of :class:`PreviewSection` (a channel, or an event file), each a list of
:class:`PreviewMessage`; a message may carry thread replies, so a whole conversation can be shown.

Slack's rendering is approximated: header, section (text, two-column fields, accessory),
context, divider, actions (buttons, primary and danger), input (a modal's), image (a
placeholder: nothing is loaded) and legacy attachments with their colour bar. A section may
also show a modal (:class:`PreviewModal`: its title, blocks and buttons).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from bot.preview.emoji import EMOJI
from bot.preview.mrkdwn import mrkdwn_to_html, plain_html, text_html

__all__ = [
    "AVATAR_TEXT",
    "BLOCK_KIT_BUILDER",
    "BOT_NAME",
    "EMOJI",
    "Message",
    "PreviewMessage",
    "PreviewModal",
    "PreviewSection",
    "block_kit_builder_url",
    "message_body_html",
    "render_message",
    "render_page",
]

BOT_NAME = "SageMaker ChatOps"
AVATAR_TEXT = "SM"
BLOCK_KIT_BUILDER = "https://app.slack.com/block-kit-builder#"

Message = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class PreviewMessage:
    """One message as the bot posts it.

    Attributes:
        message: The Slack payload, ``{"text": ..., "blocks": [...]}`` (``attachments`` too).
        label: A caption above the message, outside Slack's chrome (e.g. the event file).
        replies: Thread replies, shown indented under the message.
        edited: Show Slack's "(edited)" marker (a message updated in place).
        broadcast: A thread reply also sent to the channel.
        timestamp: Text shown next to the bot's name (e.g. ``10:42``).
    """

    message: Message
    label: str | None = None
    replies: Sequence[PreviewMessage] = ()
    edited: bool = False
    broadcast: bool = False
    timestamp: str | None = None


@dataclass(frozen=True, slots=True)
class PreviewModal:
    """A modal the bot opens (``views.open`` / ``views.update``): its view payload."""

    view: Mapping[str, Any]
    label: str | None = None


@dataclass(frozen=True, slots=True)
class PreviewSection:
    """A group of messages under a heading: a channel (``#ml-alerts``) or an event file. A
    modal may stand among them."""

    heading: str
    messages: Sequence[PreviewMessage | PreviewModal]


def block_kit_builder_url(message: Message) -> str:
    """A link that opens the message's blocks in Slack's Block Kit Builder."""
    blocks = message.get("blocks")
    payload = json.dumps(
        {"blocks": blocks if isinstance(blocks, list) else []},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return BLOCK_KIT_BUILDER + quote(payload, safe="")


def render_page(
    title: str, sections: Sequence[PreviewSection], *, builder_links: bool = True
) -> str:
    """The whole HTML document: a contents list, then each section with its messages."""
    return (
        _environment()
        .get_template("page.html.j2")
        .render(title=title, sections=sections, builder_links=builder_links, css=_stylesheet())
    )


def render_message(
    item: PreviewMessage, *, builder_links: bool = False, reply: bool = False
) -> Markup:
    """One message, with its thread, as an HTML fragment (styled by :func:`render_page`)."""
    return _macro("message.html.j2", "message", item, builder_links=builder_links, reply=reply)


def message_body_html(message: Message) -> Markup:
    """A message's visible content: its blocks, else its text; then its attachments."""
    return _macro("blocks.html.j2", "body", message)


# ---------------------------------------------------------------------------------- helpers

_COLOURS = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}
_HEX_COLOUR = re.compile(r"#?[0-9a-fA-F]{3,8}")


def _attachment_colour(value: Any) -> str:
    """A legacy attachment's colour bar: Slack's named colours, a hex colour, else grey."""
    colour = str(value or "")
    return _COLOURS.get(colour) or (
        "#" + colour.lstrip("#") if _HEX_COLOUR.fullmatch(colour) else "#dddddd"
    )


def _message_count(messages: Sequence[PreviewMessage | PreviewModal]) -> str:
    total = sum(1 + len(m.replies) if isinstance(m, PreviewMessage) else 1 for m in messages)
    return f"{total} message{'s' if total != 1 else ''}"


# -------------------------------------------------------------------------------- templates


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot.preview", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        BOT_NAME=BOT_NAME,
        AVATAR_TEXT=AVATAR_TEXT,
        block_kit_builder_url=block_kit_builder_url,
        attachment_colour=_attachment_colour,
        message_count=_message_count,
        text_html=text_html,
        mrkdwn=mrkdwn_to_html,
        plain=plain_html,
    )
    # The checks the page makes on a message's JSON values, as Python makes them.
    env.tests["dict"] = lambda value: isinstance(value, dict)
    env.tests["list"] = lambda value: isinstance(value, list)
    env.tests["modal"] = lambda value: isinstance(value, PreviewModal)
    return env


@cache
def _stylesheet() -> Markup:
    """The page's CSS (a file of this package, trusted: it is inlined as it is)."""
    css = resources.files("bot.preview").joinpath("static", "preview.css")
    return Markup(css.read_text(encoding="utf-8"))  # noqa: S704 - the package's own file


def _macro(template: str, name: str, *args: Any, **kwargs: Any) -> Markup:
    macro = getattr(_environment().get_template(template).module, name)
    html = macro(*args, **kwargs)
    if not isinstance(html, Markup):  # autoescape on: a macro returns Markup
        raise TypeError(f"{template}: {name} returned {type(html).__name__}, not Markup")
    return html
