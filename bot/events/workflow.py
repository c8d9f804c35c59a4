"""Which pipeline run an event belongs to: the pure half of "one thread per ML workflow".

A SageMaker Pipelines execution (a *run*) makes many resources, and each sends its own events:
the execution, its steps, the processing, training, transform and tuning jobs the steps launch,
the models they create and the model packages they register. This module reads one event and
says which run it belongs to, and as what. It reads events only: no store, no Slack.

How delivery is meant to use it
-------------------------------
* The run's thread is keyed by ``RunKey.key`` (``pipeline-run/<region>/<account>/<execution
  id>``). Job events carry no pipeline name, so a run is keyed by account, region and execution
  id alone; execution ids are random, so this is unique in practice.
* ``run_of(event)`` gives a ``RunLink``: the run, the event's role in it (the execution, a step,
  a job, a model, a model package, a tuning trial) and the evidence it rests on. Events arrive in
  any order; every event of the run claims the same key, so whichever comes first opens the
  thread and the others reply in it. A resource whose ``run_of`` is ``None`` keeps its own
  thread, as today.
* A step event names its jobs: ``step_jobs(step_event)``. When delivery has seen the step event
  it records these job keys (``JobRef.arn`` is the job's ``ResourceRef.key``) against the step, so
  a later job event finds its step exactly. When the job event comes first, its ``RunLink`` has
  ``step_hint`` (the step name as it appears in the job name: truncated to 20 characters, case
  possibly lowered) and ``step_name_matches(step_name, job_name)`` checks a candidate step. A job
  whose ``JobRef.cached_from`` is set was *not* launched by this run's step: the step was a cache
  hit (or a selective execution reused it), the job belongs to the earlier run, and the step line
  may say "cached from <execution id>" (``cache_source``).
* Tuning trials (training jobs with a ``TuningJobArn``) stay in their tuning job's thread, as
  ``Detail.parent()`` says today, even inside a run: their ``RunLink`` (role ``TUNING_TRIAL``)
  names the run only through the tuning job's name, and ``job`` is the tuning job, not the trial.
  Deployments stay under their endpoint; endpoints are not linked to runs at all (they outlive
  the run that created them).

Evidence, most trusted first (``Evidence``)
-------------------------------------------
1. ``ARN``: the event's own execution ARN (execution and step events), or an ARN in a step's
   ``metadata``.
2. ``GENERATED_BY``: a model package's ``MetadataProperties.GeneratedBy`` holding the execution
   ARN (the RegisterModel step sets it; seed sample ``4r83jejmhorv``).
3. ``JOB_NAME``: the name ``pipelines-<execution id>-<step name[:20]>-<10 alphanumerics>`` that
   Pipelines gives every job and model it creates (AWS "Run a pipeline" tutorial, seed samples).
   Strict enough that ``pipelines-report-generator`` does not match, but a hand-made name of that
   exact shape would: delivery should trust this only when it has seen the run.
4. ``EXPERIMENT``: the job's ``ExperimentConfig``: Pipelines puts every job in the experiment
   named after the pipeline (SageMaker lowercases it) and the trial named after the execution
   id, unless the pipeline sets a custom ``PipelineExperimentConfig``. Used only when the trial
   name has the shape of an execution id. The weakest evidence: a user can name a trial so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from bot.events.identity import ARN_KINDS, Arn, ResourceKind, ResourceRef
from bot.events.models import (
    ModelDetail,
    ModelPackageDetail,
    PipelineExecutionDetail,
    PipelineStepDetail,
    ProcessingJobDetail,
    TrainingJobDetail,
    TransformJobDetail,
    TuningJobDetail,
)
from bot.events.parse import SageMakerEvent

# Execution ids in real ARNs are 12 lowercase alphanumerics (p4jn9xou8a8s, cfvy1tjuxdq8,
# ztefwbnlgoif: some have no digit at all).
EXECUTION_ID = re.compile(r"[a-z0-9]{12}")

# pipelines-<execution id>-<step name, first 20 characters>-<10 random alphanumerics>, e.g.
# pipelines-8pk6dxn4cfvl-Rossmann-Model-Train-bPVYsMzUlc (step "Rossmann-Model-Training").
# Job names allow only [A-Za-z0-9-], so the step part does too; it may end with a hyphen when
# the truncation cuts just after one (the job name pattern allows "--").
_PIPELINE_NAME = re.compile(
    r"pipelines-(?P<execution>[a-z0-9]{12})-(?P<step>[A-Za-z0-9-]{1,20})-(?P<suffix>[A-Za-z0-9]{10})"
)
STEP_NAME_PART = 20
"""How many characters of the step name Pipelines keeps in a job name."""

# The kinds a step's metadata can link into the run's thread. Endpoints (EndpointStep) and other
# ARNs (Lambda, EMR, Bedrock, ...) are left out: they are not SageMaker jobs of the run.
LINKED_KINDS = frozenset(
    {
        ResourceKind.TRAINING,
        ResourceKind.PROCESSING,
        ResourceKind.TRANSFORM,
        ResourceKind.TUNING,
        ResourceKind.MODEL,
        ResourceKind.MODEL_PACKAGE,
    }
)
_JOB_KINDS = frozenset(
    {ResourceKind.TRAINING, ResourceKind.PROCESSING, ResourceKind.TRANSFORM, ResourceKind.TUNING}
)


class RunKey(NamedTuple):
    """One pipeline execution, as every event of it can name it."""

    account: str
    region: str
    execution_id: str

    @property
    def key(self) -> str:
        """The run's thread key, in the spirit of ``ResourceRef.key``."""
        return f"pipeline-run/{self.region}/{self.account}/{self.execution_id}"


class RunRole(StrEnum):
    """What an event's resource is within its run."""

    EXECUTION = "execution"
    STEP = "step"
    JOB = "job"
    MODEL = "model"
    MODEL_PACKAGE = "model-package"
    TUNING_TRIAL = "tuning-trial"


class Evidence(StrEnum):
    """Why ``run_of`` put an event in a run, most trusted first."""

    ARN = "arn"
    GENERATED_BY = "generated-by"
    JOB_NAME = "job-name"
    EXPERIMENT = "experiment-config"


class PipelineJobName(NamedTuple):
    """The parts of a name Pipelines generated: ``pipelines-<execution>-<step>-<suffix>``."""

    execution_id: str
    step_part: str
    suffix: str

    @classmethod
    def parse(cls, name: object) -> PipelineJobName | None:
        if not isinstance(name, str):
            return None
        match = _PIPELINE_NAME.fullmatch(name)
        if match is None:
            return None
        return cls(match["execution"], match["step"], match["suffix"])


@dataclass(frozen=True, slots=True)
class JobRef:
    """A resource a step made, as its ``metadata`` names it."""

    kind: ResourceKind
    name: str
    arn: str | None = None
    account: str | None = None
    region: str | None = None
    cached_from: RunKey | None = None
    """Set when the step reused an earlier run's result: the job belongs to that run."""

    @property
    def launched_by_step(self) -> bool:
        """Whether this run's step made it (not a cache hit pointing at an earlier run)."""
        return self.cached_from is None

    @property
    def ref(self) -> ResourceRef:
        """The job as a resource: its ``key`` is what the job's own events get."""
        return ResourceRef(self.kind, self.name, self.arn, self.account, self.region)


@dataclass(frozen=True, slots=True)
class RunLink:
    """An event's place in a pipeline run."""

    run: RunKey
    role: RunRole
    evidence: Evidence
    pipeline_name: str | None = None
    """When known: from an ARN (as created), or from ``ExperimentName`` (lowercased by
    SageMaker): compare case-insensitively."""
    step_name: str | None = None
    """The exact step name: step events only."""
    step_hint: str | None = None
    """For a job or model: the step name as the resource's name carries it (first 20
    characters, case possibly lowered). Check a step with ``step_name_matches``."""
    job: JobRef | None = None
    """For a job, model or package: itself. For a tuning trial: its tuning job."""


# --- public functions -------------------------------------------------------------------------


def execution_run(execution_arn: object) -> RunKey | None:
    """``arn:…:pipeline/<name>/execution/<id>`` → its ``RunKey``; ``None`` if it is not one."""
    arn = Arn.parse(execution_arn)
    if arn is None or arn.service != "sagemaker" or arn.resource_type != "pipeline":
        return None
    pipeline, sep, execution = arn.resource.partition("/execution/")
    if not sep or not pipeline or not execution or "/" in execution:
        return None
    if not arn.account or not arn.region:
        return None
    return RunKey(arn.account, arn.region, execution)


def run_of(event: SageMakerEvent) -> RunLink | None:
    """The pipeline run ``event`` belongs to and its role there; ``None`` when it belongs to none
    (or nothing in the event says so). Never raises on content."""
    detail = event.detail
    try:
        if isinstance(detail, PipelineExecutionDetail | PipelineStepDetail):
            return _execution_or_step_link(detail)
        if isinstance(detail, TrainingJobDetail) and detail.TuningJobArn:
            return _trial_link(detail)
        if isinstance(
            detail, TrainingJobDetail | ProcessingJobDetail | TransformJobDetail | TuningJobDetail
        ):
            return _job_link(event, RunRole.JOB)
        if isinstance(detail, ModelDetail):
            return _job_link(event, RunRole.MODEL)
        if isinstance(detail, ModelPackageDetail):
            return _package_link(event, detail)
    except (AttributeError, TypeError, ValueError):  # pragma: no cover - defensive
        return None
    return None


def step_jobs(step_event: SageMakerEvent) -> list[JobRef]:
    """The jobs, models and packages a step's ``metadata`` names, in the order it names them.

    A job whose ``cached_from`` is set belongs to an earlier run (cache hit or selective
    execution); delivery must not link it as launched by this step. Not a step event, or no
    usable metadata: an empty list.
    """
    detail = step_event.detail
    if not isinstance(detail, PipelineStepDetail):
        return []
    metadata = detail.metadata
    if not isinstance(metadata, dict):
        return []
    this_run = execution_run(detail.pipelineExecutionArn)
    source = cache_source(step_event)
    jobs: list[JobRef] = []
    seen: set[str] = set()
    for entry in metadata.values():
        for arn_text in _arns_in(entry):
            arn = Arn.parse(arn_text)
            if arn is None or arn.service != "sagemaker" or arn_text in seen:
                continue
            kind = ARN_KINDS.get(arn.resource_type)
            if kind not in LINKED_KINDS or not arn.resource:
                continue
            seen.add(arn_text)
            jobs.append(
                JobRef(
                    kind=kind,
                    name=arn.resource,
                    arn=arn_text,
                    account=arn.account or None,
                    region=arn.region or None,
                    cached_from=source or _other_run(arn, this_run),
                )
            )
    return jobs


def cache_source(step_event: SageMakerEvent) -> RunKey | None:
    """The earlier run whose result a step reused (``cacheHitResult``, or a selective execution's
    ``selectiveExecutionResult``); ``None`` when the step ran itself. An empty source ARN, as
    ListPipelineExecutionSteps returns for uncached steps, is no cache hit."""
    detail = step_event.detail
    if not isinstance(detail, PipelineStepDetail):
        return None
    for field in ("cacheHitResult", "selectiveExecutionResult"):
        value = detail.field(field)
        if not isinstance(value, dict):
            continue
        arn = _get(value, "sourcePipelineExecutionArn")
        run = execution_run(arn)
        if run is not None and run != execution_run(detail.pipelineExecutionArn):
            return run
    return None


def step_name_matches(step_name: object, job_name: object, execution_id: str | None = None) -> bool:
    """Whether ``job_name`` (``pipelines-<exec>-<step part>-<suffix>``) was named after the step
    ``step_name`` (and, when given, made in the execution ``execution_id``).

    Pipelines keeps the first 20 characters of the step name; older runs lowercased them (AWS's
    2020 tutorial: step ``AbaloneTrain`` → ``pipelines-cfvy1tjuxdq8-abalonetrain-tavd6f3wdf``),
    newer keep the case (``Rossmann-Model-Training`` → ``…-Rossmann-Model-Train-bPVYsMzUlc``), so
    the comparison ignores case. Step names may hold ``_``, which job names cannot: a ``_`` is
    taken as either dropped or turned into ``-`` (not observed: lenient on purpose).
    """
    if not isinstance(step_name, str) or not step_name:
        return False
    parsed = PipelineJobName.parse(job_name)
    if parsed is None:
        return False
    if execution_id is not None and parsed.execution_id != execution_id:
        return False
    part = parsed.step_part.lower()
    return part in _step_parts(step_name)


# --- helpers ----------------------------------------------------------------------------------


def _step_parts(step_name: str) -> set[str]:
    """The forms a step name can take in a job name (lowercased)."""
    dashed = re.sub(r"[^A-Za-z0-9-]", "-", step_name)
    dropped = re.sub(r"[^A-Za-z0-9-]", "", step_name)
    forms = {
        dashed[:STEP_NAME_PART],
        dropped[:STEP_NAME_PART],
        re.sub(r"[^A-Za-z0-9-]", "", step_name[:STEP_NAME_PART]),
    }
    return {form.lower() for form in forms if form}


def _get(mapping: dict[str, Any], name: str) -> Any:
    """A key in either case of its first letter: events say ``arn``, the API ``Arn``."""
    if name in mapping:
        return mapping[name]
    return mapping.get(name[:1].upper() + name[1:], mapping.get(name[:1].lower() + name[1:]))


def _arns_in(entry: object) -> list[str]:
    """The ARNs one metadata entry holds: ``{"arn": …}`` for jobs, models and packages,
    ``CheckJobArn`` for quality and clarify checks (a processing job)."""
    if not isinstance(entry, dict):
        return []
    found = []
    for name in ("arn", "checkJobArn"):
        value = _get(entry, name)
        if isinstance(value, str) and value.startswith("arn:"):
            found.append(value)
    return found


def _other_run(arn: Arn, this_run: RunKey | None) -> RunKey | None:
    """A metadata job whose name says another execution made it: the step reused it even if
    the event does not say so."""
    name = PipelineJobName.parse(arn.resource)
    if name is None or this_run is None or name.execution_id == this_run.execution_id:
        return None
    return RunKey(arn.account or this_run.account, arn.region or this_run.region, name.execution_id)


def _pipeline_name(*arns: object) -> str | None:
    for text in arns:
        arn = Arn.parse(text)
        if arn and arn.resource_type == "pipeline" and arn.resource:
            return arn.resource.split("/", 1)[0] or None
    return None


def _execution_or_step_link(
    detail: PipelineExecutionDetail | PipelineStepDetail,
) -> RunLink | None:
    """The run's own events name its execution ARN."""
    run = execution_run(detail.pipelineExecutionArn)
    if run is None:
        return None
    step = isinstance(detail, PipelineStepDetail)
    return RunLink(
        run=run,
        role=RunRole.STEP if step else RunRole.EXECUTION,
        evidence=Evidence.ARN,
        pipeline_name=_pipeline_name(detail.pipelineExecutionArn, detail.pipelineArn),
        step_name=(detail.stepName or None) if isinstance(detail, PipelineStepDetail) else None,
    )


def _experiment(detail: Any) -> tuple[str | None, str | None]:
    """``(ExperimentName, TrialName)`` from the job's ``ExperimentConfig``, when it has them."""
    config = detail.field("ExperimentConfig")
    if not isinstance(config, dict):
        return None, None
    experiment, trial = config.get("ExperimentName"), config.get("TrialName")
    return (
        experiment if isinstance(experiment, str) and experiment else None,
        trial if isinstance(trial, str) and trial else None,
    )


def _place(resource: ResourceRef) -> tuple[str, str] | None:
    if resource.account and resource.region:
        return resource.account, resource.region
    return None


def _job_link(event: SageMakerEvent, role: RunRole) -> RunLink | None:
    resource = event.resource
    place = _place(resource)
    if place is None:
        return None
    job = JobRef(resource.kind, resource.name, resource.arn, *place)
    experiment, trial = _experiment(event.detail) if role is RunRole.JOB else (None, None)
    name = PipelineJobName.parse(resource.name)
    if name is not None:
        return RunLink(
            run=RunKey(*place, name.execution_id),
            role=role,
            evidence=Evidence.JOB_NAME,
            # The experiment names the pipeline only when it is the run's own trial.
            pipeline_name=experiment if trial == name.execution_id else None,
            step_hint=name.step_part,
            job=job,
        )
    if trial is not None and EXECUTION_ID.fullmatch(trial):
        return RunLink(
            run=RunKey(*place, trial),
            role=role,
            evidence=Evidence.EXPERIMENT,
            pipeline_name=experiment,
            job=job,
        )
    return None


def _trial_link(detail: TrainingJobDetail) -> RunLink | None:
    """A tuning trial: in a run only through its tuning job's name. Tuning job names are at most
    32 characters, too short for ``pipelines-<12>-<step>-<10>``, so in practice ``None`` until a
    real pipeline tuning job name says otherwise."""
    tuning = Arn.parse(detail.TuningJobArn)
    if tuning is None or not tuning.resource or not tuning.account or not tuning.region:
        return None
    name = PipelineJobName.parse(tuning.resource)
    if name is None:
        return None
    parent = JobRef(
        ResourceKind.TUNING,
        tuning.resource,
        detail.TuningJobArn,
        tuning.account,
        tuning.region,
    )
    return RunLink(
        run=RunKey(tuning.account, tuning.region, name.execution_id),
        role=RunRole.TUNING_TRIAL,
        evidence=Evidence.JOB_NAME,
        step_hint=name.step_part,
        job=parent,
    )


def _package_link(event: SageMakerEvent, detail: ModelPackageDetail) -> RunLink | None:
    metadata = detail.MetadataProperties
    generated_by = _get(metadata, "generatedBy") if isinstance(metadata, dict) else None
    resource = event.resource
    job = JobRef(
        ResourceKind.MODEL_PACKAGE,
        resource.name,
        resource.arn,
        resource.account,
        resource.region,
    )
    run = execution_run(generated_by)
    if run is not None:
        return RunLink(
            run=run,
            role=RunRole.MODEL_PACKAGE,
            evidence=Evidence.GENERATED_BY,
            pipeline_name=_pipeline_name(generated_by),
            job=job,
        )
    # GeneratedBy may name the training job that made the model instead: a pipeline's job.
    arn = Arn.parse(generated_by)
    if arn is None or ARN_KINDS.get(arn.resource_type) not in _JOB_KINDS:
        return None
    name = PipelineJobName.parse(arn.resource)
    if name is None or not arn.account or not arn.region:
        return None
    return RunLink(
        run=RunKey(arn.account, arn.region, name.execution_id),
        role=RunRole.MODEL_PACKAGE,
        evidence=Evidence.JOB_NAME,
        step_hint=name.step_part,
        job=job,
    )
