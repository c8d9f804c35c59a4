"""Views of pipeline executions and their steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.identity import ResourceKind, ResourceRef
from bot.events.status import STYLES, StatusClass
from bot.render.escape import Trusted, code, code_block, link, mrkdwn_escape
from bot.render.formatting import (
    arn_info,
    as_list,
    dig,
    duration,
    one_line,
    s3,
    truncate,
    when,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

from bot.render.links import resource_links

# A section holds at most 3000 characters: 15 step lines fit, 10 when failure reasons lengthen them.
STEPS_PER_SECTION = 15
FAILED_STEPS_PER_SECTION = 10
MAX_STEPS = 50  # within Slack's 50 blocks; a thread's summary gives at most 25

JOB_TITLES = {
    "training-job": "Training job",
    "processing-job": "Processing job",
    "transform-job": "Transform job",
    "hyper-parameter-tuning-job": "Tuning job",
    "model": "Model",
    "model-package": "Model package",
    "endpoint": "Endpoint",
    "endpoint-config": "Endpoint config",
    "automl-job": "AutoML job",
}


class StepCounts(NamedTuple):
    done: int
    failed: int
    total: int
    running: int = 0
    finished: bool = True  # the run is over: the counts are final, not "so far"


class StepLine(NamedTuple):
    emoji: str
    name: str
    type: str | None  # None when the step has none
    status: str | None
    cached: bool
    reason: str | None  # shown only for a failed step: its own, or its job's
    job: Trusted | str | None = None  # the job the step launched: link, status, progress


class CheckLine(NamedTuple):
    title: Any
    skipped: bool
    violation_report: Trusted | str | None
    baseline_constraints: Trusted | str | None


def pipeline_execution(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    facts = [
        ("Pipeline", code(d.pipeline_name) if d.pipeline_name else None),
        ("Execution", code(d.execution_id) if d.execution_id else None),
        ("Started", when(d.executionStartTime)),
        ("Ended", when(d.executionEndTime)),
        ("Duration", duration(d.executionStartTime, d.executionEndTime)),
    ]
    description = d.pipelineExecutionDescription
    steps = [s for s in as_list(context.steps) if isinstance(s, Mapping)]
    tally = context.step_counts
    if not isinstance(tally, Mapping):  # no tally: the steps given are all there are
        tally = {}
        for step in steps:
            sc = str(step.get("status_class"))
            tally[sc] = tally.get(sc, 0) + 1
    counts = StepCounts(
        tally.get(StatusClass.SUCCEEDED, 0),
        tally.get(StatusClass.FAILED, 0),
        max(sum(tally.values()), len(steps)),
        tally.get(StatusClass.IN_PROGRESS, 0),
        event.status_class is not StatusClass.IN_PROGRESS,
    )
    lines = [_step_line(s) for s in steps[:MAX_STEPS]]
    size = FAILED_STEPS_PER_SECTION if counts.failed else STEPS_PER_SECTION
    running = [line for s, line in zip(steps, lines, strict=False) if _running(s)]
    others = [_job_text(j) for j in as_list(context.jobs) if isinstance(j, Mapping)]
    variables: dict[str, Any] = {
        "facts": facts,
        "summary": one_line(description, 300) if description else None,
        "step_counts": counts,
        "step_sections": [lines[i : i + size] for i in range(0, len(lines), size)],
        "more_steps": counts.total - len(lines),
        "more_steps_detail": _hidden(tally, steps[:MAX_STEPS]),
        "running_now": (
            ", ".join(f"*{line.name}*" for line in running[:5])
            if running and not counts.finished
            else None
        ),
        "other_jobs": others[:10],
    }
    failed = next((line for line in lines if line.reason), None)
    if failed is not None and event.status_class is StatusClass.FAILED:
        # The run's own reason says only that a step failed: name the step and say why.
        variables["failure_reason"] = f"Step {failed.name} failed: {failed.reason}"
    return variables


_CLASS_WORDS = {
    StatusClass.SUCCEEDED: "succeeded",
    StatusClass.FAILED: "failed",
    StatusClass.WARNING: "need attention",
    StatusClass.IN_PROGRESS: "running",
    StatusClass.STOPPED: "stopped",
}


def _hidden(tally: Mapping[str, int], shown: list[Mapping[str, Any]]) -> str | None:
    """What the steps without a line did: ``248 succeeded, 2 running``."""
    left = dict(tally)
    for step in shown:
        sc = str(step.get("status_class"))
        left[sc] = left.get(sc, 0) - 1
    words = [f"{left[sc]} {word}" for sc, word in _CLASS_WORDS.items() if left.get(sc, 0) > 0]
    return ", ".join(words) or None


def _running(step: Mapping[str, Any]) -> bool:
    return step.get("status_class") == StatusClass.IN_PROGRESS


def _job_text(job: Mapping[str, Any]) -> Trusted:
    """``Training job <link|name> · Training`` (its status and progress), all escaped."""
    kind = ResourceKind(job["kind"]) if job.get("kind") in set(ResourceKind) else None
    name = str(job.get("job_name") or job.get("name") or "job")
    title = kind.title if kind else "Job"
    console = None
    if kind is not None:
        ref = ResourceRef(kind, name, job.get("arn"), job.get("account"), job.get("region"))
        console = resource_links(ref).console
    status = one_line(job.get("status"), 40) if job.get("status") else None
    sub_status = job.get("sub_status")
    progress = f" ({one_line(sub_status, 40)})" if sub_status and sub_status != status else ""
    label = link(console, one_line(name, 80)) if console else code(one_line(name, 80))
    text = f"{title} {label}"
    if status:
        text += f" · {mrkdwn_escape(status)}{mrkdwn_escape(progress)}"
    rollup = job.get("rollup")
    if isinstance(rollup, Mapping) and rollup.get("total"):
        # A tuning job's trials, rolled up into its line.
        counters = rollup.get("counters")
        if not isinstance(counters, Mapping):
            counters = {}
        tally = ", ".join(f"{one_line(k, 30)} {v}" for k, v in sorted(counters.items()))
        text += mrkdwn_escape(f" · {rollup['total']} trials ({tally})")
        best = rollup.get("best")
        if isinstance(best, Mapping):
            text += mrkdwn_escape(
                f" · best {one_line(best.get('name'), 60)}: "
                f"{one_line(best.get('metric'), 40)} {best.get('value')}"
            )
    return Trusted(text)


def _step_line(step: Mapping[str, Any]) -> StepLine:
    sc = step.get("status_class")
    known = StatusClass(sc) if isinstance(sc, str) and sc in STYLES else StatusClass.UNKNOWN
    style = STYLES[known]
    kind = step.get("type")
    status = step.get("status")
    jobs = [j for j in as_list(step.get("run_jobs")) if isinstance(j, Mapping)]
    # A failed job's reason is the most specific one (the step's often only says its job
    # failed), and shows as soon as the job fails, before the step's own event says so.
    reasons = [j.get("failure_reason") for j in jobs if j.get("status_class") == StatusClass.FAILED]
    if sc == StatusClass.FAILED:
        reasons.append(step.get("failure_reason"))
    reason = next((r for r in reasons if r), None)
    return StepLine(
        style.emoji,
        one_line(step.get("name") or "step", 80),
        one_line(kind, 40) if kind else None,
        one_line(status, 40) if status else None,
        step.get("cache_hit") is True,
        one_line(reason, 120) if reason else None,
        Trusted("; ".join(_job_text(j) for j in jobs[:3])) if jobs else None,
    )


def pipeline_step(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    pipeline = arn_info(d.pipelineArn)
    execution = arn_info(d.pipelineExecutionArn)
    owner = pipeline or execution
    pipeline_name = owner.resource.split("/")[0] if owner else None
    cache_source = arn_info(dig(d.cacheHitResult, "sourcePipelineExecutionArn"))
    metadata = d.metadata if isinstance(d.metadata, Mapping) else {}
    # The job or resource the step ran: events spell the key `arn`, the API `Arn`.
    job_arn = d.job_arn
    for value in metadata.values():
        if not job_arn and isinstance(dig(value, "Arn"), str):
            job_arn = dig(value, "Arn")
    job = arn_info(job_arn)
    outcome = dig(metadata, "condition", "outcome")
    error_message = dig(metadata, "fail", "errorMessage")
    if d.cache_hit:
        cache_hit: Trusted | str | None = (
            link(cache_source.console, "from execution " + cache_source.name)
            if cache_source
            else ":recycle: reused a cached result"
        )
    else:
        cache_hit = None
    facts = [
        ("Step type", d.stepType),
        ("Display name", d.stepDisplayName if d.stepDisplayName != d.stepName else None),
        (
            "Pipeline",
            link(pipeline.console if pipeline else None, pipeline_name) if pipeline_name else None,
        ),
        (
            "Execution",
            link(links.pipeline, execution.name)
            if execution and "/execution/" in execution.resource
            else None,
        ),
        (
            JOB_TITLES.get(job.resource_type, "Ran") if job else "Job",
            link(job.console, job.resource if job.resource_type == "model-package" else job.name)
            if job
            else None,
        ),
        ("Job logs", link(job.logs, "CloudWatch logs") if job and job.logs else None),
        ("Cache hit", cache_hit),
        ("Condition outcome", str(outcome) if outcome is not None else None),
        ("Started", when(d.stepStartTime)),
        ("Ended", when(d.stepEndTime)),
        ("Duration", duration(d.stepStartTime, d.stepEndTime)),
    ]
    checks = [dig(metadata, key) for key in ("qualityCheck", "clarifyCheck")]
    return {
        "facts": facts,
        "fail_message": (
            code_block(truncate(str(error_message), 1500, True, "…")) if error_message else None
        ),
        "checks": [_check_line(c) for c in checks if isinstance(c, Mapping)],
    }


def _check_line(check: Mapping[str, Any]) -> CheckLine:
    violation = dig(check, "violationReport")
    baseline = dig(check, "calculatedBaselineConstraints")
    return CheckLine(
        dig(check, "checkType") or "Check",
        dig(check, "skipCheck") is True,
        s3(violation) if violation else None,
        s3(baseline) if baseline else None,
    )
