"""The ``/sagemaker`` slash command's language: its grammar (``grammar``), help texts
(``help``), command types (``commands``), and how subscriptions are described
(``subscriptions``). Pure: no Slack, no AWS. (The command line is ``bot.cli``.)

Import from the modules themselves: importing this package imports nothing, so the cold path
of ``/sagemaker help`` pays only for what it uses.
"""
