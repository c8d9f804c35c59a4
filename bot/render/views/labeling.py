"""Views of Ground Truth labeling jobs and their tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.events.identity import Arn
from bot.evidence.model import is_number
from bot.render.escape import Trusted, code, mrkdwn_escape
from bot.render.formatting import dig, join_trusted, number, s3, when

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks


def labeling_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    task = d.HumanTaskConfig
    output = dig(d.LabelingJobOutput, "OutputDatasetS3Uri")
    workers = dig(task, "NumberOfHumanWorkersPerDataObject")
    facts = [
        ("Task", dig(task, "TaskTitle")),
        ("Work team", _workteam(dig(task, "WorkteamArn"))),
        ("Workers per object", number(workers) if workers is not None else None),
        ("Output", s3(output) if output else s3(dig(d.OutputConfig, "S3OutputPath"))),
        ("Input manifest", s3(dig(d.InputConfig, "DataSource", "S3DataSource", "ManifestS3Uri"))),
        ("Label attribute", code(d.LabelAttributeName) if d.LabelAttributeName else None),
        ("Started", when(d.CreationTime)),
    ]
    return {
        "facts": facts,
        # The header says the status; the line under the name says what was labeled.
        "status_line": False,
        "summary": label_counts(d.LabelCounters),
        "tasks": task_counts(context.rollup),
    }


def label_counts(counters: Any) -> Trusted | None:
    """``*9,950 of 10,000 objects labeled* · 6,120 by workers · 3,830 automatically · …``."""
    labeled = dig(counters, "TotalLabeled")
    failed = dig(counters, "FailedNonRetryableError")
    unlabeled = dig(counters, "Unlabeled")
    total = sum(v for v in (labeled, failed, unlabeled) if _count(v))
    if not total:
        return None
    head = f"{number(labeled if _count(labeled) else 0)} of {number(total)} objects labeled"
    human, machine = dig(counters, "HumanLabeled"), dig(counters, "MachineLabeled")
    return join_trusted(
        [
            Trusted("*" + mrkdwn_escape(head) + "*"),
            f"{number(human)} by workers" if _count(human) else None,
            f"{number(machine)} automatically" if _count(machine) else None,
            f"{number(failed)} failed" if _count(failed) else None,
            f"{number(unlabeled)} unlabeled" if _count(unlabeled) else None,
        ]
    )


def task_counts(rollup: Any) -> Trusted | None:
    """The tasks reported so far (``RenderContext.rollup`` of a labeling job's thread), by
    status: ``Completed 9,870 · Failed 12``."""
    tasks = rollup.get("tasks") if isinstance(rollup, Mapping) else None
    if not isinstance(tasks, Mapping) or not tasks:
        return None
    return join_trusted(
        f"{status} {number(count)}" for status, count in sorted(tasks.items()) if count
    )


def labeling_task(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    """A task's own card (``render`` and ``preview`` only: in Slack a task only counts in its
    job's parent)."""
    d: Any = event.detail
    job = Arn.parse(d.labeling_job_arn)
    return {
        "facts": [
            ("Labeling job", code(job.resource) if job and job.resource else None),
            ("Task", code(d.task_id) if d.task_id else None),
            ("Work team", _workteam(d.workteam_arn)),
        ],
    }


def _workteam(arn: Any) -> str | None:
    """A work team's name: the last part of ``…:workteam/private-crowd/<name>``."""
    parsed = Arn.parse(arn)
    if parsed is None:
        return str(arn) if isinstance(arn, str) and arn else None
    return parsed.resource.rsplit("/", 1)[-1] or None


def _count(value: Any) -> bool:
    return is_number(value) and value > 0
