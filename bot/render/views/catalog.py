"""Views of registry and catalog resources: models, model packages and cards, images,
image versions and feature groups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.status import StatusClass
from bot.evidence.documents import documents_of
from bot.render.escape import Trusted, code, link
from bot.render.evidence import evidence_text
from bot.render.formatting import (
    arn_info,
    as_list,
    button_value,
    dig,
    join_trusted,
    mentions,
    model_console,
    number,
    one_line,
    pairs,
    s3,
    truncate,
    when,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_CONTAINERS = 10
MAX_METRICS = 12
MAX_CHECKS = 10
MAX_FEATURES = 15
DELETED_MODEL = (
    "Running endpoints keep serving it; endpoint configs that name it start no new ones."
)


class ContainerLine(NamedTuple):
    host: Any  # a model container's hostname; None when it has none (and for packages)
    image: Trusted | str  # the image as code, or "no image"
    data: Trusted | str | None  # where its model data is; None when not given


class DecisionLine(NamedTuple):
    """An approval decision already taken on a model package."""

    icon: str
    status: Any
    user: Trusted | None  # who decided ("<@U1> and <@U2>"); None when decided outside Slack
    at: Trusted | str | None
    comment: str | None


class CheckLine(NamedTuple):
    name: Any
    status: Any
    reason: str | None


class FeatureLine(NamedTuple):
    name: Trusted
    type: Any
    collection: Any  # None when the feature is not a collection


def model(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    d: Any = event.detail
    primary = d.PrimaryContainer
    containers = as_list(d.Containers)
    main = primary if isinstance(primary, Mapping) else (containers[0] if containers else None)
    image = dig(main, "Image")
    model_data = dig(main, "ModelDataUrl") or dig(main, "ModelDataSource", "S3DataSource", "S3Uri")
    role = arn_info(d.ExecutionRoleArn)
    isolation = d.EnableNetworkIsolation
    facts = [
        ("Image", code(image) if image else None),
        ("Model data", s3(model_data)),
        ("Mode", dig(main, "Mode")),
        ("Containers", len(containers) if containers else None),
        (
            "Execution role",
            code(role.name) if role else (code(d.ExecutionRoleArn) if d.ExecutionRoleArn else None),
        ),
        (
            "Network isolation",
            ("Enabled" if isolation else "Disabled") if isinstance(isolation, bool) else None,
        ),
        ("Inference mode", dig(d, "InferenceExecutionConfig", "Mode")),
        ("Created", when(d.CreationTime)),
    ]
    # A single container is already described by the facts.
    lines = (
        [_container(c, dig(c, "ContainerHostname") or None) for c in containers[:MAX_CONTAINERS]]
        if len(containers) > 1
        else []
    )
    tags = pairs(d.Tags, 10)
    return {
        "facts": facts,
        # A deleted model's event names it only: say so rather than show an empty card.
        "summary": DELETED_MODEL if event.status == "Deleted" else None,
        "containers": lines,
        "more_containers": max(len(containers) - MAX_CONTAINERS, 0) if lines else 0,
        "tags": join_trusted(f"{k}={v}" for k, v in tags) if tags else None,
    }


def model_package(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    status = event.status
    spec = d.InferenceSpecification
    containers = as_list(dig(spec, "Containers"))
    first = containers[0] if containers else None
    image = dig(first, "Image")
    model_data = dig(first, "ModelDataUrl") or dig(
        first, "ModelDataSource", "S3DataSource", "S3Uri"
    )
    content_in = _strings(dig(spec, "SupportedContentTypes"))
    content_out = _strings(dig(spec, "SupportedResponseMIMETypes"))
    instance_types = _strings(dig(spec, "SupportedRealtimeInferenceInstanceTypes"))
    generated_by = dig(d.MetadataProperties, "GeneratedBy")
    source = arn_info(generated_by)
    version = d.ModelPackageVersion
    facts = [
        ("Group", d.ModelPackageGroupName),
        ("Version", number(version) if version is not None else None),
        ("Approval", d.ModelApprovalStatus if d.ModelApprovalStatus != status else None),
        ("Package status", d.ModelPackageStatus if d.ModelPackageStatus != status else None),
        (
            "Image",
            join_trusted(
                [
                    code(image),
                    f"+{len(containers) - 1} more" if len(containers) > 1 else None,
                ],
                " ",
            )
            if image
            else None,
        ),
        ("Model data", s3(model_data)),
        (
            "Content types",
            join_trusted([", ".join(content_in), ", ".join(content_out)], " → ")
            if content_in or content_out
            else None,
        ),
        (
            "Instance types",
            join_trusted(
                [
                    join_trusted(instance_types[:4], ", "),
                    "…" if len(instance_types) > 4 else None,
                ],
                "",
            )
            if instance_types
            else None,
        ),
        (
            "Generated by",
            link(source.console, f"{source.resource_type} {source.resource}")
            if source
            else generated_by,
        ),
        ("Project", dig(d.MetadataProperties, "ProjectId")),
        ("Approval note", d.ApprovalDescription),
        ("Created", when(d.CreationTime)),
    ]
    evidence = context.evidence
    checks = [
        item
        for group in ("ValidationStatuses", "ImageScanStatuses")
        for item in as_list(dig(d.ModelPackageStatusDetails, group))
    ]
    # Only an undecided package awaiting approval gets the Approve/Reject buttons; once built
    # (its status is the approval's), it names the approvers it waits for: a mention in the
    # message that posts it notifies them.
    asking = d.pending_approval and context.decision is None
    waits = asking and event.status_class is StatusClass.WAITING
    return {
        "ask": context.approvers if waits else None,
        "facts": facts,
        "summary": (
            truncate(d.ModelPackageDescription, 300, True, "…")
            if d.ModelPackageDescription
            else None
        ),
        "decision": _decision(context),
        "containers": (
            [_container(c, None) for c in containers[:MAX_CONTAINERS]]
            if len(containers) > 1
            else []
        ),
        # The documents' key values beside the approved version's, once read; until then (and
        # where the bot reads no metrics) their links.
        "evidence": evidence_text(evidence) if evidence and evidence.documents else None,
        "metrics": [(label, s3(uri)) for label, uri in documents_of(d.ModelMetrics)[:MAX_METRICS]],
        "checks": [_check(c) for c in checks[:MAX_CHECKS]],
        "metadata": [(code(k), code(v)) for k, v in pairs(d.CustomerMetadataProperties, 10)],
        "approval_value": (
            button_value(
                arn=d.ModelPackageArn,
                group=d.ModelPackageGroupName,
                version=d.ModelPackageVersion,
                region=event.resource.region,
                account=event.resource.account,
            )
            if asking
            else None
        ),
        "package_label": (
            join_trusted(
                [
                    d.ModelPackageGroupName,
                    f"version {version!s}" if version is not None else None,
                ],
                " ",
            )
            or event.resource.display_name
        ),
    }


def model_card(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    r = event.resource
    created_by = dig(d.CreatedBy, "UserProfileName")
    modified_by = dig(d.LastModifiedBy, "UserProfileName")
    model_id = d.ModelId if isinstance(d.ModelId, str) and d.ModelId else None
    model_url = model_console(model_id, r.region, r.account) if model_id else None
    processing = dig(d, "ModelCardProcessingStatus")
    facts = [
        ("Version", number(d.ModelCardVersion) if d.ModelCardVersion is not None else None),
        ("Model", link(model_url, model_id) if model_id else None),
        ("Processing", processing if processing not in [None, "UnsetValue"] else None),
        ("Created by", code(created_by) if created_by else None),
        (
            "Last modified by",
            code(modified_by) if modified_by and modified_by != created_by else None,
        ),
        ("Created", when(d.CreationTime)),
        ("Last modified", when(d.LastModifiedTime)),
    ]
    return {"facts": facts}


def image(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    d: Any = event.detail
    role = arn_info(dig(d, "RoleArn"))
    facts = [
        ("Display name", d.DisplayName if d.DisplayName != d.ImageName else None),
        ("Latest version", number(d.Version) if d.Version is not None else None),
        ("Role", code(role.name) if role else None),
        ("ARN", code(d.ImageArn) if d.ImageArn else None),
        ("Created", when(d.CreationTime)),
        (
            "Last modified",
            when(d.LastModifiedTime) if d.LastModifiedTime != d.CreationTime else None,
        ),
    ]
    return {
        "facts": facts,
        "summary": one_line(d.Description, 300) if d.Description else None,
    }


def image_version(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    image_arn = arn_info(d.ImageArn)
    image_name = d.image_name
    notes = dig(d, "ReleaseNotes")
    facts = [
        (
            "Image",
            link(image_arn.console, image_name)
            if image_arn
            else (code(image_name) if image_name else None),
        ),
        ("Version", number(d.Version) if d.Version is not None else None),
        ("Base image", code(d.BaseImage) if d.BaseImage else None),
        ("Container image", code(d.ContainerImage) if d.ContainerImage else None),
        (
            "Framework",
            join_trusted([dig(d, "MLFramework"), dig(d, "ProgrammingLang"), dig(d, "Processor")]),
        ),
        ("Job type", dig(d, "JobType")),
        ("Vendor guidance", dig(d, "VendorGuidance")),
        ("ARN", code(d.ImageVersionArn) if d.ImageVersionArn else None),
        ("Created", when(d.CreationTime)),
    ]
    return {"facts": facts, "summary": one_line(notes, 300) if notes else None}


def feature_group(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    features = as_list(d.FeatureDefinitions)
    online = d.OnlineStoreConfig
    offline = d.OfflineStoreConfig
    catalog = dig(offline, "DataCatalogConfig")
    offline_s3 = dig(offline, "S3StorageConfig", "ResolvedOutputS3Uri") or dig(
        offline, "S3StorageConfig", "S3Uri"
    )
    blocked = dig(d.OfflineStoreStatus, "BlockedReason")
    offline_status = d.offline_store_status
    facts = [
        (
            "Record identifier",
            code(d.RecordIdentifierFeatureName) if d.RecordIdentifierFeatureName else None,
        ),
        (
            "Event time feature",
            code(d.EventTimeFeatureName) if d.EventTimeFeatureName else None,
        ),
        ("Features", len(features) if features else None),
        (
            "Online store",
            _online_store(online)
            if isinstance(online, Mapping)
            else ("Disabled" if offline else None),
        ),
        ("Offline store", s3(offline_s3) if offline_s3 else None),
        (
            "Glue table",
            code(join_trusted([dig(catalog, "Database"), dig(catalog, "TableName")], "."))
            if dig(catalog, "TableName")
            else None,
        ),
        (
            "Offline store status",
            join_trusted(
                [offline_status, truncate(str(blocked), 200, True, "…") if blocked else None],
                " — ",
            )
            if offline_status
            else None,
        ),
        ("Table format", dig(offline, "TableFormat")),
        ("Created", when(d.CreationTime)),
    ]
    lines = [
        FeatureLine(
            code(dig(f, "FeatureName") or "feature"),
            dig(f, "FeatureType") or "?",
            dig(f, "CollectionType") or None,
        )
        for f in features[:MAX_FEATURES]
    ]
    return {
        "facts": facts,
        "features": lines,
        "more_features": max(len(features) - MAX_FEATURES, 0),
    }


def _container(c: Any, host: Any) -> ContainerLine:
    image = dig(c, "Image")
    data = dig(c, "ModelDataUrl")
    return ContainerLine(host, code(image) if image else "no image", s3(data) if data else None)


def _strings(value: Any) -> list[str]:
    """The text items of a list; anything else in it (or a value that is no list) is skipped."""
    return [item for item in as_list(value) if isinstance(item, str)]


def _decision(context: RenderContext) -> DecisionLine | None:
    decision = context.decision
    if decision is None:
        return None
    status = decision.status
    icon = (
        ":white_check_mark:"
        if status == "Approved"
        else (":no_entry_sign:" if status == "Rejected" else ":information_source:")
    )
    return DecisionLine(
        icon,
        status or "Decided",
        mentions(decision.users) if decision.users else None,
        when(decision.at) if decision.at else None,
        truncate(str(decision.comment), 500, True, "…") if decision.comment else None,
    )


def _check(c: Any) -> CheckLine:
    reason = dig(c, "FailureReason")
    return CheckLine(
        dig(c, "Name") or "check",
        dig(c, "Status"),
        one_line(reason, 200) if reason else None,
    )


def _online_store(online: Mapping[str, Any]) -> Trusted:
    enabled = dig(online, "EnableOnlineStore")
    ttl = dig(online, "TtlDuration")
    ttl_value = dig(ttl, "Value")
    return join_trusted(
        [
            "Enabled" if enabled is True else ("Disabled" if enabled is False else None),
            dig(online, "StorageType"),
            f"TTL {ttl_value!s} {dig(ttl, 'Unit') or ''!s}" if ttl_value is not None else None,
        ]
    )
