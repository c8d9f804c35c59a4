"""Slack messages as one self-contained HTML page: what a message looks like, without Slack.

Pure functions, no I/O. The page has inline CSS only: no scripts, no fonts, images or styles
fetched from anywhere, and a Content-Security-Policy that forbids them, so it can be opened from
disk or attached to a review. Every piece of text from a message is HTML-escaped: an event that
contains ``<script>`` shows the characters.

A page is a list of :class:`PreviewSection` (a channel, or an event file), each a list of
:class:`PreviewMessage`; a message may carry thread replies, so a whole conversation can be shown.

Slack's rendering is approximated: header, section (text, two-column fields, accessory),
context, divider, actions (buttons, primary and danger), image (a placeholder: nothing is
loaded) and legacy attachments with their colour bar; mrkdwn with bold, italic, strike, code,
code blocks, quotes, links, mentions, date tokens, ``<!here>``-style specials, entities and the
common ``:emoji:`` shortcodes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

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
class PreviewSection:
    """A group of messages under a heading: a channel (``#ml-alerts``) or an event file."""

    heading: str
    messages: Sequence[PreviewMessage]


def block_kit_builder_url(message: Message) -> str:
    """A link that opens the message's blocks in Slack's Block Kit Builder."""
    blocks = message.get("blocks")
    payload = json.dumps(
        {"blocks": blocks if isinstance(blocks, list) else []},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return BLOCK_KIT_BUILDER + quote(payload, safe="")


# --------------------------------------------------------------------------------------- page


def render_page(
    title: str, sections: Sequence[PreviewSection], *, builder_links: bool = True
) -> str:
    """The whole HTML document: a contents list, then each section with its messages."""
    contents = "".join(
        f'<li><a href="#s{index}">{escape(section.heading)}</a>'
        f' <span class="pv-count">{_count(section.messages)}</span></li>'
        for index, section in enumerate(sections)
    )
    body = "".join(
        f'<section class="pv-section" id="s{index}">'
        f'<h2 class="pv-heading">{escape(section.heading)}</h2>'
        f'<div class="pv-pane">'
        + "".join(render_message(m, builder_links=builder_links) for m in section.messages)
        + "</div></section>"
        for index, section in enumerate(sections)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        '<meta name="referrer" content="no-referrer">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
        f'<body><header class="pv-top"><h1>{escape(title)}</h1>'
        f'<ol class="pv-contents">{contents}</ol></header>'
        f"<main>{body}</main></body></html>\n"
    )


def _count(messages: Sequence[PreviewMessage]) -> str:
    total = sum(1 + len(m.replies) for m in messages)
    return f"{total} message{'s' if total != 1 else ''}"


def render_message(
    item: PreviewMessage, *, builder_links: bool = False, reply: bool = False
) -> str:
    """One message, with its thread, as an HTML fragment (styled by :func:`render_page`)."""
    parts = []
    if item.label:
        parts.append(f'<div class="pv-label">{escape(item.label)}</div>')
    if item.broadcast and not reply:
        parts.append('<div class="sk-broadcast">replied to a thread:</div>')
    time = f'<span class="sk-time">{escape(item.timestamp)}</span>' if item.timestamp else ""
    edited = '<span class="sk-edited">(edited)</span>' if item.edited else ""
    parts.append(
        f'<div class="sk-msg{" sk-reply" if reply else ""}">'
        f'<div class="sk-avatar" aria-hidden="true">{AVATAR_TEXT}</div>'
        f'<div class="sk-body"><div class="sk-meta"><span class="sk-name">{BOT_NAME}</span>'
        f'<span class="sk-app">APP</span>{time}</div>'
        f"{message_body_html(item.message)}{edited}</div></div>"
    )
    if item.broadcast and reply:
        parts.append('<div class="sk-broadcast">Also sent to the channel</div>')
    parts.append(_tools_html(item.message, builder_links=builder_links))
    if item.replies:
        count = len(item.replies)
        parts.append(
            f'<div class="sk-thread"><div class="sk-thread-head">'
            f"{count} {'reply' if count == 1 else 'replies'}</div>"
            + "".join(
                render_message(r, builder_links=builder_links, reply=True) for r in item.replies
            )
            + "</div>"
        )
    return f'<div class="pv-item">{"".join(parts)}</div>'


def _tools_html(message: Message, *, builder_links: bool) -> str:
    """Below a message, outside Slack's look: the notification text and the builder link."""
    text = message.get("text")
    items = []
    if isinstance(text, str) and text:
        items.append(f'Notification: <span class="pv-fallback">{mrkdwn_to_html(text)}</span>')
    if builder_links:
        url = escape(block_kit_builder_url(message))
        items.append(f'<a href="{url}" rel="noopener noreferrer">Open in Block Kit Builder</a>')
    return f'<div class="pv-tools">{" · ".join(items)}</div>' if items else ""


# ------------------------------------------------------------------------------------ message


def message_body_html(message: Message) -> str:
    """A message's visible content: its blocks, else its text; then its attachments."""
    blocks = message.get("blocks")
    if isinstance(blocks, list) and blocks:
        html = blocks_html(blocks)
    else:
        text = message.get("text")
        html = f'<div class="sk-text">{mrkdwn_to_html(text)}</div>' if isinstance(text, str) else ""
    attachments = message.get("attachments")
    if isinstance(attachments, list):
        html += "".join(_attachment_html(a) for a in attachments if isinstance(a, dict))
    return html


def blocks_html(blocks: Sequence[Any]) -> str:
    return "".join(_block_html(b) for b in blocks if isinstance(b, dict))


_COLOURS = {"good": "#2eb67d", "warning": "#ecb22e", "danger": "#e01e5a"}
_HEX_COLOUR = re.compile(r"#?[0-9a-fA-F]{3,8}")


def _attachment_html(attachment: Mapping[str, Any]) -> str:
    colour = str(attachment.get("color") or "")
    colour = _COLOURS.get(colour) or (
        "#" + colour.lstrip("#") if _HEX_COLOUR.fullmatch(colour) else "#dddddd"
    )
    inner = []
    if isinstance(attachment.get("title"), str):
        inner.append(f'<div class="sk-att-title">{_plain_html(attachment["title"])}</div>')
    if isinstance(attachment.get("text"), str):
        inner.append(f'<div class="sk-text">{mrkdwn_to_html(attachment["text"])}</div>')
    fields = attachment.get("fields")
    if isinstance(fields, list):
        cells = "".join(
            f'<div class="sk-field"><b>{_plain_html(str(f.get("title", "")))}</b><br>'
            f"{mrkdwn_to_html(str(f.get('value', '')))}</div>"
            for f in fields
            if isinstance(f, dict)
        )
        inner.append(f'<div class="sk-fields">{cells}</div>')
    blocks = attachment.get("blocks")
    if isinstance(blocks, list):
        inner.append(blocks_html(blocks))
    return f'<div class="sk-attachment" style="border-left-color:{colour}">{"".join(inner)}</div>'


# ------------------------------------------------------------------------------------- blocks


def _block_html(block: Mapping[str, Any]) -> str:
    kind = block.get("type")
    render = _BLOCKS.get(kind) if isinstance(kind, str) else None
    if render is None:
        return f'<div class="sk-unsupported">[{escape(str(kind))} block]</div>'
    return render(block)


def _header(block: Mapping[str, Any]) -> str:
    return f'<div class="sk-header">{text_html(block.get("text"))}</div>'


def _section(block: Mapping[str, Any]) -> str:
    main = ""
    if block.get("text") is not None:
        main += f'<div class="sk-text">{text_html(block.get("text"))}</div>'
    fields = block.get("fields")
    if isinstance(fields, list) and fields:
        cells = "".join(f'<div class="sk-field">{text_html(f)}</div>' for f in fields)
        main += f'<div class="sk-fields">{cells}</div>'
    accessory = block.get("accessory")
    side = (
        f'<div class="sk-accessory">{_element_html(accessory)}</div>'
        if isinstance(accessory, dict)
        else ""
    )
    return f'<div class="sk-section"><div class="sk-section-main">{main}</div>{side}</div>'


def _context(block: Mapping[str, Any]) -> str:
    elements = block.get("elements")
    items = []
    for element in elements if isinstance(elements, list) else []:
        if not isinstance(element, dict):
            continue
        if element.get("type") == "image":
            items.append(_image_placeholder(element, small=True))
        else:
            items.append(f'<span class="sk-context-el">{text_html(element)}</span>')
    return f'<div class="sk-context">{"".join(items)}</div>'


def _divider(block: Mapping[str, Any]) -> str:
    return '<hr class="sk-divider">'


def _actions(block: Mapping[str, Any]) -> str:
    elements = block.get("elements")
    items = (
        [_element_html(e) for e in elements if isinstance(e, dict)]
        if isinstance(elements, list)
        else []
    )
    return f'<div class="sk-actions">{"".join(items)}</div>'


def _image(block: Mapping[str, Any]) -> str:
    title = block.get("title")
    caption = f'<div class="sk-image-title">{text_html(title)}</div>' if title else ""
    return f'<div class="sk-image">{caption}{_image_placeholder(block, small=False)}</div>'


_BLOCKS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "header": _header,
    "section": _section,
    "context": _context,
    "divider": _divider,
    "actions": _actions,
    "image": _image,
}


def _image_placeholder(element: Mapping[str, Any], *, small: bool) -> str:
    """Images are not loaded (the page fetches nothing); their alt text stands in."""
    alt = escape(str(element.get("alt_text") or "image"))
    if small:
        return f'<span class="sk-img-small" title="{alt}">🖼</span>'
    return f'<div class="sk-img-large" title="{alt}">🖼 {alt}</div>'


def _element_html(element: Mapping[str, Any]) -> str:
    kind = element.get("type")
    if kind == "button":
        style = element.get("style")
        variant = f" sk-button-{style}" if style in ("primary", "danger") else ""
        action = escape(str(element.get("action_id") or element.get("url") or ""))
        return (
            f'<span class="sk-button{variant}" title="{action}">'
            f"{text_html(element.get('text'))}</span>"
        )
    if kind == "image":
        return _image_placeholder(element, small=False)
    if kind == "overflow":
        return '<span class="sk-button sk-overflow" title="overflow menu">⋮</span>'
    if isinstance(kind, str) and ("select" in kind or kind.endswith("picker")):
        option = element.get("initial_option")
        shown = element.get("placeholder") or (
            option.get("text") if isinstance(option, dict) else None
        )
        label = text_html(shown) if shown else escape(kind.replace("_", " "))
        return f'<span class="sk-button sk-select">{label} <span class="sk-caret">▾</span></span>'
    return f'<span class="sk-unsupported">[{escape(str(kind))}]</span>'


# --------------------------------------------------------------------------------------- text


def text_html(obj: Any) -> str:
    """A Block Kit text object (``mrkdwn`` or ``plain_text``) as HTML."""
    if not isinstance(obj, Mapping):
        return ""
    text = obj.get("text")
    if not isinstance(text, str):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(text)
    return _plain_html(text, emoji=obj.get("emoji", True) is not False)


def _plain_html(text: str, *, emoji: bool = True) -> str:
    held = _Held()
    html = escape(_decode_entities(_strip_private(text)), quote=False)
    if emoji:
        html = _emojify(html, held)
    return held.restore(html).replace("\n", "<br>")


# Generated HTML is set aside behind a private-use placeholder while the text around it is
# escaped and styled, so styling never sees (or breaks) markup, and text never becomes markup.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


class _Held:
    def __init__(self) -> None:
        self._parts: list[str] = []

    def hold(self, html: str) -> str:
        self._parts.append(html)
        return f"{_OPEN}{len(self._parts) - 1}{_CLOSE}"

    def restore(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self._parts[int(m.group(1))], text)


def _strip_private(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")


_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}


def _decode_entities(text: str) -> str:
    """Slack text escapes ``& < >`` as entities; these are the characters it shows."""
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)


_FENCE = re.compile(r"```(.*?)```", re.DOTALL)
_CODE = re.compile(r"`([^`\n]+)`")
_ANGLE = re.compile(r"<([^<>\n]*)>")
_QUOTE = re.compile(r"^(?:&gt;|>) ?")


def _styled(marker: str, tag: str) -> tuple[re.Pattern[str], str]:
    # Slack styles a span only when its markers touch no word outside and no space inside.
    m = re.escape(marker)
    pattern = re.compile(f"(?<![\\w{m}]){m}(?=[^\\s{m}])([^{m}\\n]*?[^\\s{m}]){m}(?![\\w{m}])")
    return pattern, f"<{tag}>\\1</{tag}>"


_STYLES = (_styled("*", "b"), _styled("_", "i"), _styled("~", "s"))


def mrkdwn_to_html(text: str) -> str:
    """Slack mrkdwn as HTML, escaped: nothing in ``text`` can become markup."""
    text = _strip_private(text)
    out = []
    pos = 0
    for match in _FENCE.finditer(text):
        out.append(_lines_html(text[pos : match.start()].removesuffix("\n")))
        code = match.group(1).removeprefix("\n").removesuffix("\n")
        out.append(f'<pre class="sk-pre">{_code_html(code)}</pre>')
        pos = match.end()
        if text.startswith("\n", pos):
            pos += 1
    out.append(_lines_html(text[pos:]))
    return "".join(out)


def _lines_html(text: str) -> str:
    """Lines joined by ``<br>``; runs of lines starting with ``>`` become a block quote."""
    if not text:
        return ""
    out: list[str] = []
    quoted: list[str] = []
    for line in text.split("\n"):
        marker = _QUOTE.match(line)
        if marker:
            quoted.append(_inline_html(line[marker.end() :]))
            continue
        if quoted:
            out.append(f'<blockquote class="sk-quote">{"<br>".join(quoted)}</blockquote>')
            quoted = []
        out.append(_inline_html(line) + "<br>")
    if quoted:
        out.append(f'<blockquote class="sk-quote">{"<br>".join(quoted)}</blockquote>')
    elif out:
        out[-1] = out[-1].removesuffix("<br>")
    return "".join(out)


def _inline_html(line: str) -> str:
    held = _Held()
    line = _CODE.sub(
        lambda m: held.hold(f'<code class="sk-code">{_code_html(m.group(1))}</code>'), line
    )
    line = _ANGLE.sub(lambda m: held.hold(_angle_html(m.group(1))), line)
    html = escape(_decode_entities(line), quote=False)
    html = _emojify(html, held)
    for pattern, replacement in _STYLES:
        html = pattern.sub(replacement, html)
    return held.restore(html)


def _code_html(code: str) -> str:
    """Code: no styling or emoji, but links and mentions still show as Slack shows them."""
    held = _Held()
    code = _ANGLE.sub(lambda m: held.hold(_angle_html(m.group(1))), code)
    return held.restore(escape(_decode_entities(code), quote=False))


_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_SPECIALS = {"here", "channel", "everyone"}


def _angle_html(inner: str) -> str:
    """A ``<…>`` token: link, user, channel, group, date or special mention."""
    target, _, label = inner.partition("|")
    shown = escape(_decode_entities(label), quote=False)
    if target.startswith("@"):
        return _pill(shown or "@" + escape(target[1:]))
    if target.startswith("#"):
        return _pill(shown or "#" + escape(target[1:]))
    if target.startswith("!"):
        command, _, argument = target[1:].partition("^")
        if command == "date":
            return f'<span class="sk-date">{shown or escape(argument)}</span>'
        if command == "subteam":
            return _pill(shown or "@" + escape(argument))
        name = command if command in _SPECIALS else command or "special"
        return _pill(shown or "@" + escape(name))
    url = _decode_entities(target)
    if url.lower().startswith(_SAFE_SCHEMES):
        return (
            f'<a class="sk-link" href="{escape(url)}" rel="noopener noreferrer">'
            f"{shown or escape(url, quote=False)}</a>"
        )
    return shown or escape(url, quote=False)


def _pill(html: str) -> str:
    return f'<span class="sk-mention">{html}</span>'


_SHORTCODE = re.compile(r":([a-z0-9_+'-]+):")


def _emojify(html: str, held: _Held) -> str:
    """Known ``:shortcodes:`` become the emoji; unknown ones stay as typed, as in Slack."""
    out = []
    pos = 0
    while (match := _SHORTCODE.search(html, pos)) is not None:
        emoji = EMOJI.get(match.group(1))
        if emoji is None:  # ``:a:b:`` — ``b`` may still be an emoji, so step one colon on
            out.append(html[pos : match.start() + 1])
            pos = match.start() + 1
            continue
        out.append(html[pos : match.start()])
        out.append(held.hold(f'<span class="sk-emoji" title=":{match.group(1)}:">{emoji}</span>'))
        pos = match.end()
    out.append(html[pos:])
    return "".join(out)


EMOJI: dict[str, str] = {
    # The status styles and the templates.
    "white_check_mark": "✅",
    "x": "❌",
    "hourglass_flowing_sand": "⏳",
    "hourglass": "⌛",
    "octagonal_sign": "🛑",
    "raised_hand": "✋",
    "wastebasket": "🗑️",
    "grey_question": "❔",
    "question": "❓",
    "rotating_light": "🚨",
    "mag": "🔍",
    "mag_right": "🔎",
    "information_source": "ℹ️",
    "recycle": "♻️",
    "warning": "⚠️",
    "large_green_circle": "🟢",
    "red_circle": "🔴",
    "large_yellow_circle": "🟡",
    "large_orange_circle": "🟠",
    "large_blue_circle": "🔵",
    "large_purple_circle": "🟣",
    "white_circle": "⚪",
    "black_circle": "⚫",
    "large_green_square": "🟩",
    "large_red_square": "🟥",
    "large_yellow_square": "🟨",
    "white_large_square": "⬜",
    "heavy_check_mark": "✔️",
    "heavy_multiplication_x": "✖️",
    "ballot_box_with_check": "☑️",
    "heavy_minus_sign": "➖",
    "heavy_plus_sign": "➕",
    "no_entry": "⛔",
    "no_entry_sign": "🚫",
    "exclamation": "❗",
    "heavy_exclamation_mark": "❗",
    "grey_exclamation": "❕",
    "bangbang": "‼️",
    "arrow_right": "➡️",
    "arrow_left": "⬅️",
    "arrow_up": "⬆️",
    "arrow_down": "⬇️",
    "arrow_forward": "▶️",
    "arrows_counterclockwise": "🔄",
    "arrows_clockwise": "🔃",
    "repeat": "🔁",
    "leftwards_arrow_with_hook": "↩️",
    "arrow_right_hook": "↪️",
    "fast_forward": "⏩",
    "rewind": "⏪",
    "double_vertical_bar": "⏸️",
    "pause_button": "⏸️",
    "black_square_for_stop": "⏹️",
    "checkered_flag": "🏁",
    "stopwatch": "⏱️",
    "timer_clock": "⏲️",
    "clock1": "🕐",
    "calendar": "📆",
    "date": "📅",
    "spiral_calendar_pad": "🗓️",
    "rocket": "🚀",
    "package": "📦",
    "gear": "⚙️",
    "wrench": "🔧",
    "hammer": "🔨",
    "hammer_and_wrench": "🛠️",
    "construction": "🚧",
    "building_construction": "🏗️",
    "link": "🔗",
    "lock": "🔒",
    "unlock": "🔓",
    "key": "🔑",
    "bell": "🔔",
    "no_bell": "🔕",
    "loudspeaker": "📢",
    "mega": "📣",
    "zap": "⚡",
    "fire": "🔥",
    "boom": "💥",
    "sparkles": "✨",
    "tada": "🎉",
    "trophy": "🏆",
    "star": "⭐",
    "bulb": "💡",
    "eyes": "👀",
    "+1": "👍",
    "thumbsup": "👍",
    "-1": "👎",
    "thumbsdown": "👎",
    "wave": "👋",
    "pray": "🙏",
    "robot_face": "🤖",
    "brain": "🧠",
    "test_tube": "🧪",
    "microscope": "🔬",
    "bar_chart": "📊",
    "chart_with_upwards_trend": "📈",
    "chart_with_downwards_trend": "📉",
    "memo": "📝",
    "pencil": "📝",
    "pencil2": "✏️",
    "page_facing_up": "📄",
    "scroll": "📜",
    "clipboard": "📋",
    "card_index_dividers": "🗂️",
    "file_folder": "📁",
    "open_file_folder": "📂",
    "floppy_disk": "💾",
    "inbox_tray": "📥",
    "outbox_tray": "📤",
    "label": "🏷️",
    "bookmark": "🔖",
    "pushpin": "📌",
    "round_pushpin": "📍",
    "paperclip": "📎",
    "speech_balloon": "💬",
    "thought_balloon": "💭",
    "moneybag": "💰",
    "dollar": "💵",
    "cloud": "☁️",
    "globe_with_meridians": "🌐",
    "earth_americas": "🌎",
    "satellite_antenna": "📡",
    "snowflake": "❄️",
    "zzz": "💤",
    "skull": "💀",
    "new": "🆕",
    "ok": "🆗",
    "sos": "🆘",
    "small_blue_diamond": "🔹",
    "small_orange_diamond": "🔸",
    "large_blue_diamond": "🔷",
    "radio_button": "🔘",
    "white_medium_square": "◻️",
    "black_medium_square": "◼️",
    "arrow_up_small": "🔼",
    "arrow_down_small": "🔽",
    "twisted_rightwards_arrows": "🔀",
    "hand": "✋",
    "stop_sign": "🛑",
    "see_no_evil": "🙈",
    "thinking_face": "🤔",
    "slightly_smiling_face": "🙂",
    "tools": "🛠️",
}


# ---------------------------------------------------------------------------------------- CSS

_CSS = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f8f8f8;color:#1d1c1d;
font:15px/1.46668 Lato,"Helvetica Neue",Helvetica,"Segoe UI",Arial,sans-serif;
-webkit-font-smoothing:antialiased}
.pv-top{background:#3f0e40;color:#fff;padding:16px 24px}
.pv-top h1{margin:0 0 8px;font-size:20px;font-weight:900}
.pv-contents{margin:0;padding-left:20px;columns:2 280px;font-size:13px}
.pv-contents a{color:#fff}
.pv-count{color:#cfc3cf}
main{max-width:900px;margin:0 auto;padding:16px}
.pv-section{background:#fff;border:1px solid #dddddd;border-radius:8px;margin:0 0 24px;
overflow:hidden}
.pv-heading{margin:0;padding:10px 20px;font-size:18px;font-weight:900;
border-bottom:1px solid #dddddd}
.pv-heading::before{content:"# ";color:#616061;font-weight:400}
.pv-pane{padding:8px 0}
.pv-item{padding:4px 0}
.pv-label{margin:8px 20px 0;font-size:12px;color:#616061;font-weight:700;
text-transform:uppercase;letter-spacing:.04em}
.pv-tools{margin:0 20px 4px 76px;font-size:12px;color:#616061;overflow-wrap:anywhere}
.pv-tools a{color:#1264a3}
.pv-fallback{color:#1d1c1d}
.sk-msg{display:flex;gap:8px;padding:8px 20px}
.sk-msg:hover{background:#f8f8f8}
.sk-avatar{flex:0 0 36px;width:36px;height:36px;border-radius:6px;background:#1f6f5c;color:#fff;
font-weight:900;font-size:14px;display:flex;align-items:center;justify-content:center}
.sk-body{flex:1;min-width:0;overflow-wrap:anywhere}
.sk-meta{display:flex;align-items:baseline;gap:4px}
.sk-name{font-weight:900}
.sk-app{font-size:10px;font-weight:700;color:rgba(29,28,29,.7);background:rgba(29,28,29,.13);
border-radius:2px;padding:1px 3px;line-height:1.25}
.sk-time{font-size:12px;color:#616061;margin-left:4px}
.sk-edited{font-size:12px;color:#616061;margin-left:2px}
.sk-broadcast{margin:4px 20px 0 64px;font-size:13px;color:#616061}
.sk-header{font-size:18px;font-weight:900;line-height:1.33;margin:4px 0}
.sk-section{display:flex;gap:12px;margin:4px 0}
.sk-section-main{flex:1;min-width:0}
.sk-accessory{flex:0 0 auto}
.sk-fields{display:grid;grid-template-columns:1fr 1fr;gap:8px 16px;margin:6px 0}
.sk-context{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;margin:4px 0;
font-size:12px;color:#616061}
.sk-context .sk-link{color:#1264a3}
.sk-divider{border:0;border-top:1px solid #dddddd;margin:8px 0}
.sk-actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.sk-button{display:inline-block;height:28px;line-height:26px;padding:0 12px;border-radius:4px;
border:1px solid rgba(29,28,29,.3);background:#fff;color:#1d1c1d;font-size:13px;font-weight:700;
white-space:nowrap}
.sk-button-primary{background:#007a5a;border-color:#007a5a;color:#fff}
.sk-button-danger{background:#e01e5a;border-color:#e01e5a;color:#fff}
.sk-select{font-weight:400}
.sk-caret{margin-left:6px}
.sk-link{color:#1264a3;text-decoration:none}
.sk-link:hover{text-decoration:underline}
.sk-mention{color:#1264a3;background:rgba(29,155,209,.1);border-radius:3px;padding:0 2px}
.sk-code{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;color:#e01e5a;
background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:3px;
padding:2px 3px 1px}
.sk-pre{font:12px/1.5 Monaco,Menlo,Consolas,"Courier New",monospace;margin:4px 0;padding:8px;
background:rgba(29,28,29,.04);border:1px solid rgba(29,28,29,.13);border-radius:4px;
white-space:pre-wrap;overflow-wrap:anywhere}
.sk-quote{margin:4px 0;padding-left:12px;border-left:4px solid #dddddd}
.sk-emoji{font-family:"Apple Color Emoji","Segoe UI Emoji","Noto Color Emoji",sans-serif}
.sk-attachment{border-left:4px solid #dddddd;border-radius:4px 0 0 4px;padding:2px 12px;
margin:6px 0}
.sk-att-title{font-weight:700}
.sk-image{margin:6px 0}
.sk-img-large{display:flex;align-items:center;justify-content:center;max-width:360px;height:120px;
border:1px dashed rgba(29,28,29,.3);border-radius:8px;color:#616061;font-size:13px}
.sk-img-small{font-size:14px}
.sk-unsupported{display:inline-block;margin:4px 0;padding:2px 6px;border:1px dashed #e01e5a;
border-radius:4px;color:#e01e5a;font-size:12px}
.sk-thread{margin:0 20px 8px 64px;padding-left:12px;border-left:2px solid #dddddd}
.sk-thread .sk-msg{padding-left:8px;padding-right:0}
.sk-thread .pv-tools{margin-left:52px}
.sk-thread .sk-broadcast{margin-left:52px}
.sk-thread .pv-label{margin-left:8px}
.sk-thread-head{font-size:13px;font-weight:700;color:#1264a3;padding:4px 0}
"""
