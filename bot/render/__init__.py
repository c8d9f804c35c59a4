"""Rendering: event → Slack Block Kit message. Pure: no I/O."""
