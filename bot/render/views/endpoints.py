"""Views of endpoints and their deployments, with their production variants."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Number
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.render.escape import Trusted, code
from bot.render.formatting import (
    as_list,
    compact_json,
    dig,
    join_trusted,
    number,
    truncate,
    when,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_VARIANTS = 10
MAX_STATUSES = 5


class VariantStatusLine(NamedTuple):
    status: Any
    message: str
    since: Trusted | str | None


class VariantLine(NamedTuple):
    name: Any
    summary: Trusted  # instance type, instances, serverless config, weight
    statuses: list[VariantStatusLine]


class VariantSection(NamedTuple):
    title: Any
    variants: list[VariantLine]
    more: int  # variants beyond MAX_VARIANTS


def endpoint(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    d: Any = event.detail
    variants = as_list(d.ProductionVariants)
    target = dig(d.PendingDeploymentSummary, "EndpointConfigName")
    counts = [dig(v, "CurrentInstanceCount") for v in variants]
    known = [c for c in counts if isinstance(c, Number)]
    facts = [
        ("Endpoint config", code(d.EndpointConfigName) if d.EndpointConfigName else None),
        (
            "Deploying config",
            code(target) if target and target != d.EndpointConfigName else None,
        ),
        ("Variants", len(variants) if variants else None),
        ("Instances", number(sum(known)) if known else None),
        ("Created", when(d.CreationTime)),
        (
            "Last modified",
            when(d.LastModifiedTime) if d.LastModifiedTime != d.CreationTime else None,
        ),
    ]
    pending_title = join_trusted(["Pending deployment", code(target) if target else None])
    return {
        "facts": facts,
        "variant_sections": _sections(
            ("Production variants", d.ProductionVariants),
            (pending_title, dig(d.PendingDeploymentSummary, "ProductionVariants")),
        ),
    }


def endpoint_deployment(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    current = d.EndpointConfigName
    target = dig(d.PendingDeploymentSummary, "EndpointConfigName")
    changing = bool(target) and target != current
    current_code = code(current) if current else None
    summary = (
        join_trusted(["Deploying", current_code, "→", code(target)], " ") if changing else None
    )
    facts = [
        ("Current config", current_code),
        ("Target config", code(target) if changing else None),
        ("Deployment started", when(dig(d.PendingDeploymentSummary, "StartTime"))),
        ("Last modified", when(d.LastModifiedTime)),
    ]
    return {
        "facts": facts,
        "summary": summary,
        "variant_sections": _sections(
            (join_trusted(["Current variants", current_code]), d.ProductionVariants),
            (
                join_trusted(["Target variants", code(target) if target else None]),
                dig(d.PendingDeploymentSummary, "ProductionVariants"),
            ),
        ),
    }


def _sections(*titled: tuple[Any, Any]) -> list[VariantSection]:
    """A section per non-empty list of variants (anything else, such as a raw value, shows none)."""
    sections = []
    for title, value in titled:
        variants = as_list(value)
        if variants:
            lines = [_variant(v, i) for i, v in enumerate(variants[:MAX_VARIANTS], 1)]
            sections.append(VariantSection(title, lines, max(len(variants) - MAX_VARIANTS, 0)))
    return sections


def _variant(v: Any, index: int) -> VariantLine:
    instance_type = dig(v, "InstanceType")
    serverless = dig(v, "CurrentServerlessConfig") or dig(v, "DesiredServerlessConfig")
    summary = join_trusted(
        [
            code(instance_type) if instance_type else None,
            _changing(
                dig(v, "CurrentInstanceCount"),
                dig(v, "DesiredInstanceCount"),
                lambda c: f"{number(c)}{' instance' if c == 1 else ' instances'}",
                lambda c, d: f"{number(c)} → {number(d)} instances",
                lambda d: f"desired {number(d)}{' instance' if d == 1 else ' instances'}",
            ),
            serverless_text(serverless) if isinstance(serverless, Mapping) else None,
            _changing(
                dig(v, "CurrentWeight"),
                dig(v, "DesiredWeight"),
                lambda c: f"weight {number(c)}",
                lambda c, d: f"weight {number(c)} → {number(d)}",
                lambda d: f"desired weight {number(d)}",
            ),
        ]
    )
    statuses = [_status(s) for s in as_list(dig(v, "VariantStatus"))[:MAX_STATUSES]]
    return VariantLine(dig(v, "VariantName") or f"Variant {index}", summary, statuses)


def _changing(current: Any, desired: Any, now: Any, change: Any, wanted: Any) -> str | None:
    """Text for a value that may be moving from ``current`` to ``desired``."""
    if current is not None and desired is not None and current != desired:
        return str(change(current, desired))
    if current is not None:
        return str(now(current))
    if desired is not None:
        return str(wanted(desired))
    return None


def serverless_text(config: Mapping[str, Any]) -> str:
    """A serverless config (an endpoint's variant, an endpoint config's) in a few words."""
    memory = dig(config, "MemorySizeInMB")
    concurrency = dig(config, "MaxConcurrency")
    provisioned = dig(config, "ProvisionedConcurrency")
    parts = [
        f"{number(memory)} MB" if memory is not None else "",
        f"max concurrency {number(concurrency)}" if concurrency is not None else "",
        f"provisioned concurrency {number(provisioned)}" if provisioned is not None else "",
    ]
    return "serverless " + ", ".join(p for p in parts if p)


def _status(status: Any) -> VariantStatusLine:
    message = dig(status, "StatusMessage")
    if not isinstance(message, str):
        message = compact_json(message) if message is not None else ""
    started = dig(status, "StartTime")
    return VariantStatusLine(
        dig(status, "Status") or "Status",
        truncate(message.replace("\n", " "), 250) if message else "",
        when(started) if started else None,
    )
