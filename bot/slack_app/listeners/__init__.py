"""Bolt listeners, grouped by kind; each module has ``register(app, service)``.

Listeners do: parse → call the service → send. They ack first; slow work runs after the ack
(Bolt lazy listeners), because Slack wants an answer within 3 seconds.
"""
