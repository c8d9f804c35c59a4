"""The embedded local mode: no AWS, no Slack; the conversation goes to the terminal and HTML."""
