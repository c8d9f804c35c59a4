"""Views of notebook instances and their lifecycle configs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.render.escape import code
from bot.render.formatting import arn_info, as_list, code_list, join_trusted, number, when

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_ACCELERATORS = 4
HOOKS = ("OnCreate", "OnStart")


def notebook(event: SageMakerEvent, context: RenderContext, links: ResourceLinks) -> dict[str, Any]:
    d: Any = event.detail
    volume = d.VolumeSizeInGB
    role = arn_info(d.RoleArn)
    key = arn_info(d.KmsKeyId)
    repositories = [r for r in as_list(d.AdditionalCodeRepositories) if isinstance(r, str)]
    facts = [
        ("Instance type", code(d.InstanceType) if d.InstanceType else None),
        ("Volume", f"{number(volume)} GB" if volume is not None else None),
        ("Accelerators", code_list(d.AcceleratorTypes, MAX_ACCELERATORS)),
        (
            "Lifecycle config",
            code(d.NotebookInstanceLifecycleConfigName)
            if d.NotebookInstanceLifecycleConfigName
            else None,
        ),
        ("Platform", d.PlatformIdentifier),
        ("Root access", d.RootAccess),
        ("Direct internet access", d.DirectInternetAccess),
        ("Role", code(role.name) if role else None),
        ("KMS key", code(key.name if key else d.KmsKeyId) if d.KmsKeyId else None),
        (
            "Code repository",
            join_trusted(
                [
                    code(d.DefaultCodeRepository),
                    f"+{len(repositories)} more" if repositories else None,
                ],
                " ",
            )
            if d.DefaultCodeRepository
            else None,
        ),
        ("Created", when(d.CreationTime)),
        (
            "Last modified",
            when(d.LastModifiedTime) if d.LastModifiedTime != d.CreationTime else None,
        ),
    ]
    return {"facts": facts}


def lifecycle_config(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    hooks = [hook for hook in HOOKS if as_list(d.field(hook))]
    # The scripts themselves stay out of the message: they may hold credentials.
    described = any(d.field(hook) is not None for hook in HOOKS)
    facts = [
        ("Hooks", join_trusted(hooks, ", ") if hooks else ("none" if described else None)),
        ("Created", when(d.CreationTime)),
        (
            "Last modified",
            when(d.LastModifiedTime) if d.LastModifiedTime != d.CreationTime else None,
        ),
        ("ARN", code(d.NotebookInstanceLifecycleConfigArn) if d.arn else None),
    ]
    return {"facts": facts}
