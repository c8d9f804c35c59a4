"""The ``sagemaker-chatops`` command line (``bot.cli.main``): one small module per subcommand,
each with ``register(subparsers)``; what they share is in ``bot.cli.common``.

Not to be confused with ``bot.slash``, the language of the ``/sagemaker`` Slack command.
"""
