"""One thread per pipeline run: the jobs a run made live on their step's line in the run's
parent, whatever order their events arrive in; routing stays per channel."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.delivery.deliverer import Outcome
from bot.store import Store, Subscription
from bot.store.sqlite import SqliteStore
from tests.delivery.conftest import CHANNEL, DelivererFactory
from tests.standins.slack_api import Message, SlackStandin

ACCOUNT, REGION = "123456789012", "us-east-1"
EXECUTION_ID = "k2x9p4q7wz1a"
PIPELINE = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:pipeline/churn-training"
EXECUTION = f"{PIPELINE}/execution/{EXECUTION_ID}"
JOB_NAME = f"pipelines-{EXECUTION_ID}-Train-Xy12AbCd34"
JOB = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{JOB_NAME.lower()}"


def envelope(
    detail_type: str, event_id: str, minute: int, detail: dict[str, Any]
) -> dict[str, Any]:
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": "aws.sagemaker",
        "account": ACCOUNT,
        "region": REGION,
        "time": f"2026-11-25T09:{minute:02d}:00Z",
        "resources": [],
        "detail": detail,
    }


def execution(status: str, minute: int, **extra: Any) -> dict[str, Any]:
    return envelope(
        "SageMaker Model Building Pipeline Execution Status Change",
        f"run-{status}",
        minute,
        {
            "pipelineArn": PIPELINE,
            "pipelineExecutionArn": EXECUTION,
            "pipelineExecutionDisplayName": "nightly",
            "currentPipelineExecutionStatus": status,
            "executionStartTime": "2026-11-25T09:00:00Z",
            **extra,
        },
    )


def step(status: str, minute: int, **extra: Any) -> dict[str, Any]:
    return envelope(
        "SageMaker Model Building Pipeline Execution Step Status Change",
        f"step-{status}",
        minute,
        {
            "pipelineArn": PIPELINE,
            "pipelineExecutionArn": EXECUTION,
            "stepName": "Train",
            "stepType": "Training",
            "currentStepStatus": status,
            "stepStartTime": "2026-11-25T09:01:00Z",
            "metadata": {"trainingJob": {"arn": JOB}},
            **extra,
        },
    )


def job(status: str, secondary: str, minute: int, **extra: Any) -> dict[str, Any]:
    return envelope(
        "SageMaker Training Job State Change",
        f"job-{status}-{secondary}",
        minute,
        {
            "TrainingJobName": JOB_NAME,
            "TrainingJobArn": JOB,
            "TrainingJobStatus": status,
            "SecondaryStatus": secondary,
            "LastModifiedTime": 1764061200000 + minute * 60000,
            **extra,
        },
    )


FAILURE = "AlgorithmError: CUDA out of memory"
FAILED_RUN = [
    execution("Executing", 0),
    step("Executing", 1),
    job("InProgress", "Starting", 2),
    job("InProgress", "Training", 5),
    job("Failed", "Failed", 9, FailureReason=FAILURE),
    step("Failed", 10, failureReason=f"ClientError: Training job failed: {FAILURE}"),
    execution("Failed", 11, failureReason="Step failure: One or multiple steps failed."),
]


def parents(slack_api: SlackStandin, channel: str = CHANNEL) -> list[Message]:
    return [m for m in slack_api.messages(channel) if not m.is_reply]


def test_a_failed_run_is_one_thread_with_one_broadcast_naming_the_step(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in FAILED_RUN]

    # The job's progress is on its step's line: no reply until it fails.
    assert outcomes[2:4] == [Outcome.UPDATED, Outcome.UPDATED]
    [parent] = parents(slack_api)
    text = json.dumps(parent.blocks)
    assert JOB_NAME in text  # the job on the step's line, linked
    assert "training-jobs/" in text or "jobs/" in text
    # The notification text names the failed step and the job's (most specific) reason.
    assert "Step Train failed" in parent.text and "CUDA out of memory" in parent.text
    replies = slack_api.thread(CHANNEL, parent.ts)
    broadcasts = [r for r in replies if r.reply_broadcast]
    assert len(broadcasts) == 1
    assert "CUDA out of memory" in broadcasts[0].text
    assert len(replies) <= 4


@pytest.mark.parametrize("order", list(itertools.permutations(range(1, 5))))
def test_the_job_finds_its_step_in_any_order(
    order: tuple[int, ...], make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    events = [FAILED_RUN[0], *(FAILED_RUN[i] for i in order)]
    for event in [*events, *events]:  # with duplicates
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    text = json.dumps(parent.blocks)
    assert JOB_NAME in text
    assert "Also in this run" not in text  # the job is on the Train line, not apart
    assert "CUDA out of memory" in text
    broadcasts = [r for r in slack_api.thread(CHANNEL, parent.ts) if r.reply_broadcast]
    assert len(broadcasts) == 1


def test_the_run_says_what_is_running_and_counts_so_far(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    for event in FAILED_RUN[:4]:
        deliverer.deliver_raw(event)
    [parent] = parents(slack_api)
    text = json.dumps(parent.blocks)
    assert "0 of 1 succeeded, 1 running so far" in text
    assert "Running now: *Train*" in text
    assert "(Training)" in text  # the job's progress on the step's line


def test_a_channel_that_wants_only_training_failures_gets_the_job_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    store.add_subscription(
        Subscription(id="s1", channel="C0TRAINING", kinds=["training"], statuses=["failed"])
    )
    deliverer = make_deliverer()
    for event in FAILED_RUN:
        deliverer.deliver_raw(event)
    # The default channel has the run's thread; the training channel only the job's own.
    assert len(parents(slack_api)) == 1
    [job_parent] = parents(slack_api, "C0TRAINING")
    assert job_parent.text.startswith(":x: Training job")
    assert JOB_NAME in job_parent.text


def test_a_hostile_job_name_is_escaped_on_the_step_line(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    deliverer.deliver_raw(FAILED_RUN[0])
    hostile = job("InProgress", "Training", 5, SecondaryStatus="<!channel> *x*")
    deliverer.deliver_raw(hostile)
    [parent] = parents(slack_api)
    text = json.dumps(parent.blocks)
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(order=st.permutations(range(len(FAILED_RUN))), repeats=st.lists(st.integers(0, 6)))
def test_any_order_of_a_failed_run_with_duplicates(
    order: list[int], repeats: list[int], make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    # Each example in a channel and a store of its own.
    channel = f"C0RUN{abs(hash((tuple(order), tuple(repeats)))) % 10**8}"
    deliverer = make_deliverer(store_=SqliteStore(":memory:"), default_channel=channel)
    for index in [*order, *(order[i] for i in repeats)]:
        deliverer.deliver_raw(FAILED_RUN[index])

    [parent] = parents(slack_api, channel)
    assert parent.text.startswith(":x: Pipeline execution")
    assert "Step Train failed" in parent.text
    replies = slack_api.thread(channel, parent.ts)
    assert sum(r.reply_broadcast for r in replies) == 1
    # No reply for an older state that is not a failure: once a resource's failure is in the
    # thread, nothing of it in progress follows.
    failed: set[str] = set()
    for reply in replies:
        name = reply.text.split("*")[1]
        if reply.text.startswith(":x:"):
            failed.add(name)
        else:
            assert name not in failed, [r.text for r in replies]


TUNING_NAME = "k2x9p4q7wz1a-Tune-8f3c"
TUNING = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:hyper-parameter-tuning-job/{TUNING_NAME.lower()}"


def tuning(status: str, minute: int) -> dict[str, Any]:
    return envelope(
        "SageMaker HyperParameter Tuning Job State Change",
        f"tuning-{status}",
        minute,
        {
            "HyperParameterTuningJobName": TUNING_NAME,
            "HyperParameterTuningJobArn": TUNING,
            "HyperParameterTuningJobStatus": status,
            "HyperParameterTuningJobConfig": {
                "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": "auc"}
            },
            "LastModifiedTime": 1764061200000 + minute * 60000,
        },
    )


def trial(index: int, status: str, minute: int, auc: float) -> dict[str, Any]:
    name = f"{TUNING_NAME}-{index:03d}-abcd"
    return envelope(
        "SageMaker Training Job State Change",
        f"trial-{index}-{status}",
        minute,
        {
            "TrainingJobName": name,
            "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:training-job/{name}",
            "TrainingJobStatus": status,
            "SecondaryStatus": status,
            "TuningJobArn": TUNING,
            "FinalMetricDataList": [{"MetricName": "auc", "Value": auc}],
            "LastModifiedTime": 1764061200000 + minute * 60000,
        },
    )


def tune_step(status: str, minute: int) -> dict[str, Any]:
    raw = step(status, minute, metadata={"tuningJob": {"arn": TUNING}})
    raw["id"] = f"tune-step-{status}"
    raw["detail"].update(stepName="Tune", stepType="Tuning")
    return raw


@pytest.mark.parametrize("store", ["sqlite", "dynamodb"], indirect=True)
def test_a_tuning_job_a_step_launched_rolls_its_trials_up_into_the_steps_line(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    deliverer = make_deliverer()
    events = [
        execution("Executing", 0),
        tune_step("Executing", 1),
        tuning("InProgress", 2),
        trial(1, "InProgress", 3, 0.0),
        trial(2, "InProgress", 3, 0.0),
        trial(1, "Completed", 8, 0.91),
        trial(2, "Completed", 9, 0.94),
        tuning("Completed", 10),
    ]
    outcomes = [deliverer.deliver_raw(e).outcomes[CHANNEL] for e in events]

    # One thread: the run's. The trials are rolled up into the tuning job's line on its step.
    [parent] = parents(slack_api)
    assert outcomes[3:7] == [Outcome.ROLLED_UP] * 4
    text = json.dumps(parent.blocks)
    assert TUNING_NAME in text
    assert "2 trials (Completed 2)" in text
    assert f"best {TUNING_NAME}-002-abcd: auc 0.94" in text
    assert not any("trial" in r.text.lower() for r in slack_api.thread(CHANNEL, parent.ts))


def test_a_tuning_job_seen_before_its_step_keeps_its_own_thread(
    make_deliverer: DelivererFactory, slack_api: SlackStandin
) -> None:
    deliverer = make_deliverer()
    for raw in (execution("Executing", 0), tuning("InProgress", 1), tune_step("Executing", 2)):
        deliverer.deliver_raw(raw)
    deliverer.deliver_raw(trial(1, "Completed", 8, 0.91))
    # The tuning job's thread existed before the step named it: its trials stay there.
    assert len(parents(slack_api)) == 2


def test_a_channel_that_follows_a_pipeline_by_name_gets_its_jobs_too(
    make_deliverer: DelivererFactory, slack_api: SlackStandin, store: Store
) -> None:
    # GIVEN a channel that follows the churn pipelines only; the jobs' events do not name
    # their pipeline
    store.add_subscription(
        Subscription(id="s1", channel="C0PIPES", kinds=["pipeline"], names=["churn-*"])
    )
    deliverer = make_deliverer(default_channel=None)
    for event in FAILED_RUN:
        deliverer.deliver_raw(event)
    # THEN its run thread has the job on the step's line, and the job's alert
    [parent] = parents(slack_api, "C0PIPES")
    assert JOB_NAME in json.dumps(parent.blocks)
    broadcasts = [r for r in slack_api.thread("C0PIPES", parent.ts) if r.reply_broadcast]
    assert len(broadcasts) == 1 and "CUDA out of memory" in broadcasts[0].text
