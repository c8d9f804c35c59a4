"""Views of registry and catalog resources: models, model packages and cards, images,
image versions and feature groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.links import ResourceLinks
    from bot.render.renderer import RenderContext


def model(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    return {}


def model_package(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def model_card(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def image(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    return {}


def image_version(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def feature_group(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}
