"""The local preview: Slack messages as one self-contained HTML page (``sagemaker-chatops
preview``, ``replay``'s HTML, the README's screenshots). Not used by the deployed bot.

:mod:`bot.preview.page` makes the page from the Jinja templates in ``templates/`` and the
stylesheet in ``static/``; :mod:`bot.preview.mrkdwn` turns Slack text into safe HTML.
"""
