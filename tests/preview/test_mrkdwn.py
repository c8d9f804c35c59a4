"""Slack mrkdwn as HTML: Slack's styling approximated, nothing in the text ever markup."""

from __future__ import annotations

import jinja2
import pytest
from markupsafe import Markup

from bot.events.status import STYLES
from bot.preview.emoji import EMOJI
from bot.preview.mrkdwn import mrkdwn_to_html, text_html
from tests.preview.html_tree import parse


def test_link_url_cannot_break_out_of_its_attribute() -> None:
    result = mrkdwn_to_html('<https://x.example/" onmouseover="alert(1)|label>')
    assert 'href="https://x.example/&#34; onmouseover=&#34;alert(1)"' in result
    tree = parse(result)
    assert tree.texts[0][0] == "label"
    assert tree.attributes[0] == (
        "a",
        {
            "class": "sk-link",
            "href": 'https://x.example/" onmouseover="alert(1)',
            "rel": "noopener noreferrer",
        },
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,alert(1)", "vbscript:x"])
def test_only_web_and_mail_links_become_links(url: str) -> None:
    result = mrkdwn_to_html(f"<{url}|click>")
    assert result == "click"


# ---------------------------------------------------------------------------------- mrkdwn


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*bold*", "<b>bold</b>"),
        ("_italic_", "<i>italic</i>"),
        ("~struck~", "<s>struck</s>"),
        ("*bold* and _it_", "<b>bold</b> and <i>it</i>"),
        ("snake_case_name", "snake_case_name"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("`a &lt; b`", '<code class="sk-code">a &lt; b</code>'),
        ("`*not bold*`", '<code class="sk-code">*not bold*</code>'),
        ("```line 1\nline *2*```", '<pre class="sk-pre">line 1\nline *2*</pre>'),
        ("reason\n```boom```\nafter", 'reason<pre class="sk-pre">boom</pre>after'),
        (
            "<https://example.com/?a=1&amp;b=2|the label>",
            '<a class="sk-link" href="https://example.com/?a=1&amp;b=2" '
            'rel="noopener noreferrer">the label</a>',
        ),
        (
            "<https://example.com>",
            '<a class="sk-link" href="https://example.com" '
            'rel="noopener noreferrer">https://example.com</a>',
        ),
        (
            "*<https://e.com|job>*",
            '<b><a class="sk-link" href="https://e.com" rel="noopener noreferrer">job</a></b>',
        ),
        ("<@U123ABC>", '<span class="sk-mention">@U123ABC</span>'),
        ("<#C123|alerts>", '<span class="sk-mention">alerts</span>'),
        ("<!subteam^S1|@ml-team>", '<span class="sk-mention">@ml-team</span>'),
        ("<!here>", '<span class="sk-mention">@here</span>'),
        ("<!channel|channel>", '<span class="sk-mention">channel</span>'),
        (
            "<!date^1700000000^{date_short_pretty} {time}|2023-11-14 22:13 UTC>",
            '<span class="sk-date">2023-11-14 22:13 UTC</span>',
        ),
        ("a &amp; b &lt;c&gt;", "a &amp; b &lt;c&gt;"),
        ("&amp;lt;", "&amp;lt;"),
        ("line 1\nline 2", "line 1<br>line 2"),
        ("&gt; quoted\nplain", '<blockquote class="sk-quote">quoted</blockquote>plain'),
        (":not_an_emoji: at 10:11:12", ":not_an_emoji: at 10:11:12"),
    ],
)
def test_mrkdwn_to_html(text: str, expected: str) -> None:
    assert mrkdwn_to_html(text) == expected


def test_emoji_shortcodes_become_emoji() -> None:
    result = mrkdwn_to_html(":white_check_mark: done :x::rotating_light:")
    assert "✅" in result
    assert "❌" in result
    assert "🚨" in result
    assert ":white_check_mark:" not in parse(result).texts[0][0]


def test_every_status_emoji_is_known() -> None:
    for style in STYLES.values():
        assert style.emoji.strip(":") in EMOJI


def test_results_are_markup_that_autoescape_leaves_as_it_is() -> None:
    env = jinja2.Environment(autoescape=True)
    html = mrkdwn_to_html('a &amp; *b* <https://e.com?x=1&amp;y="2"|link>')

    assert isinstance(html, Markup)
    assert env.from_string("{{ html }}").render(html=html) == str(html)
    assert str(html) == (
        'a &amp; <b>b</b> <a class="sk-link" href="https://e.com?x=1&amp;y=&#34;2&#34;" '
        'rel="noopener noreferrer">link</a>'
    )
    assert isinstance(text_html({"type": "plain_text", "text": "<b>"}), Markup)
    assert text_html({"type": "plain_text", "text": "<b> :x:\n&amp;"}) == (
        '&lt;b&gt; <span class="sk-emoji" title=":x:">❌</span><br>&amp;'
    )
    assert text_html({"type": "plain_text", "text": ":x:", "emoji": False}) == ":x:"
    assert text_html(None) == ""
