"""Slack: the Web API client, the gateway the bot posts through, the Bolt app."""
