"""Workflow: which pipeline run an event belongs to, and as what.

Events are built from the seed samples (tests/events/*.json, from AWS's EventBridge page) with
names taken from real runs: AWS's "Run a pipeline" tutorial (execution cfvy1tjuxdq8, step names
lowercased in job names), a 2024 run whose 23-character step name was cut to 20 in the job name
(pipelines-8pk6dxn4cfvl-Rossmann-Model-Train-bPVYsMzUlc) and the seed's model package
(GeneratedBy …/execution/4r83jejmhorv).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent, parse_event
from bot.events.workflow import (
    Evidence,
    JobRef,
    PipelineJobName,
    RunKey,
    RunLink,
    RunRole,
    cache_source,
    execution_run,
    run_of,
    step_jobs,
    step_name_matches,
)
from tests.conftest import load_sample

ACCOUNT, REGION = "123456789012", "us-east-1"
PIPELINE = "arn:aws:sagemaker:us-east-1:123456789012:pipeline/myPipeline-123"
EXECUTION = f"{PIPELINE}/execution/p4jn9xou8a8s"
EARLIER = f"{PIPELINE}/execution/cfvy1tjuxdq8"
RUN = RunKey(ACCOUNT, REGION, "p4jn9xou8a8s")
EARLIER_RUN = RunKey(ACCOUNT, REGION, "cfvy1tjuxdq8")
JOB_ARN = "arn:aws:sagemaker:us-east-1:123456789012:{type}/{name}"


def event(sample: str, **detail: Any) -> SageMakerEvent:
    """A seed sample with detail fields replaced (``None`` removes one)."""
    raw = copy.deepcopy(load_sample(sample))
    for key, value in detail.items():
        if value is None:
            raw["detail"].pop(key, None)
        else:
            raw["detail"][key] = value
    return parse_event(raw)


def training(name: str, **detail: Any) -> SageMakerEvent:
    arn = JOB_ARN.format(type="training-job", name=name)
    return event("training_job_state_change", TrainingJobName=name, TrainingJobArn=arn, **detail)


def processing(name: str, **detail: Any) -> SageMakerEvent:
    arn = JOB_ARN.format(type="processing-job", name=name)
    raw = copy.deepcopy(load_sample("processing_job_state_change_failed"))
    raw["resources"] = [arn]
    raw["detail"].update(ProcessingJobName=name, ProcessingJobArn=arn, **detail)
    return parse_event(raw)


def transform(name: str, **detail: Any) -> SageMakerEvent:
    arn = JOB_ARN.format(type="transform-job", name=name)
    return event("transform_job_state_change", TransformJobName=name, TransformJobArn=arn, **detail)


def tuning(name: str) -> SageMakerEvent:
    arn = JOB_ARN.format(type="hyper-parameter-tuning-job", name=name)
    return event(
        "tuning_job_state_change", HyperParameterTuningJobName=name, HyperParameterTuningJobArn=arn
    )


def model(name: str) -> SageMakerEvent:
    arn = JOB_ARN.format(type="model", name=name)
    return event("model_state_change", ModelName=name, ModelArn=arn)


def package(generated_by: Any) -> SageMakerEvent:
    if generated_by is None:
        return event("model_package_state_change", MetadataProperties=None)
    return event("model_package_state_change", MetadataProperties={"GeneratedBy": generated_by})


def step(name: str | None = "myprocessingstep1", **detail: Any) -> SageMakerEvent:
    return event("pipeline_step_status_change", stepName=name, **detail)


def meta(kind: str, type_: str, name: str) -> dict[str, Any]:
    return {kind: {"arn": JOB_ARN.format(type=type_, name=name)}}


PIPELINE_JOB = "pipelines-p4jn9xou8a8s-myprocessingstep1-tmgxry49ug"
TRAIN_JOB = "pipelines-p4jn9xou8a8s-Rossmann-Model-Train-bPVYsMzUlc"
EXPERIMENT = {"ExperimentName": "mypipeline-123", "TrialName": "p4jn9xou8a8s"}


# --- run_of: one row per kind, inside a run and outside one ----------------------------------

RUN_OF: list[tuple[str, SageMakerEvent, RunLink | None]] = [
    (
        "execution",
        event("pipeline_execution_status_change"),
        RunLink(RUN, RunRole.EXECUTION, Evidence.ARN, pipeline_name="myPipeline-123"),
    ),
    (
        "step",
        step(),
        RunLink(
            RUN,
            RunRole.STEP,
            Evidence.ARN,
            pipeline_name="myPipeline-123",
            step_name="myprocessingstep1",
        ),
    ),
    (
        "processing job by name",
        processing(PIPELINE_JOB),
        RunLink(
            RUN,
            RunRole.JOB,
            Evidence.JOB_NAME,
            step_hint="myprocessingstep1",
            job=JobRef(
                ResourceKind.PROCESSING,
                PIPELINE_JOB,
                JOB_ARN.format(type="processing-job", name=PIPELINE_JOB),
                ACCOUNT,
                REGION,
            ),
        ),
    ),
    (
        "training job by name, experiment names the pipeline",
        training(TRAIN_JOB, ExperimentConfig=EXPERIMENT),
        RunLink(
            RUN,
            RunRole.JOB,
            Evidence.JOB_NAME,
            pipeline_name="mypipeline-123",
            step_hint="Rossmann-Model-Train",
            job=JobRef(
                ResourceKind.TRAINING,
                TRAIN_JOB,
                JOB_ARN.format(type="training-job", name=TRAIN_JOB),
                ACCOUNT,
                REGION,
            ),
        ),
    ),
    (
        "training job by experiment alone",
        training("my-custom-job-name", ExperimentConfig=EXPERIMENT),
        RunLink(
            RUN,
            RunRole.JOB,
            Evidence.EXPERIMENT,
            pipeline_name="mypipeline-123",
            job=JobRef(
                ResourceKind.TRAINING,
                "my-custom-job-name",
                JOB_ARN.format(type="training-job", name="my-custom-job-name"),
                ACCOUNT,
                REGION,
            ),
        ),
    ),
    (
        "model by name",
        model("pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra"),
        RunLink(
            RUN,
            RunRole.MODEL,
            Evidence.JOB_NAME,
            step_hint="abalonecreatemodel",
            job=JobRef(
                ResourceKind.MODEL,
                "pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra",
                JOB_ARN.format(
                    type="model", name="pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra"
                ),
                ACCOUNT,
                REGION,
            ),
        ),
    ),
    (
        "model package by GeneratedBy (the seed sample as it is)",
        event("model_package_state_change"),
        RunLink(
            RunKey(ACCOUNT, "us-east-2", "4r83jejmhorv"),
            RunRole.MODEL_PACKAGE,
            Evidence.GENERATED_BY,
            pipeline_name="versionedmp-p-idy6c3e1fiqj",
            job=JobRef(
                ResourceKind.MODEL_PACKAGE,
                "versionedmp-p-idy6c3e1fiqj/2",
                "arn:aws:sagemaker:us-east-2:123456789012:model-package/versionedmp-p-idy6c3e1fiqj/2",
                ACCOUNT,
                "us-east-2",
            ),
        ),
    ),
    # Outside any run: the seed samples as they are.
    ("training job, no run", event("training_job_state_change"), None),
    ("processing job, empty ExperimentConfig", event("processing_job_state_change_failed"), None),
    ("transform job, no run", event("transform_job_state_change"), None),
    ("tuning job, no run", event("tuning_job_state_change"), None),
    ("model, no run", event("model_state_change"), None),
    ("model package without MetadataProperties", package(None), None),
    ("endpoint", event("endpoint_state_change"), None),
    ("deployment", event("endpoint_deployment_state_change_canary"), None),
    ("feature group", event("feature_group_state_change"), None),
    ("image", event("image_state_change"), None),
    ("model card", event("model_card_state_change"), None),
]


@pytest.mark.parametrize(
    ("sample", "expected"), [row[1:] for row in RUN_OF], ids=[row[0] for row in RUN_OF]
)
def test_run_of(sample: SageMakerEvent, expected: RunLink | None) -> None:
    assert run_of(sample) == expected


def test_every_kind_of_a_run_claims_the_same_thread() -> None:
    events = [
        event("pipeline_execution_status_change"),
        step(),
        processing(PIPELINE_JOB),
        training(TRAIN_JOB),
        transform("pipelines-p4jn9xou8a8s-abalonetransform-ptyjoef3jy"),
        model("pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra"),
        package(EXECUTION),
    ]
    keys = set()
    for each in events:
        link = run_of(each)
        assert link is not None
        keys.add(link.run.key)
    assert keys == {"pipeline-run/us-east-1/123456789012/p4jn9xou8a8s"}


def test_run_key_style() -> None:
    assert RUN.key == "pipeline-run/us-east-1/123456789012/p4jn9xou8a8s"
    assert RunKey("1", "eu-west-1", "x") != RunKey("2", "eu-west-1", "x")


# --- job names: lookalikes must not match --------------------------------------------------

NOT_PIPELINE_NAMES = [
    "pipelines-report-generator",  # a user's job: no execution id
    "pipelines-featurestore-ingest-2024",  # 12 letters, but no 10-character suffix
    "pipelines-p4jn9xou8a8s",  # prefix only
    "pipelines-p4jn9xou8a8s-tmgxry49ug",  # no step part
    "pipelines-P4JN9XOU8A8S-step-tmgxry49ug",  # execution ids are lowercase
    "pipelines-p4jn9xou8a8-step-tmgxry49ug",  # 11 characters
    "pipelines-p4jn9xou8a8sx-step-tmgxry49ug",  # 13 characters
    "pipelines-p4jn9xou8a8s-a-step-name-longer-than-twenty-tmgxry49ug",  # step part > 20
    "pipelines-p4jn9xou8a8s-step-tmgxry49u",  # 9-character suffix
    "my-pipelines-p4jn9xou8a8s-step-tmgxry49ug",  # not at the start
    "Pipelines-p4jn9xou8a8s-step-tmgxry49ug",
    "pipelines-p4jn9xou8a8s-step_1-tmgxry49ug",  # not a job name at all
    "",
]


@pytest.mark.parametrize("name", NOT_PIPELINE_NAMES)
def test_lookalike_names_are_no_run(name: str) -> None:
    assert PipelineJobName.parse(name) is None
    if name:
        assert run_of(training(name)) is None
        assert run_of(processing(name)) is None
        assert run_of(model(name)) is None


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        (PIPELINE_JOB, ("p4jn9xou8a8s", "myprocessingstep1", "tmgxry49ug")),
        (
            "pipelines-8pk6dxn4cfvl-Rossmann-Model-Train-bPVYsMzUlc",
            ("8pk6dxn4cfvl", "Rossmann-Model-Train", "bPVYsMzUlc"),
        ),
        # An execution id with no digit (ztefwbnlgoif is a real one).
        ("pipelines-ztefwbnlgoif-XGBoostTrainingStep-XEdt5h2gQC", None),  # 19 chars: fine
        # The cut fell just after a hyphen: the job name holds "--".
        ("pipelines-ztefwbnlgoif-Train-Model-Final--XEdt5h2gQC", None),
    ],
)
def test_pipeline_job_names_parse(name: str, parts: tuple[str, str, str] | None) -> None:
    parsed = PipelineJobName.parse(name)
    assert parsed is not None
    if parts:
        assert tuple(parsed) == parts


def test_parse_ignores_what_is_not_a_string() -> None:
    values: list[object] = [None, 12, ["pipelines-p4jn9xou8a8s-step-tmgxry49ug"], {}]
    for value in values:
        assert PipelineJobName.parse(value) is None


# --- ExperimentConfig ------------------------------------------------------------------------

EXPERIMENT_ROWS: list[tuple[str, Any, RunKey | None]] = [
    ("trial is an execution id", EXPERIMENT, RUN),
    ("trial without an experiment", {"TrialName": "p4jn9xou8a8s"}, RUN),
    ("custom trial name", {"ExperimentName": "churn", "TrialName": "2026-05-26-baseline"}, None),
    ("trial name in capitals", {"ExperimentName": "p", "TrialName": "P4JN9XOU8A8S"}, None),
    ("empty config (the seed processing job)", {}, None),
    ("config is not an object", "p4jn9xou8a8s", None),
    ("trial name is not a string", {"TrialName": 123456789012}, None),
]


@pytest.mark.parametrize(
    ("config", "run"),
    [row[1:] for row in EXPERIMENT_ROWS],
    ids=[row[0] for row in EXPERIMENT_ROWS],
)
@pytest.mark.parametrize("make", [training, processing, transform])
def test_experiment_config_links_a_job(config: Any, run: RunKey | None, make: Any) -> None:
    link = run_of(make("some-job", ExperimentConfig=config))
    assert (link.run if link else None) == run
    if link:
        assert link.evidence is Evidence.EXPERIMENT
        assert link.role is RunRole.JOB


def test_the_name_outranks_the_experiment() -> None:
    other = {"ExperimentName": "other", "TrialName": "cfvy1tjuxdq8"}
    link = run_of(training(TRAIN_JOB, ExperimentConfig=other))
    assert link is not None
    assert link.run == RUN
    assert link.evidence is Evidence.JOB_NAME
    assert link.pipeline_name is None  # the experiment is another run's: it names nothing here


def test_a_job_in_another_account_keys_its_own_account() -> None:
    raw = copy.deepcopy(load_sample("training_job_state_change"))
    arn = f"arn:aws:sagemaker:eu-west-1:210987654321:training-job/{TRAIN_JOB}"
    raw["detail"].update(TrainingJobName=TRAIN_JOB, TrainingJobArn=arn)
    link = run_of(parse_event(raw))
    assert link is not None
    assert link.run == RunKey("210987654321", "eu-west-1", "p4jn9xou8a8s")


# --- tuning jobs and their trials ------------------------------------------------------------


def test_a_tuning_trial_is_in_a_run_only_through_its_tuning_job() -> None:
    tuning_arn = JOB_ARN.format(
        type="hyper-parameter-tuning-job", name="pipelines-p4jn9xou8a8s-tune-abcdefghij"
    )
    trial = training(
        "pipelines-p4jn9xou8a8s-tune-abcdefghij-001-1a2b3c4d",
        TuningJobArn=tuning_arn,
        ExperimentConfig=EXPERIMENT,
    )
    link = run_of(trial)
    assert link is not None
    assert link.role is RunRole.TUNING_TRIAL
    assert link.run == RUN
    assert link.job is not None
    assert link.job.kind is ResourceKind.TUNING
    assert link.job.arn == tuning_arn
    # The trial's thread is still its tuning job's.
    assert trial.parent is not None and trial.parent.arn == tuning_arn


@pytest.mark.parametrize(
    "trial_name",
    [
        # A trial of a tuning job the run cannot be read from: not linked, whatever the trial's
        # own name or experiment says (the trial stays with its tuning job).
        "pipelines-p4jn9xou8a8s-Rossmann-Model-Train-bPVYsMzUlc",
        "tune-abc-001-1a2b3c4d",
    ],
)
def test_a_trial_of_an_unknown_tuning_job_is_in_no_run(trial_name: str) -> None:
    tuning_arn = JOB_ARN.format(type="hyper-parameter-tuning-job", name="tune-abc")
    trial = training(trial_name, TuningJobArn=tuning_arn, ExperimentConfig=EXPERIMENT)
    assert run_of(trial) is None


def test_a_malformed_tuning_arn_is_no_run() -> None:
    assert run_of(training(TRAIN_JOB, TuningJobArn="not-an-arn")) is None


def test_a_tuning_job_of_a_pipeline_links_through_its_step() -> None:
    # Tuning job names hold at most 32 characters: no room for pipelines-<12>-<step>-<10>.
    assert run_of(tuning("a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4")) is None
    jobs = step_jobs(
        step("TuneModel", metadata=meta("tuningJob", "hyper-parameter-tuning-job", "x1y2z3"))
    )
    assert [(job.kind, job.name) for job in jobs] == [(ResourceKind.TUNING, "x1y2z3")]


# --- model packages --------------------------------------------------------------------------

PACKAGE_ROWS: list[tuple[str, Any, RunKey | None, Evidence | None]] = [
    ("execution ARN", EXECUTION, RUN, Evidence.GENERATED_BY),
    (
        "the training job that made it",
        JOB_ARN.format(type="training-job", name=TRAIN_JOB),
        RUN,
        Evidence.JOB_NAME,
    ),
    ("a pipeline ARN without execution", PIPELINE, None, None),
    (
        "a training job outside any run",
        JOB_ARN.format(type="training-job", name="kmeans-1"),
        None,
        None,
    ),
    ("an endpoint", JOB_ARN.format(type="endpoint", name=TRAIN_JOB), None, None),
    ("not an ARN", "someone", None, None),
    ("empty", "", None, None),
    ("not a string", {"Arn": EXECUTION}, None, None),
    ("an execution ARN with an empty id", f"{PIPELINE}/execution/", None, None),
]


@pytest.mark.parametrize(
    ("generated_by", "run", "evidence"),
    [row[1:] for row in PACKAGE_ROWS],
    ids=[row[0] for row in PACKAGE_ROWS],
)
def test_model_package_generated_by(
    generated_by: Any, run: RunKey | None, evidence: Evidence | None
) -> None:
    link = run_of(package(generated_by))
    assert (link.run if link else None) == run
    assert (link.evidence if link else None) == evidence
    if link:
        assert link.role is RunRole.MODEL_PACKAGE


def test_model_package_metadata_properties_not_an_object() -> None:
    assert run_of(event("model_package_state_change", MetadataProperties="x")) is None


# --- execution and step events that do not say enough -----------------------------------------

MALFORMED: list[tuple[str, SageMakerEvent]] = [
    ("execution without ARN", event("pipeline_execution_status_change", pipelineExecutionArn=None)),
    (
        "execution ARN is a pipeline",
        event("pipeline_execution_status_change", pipelineExecutionArn=PIPELINE),
    ),
    (
        "execution ARN garbled",
        event("pipeline_execution_status_change", pipelineExecutionArn="arn:aws"),
    ),
    (
        "execution ARN not a string",
        event("pipeline_execution_status_change", pipelineExecutionArn=42),
    ),
    ("step without execution ARN", step(pipelineExecutionArn=None)),
    (
        "step ARN without account",
        step(pipelineExecutionArn="arn:aws:sagemaker:us-east-1::pipeline/p/execution/p4jn9xou8a8s"),
    ),
    (
        "detail is not an object",
        parse_event({**load_sample("pipeline_step_status_change"), "detail": []}),
    ),
    ("no detail at all", parse_event({"detail-type": "SageMaker Training Job State Change"})),
    ("empty event", parse_event({})),
]


@pytest.mark.parametrize("broken", [row[1] for row in MALFORMED], ids=[row[0] for row in MALFORMED])
def test_malformed_events_are_in_no_run(broken: SageMakerEvent) -> None:
    assert run_of(broken) is None
    assert cache_source(broken) is None
    step_jobs(broken)  # never raises


def test_a_step_without_its_execution_still_names_its_job() -> None:
    # The job is still the step's; only the run cannot be read from this event.
    jobs = step_jobs(step(pipelineExecutionArn=None))
    assert [job.name for job in jobs] == [PIPELINE_JOB]
    assert step_jobs(parse_event({})) == []


def test_a_step_without_a_name_still_belongs_to_its_run() -> None:
    link = run_of(step(None))
    assert link is not None
    assert link.run == RUN
    assert link.step_name is None


@pytest.mark.parametrize(
    ("arn", "run"),
    [
        (EXECUTION, RUN),
        (
            "arn:aws-cn:sagemaker:cn-north-1:123456789012:pipeline/p/execution/abcdefabcdef",
            RunKey(ACCOUNT, "cn-north-1", "abcdefabcdef"),
        ),
        (PIPELINE, None),
        (f"{EXECUTION}/step/train", None),
        ("arn:aws:states:us-east-1:123456789012:pipeline/p/execution/p4jn9xou8a8s", None),
        (JOB_ARN.format(type="training-job", name=TRAIN_JOB), None),
        (None, None),
    ],
)
def test_execution_run(arn: Any, run: RunKey | None) -> None:
    assert execution_run(arn) == run


# --- step_jobs -------------------------------------------------------------------------------

STEP_ROWS: list[tuple[str, Any, list[tuple[ResourceKind, str]]]] = [
    (
        "processing (the seed sample)",
        meta("processingJob", "processing-job", PIPELINE_JOB),
        [(ResourceKind.PROCESSING, PIPELINE_JOB)],
    ),
    (
        "training",
        meta("trainingJob", "training-job", TRAIN_JOB),
        [(ResourceKind.TRAINING, TRAIN_JOB)],
    ),
    (
        "transform",
        meta("transformJob", "transform-job", "pipelines-p4jn9xou8a8s-abalonetransform-ptyjoef3jy"),
        [(ResourceKind.TRANSFORM, "pipelines-p4jn9xou8a8s-abalonetransform-ptyjoef3jy")],
    ),
    (
        "model",
        meta("model", "model", "pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra"),
        [(ResourceKind.MODEL, "pipelines-p4jn9xou8a8s-abalonecreatemodel-jl94rai0ra")],
    ),
    (
        "register model",
        meta("registerModel", "model-package", "abalonemodelpackagegroupname/1"),
        [(ResourceKind.MODEL_PACKAGE, "abalonemodelpackagegroupname/1")],
    ),
    (
        "API casing (ListPipelineExecutionSteps)",
        {"TrainingJob": {"Arn": JOB_ARN.format(type="training-job", name=TRAIN_JOB)}},
        [(ResourceKind.TRAINING, TRAIN_JOB)],
    ),
    (
        "quality check: its check job",
        {
            "qualityCheck": {
                "checkType": "DATA_QUALITY",
                "checkJobArn": JOB_ARN.format(type="processing-job", name=PIPELINE_JOB),
            }
        },
        [(ResourceKind.PROCESSING, PIPELINE_JOB)],
    ),
    ("condition", {"condition": {"outcome": "True"}}, []),
    ("fail", {"fail": {"errorMessage": "too bad"}}, []),
    (
        "lambda",
        {
            "lambda": {
                "arn": "arn:aws:lambda:us-east-1:123456789012:function:f",
                "outputParameters": [],
            }
        },
        [],
    ),
    ("endpoint: not linked", meta("endpoint", "endpoint", "my-endpoint"), []),
    ("empty", {}, []),
    ("not an object", "processingJob", []),
    ("entry not an object", {"trainingJob": "arn:aws:sagemaker:…"}, []),
    ("arn not a string", {"trainingJob": {"arn": 7}}, []),
    ("arn not an ARN", {"trainingJob": {"arn": "pipelines-p4jn9xou8a8s-x-abcdefghij"}}, []),
    (
        "arn without a name",
        {"trainingJob": {"arn": "arn:aws:sagemaker:us-east-1:1:training-job/"}},
        [],
    ),
]


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [row[1:] for row in STEP_ROWS],
    ids=[row[0] for row in STEP_ROWS],
)
def test_step_jobs(metadata: Any, expected: list[tuple[ResourceKind, str]]) -> None:
    jobs = step_jobs(step(metadata=metadata))
    assert [(job.kind, job.name) for job in jobs] == expected
    assert all(job.launched_by_step for job in jobs)


def test_a_step_job_has_the_key_of_the_job_s_own_events() -> None:
    (job,) = step_jobs(step())
    assert job.ref.key == processing(PIPELINE_JOB).resource.key
    link = run_of(processing(PIPELINE_JOB))
    assert link is not None and link.job is not None
    assert link.job.ref.key == job.ref.key


def test_step_jobs_of_other_events_is_empty() -> None:
    assert step_jobs(processing(PIPELINE_JOB)) == []
    assert cache_source(processing(PIPELINE_JOB)) is None


# --- cache hits ------------------------------------------------------------------------------

EARLIER_JOB = "pipelines-cfvy1tjuxdq8-myprocessingstep1-zfraozhmny"

CACHE_ROWS: list[tuple[str, dict[str, Any], RunKey | None, RunKey | None]] = [
    (
        "cache hit",
        {
            "cacheHitResult": {"sourcePipelineExecutionArn": EARLIER},
            "metadata": meta("processingJob", "processing-job", EARLIER_JOB),
        },
        EARLIER_RUN,
        EARLIER_RUN,
    ),
    (
        "cache hit, API casing",
        {
            "cacheHitResult": {"SourcePipelineExecutionArn": EARLIER},
            "metadata": meta("processingJob", "processing-job", EARLIER_JOB),
        },
        EARLIER_RUN,
        EARLIER_RUN,
    ),
    (
        "selective execution reused the step",
        {
            "selectiveExecutionResult": {"sourcePipelineExecutionArn": EARLIER},
            "metadata": meta("processingJob", "processing-job", EARLIER_JOB),
        },
        EARLIER_RUN,
        EARLIER_RUN,
    ),
    (
        "empty source ARN (as the API returns for an uncached step)",
        {"cacheHitResult": {"SourcePipelineExecutionArn": ""}},
        None,
        None,
    ),
    ("empty object", {"cacheHitResult": {}}, None, None),
    ("not an object", {"cacheHitResult": "yes"}, None, None),
    (
        "source is this very run",
        {"cacheHitResult": {"sourcePipelineExecutionArn": EXECUTION}},
        None,
        None,
    ),
    (
        "no cacheHitResult, but the job's name says an earlier run",
        {"metadata": meta("processingJob", "processing-job", EARLIER_JOB)},
        None,
        EARLIER_RUN,
    ),
]


@pytest.mark.parametrize(
    ("detail", "source", "job_from"),
    [row[1:] for row in CACHE_ROWS],
    ids=[row[0] for row in CACHE_ROWS],
)
def test_cache_hits(detail: dict[str, Any], source: RunKey | None, job_from: RunKey | None) -> None:
    cached = step(**detail)
    assert cache_source(cached) == source
    jobs = step_jobs(cached)
    assert [job.cached_from for job in jobs] == [job_from] * len(jobs)
    assert all(job.launched_by_step is (job_from is None) for job in jobs)
    # The step itself is still this run's step.
    link = run_of(cached)
    assert link is not None and link.run == RUN and link.role is RunRole.STEP


def test_a_cached_job_s_own_events_belong_to_the_earlier_run() -> None:
    link = run_of(processing(EARLIER_JOB))
    assert link is not None
    assert link.run == EARLIER_RUN


# --- step_name_matches -----------------------------------------------------------------------

MATCHES: list[tuple[str, str, bool]] = [
    # Seen in real runs.
    ("myprocessingstep1", PIPELINE_JOB, True),
    ("AbaloneTrain", "pipelines-cfvy1tjuxdq8-abalonetrain-tavd6f3wdf", True),  # lowercased
    ("AbaloneCreateModel", "pipelines-cfvy1tjuxdq8-abalonecreatemodel-jl94rai0ra", True),
    ("TrainAbaloneModel", "pipelines-4r83jejmhorv-TrainAbaloneModel-xw869y8C4a", True),
    ("PreprocessingStep", "pipelines-kytlemm1lvpq-PreprocessingStep-cIpzShs3Qp", True),
    ("Rossmann-Model-Training", TRAIN_JOB, True),  # 23 characters, cut to 20
    ("FlightsFinalTraining", "pipelines-7877okymrfhn-FlightsFinalTraining-6KIqJxP2g4", True),  # 20
    ("class-tfidf-evaluation", "pipelines-abcdef123456-class-tfidf-evaluati-abcdef1234", True),
    # A ModelStep's sub-steps carry a suffix the SDK adds; the cut keeps the first 20.
    (
        "registering-model-RegisterModel",
        "pipelines-p4jn9xou8a8s-registering-model-Re-AbCdEf1234",
        True,
    ),
    # Characters a job name cannot hold: dropped or turned into hyphens (lenient).
    ("train_model", "pipelines-p4jn9xou8a8s-train-model-AbCdEf1234", True),
    ("train_model", "pipelines-p4jn9xou8a8s-trainmodel-AbCdEf1234", True),
    # Not the step.
    ("Rossmann-Model-Training", "pipelines-8pk6dxn4cfvl-Rossmann-Model-Tra-bPVYsMzUlc", False),
    ("Rossmann-Model", TRAIN_JOB, False),  # a prefix of the part is another step
    ("AbaloneTrain", "pipelines-cfvy1tjuxdq8-abaloneeval-zfraozhmny", False),
    ("Train", "pipelines-cfvy1tjuxdq8-abalonetrain-tavd6f3wdf", False),
    ("report-generator", "pipelines-report-generator", False),
    ("step", "step-job-123", False),
    ("", PIPELINE_JOB, False),
]


@pytest.mark.parametrize(("step_name", "job_name", "expected"), MATCHES)
def test_step_name_matches(step_name: str, job_name: str, expected: bool) -> None:
    assert step_name_matches(step_name, job_name) is expected


def test_step_name_matches_checks_the_execution_when_given() -> None:
    assert step_name_matches("myprocessingstep1", PIPELINE_JOB, "p4jn9xou8a8s")
    assert not step_name_matches("myprocessingstep1", PIPELINE_JOB, "cfvy1tjuxdq8")


@pytest.mark.parametrize(("step_name", "job_name"), [(None, PIPELINE_JOB), ("x", None), (3, 4)])
def test_step_name_matches_takes_anything(step_name: Any, job_name: Any) -> None:
    assert step_name_matches(step_name, job_name) is False


def test_a_job_found_first_finds_its_step_by_hint() -> None:
    link = run_of(training(TRAIN_JOB))
    assert link is not None and link.step_hint == "Rossmann-Model-Train"
    assert step_name_matches("Rossmann-Model-Training", TRAIN_JOB, link.run.execution_id)
