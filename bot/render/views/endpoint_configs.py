"""The view of an endpoint config: what each production variant would run, data capture,
encryption and asynchronous inference. Laid out with the endpoints' variant sections
(``templates/_variants.json.j2``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.render.escape import Trusted, code
from bot.render.formatting import arn_info, as_list, dig, join_trusted, number, s3, when
from bot.render.views.endpoints import MAX_VARIANTS, VariantLine, VariantSection, serverless_text

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks


def endpoint_config(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    variants = as_list(d.ProductionVariants)
    shadows = as_list(d.ShadowProductionVariants)
    facts = [
        ("Variants", len(variants) if variants else None),
        ("Shadow variants", len(shadows) if shadows else None),
        ("Data capture", _data_capture(d.DataCaptureConfig)),
        ("KMS key", _key(d.KmsKeyId)),
        ("Async inference", _async(d.AsyncInferenceConfig)),
        (
            "Explainer",
            "SageMaker Clarify" if dig(d.ExplainerConfig, "ClarifyExplainerConfig") else None,
        ),
        ("Created", when(d.CreationTime)),
    ]
    sections = [
        _section(title, group)
        for title, group in (("Production variants", variants), ("Shadow variants", shadows))
        if group
    ]
    return {"facts": facts, "variant_sections": sections}


def _section(title: str, variants: list[Any]) -> VariantSection:
    # At most MAX_VARIANTS lines, each of a few short values: the section stays far below
    # Slack's 3,000 characters however many variants the config has.
    lines = [_variant(v, i) for i, v in enumerate(variants[:MAX_VARIANTS], 1)]
    return VariantSection(title, lines, max(len(variants) - MAX_VARIANTS, 0))


def _variant(v: Any, index: int) -> VariantLine:
    model = dig(v, "ModelName")
    instance_type = dig(v, "InstanceType")
    count = dig(v, "InitialInstanceCount")
    weight = dig(v, "InitialVariantWeight")
    config = dig(v, "ServerlessConfig")
    summary = join_trusted(
        [
            join_trusted(["model", code(model)], " ") if model else None,
            code(instance_type) if instance_type else None,
            f"{number(count)} instance{'' if count == 1 else 's'}" if count is not None else None,
            serverless_text(config) if isinstance(config, Mapping) else None,
            code(dig(v, "AcceleratorType")) if dig(v, "AcceleratorType") else None,
            f"weight {number(weight)}" if weight is not None else None,
        ]
    )
    return VariantLine(dig(v, "VariantName") or f"Variant {index}", summary, [])


def _data_capture(config: Any) -> Trusted | str | None:
    if not isinstance(config, Mapping):
        return None
    enabled = dig(config, "EnableCapture")
    if enabled is False:
        return "Off"
    percentage = dig(config, "InitialSamplingPercentage")
    modes = [dig(m, "CaptureMode") for m in as_list(dig(config, "CaptureOptions"))]
    return join_trusted(
        [
            "On" if enabled is True else None,
            f"{number(percentage)}% sampled" if percentage is not None else None,
            join_trusted([m for m in modes if isinstance(m, str)], ", ") or None,
            s3(dig(config, "DestinationS3Uri")) or None,
        ]
    )


def _async(config: Any) -> Trusted | None:
    if not isinstance(config, Mapping):
        return None
    output = dig(config, "OutputConfig")
    invocations = dig(config, "ClientConfig", "MaxConcurrentInvocationsPerInstance")
    return join_trusted(
        [
            join_trusted(["output", s3(dig(output, "S3OutputPath"))], " ")
            if dig(output, "S3OutputPath")
            else None,
            join_trusted(["failures", s3(dig(output, "S3FailurePath"))], " ")
            if dig(output, "S3FailurePath")
            else None,
            f"{number(invocations)} concurrent invocations per instance"
            if invocations is not None
            else None,
        ]
    ) or Trusted("On")


def _key(key_id: Any) -> Trusted | None:
    if not key_id:
        return None
    arn = arn_info(key_id)
    return code(arn.name if arn else key_id)
