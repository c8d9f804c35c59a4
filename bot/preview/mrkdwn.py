"""Slack text as safe HTML: mrkdwn and ``plain_text`` objects, for the preview's templates.

Pure functions, no I/O. Every result is a :class:`markupsafe.Markup`: the templates' autoescape
leaves it as it is, and nothing in the text can become markup. Text is escaped with
:func:`markupsafe.escape` before it is styled; the few fragments made here (``<b>``, ``<code>``,
links, mentions, emoji) are :class:`~markupsafe.Markup` templates whose arguments
:meth:`~markupsafe.Markup.format` escapes.

Slack's rendering is approximated: bold, italic, strike, code, code blocks, quotes, links (web
and mail only), mentions, date tokens, ``<!here>``-style specials, the ``&lt; &gt; &amp;``
entities and the common ``:emoji:`` shortcodes (:data:`bot.preview.emoji.EMOJI`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from markupsafe import Markup, escape

from bot.preview.emoji import EMOJI

_BR = Markup("<br>")
_PRE = Markup('<pre class="sk-pre">{}</pre>')
_CODE_SPAN = Markup('<code class="sk-code">{}</code>')
_QUOTE_BLOCK = Markup('<blockquote class="sk-quote">{}</blockquote>')
_LINK = Markup('<a class="sk-link" href="{}" rel="noopener noreferrer">{}</a>')
_MENTION = Markup('<span class="sk-mention">{}</span>')
_DATE = Markup('<span class="sk-date">{}</span>')
_EMOJI = Markup('<span class="sk-emoji" title=":{}:">{}</span>')


def text_html(obj: Any) -> Markup:
    """A Block Kit text object (``mrkdwn`` or ``plain_text``) as HTML; anything else as nothing."""
    if not isinstance(obj, Mapping):
        return Markup("")
    text = obj.get("text")
    if not isinstance(text, str):
        return Markup("")
    if obj.get("type") == "mrkdwn":
        return mrkdwn_to_html(text)
    return plain_html(text, emoji=obj.get("emoji", True) is not False)


def plain_html(text: str, *, emoji: bool = True) -> Markup:
    """Plain text: entities decoded, escaped, ``:shortcodes:`` as emoji, lines as ``<br>``."""
    held = _Held()
    html = str(escape(_decode_entities(_strip_private(text))))
    if emoji:
        html = _emojify(html, held)
    return _BR.join(held.restore(html).split("\n"))


# Generated HTML is set aside behind a private-use placeholder while the text around it is
# escaped and styled, so styling never sees (or breaks) markup, and text never becomes markup.
# The strings between hold and restore are escaped HTML: text only after escape().
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


class _Held:
    def __init__(self) -> None:
        self._parts: list[Markup] = []

    def hold(self, html: Markup) -> str:
        self._parts.append(html)
        return f"{_OPEN}{len(self._parts) - 1}{_CLOSE}"

    def restore(self, escaped: str) -> Markup:
        """``escaped`` (already HTML) with the held fragments put back."""
        restored = _PLACEHOLDER.sub(lambda m: self._parts[int(m.group(1))], escaped)
        return Markup(restored)  # noqa: S704 - escaped text and Markup fragments only


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
    # The pattern runs on escaped text: an entity (``&#39;``) is as much a non-word as its char.
    m = re.escape(marker)
    pattern = re.compile(f"(?<![\\w{m}]){m}(?=[^\\s{m}])([^{m}\\n]*?[^\\s{m}]){m}(?![\\w{m}])")
    return pattern, f"<{tag}>\\1</{tag}>"


_STYLES = (_styled("*", "b"), _styled("_", "i"), _styled("~", "s"))


def mrkdwn_to_html(text: str) -> Markup:
    """Slack mrkdwn as HTML, escaped: nothing in ``text`` can become markup."""
    text = _strip_private(text)
    out: list[Markup] = []
    pos = 0
    for match in _FENCE.finditer(text):
        out.append(_lines_html(text[pos : match.start()].removesuffix("\n")))
        code = match.group(1).removeprefix("\n").removesuffix("\n")
        out.append(_PRE.format(_code_html(code)))
        pos = match.end()
        if text.startswith("\n", pos):
            pos += 1
    out.append(_lines_html(text[pos:]))
    return Markup("").join(out)


def _lines_html(text: str) -> Markup:
    """Lines joined by ``<br>``; runs of lines starting with ``>`` become a block quote."""
    if not text:
        return Markup("")
    pieces: list[tuple[Markup, bool]] = []  # (HTML, is a block quote)
    quoted: list[Markup] = []
    for line in text.split("\n"):
        marker = _QUOTE.match(line)
        if marker:
            quoted.append(_inline_html(line[marker.end() :]))
            continue
        if quoted:
            pieces.append((_QUOTE_BLOCK.format(_BR.join(quoted)), True))
            quoted = []
        pieces.append((_inline_html(line), False))
    if quoted:
        pieces.append((_QUOTE_BLOCK.format(_BR.join(quoted)), True))
    # A line ends with <br> unless it is the last, or a quote (a block of its own).
    last = len(pieces) - 1
    return Markup("").join(
        html + _BR if not quote and index < last else html
        for index, (html, quote) in enumerate(pieces)
    )


def _inline_html(line: str) -> Markup:
    held = _Held()
    line = _CODE.sub(lambda m: held.hold(_CODE_SPAN.format(_code_html(m.group(1)))), line)
    line = _ANGLE.sub(lambda m: held.hold(_angle_html(m.group(1))), line)
    html = str(escape(_decode_entities(line)))
    html = _emojify(html, held)
    for pattern, replacement in _STYLES:
        html = pattern.sub(replacement, html)
    return held.restore(html)


def _code_html(code: str) -> Markup:
    """Code: no styling or emoji, but links and mentions still show as Slack shows them."""
    held = _Held()
    code = _ANGLE.sub(lambda m: held.hold(_angle_html(m.group(1))), code)
    return held.restore(str(escape(_decode_entities(code))))


_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_SPECIALS = {"here", "channel", "everyone"}


def _angle_html(inner: str) -> Markup:
    """A ``<…>`` token: link, user, channel, group, date or special mention."""
    target, _, label = inner.partition("|")
    shown = escape(_decode_entities(label))  # empty (falsy) without a label
    if target.startswith("@"):
        return _MENTION.format(shown or "@" + target[1:])
    if target.startswith("#"):
        return _MENTION.format(shown or "#" + target[1:])
    if target.startswith("!"):
        command, _, argument = target[1:].partition("^")
        if command == "date":
            return _DATE.format(shown or argument)
        if command == "subteam":
            return _MENTION.format(shown or "@" + argument)
        name = command if command in _SPECIALS else command or "special"
        return _MENTION.format(shown or "@" + name)
    url = _decode_entities(target)
    if url.lower().startswith(_SAFE_SCHEMES):
        return _LINK.format(url, shown or url)
    return shown or escape(url)


_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")


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
        out.append(held.hold(_EMOJI.format(match.group(1), emoji)))
        pos = match.end()
    out.append(html[pos:])
    return "".join(out)
