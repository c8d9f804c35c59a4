"""Inbound Slack: the Bolt app (``/sagemaker``, buttons, modals). Listeners parse Slack's
payload, call ``bot.service``, and answer; outbound messages go through ``bot.gateway``."""
