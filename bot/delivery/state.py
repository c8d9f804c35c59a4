"""Pure helpers for delivery: state fingerprints, placeholder parents, thread state → context."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple

from bot.approvals import decision_from_state
from bot.delivery import children as ch
from bot.delivery import throttle
from bot.delivery.children import CHILD_PREFIX, JOB_PREFIX, STEP_PREFIX, TRIAL_PREFIX
from bot.events.identity import ResourceKind, ResourceRef
from bot.events.models import (
    ClusterEventDetail,
    EndpointDeploymentDetail,
    FeatureGroupDetail,
    LabelingTaskDetail,
    ModelPackageDetail,
    ProductionVariantModel,
    TrainingJobDetail,
)
from bot.events.parse import SageMakerEvent, parse_event
from bot.events.registry import SPECS
from bot.events.severity import Attention
from bot.events.status import ALERTS, StatusClass, classify
from bot.events.workflow import (
    Evidence,
    RunKey,
    RunLink,
    RunRole,
    run_of,
    step_jobs,
    step_name_matches,
)
from bot.evidence.model import Evidence as PackageEvidence
from bot.render.context import RenderContext
from bot.store.base import CHILDREN_KEY, ThreadRecord

TERMINAL = {StatusClass.SUCCEEDED, StatusClass.FAILED, StatusClass.STOPPED, StatusClass.DELETED}
# Warnings that end a job.
ENDING = {Attention.TIMEOUT, Attention.VIOLATIONS}
# Resources that live on after "succeeding": only their deletion finishes them.
LONG_LIVED = {
    ResourceKind.ENDPOINT,
    ResourceKind.FEATURE_GROUP,
    ResourceKind.IMAGE,
    ResourceKind.MODEL,
    ResourceKind.MODEL_PACKAGE,
    ResourceKind.MODEL_CARD,
    ResourceKind.NOTEBOOK,
    ResourceKind.LIFECYCLE_CONFIG,
    ResourceKind.ENDPOINT_CONFIG,
    ResourceKind.ALGORITHM,
    ResourceKind.CLUSTER,
    ResourceKind.OTHER,
}
EVENT_KEY = "event"
DECISION_KEY = "decision"
PREVIOUS_KEY = "previous"
SCHEMA_KEY = "schema"
# The layout of a thread's state. 1 (no key): one thread per resource, a run's thread keyed by
# its execution ARN; read as it is. 2: runs keyed by account, region and execution id, with
# their jobs (``job:``), the status shown before each state, and the run's one alert.
# 3: children are records of their own, the thread keeps their bounded summary (``children``);
# a thread of 1 or 2 keeps its children inline, read as the summary's start.
SCHEMA = 3
# What a thread keeps of a child's text: a line shows at most 120 characters of a reason.
MAX_REASON = 300
MAX_NAME = 256
MAX_STEP_JOBS = 10
ALERTED_KEY = "alerted"  # a run's thread broadcast its alert already: one per failed run
# A message that is itself a reply (a run's package card) keeps the thread it is in: what is
# said about it later (a reminder) goes there.
IN_THREAD_KEY = "in_thread"
EVIDENCE_KEY = "evidence"  # a package card's metrics and the approved version's (Evidence)


def new_state(event: SageMakerEvent) -> dict[str, Any]:
    """The state a thread starts with: the event its parent shows, and the layout's version."""
    return {EVENT_KEY: event.raw, SCHEMA_KEY: SCHEMA}


def schema_of(state: dict[str, Any]) -> int:
    """The layout a stored thread state was written in (1 before versions were kept)."""
    version = state.get(SCHEMA_KEY)
    return version if isinstance(version, int) else 1


def waits_for_approval(event: SageMakerEvent) -> bool:
    """A model package whose approval is pending: its card asks the approvers."""
    return event.kind is ResourceKind.MODEL_PACKAGE and bool(
        getattr(event.detail, "pending_approval", False)
    )


def thread_of(thread: ThreadRecord) -> str | None:
    """Where replies about a thread's message go: the thread it is in, when it is a reply
    itself (a run's package card), else its own."""
    kept = thread.state.get(IN_THREAD_KEY)
    return kept if isinstance(kept, str) and kept else thread.ts


def is_alert(event: SageMakerEvent) -> bool:
    """A failure or a warning: broadcast (when enabled), and posted even when it is late."""
    return event.status_class in ALERTS


class Root(NamedTuple):
    """The thread an event goes to: one per resource, or one per pipeline run for everything
    the run made."""

    ref: ResourceRef  # what the parent message is about (a placeholder is built from it)
    key: str  # the thread's key in the store
    is_child: bool  # the event is not the thread's own resource
    run: RunLink | None = None  # the pipeline run, for a run's thread
    legacy_key: str | None = None  # where the previous layout kept this run's thread


def run_link(event: SageMakerEvent, *, include_jobs: bool = True) -> RunLink | None:
    """The pipeline run an event belongs to, for threading. Tuning trials stay with their
    tuning job; a job linked only by its ExperimentConfig (a name a user may choose) is not
    taken on that word alone."""
    link = run_of(event)
    if link is None or link.role is RunRole.TUNING_TRIAL:
        return None
    if link.role in (RunRole.EXECUTION, RunRole.STEP):
        return link
    if not include_jobs or link.evidence.value == "experiment-config":
        return None
    return link


RUN_POINTER_PREFIX = "run-of:"


def tuning_key(event: SageMakerEvent) -> str | None:
    """The tuning job a tuning event or one of its trials is about."""
    if event.kind is ResourceKind.TUNING:
        return event.resource.key
    if is_trial(event):
        assert event.parent is not None
        return event.parent.key
    return None


def is_trial(event: SageMakerEvent) -> bool:
    """A training job a tuning job launched."""
    return (
        event.kind is ResourceKind.TRAINING
        and event.parent is not None
        and event.parent.kind is ResourceKind.TUNING
    )


def is_labeling_task(event: SageMakerEvent) -> bool:
    """A task of a labeling job: it counts in its job's parent, never posts a message."""
    return isinstance(event.detail, LabelingTaskDetail) and event.parent is not None


def is_cluster_event(event: SageMakerEvent) -> bool:
    """An event of a HyperPod cluster (not a node's health): it belongs in the cluster's."""
    return isinstance(event.detail, ClusterEventDetail)


def is_info(event: SageMakerEvent) -> bool:
    """A cluster event of level Info: the cluster at work, its parent's "last event" line."""
    return is_cluster_event(event) and event.status == "Info"


def throttled(event: SageMakerEvent) -> bool:
    """A child whose parent refreshes at most every ``throttle.REFRESH_SECONDS``."""
    return is_labeling_task(event) or is_info(event)


def run_pointer_key(tuning: str) -> str:
    """Where a channel notes that a tuning job belongs to a run's thread. A tuning job's name
    cannot carry its run (32 characters at most): only its step's metadata says so."""
    return RUN_POINTER_PREFIX + tuning


def run_pointer_state(run: RunKey) -> dict[str, Any]:
    return {"run": [run.account, run.region, run.execution_id]}


def run_from_pointer(state: dict[str, Any], event: SageMakerEvent) -> RunLink | None:
    """The run a pointer names, as the link of ``event`` (a tuning job or a trial) into it."""
    parts = state.get("run")
    if not (isinstance(parts, list) and len(parts) == 3 and all(isinstance(p, str) for p in parts)):
        return None
    role = RunRole.JOB if event.kind is ResourceKind.TUNING else RunRole.TUNING_TRIAL
    return RunLink(RunKey(*parts), role, Evidence.ARN)


def is_run_child(link: RunLink | None) -> bool:
    """A job, model or package a run made (not the run or one of its steps)."""
    return link is not None and link.role not in (RunRole.EXECUTION, RunRole.STEP)


def thread_root(event: SageMakerEvent, link: RunLink | None) -> Root:
    """Where ``event`` is threaded: its run's thread when ``link`` is given, else its parent's
    (a deployment under its endpoint, a trial under its tuning job), else its own."""
    if link is not None:
        run = link.run
        execution_arn = event.detail.field("pipelineExecutionArn")
        arn = execution_arn if isinstance(execution_arn, str) and execution_arn else None
        name = f"{link.pipeline_name}/{run.execution_id}" if link.pipeline_name else None
        ref = ResourceRef(
            ResourceKind.PIPELINE, name or run.execution_id, arn, run.account, run.region
        )
        is_child = link.role is not RunRole.EXECUTION
        return Root(ref, run.key, is_child, link, arn)
    root = event.parent or event.resource
    return Root(root, root.key, event.parent is not None)


class Next(StrEnum):
    """What a delivery does once the store has said whether its state is the newest."""

    LATE = "late"  # older than what the thread shows, and no alert: nothing at all
    LATE_ALERT = "late_alert"  # older, but an alert: a reply (with its own time), parent kept
    ROLL_UP = "roll_up"  # a tuning trial: the parent's roll-up only
    CARD = "card"  # a run's model package with a card (or waiting for one): the card
    EDIT = "edit"  # the parent edited in place, no reply
    REPLY = "reply"  # the parent edited, and a one-line reply in the thread


def next_step(
    event: SageMakerEvent,
    root: Root,
    *,
    current: bool,
    previous: str | None,
    every_state: bool = False,
    rollup_tuning: bool = True,
    has_card: bool = False,
) -> Next:
    """The delivery rules in one place, pure: ``current`` is the store's word on whether the
    event's state is the newest of its resource, ``previous`` the status shown before it,
    ``has_card`` whether a run's package already has its card in this channel."""
    if root.is_child and is_labeling_task(event):
        # A task only counts in its job's parent: never a message of its own, even failed.
        return Next.ROLL_UP if current else Next.LATE
    if not current:
        return Next.LATE_ALERT if is_alert(event) else Next.LATE
    if root.is_child and is_info(event):
        return Next.EDIT  # the parent's "last event" line; a busy cluster's thread stays short
    if root.is_child and is_trial(event) and (rollup_tuning or root.run is not None):
        return Next.ROLL_UP
    in_run_package = root.run is not None and event.kind is ResourceKind.MODEL_PACKAGE
    if in_run_package and (has_card or event.status_class is StatusClass.WAITING):
        return Next.CARD
    if not reply_wanted(previous, event, every_state=every_state):
        return Next.EDIT
    if is_run_child(root.run) and not is_alert(event):
        return Next.EDIT  # a job a step launched lives on its step's line: only alerts reply
    return Next.REPLY


def reply_wanted(previous: str | None, event: SageMakerEvent, *, every_state: bool) -> bool:
    """Whether a new state earns a thread reply: when its status class changes (started,
    succeeded, failed, stopped, waiting for approval). Progress within a class only edits the
    parent, unless every state is wanted."""
    if every_state:
        return True
    if previous is None:  # the first state seen of a child: news in the thread
        return True
    return classify(previous, event.kind) is not event.status_class


def previous_entry(event: SageMakerEvent, previous: str | None) -> dict[str, Any]:
    """Kept with the state an event moved to: what was shown before it, so a retry of the same
    event (its reply failed after the parent moved on) decides as the first attempt did."""
    return {"previous": previous, "event": event.id}


def previous_status(kept: Any, event: SageMakerEvent, shown: str | None) -> str | None:
    """The status before ``event``: what was kept by an earlier attempt of this very event, else
    what is shown now."""
    if isinstance(kept, dict) and event.id and kept.get("event") == event.id:
        value = kept.get("previous")
        return value if isinstance(value, str) else None
    return shown


def delivery_key(event: SageMakerEvent) -> str:
    """What the store deduplicates on: one state of one resource at one time. The time is part
    of it because a resource returns to a state it had before (an endpoint updated goes
    InService again, a recreated one is Creating again), while a duplicate of an event, however
    late, carries its time unchanged."""
    event_time, modified, _ = event.order_key
    return f"{event.resource.key}#{fingerprint(event)}@{event_time:.3f}/{modified:.3f}"


def fingerprint(event: SageMakerEvent) -> str:
    """What makes one state distinct from another for this kind of resource."""
    detail = event.detail
    parts: list[str] = [event.status or "-"]
    if is_labeling_task(event) or is_cluster_event(event):
        # One resource may stand for many tasks or events (none named by an id): each event
        # is a state of its own.
        parts.append(_own_id(event))
    if isinstance(detail, TrainingJobDetail) and detail.SecondaryStatus:
        parts.append(detail.SecondaryStatus)
    elif isinstance(detail, EndpointDeploymentDetail):
        parts.extend(_variant_states(detail))
    elif isinstance(detail, ModelPackageDetail):
        parts.extend(s or "-" for s in (detail.ModelPackageStatus, detail.ModelApprovalStatus))
    elif isinstance(detail, FeatureGroupDetail) and detail.offline_store_status:
        parts.append(detail.offline_store_status)
    return "|".join(parts)


def _own_id(event: SageMakerEvent) -> str:
    """A task's or cluster event's own id, else the EventBridge event's."""
    detail = event.detail
    own = detail.task_id if isinstance(detail, LabelingTaskDetail) else detail.field("EventId")
    return str(own or event.id or "-")


def _variant_states(detail: EndpointDeploymentDetail) -> list[str]:
    variants: list[Any] = []
    for group in (
        detail.ProductionVariants,
        getattr(detail.PendingDeploymentSummary, "ProductionVariants", None),
    ):
        if isinstance(group, list):
            variants.extend(group)
    states: list[str] = []
    for variant in variants:
        if isinstance(variant, ProductionVariantModel) and isinstance(variant.VariantStatus, list):
            states.extend(
                f"{variant.VariantName}:{getattr(s, 'Status', s)}" for s in variant.VariantStatus
            )
    return states


def is_finished(event: SageMakerEvent) -> bool:
    """A resource that will not change again: its records may expire."""
    if event.status_class is StatusClass.DELETED:
        return True
    if event.kind in LONG_LIVED:
        return False
    if event.status_class is StatusClass.WARNING:
        # A timeout or violations end a job; a deployment rolling back goes on (unless the
        # rollback failed).
        return event.attention in ENDING or classify(event.status) in TERMINAL
    return event.status_class in TERMINAL


_PLACEHOLDERS: dict[ResourceKind, tuple[str, dict[str, str]]] = {
    ResourceKind.PIPELINE: (
        "pipelineExecutionArn",
        {"currentPipelineExecutionStatus": "Executing"},
    ),
    ResourceKind.ENDPOINT: ("EndpointArn", {"EndpointStatus": "Updating"}),
    ResourceKind.TUNING: (
        "HyperParameterTuningJobArn",
        {"HyperParameterTuningJobStatus": "InProgress"},
    ),
    ResourceKind.IMAGE: ("ImageArn", {}),
    # Tasks are worked on while their job is in progress.
    ResourceKind.LABELING: ("LabelingJobArn", {"LabelingJobStatus": "InProgress"}),
    ResourceKind.CLUSTER: ("ClusterArn", {}),
}
_NAME_FIELDS = {
    ResourceKind.ENDPOINT: "EndpointName",
    ResourceKind.TUNING: "HyperParameterTuningJobName",
    ResourceKind.IMAGE: "ImageName",
    ResourceKind.LABELING: "LabelingJobName",
    ResourceKind.CLUSTER: "ClusterName",
}


def placeholder_raw(parent: ResourceRef, child: SageMakerEvent) -> dict[str, Any]:
    """A stand-in event for a parent seen only through its child, so its thread makes sense.

    It has no time, so the parent's own first real event always supersedes it.
    """
    detail_type = next(s.detail_type for s in SPECS if s.kind is parent.kind)
    arn_field, extra = _PLACEHOLDERS.get(parent.kind, ("", {}))
    detail: dict[str, Any] = dict(extra)
    if arn_field and parent.arn:
        detail[arn_field] = parent.arn
    if parent.kind in _NAME_FIELDS:
        detail[_NAME_FIELDS[parent.kind]] = parent.name
    if parent.kind is ResourceKind.PIPELINE:
        pipeline_arn = child.detail.field("pipelineArn")
        if pipeline_arn:
            detail["pipelineArn"] = pipeline_arn
    return {
        "version": "0",
        "id": f"placeholder-{child.id or ''}",
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": parent.account or child.envelope.account,
        "region": parent.region or child.envelope.region,
        "resources": [parent.arn] if parent.arn else [],
        "detail": detail,
    }


def child_entry(event: SageMakerEvent) -> dict[str, Any]:
    """What a parent keeps of one child (a step, a trial) to show it in its own message."""
    detail = event.detail
    entry: dict[str, Any] = {
        "name": _clip(event.resource.display_name, MAX_NAME),
        "status": event.status,
        "status_class": event.status_class.value,
        "order": list(event.order_key),
    }
    if event.kind is ResourceKind.STEP:
        start = detail.field("stepStartTime")
        entry.update(
            type=detail.field("stepType"),
            failure_reason=_clip(event.failure_reason, MAX_REASON),
            cache_hit=bool(getattr(detail, "cache_hit", False)),
            started=start.timestamp() if hasattr(start, "timestamp") else None,
            # The jobs this step launched (a cached step's point at an earlier run: not ours).
            jobs=[f"{j.kind.value}:{j.name}" for j in step_jobs(event) if j.launched_by_step][
                :MAX_STEP_JOBS
            ],
        )
    else:
        resource = event.resource
        entry.update(
            kind=event.kind.value,
            job_name=resource.name,
            arn=resource.arn,
            account=resource.account,
            region=resource.region,
            sub_status=detail.sub_status,
            failure_reason=_clip(event.failure_reason, MAX_REASON)
            if event.status_class is StatusClass.FAILED
            else None,
        )
    if isinstance(detail, ClusterEventDetail):  # a cluster event: its parent's "last event"
        entry["description"] = _clip(detail.description, MAX_REASON)
    if is_trial(event):
        assert event.parent is not None
        entry["tuning"] = event.parent.name
    objective = _objective(event) if event.kind is ResourceKind.TUNING else None
    if objective:
        entry["objective"] = list(objective)
    if isinstance(detail, TrainingJobDetail):
        metrics = detail.FinalMetricDataList if isinstance(detail.FinalMetricDataList, list) else []
        entry["metrics"] = {
            str(m["MetricName"]): m["Value"]
            for m in metrics[: ch.MAX_METRICS]
            if isinstance(m, dict) and "MetricName" in m and isinstance(m.get("Value"), int | float)
        }
    return entry


def _clip(text: str | None, limit: int) -> str | None:
    return text[: limit - 1] + "…" if text is not None and len(text) > limit else text


def child_key(event: SageMakerEvent, root: Root | None = None) -> str:
    """Where a parent keeps a child: steps feed the checklist, trials the roll-up, a run's
    jobs their step's line."""
    if (
        root is not None
        and root.run is not None
        and event.kind is not ResourceKind.STEP
        and not is_trial(event)
    ):
        return f"{JOB_PREFIX}{event.kind.value}:{event.resource.name}"
    if is_labeling_task(event):
        # Each task counts once in each status it reports (``_own_id``: its id, or without
        # one the event's): redelivered or out of order, the counts stay right.
        return f"{ch.TASK_PREFIX}{_own_id(event)}#{event.status or '-'}"
    if is_cluster_event(event):
        return ch.EVENT_PREFIX + _own_id(event)
    if event.kind is ResourceKind.CLUSTER:
        return ch.NODE_PREFIX + event.resource.name  # a node's health
    prefix = {ResourceKind.STEP: STEP_PREFIX, ResourceKind.TRAINING: TRIAL_PREFIX}.get(
        event.kind, CHILD_PREFIX
    )
    return prefix + event.resource.name


def children_summary(state: dict[str, Any]) -> dict[str, Any]:
    """A thread's summary of its children; for a thread kept before children were records of
    their own (schema 1 and 2), the summary of the children inline in its state."""
    summary = state.get(CHILDREN_KEY)
    return summary if isinstance(summary, dict) else ch.from_entries(state)


def child_before(
    event: SageMakerEvent, key: str, stored: dict[str, Any] | None, state: dict[str, Any]
) -> tuple[dict[str, Any] | None, str | None]:
    """A child's entry before ``event`` (its record, else where schema 1 or 2 kept it), and
    the status shown before ``event``: None for a child seen for the first time."""
    known = stored if stored is not None else state.get(key)
    if not isinstance(known, dict):
        return None, None
    return known, previous_status(known, event, known.get("status"))


def fold_child(
    event: SageMakerEvent,
    key: str,
    old: dict[str, Any] | None,
    state: dict[str, Any],
    *,
    now: float | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A child's new entry, and its thread's new summary: what the store writes together.
    ``now``: when it is written, for the children that refresh their parent at most so often
    (``bot/delivery/throttle.py``)."""
    known, previous = child_before(event, key, old, state)
    entry = {**child_entry(event), **previous_entry(event, previous)}
    before = children_summary(state)
    summary = ch.fold(before, key, known, entry)
    if now is not None and throttled(event):
        summary = throttle.stamp(before, summary, now)
    return entry, summary


def render_context(
    root: SageMakerEvent, state: dict[str, Any], *, note: str | None = None
) -> RenderContext:
    """The parent's context from its thread state: the step checklist or the trial roll-up."""
    summary = children_summary(state)
    steps = ch.shown(summary, ch.STEPS)
    steps.sort(key=lambda s: (s.get("started") or float("inf"), s.get("order", [0])[0]))
    jobs = ch.shown(summary, ch.JOBS)
    trials = ch.trial_groups(summary)
    if jobs and trials:
        # A run's tuning jobs: each rolls its own trials up into its line.
        jobs = [_with_trials(job, summary) for job in jobs]
    steps, unclaimed = _jobs_on_steps(steps, jobs)
    step_counts = ch.counts(summary, ch.STEPS)
    return RenderContext(
        steps=steps,
        step_counts=dict(step_counts["class"]) if step_counts["total"] else None,
        jobs=unclaimed,
        rollup=_rollup(_objective(root), summary, trials)
        if trials and not jobs
        else _own_rollup(summary),
        note=note,
        decision=decision_from_state(state.get(DECISION_KEY)),
        evidence=PackageEvidence.from_json(state.get(EVIDENCE_KEY)),
    )


def _jobs_on_steps(
    steps: list[dict[str, Any]], jobs: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each run job on the line of the step that launched it: the step's metadata names it,
    or, before the step's event says so, the job's name carries the step's. The rest, in
    the order they started, are the run's other jobs."""
    if not jobs:
        return steps, []
    jobs = sorted(jobs, key=lambda j: tuple(j.get("order") or (0,)))
    claimed: set[int] = set()
    placed: list[dict[str, Any]] = []
    for step in steps:
        # ARNs spell job names in lower case: compare without it.
        named = {str(j).lower() for j in step.get("jobs") or ()}
        mine = [
            i
            for i, job in enumerate(jobs)
            if i not in claimed
            and (
                f"{job.get('kind')}:{job.get('job_name')}".lower() in named
                or (not named and step_name_matches(step.get("name"), job.get("job_name")))
            )
        ]
        claimed.update(mine)
        placed.append({**step, "run_jobs": [jobs[i] for i in mine]} if mine else step)
    return placed, [job for i, job in enumerate(jobs) if i not in claimed]


def _with_trials(job: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    if job.get("kind") != ResourceKind.TUNING.value:
        return job
    # A trial names its tuning job by ARN, which spells it in lower case.
    group = ch.TRIALS + str(job.get("job_name") or "").lower()
    if not ch.counts(summary, group)["total"]:
        return job
    objective = job.get("objective")
    wanted = (str(objective[0]), bool(objective[1])) if isinstance(objective, list) else None
    return {**job, "rollup": _rollup(wanted, summary, [group])}


def _rollup(
    objective: tuple[str, bool] | None, summary: dict[str, Any], groups: list[str]
) -> dict[str, Any]:
    counters: dict[str, int] = {}
    total = 0
    for group in groups:
        counts = ch.counts(summary, group)
        total += counts["total"]
        for status, n in counts["status"].items():
            counters[status] = counters.get(status, 0) + n
    rollup: dict[str, Any] = {"counters": counters, "total": total}
    if objective:
        metric, maximize = objective
        found = [b for g in groups if (b := ch.best(summary, g, metric, maximize)) is not None]
        if found:
            pick = max if maximize else min
            rollup["best"] = pick(found, key=lambda b: b["value"])
    return rollup


def _own_rollup(summary: dict[str, Any]) -> dict[str, Any] | None:
    """A labeling job's tasks by status, or a HyperPod cluster's events by level, its newest
    event and its unhealthy nodes; None when the thread has neither."""
    tasks = ch.counts(summary, ch.TASKS)
    events = ch.counts(summary, ch.EVENTS)
    nodes = ch.counts(summary, ch.NODES)
    if tasks["total"]:
        return {"tasks": dict(tasks["status"]), "total": tasks["total"]}
    if not (events["total"] or nodes["total"]):
        return None
    unhealthy = [n for n in ch.shown(summary, ch.NODES) if n.get("status_class") in ALERTS]
    return {
        "events": dict(events["status"]),
        "last_event": ch.newest(summary, ch.EVENTS),
        "nodes": dict(nodes["status"]),
        "unhealthy": sorted(unhealthy, key=lambda n: tuple(n.get("order") or (0,))),
    }


def _objective(root: SageMakerEvent) -> tuple[str, bool] | None:
    config = root.detail.field("HyperParameterTuningJobConfig")
    objective = config.get("HyperParameterTuningJobObjective") if isinstance(config, dict) else None
    if not isinstance(objective, dict) or not objective.get("MetricName"):
        return None
    return str(objective["MetricName"]), str(objective.get("Type", "")).lower() != "minimize"


def root_event(state: dict[str, Any]) -> SageMakerEvent | None:
    raw = state.get(EVENT_KEY)
    return parse_event(raw) if isinstance(raw, dict) else None
