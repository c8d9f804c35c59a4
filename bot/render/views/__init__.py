"""Presenters: what each event type's message shows, computed in Python.

A view turns an event into the variables its template lays out: ``facts`` (label, value pairs
for the fields grid), ``summary`` (a line under the title) and the type's own lists (variants,
inputs, hyperparameters, …). Templates keep the layout and stay easy to override, while the
logic runs as plain Python, several times faster than the same expressions in Jinja.

Values follow the template rules: ``Trusted`` text is already safe mrkdwn, anything else is
escaped by the renderer's ``finalize``. A user template may still compute its own ``facts``
(``{% set facts = [...] %}``): the base template takes what the child sets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.render.views import (
    algorithms,
    catalog,
    endpoint_configs,
    endpoints,
    generic,
    hyperpod,
    jobs,
    labeling,
    notebooks,
    pipelines,
    replies,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

View = Callable[["SageMakerEvent", "RenderContext", "ResourceLinks"], dict[str, Any]]

VIEWS: dict[str, View] = {
    "training_job": jobs.training_job,
    "processing_job": jobs.processing_job,
    "transform_job": jobs.transform_job,
    "tuning_job": jobs.tuning_job,
    "endpoint": endpoints.endpoint,
    "endpoint_deployment": endpoints.endpoint_deployment,
    "pipeline_execution": pipelines.pipeline_execution,
    "pipeline_step": pipelines.pipeline_step,
    "model": catalog.model,
    "model_package": catalog.model_package,
    "model_card": catalog.model_card,
    "image": catalog.image,
    "image_version": catalog.image_version,
    "feature_group": catalog.feature_group,
    "notebook": notebooks.notebook,
    "lifecycle_config": notebooks.lifecycle_config,
    "endpoint_config": endpoint_configs.endpoint_config,
    "algorithm": algorithms.algorithm,
    # Unknown detail-types, and any event whose own template failed (never fails itself).
    "generic": generic.generic,
    "labeling_job": labeling.labeling_job,
    "labeling_task": labeling.labeling_task,
    "cluster": hyperpod.cluster,
    "cluster_event": hyperpod.cluster_event,
    "cluster_node_health": hyperpod.cluster_node_health,
    # Every thread reply, whatever the event type (templates/_reply.json.j2).
    "_reply": replies.reply,
}


def view_variables(
    template: str, event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    """The variables of ``template``'s view for this event; none for a template without one."""
    view = VIEWS.get(template)
    return view(event, context, links) if view else {}
