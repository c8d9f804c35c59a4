"""A failure reply with its job's last log lines: escaped, bounded, the newest kept."""

from datetime import UTC, datetime

from bot.events.parse import parse_event
from bot.inspection import LogLine
from bot.render.context import RenderContext
from bot.render.limits import SECTION_TEXT
from bot.render.log_lines import LOG_REPLY_SECTIONS, with_log_lines
from bot.render.renderer import Renderer
from tests.conftest import load_sample
from tests.render.blockkit import assert_no_foreign_tokens, assert_valid_message

AT = datetime(2026, 12, 2, 10, 0, 0, tzinfo=UTC)


def reply() -> dict:
    event = parse_event(load_sample("processing_job_state_change_failed"))
    return Renderer().render(event, RenderContext(mode="reply"))


def lines(*messages: str) -> list[LogLine]:
    return [LogLine(AT, "algo-1-1700000000", m) for m in messages]


def test_the_lines_go_under_the_reply_which_stays_as_it_was() -> None:
    message = reply()
    shown = with_log_lines(message, lines("loading data", "Traceback: boom"))
    assert shown["text"] == message["text"]
    assert shown["blocks"][: len(message["blocks"])] == message["blocks"]
    heading, code = shown["blocks"][len(message["blocks"]) :]
    assert heading["elements"][0]["text"] == ":scroll: Last 2 log lines (CloudWatch Logs)"
    assert code["text"]["text"] == (
        "```10:00:00 [algo-1-1700000000] loading data\n"
        "10:00:00 [algo-1-1700000000] Traceback: boom```"
    )
    assert_valid_message(shown)


def test_a_hostile_line_opens_nothing_and_cannot_end_the_code_block() -> None:
    shown = with_log_lines(reply(), lines("<!channel> ``` <@U1> <http://x|y> *b* &"))
    assert_valid_message(shown)
    assert_no_foreign_tokens(shown)
    code = shown["blocks"][-1]["text"]["text"]
    assert code.count("```") == 2
    assert "&lt;!channel&gt; ˋˋˋ &lt;@U1&gt; &lt;http://x|y&gt; *b* &amp;" in code


def test_many_long_lines_fit_slacks_limits_keeping_the_newest() -> None:
    many = lines(*(f"{n:03d} " + "x" * 296 for n in range(50)))
    shown = with_log_lines(reply(), many)
    assert_valid_message(shown)
    sections = [b for b in shown["blocks"] if b.get("text", {}).get("text", "").startswith("```")]
    assert len(sections) == LOG_REPLY_SECTIONS
    assert all(len(s["text"]["text"]) <= SECTION_TEXT for s in sections)
    assert sections[-1]["text"]["text"].rstrip("`").endswith("049 " + "x" * 296)
    heading = shown["blocks"][-LOG_REPLY_SECTIONS - 1]["elements"][0]["text"]
    kept = sum(s["text"]["text"].count("\n") + 1 for s in sections)
    assert heading == f":scroll: Last {kept} log lines (CloudWatch Logs)"
    assert kept < 50


def test_no_lines_no_change() -> None:
    message = reply()
    assert with_log_lines(message, []) == message
