"""Outbound Slack: the one place that sends messages. Delivery and the service post through a
``SlackGateway``; nothing here knows about Bolt or the inbound side."""

from bot.gateway.base import CallObserver, Message, SlackGateway, UserDirectory
from bot.gateway.local import LocalGateway, LocalMessage
from bot.gateway.web_api import WebApiGateway, make_web_client

__all__ = [
    "CallObserver",
    "LocalGateway",
    "LocalMessage",
    "Message",
    "SlackGateway",
    "UserDirectory",
    "WebApiGateway",
    "make_web_client",
]
