"""Slack's limits are enforced by truncation, never by an error."""

from typing import Any

from bot.events.parse import parse_event
from bot.render.limits import enforce_message, truncate
from bot.render.renderer import Renderer
from tests.conftest import load_sample
from tests.render.blockkit import assert_valid_message


def test_truncate_adds_ellipsis_and_respects_limit() -> None:
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 4) == "abc"
    assert len(truncate("x" * 5000, 3000)) == 3000


def test_truncate_never_leaves_half_an_entity_or_link() -> None:
    assert truncate("ab &amp; cd", 6) == "ab …"
    assert truncate("see <https://example.com/long|label> ok", 20) == "see …"
    fenced = truncate("```" + "y" * 100 + "```", 20)
    assert fenced.count("```") % 2 == 0 and len(fenced) <= 20


def test_enforce_message_caps_blocks_fields_and_texts() -> None:
    section: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": "s" * 4000}}
    message = {
        "text": "t" * 50_000,
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "h" * 200}},
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": "f" * 2500} for _ in range(12)],
            },
            *[dict(section, text=dict(section["text"])) for _ in range(60)],
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a" * 300,
                        "text": {"type": "plain_text", "text": "b" * 80},
                        "value": "v" * 2100,
                    }
                ],
            },
        ],
    }
    enforce_message(message)
    assert_valid_message(message)
    assert len(message["blocks"]) == 50
    assert message["blocks"][-1]["type"] == "actions"  # what people act on survives
    assert "more blocks omitted" in str(message["blocks"][-2])
    assert len(message["text"]) == 40_000


def test_huge_event_renders_within_limits() -> None:
    raw = load_sample("training_job_state_change")
    raw["detail"]["TrainingJobName"] = "n" * 500
    raw["detail"]["FailureReason"] = "<reason> " * 2000
    raw["detail"]["HyperParameters"] = {f"p{i}": "v" * 300 for i in range(200)}
    raw["detail"]["InputDataConfig"] = [{"ChannelName": "c" * 300}] * 200
    message = Renderer().render(parse_event(raw))
    assert_valid_message(message)
