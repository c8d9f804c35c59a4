"""Views of pipeline executions and their steps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.links import ResourceLinks
    from bot.render.renderer import RenderContext


def pipeline_execution(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}


def pipeline_step(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    return {}
