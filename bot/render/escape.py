"""Escaping for Slack mrkdwn inside JSON strings.

Templates are JSON text. Every ``{{ value }}`` passes through :func:`finalize`, which escapes it
for mrkdwn (``&``, ``<``, ``>``) and then for a JSON string. Text built by our own filters (links,
code spans, dates) is :class:`Trusted`: already safe for mrkdwn, so it is only JSON-escaped.
Nothing from an event can therefore open a mention, a link or a JSON string.
"""

from __future__ import annotations

from datetime import datetime
from json.encoder import encode_basestring
from typing import Any
from urllib.parse import quote

# JSON string escaping is the json module's own C encoder (quote, backslash and control
# characters); U+2028/2029 are escaped too, so the text is also safe inside JavaScript. Both
# escapers use str.replace and that encoder: str.translate with a mapping runs a Python-level
# lookup per character, several times slower on the short values messages are made of.


class Trusted(str):
    """Text that is already valid, safe Slack mrkdwn (built here, not taken from an event)."""

    __slots__ = ()


def mrkdwn_escape(value: object) -> str:
    """Escape the three characters Slack gives meaning to."""
    if isinstance(value, Trusted):
        return value
    text = value if isinstance(value, str) else str(value)  # a StrEnum is used as it is
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def json_inner(text: str) -> str:
    """``text`` as the inside of a JSON string literal (no surrounding quotes)."""
    inner: str = encode_basestring(text)[1:-1]
    if "\u2028" in inner or "\u2029" in inner:
        inner = inner.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return inner


def finalize(value: Any) -> str:
    """Jinja ``finalize`` hook: every interpolated value goes through here."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.isoformat()
    return json_inner(mrkdwn_escape(value))


def url_component(value: object) -> str:
    """Percent-encode a value that goes into a URL path or query (nothing is left unescaped)."""
    return quote(str(value), safe="")


def slack_url(url: str) -> str:
    """A URL made safe to put between ``<`` and ``|`` in a mrkdwn link."""
    # Our URLs are built from encoded parts; this guards the characters that end a link token.
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def link(url: str | None, label: object) -> Trusted | str:
    """A mrkdwn link ``<url|label>`` whose label is escaped; without a URL, the plain label."""
    if not url:
        return str(label)
    return Trusted(f"<{slack_url(url)}|{mrkdwn_escape(label)}>")


def code(value: object) -> Trusted:
    """Inline code; backticks inside would end the span, so they become a lookalike."""
    text = mrkdwn_escape(value).replace("`", "ˋ").replace("\n", " ")
    return Trusted(f"`{text}`") if text else Trusted("")


def code_block(value: object) -> Trusted:
    """A fenced block; a fence inside the value is broken up so it cannot close ours."""
    text = mrkdwn_escape(value).replace("```", "ˋˋˋ")
    return Trusted(f"```{text}```")


def plain(value: object) -> Trusted:
    """Mark text built from already-escaped parts as trusted (used by filters, not templates)."""
    return Trusted(value)
