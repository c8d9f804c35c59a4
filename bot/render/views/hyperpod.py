"""Views of SageMaker HyperPod: a cluster, its events and its nodes' health."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.status import STYLES, StatusClass, classify
from bot.evidence.model import is_number
from bot.render.escape import Trusted, code
from bot.render.formatting import as_list, join_trusted, number, when

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_GROUPS = 20  # instance groups listed; a cluster has a handful
LEVELS = ("Error", "Warning", "Info")  # the order a cluster's event counts are shown in


class InstanceGroup(NamedTuple):
    emoji: Trusted
    name: Trusted
    text: Trusted  # ``ml.p5.48xlarge · 0 of 2 · Failed``


class NodeLine(NamedTuple):
    name: Any
    status: Any
    reason: Any


def cluster(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    d: Any = event.detail
    groups = as_list(d.InstanceGroups)
    counted = [g for g in groups if is_number(getattr(g, "CurrentCount", None))]
    current = sum(g.CurrentCount for g in counted)
    target = sum(g.TargetCount for g in groups if is_number(getattr(g, "TargetCount", None)))
    orchestrator = d.Orchestrator
    facts = [
        ("Instances", f"{number(current)} of {number(target)}" if counted else None),
        (
            "Orchestrator",
            ", ".join(str(k) for k in orchestrator) if isinstance(orchestrator, Mapping) else None,
        ),
        ("Node recovery", d.NodeRecovery),
        ("Created", when(d.CreationTime)),
    ]
    rollup = context.rollup if isinstance(context.rollup, Mapping) else {}
    return {
        "facts": facts,
        "instance_groups": [_group(g) for g in groups[:MAX_GROUPS]],
        "more_groups": max(len(groups) - MAX_GROUPS, 0),
        "event_counts": _levels(rollup.get("events")),
        "last_event": _last_event(rollup.get("last_event")),
        "node_counts": _levels(rollup.get("nodes"), ("Unhealthy", "Healthy")),
        "unhealthy_nodes": [
            NodeLine(n.get("name"), n.get("status"), n.get("failure_reason"))
            for n in as_list(rollup.get("unhealthy"))
            if isinstance(n, Mapping)
        ],
    }


def cluster_event(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    return {
        "facts": [
            ("Cluster", code(d.cluster_name) if d.cluster_name else None),
            ("Instance group", _code(d.field("InstanceGroupName"))),
            ("Instance", _code(d.field("InstanceId"))),
            ("Scope", d.field("ResourceType")),
            ("At", when(d.last_modified)),
        ],
        # The header says the level; the description says what happened, as text.
        "status_line": False,
        "summary": d.description,
    }


def cluster_node_health(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    health = d.health
    repair = health.RepairAction
    return {
        "facts": [
            ("Node", _code(d.InstanceId)),
            ("Cluster", _code(event.parent.name if event.parent else None)),
            ("Instance group", _code(d.InstanceGroupName)),
            ("Repair action", repair if repair not in (None, "", "None") else "none"),
        ],
        "status_line": False,  # the header says the health
        # A healthy node's reason is not a failure: it is the news itself.
        "summary": None if event.failure_reason else health.HealthStatusReason,
        "recommendation": health.Recommendation or None,
    }


def _group(group: Any) -> InstanceGroup:
    status = getattr(group, "Status", None)
    style = STYLES[classify(status, "hyperpod")] if status else STYLES[StatusClass.UNKNOWN]
    current, target = getattr(group, "CurrentCount", None), getattr(group, "TargetCount", None)
    size = (
        f"{number(current)} of {number(target)}"
        if current is not None and target is not None
        else number(current if current is not None else target)
    )
    return InstanceGroup(
        Trusted(style.emoji),
        code(getattr(group, "InstanceGroupName", None) or "group"),
        join_trusted([getattr(group, "InstanceType", None), size or None, status]),
    )


def _levels(counts: Any, order: tuple[str, ...] = LEVELS) -> Trusted | None:
    """``Error 1 · Warning 2 · Info 40``: known levels first, then any other, non-zero only."""
    if not isinstance(counts, Mapping) or not counts:
        return None
    keys = [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
    return join_trusted(f"{k} {number(counts[k])}" for k in keys if counts[k]) or None


def _last_event(entry: Any) -> Trusted | None:
    """``:information_source: Info · <time> · Instance lifecycle script … has Started``."""
    if not isinstance(entry, Mapping):
        return None
    status = entry.get("status")
    emoji = (
        ":information_source:"
        if status == "Info"
        else STYLES[classify(status if isinstance(status, str) else None, "hyperpod")].emoji
    )
    order = entry.get("order")
    moment = None
    if isinstance(order, list) and order and is_number(order[0]) and order[0] > 0:
        moment = when(datetime.fromtimestamp(order[0], UTC))
    text = entry.get("failure_reason") or entry.get("description")
    return Trusted(emoji + " " + join_trusted([status, moment, text or None]))


def _code(value: Any) -> Trusted | None:
    return code(value) if isinstance(value, str) and value else None
