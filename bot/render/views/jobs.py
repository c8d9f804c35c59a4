"""Views of jobs: training, processing, transform and hyperparameter tuning."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.events.severity import Attention
from bot.evidence.model import is_number
from bot.render.escape import Trusted, code, code_block, link, mrkdwn_escape
from bot.render.formatting import (
    arn_info,
    as_list,
    dig,
    duration,
    join_trusted,
    model_console,
    number,
    pairs,
    s3,
    seconds_text,
    truncate,
    when,
)

if TYPE_CHECKING:
    from bot.events.parse import SageMakerEvent
    from bot.render.context import RenderContext
    from bot.render.links import ResourceLinks

MAX_CHANNELS = 10  # processing inputs and outputs listed; the others are only counted
MAX_RANGES = 20  # tuned hyperparameter ranges listed
MAX_METRICS = 8  # a training job's final metrics shown; the others are only counted
# Model Monitor: where its container writes the reports, and the report of the violations.
MONITORING_RESULT_PATH = "/opt/ml/processing/resultdata"
VIOLATIONS_REPORT = "constraint_violations.json"
_VIOLATION_COUNT = re.compile(r"(\d[\d,]*)\s+(?:constraint\s+)?violations?", re.IGNORECASE)


def training_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    rc = d.ResourceConfig
    instance_type = dig(rc, "InstanceType")
    count = dig(rc, "InstanceCount")
    max_runtime = dig(d.StoppingCondition, "MaxRuntimeInSeconds")
    image = dig(d.AlgorithmSpecification, "TrainingImage")
    facts = [
        ("Instance", f"{instance_type}{f' × {count}' if count else ''}" if instance_type else None),
        ("Duration", duration(d.TrainingStartTime, d.TrainingEndTime)),
        ("Max runtime", seconds_text(max_runtime) if max_runtime else None),
        ("Image", code(image) if image else None),
        ("Output", s3(dig(d.OutputDataConfig, "S3OutputPath"))),
        ("Model artifacts", s3(dig(d.ModelArtifacts, "S3ModelArtifacts"))),
        ("Tuning job", d.TuningJobArn.split("/")[-1] if d.TuningJobArn else None),
        ("Started", when(d.TrainingStartTime)),
    ]
    inputs = [
        (
            dig(channel, "ChannelName") or "channel",
            s3(dig(channel, "DataSource", "S3DataSource", "S3Uri")),
        )
        for channel in as_list(d.InputDataConfig)[:10]
    ]
    metrics = final_metrics(d.FinalMetricDataList)
    return {
        "facts": facts,
        "summary": _timeout(event, d.TrainingStartTime, d.TrainingEndTime, max_runtime),
        "inputs": inputs,
        "hyperparameters": pairs(d.HyperParameters, 20),
        # What a finished job is for, first: its metrics, then what it cost.
        "metrics": metrics[:MAX_METRICS],
        "more_metrics": max(len(metrics) - MAX_METRICS, 0),
        "cost": training_cost(
            d.BillableTimeInSeconds, d.TrainingTimeInSeconds, d.EnableManagedSpotTraining
        ),
    }


# Metrics that say how good a model is, as their names spell them (``validation:auc``,
# ``val_loss``, ``test-accuracy``): shown before throughput, epochs and learning rates.
_QUALITY = frozenset(
    {
        "auc", "accuracy", "acc", "f1", "precision", "recall", "loss", "logloss", "rmse", "mse",
        "mae", "mape", "error", "r2", "ndcg", "map", "bleu", "rouge", "perplexity", "iou",
        "dice", "wer", "cer", "aucpr",
    }
)  # fmt: skip
_HELD_OUT = frozenset({"validation", "val", "valid", "test", "eval", "evaluation", "dev"})
_TRAIN = frozenset({"train", "training"})
_WORD = re.compile(r"[a-z0-9]+")


def final_metrics(metric_list: Any) -> list[tuple[Any, str]]:
    """A training job's final metrics (name, value), most useful first: quality metrics
    before the others, and within each, held-out data (validation, test) before unnamed and
    before training data; the job's own order otherwise."""
    metrics = [
        (dig(m, "MetricName") or "metric", dig(m, "Value"))
        for m in as_list(metric_list)
        if dig(m, "Value") is not None
    ]
    return [(name, number(value)) for name, value in sorted(metrics, key=_metric_rank)]


def _metric_rank(metric: tuple[Any, Any]) -> tuple[int, int]:
    words = _WORD.findall(str(metric[0]).lower())
    quality = 0 if any(w in _QUALITY or w.endswith("loss") for w in words) else 1
    data = 0 if _HELD_OUT.intersection(words) else 2 if _TRAIN.intersection(words) else 1
    return quality, data


def training_cost(billable: Any, training: Any, spot: Any) -> Trusted | None:
    """``Billable time 45m 41s · Managed spot saved 70%``; the savings as the console shows
    them (1 - billable / training time), only for a managed spot job with both times."""
    if not _seconds(billable):
        return None
    text = f"Billable time *{seconds_text(billable)}*"
    if spot is True and _seconds(training) and 0 <= billable <= training:
        saved = round((1 - billable / training) * 100)
        text += f" · Managed spot saved *{saved}%* of {seconds_text(training)} training"
    return Trusted(text)


def _seconds(value: Any) -> bool:
    return is_number(value) and value >= 0


class ProcessingInput(NamedTuple):
    name: Any
    source: Trusted | str  # an S3 link, or what feeds the input instead
    local: Trusted | None  # where the container reads it


class ProcessingOutput(NamedTuple):
    name: Any
    local: Trusted | None  # where the container writes it
    destination: Trusted | str  # an S3 link or a feature group


class Rollup(NamedTuple):
    """What the tuning job's training jobs have reported so far (``RenderContext.rollup``)."""

    total: str | None
    counts: Trusted | None
    best: Trusted | None
    best_value: Trusted | None


def processing_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    cluster = d.cluster
    count = cluster.InstanceCount if cluster else None
    image = dig(d.AppSpecification, "ImageUri")
    entrypoint = as_list(dig(d.AppSpecification, "ContainerEntrypoint"))
    max_runtime = dig(d, "StoppingCondition", "MaxRuntimeInSeconds")
    training_job = arn_info(dig(d, "TrainingJobArn"))
    schedule = arn_info(dig(d, "MonitoringScheduleArn"))
    facts = [
        (
            "Instance",
            _instance(cluster.InstanceType, count) if cluster and cluster.InstanceType else None,
        ),
        (
            "Volume",
            number(cluster.VolumeSizeInGB) + " GB"
            if cluster and cluster.VolumeSizeInGB is not None
            else None,
        ),
        ("Duration", duration(d.ProcessingStartTime, d.ProcessingEndTime)),
        ("Max runtime", seconds_text(max_runtime) if max_runtime else None),
        ("Image", code(image) if image else None),
        (
            "Entrypoint",
            code(truncate(" ".join(map(str, entrypoint)), 300, True, "…")) if entrypoint else None,
        ),
        ("Training job", training_job.name if training_job else None),
        ("Monitoring schedule", schedule.name if schedule else None),
        ("Started", when(d.ProcessingStartTime)),
    ]
    inputs = as_list(d.ProcessingInputs)
    outputs = as_list(dig(d.ProcessingOutputConfig, "Outputs"))
    return {
        "facts": facts,
        "summary": _timeout(event, d.ProcessingStartTime, d.ProcessingEndTime, max_runtime)
        or _violations(event, outputs),
        "exit_message": (
            code_block(truncate(d.ExitMessage, 1500, True, "…")) if d.ExitMessage else None
        ),
        "inputs": [_processing_input(i) for i in inputs[:MAX_CHANNELS]],
        "more_inputs": max(len(inputs) - MAX_CHANNELS, 0),
        "outputs": [_processing_output(o) for o in outputs[:MAX_CHANNELS]],
        "more_outputs": max(len(outputs) - MAX_CHANNELS, 0),
    }


def _processing_input(i: Any) -> ProcessingInput:
    uri = dig(i, "S3Input", "S3Uri")
    dataset = dig(i, "DatasetDefinition")
    local = dig(i, "S3Input", "LocalPath") or dig(dataset, "LocalPath")
    source: Trusted | str
    if uri:
        source = s3(uri)
    elif isinstance(dig(dataset, "AthenaDatasetDefinition"), Mapping):
        source = "Athena query"
    elif isinstance(dig(dataset, "RedshiftDatasetDefinition"), Mapping):
        source = "Redshift query"
    else:
        source = "(no S3 source)"
    return ProcessingInput(dig(i, "InputName") or "input", source, code(local) if local else None)


def _processing_output(o: Any) -> ProcessingOutput:
    uri = dig(o, "S3Output", "S3Uri")
    local = dig(o, "S3Output", "LocalPath")
    feature_group = dig(o, "FeatureStoreOutput", "FeatureGroupName")
    destination: Trusted | str
    if uri:
        destination = s3(uri)
    elif feature_group:
        destination = Trusted("feature group " + code(feature_group))
    else:
        destination = "(no S3 destination)"
    return ProcessingOutput(
        dig(o, "OutputName") or "output", code(local) if local else None, destination
    )


def transform_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    r = event.resource
    tr = d.TransformResources
    instance_type = dig(tr, "InstanceType")
    tin = d.TransformInput
    tout = d.TransformOutput
    model_name = d.ModelName if isinstance(d.ModelName, str) and d.ModelName else None
    model_url = model_console(model_name, r.region, r.account) if model_name else None
    max_concurrent = dig(d, "MaxConcurrentTransforms")
    max_payload = dig(d, "MaxPayloadInMB")
    input_type = dig(tin, "DataSource", "S3DataSource", "S3DataType")
    compression = dig(tin, "CompressionType")
    split_type = dig(tin, "SplitType")
    facts = [
        ("Model", link(model_url, model_name) if model_name else None),
        (
            "Instance",
            _instance(instance_type, dig(tr, "InstanceCount")) if instance_type else None,
        ),
        (
            "Input",
            join_trusted(
                [
                    s3(dig(tin, "DataSource", "S3DataSource", "S3Uri")),
                    "(" + str(input_type) + ")"
                    if input_type and input_type != "S3Prefix"
                    else None,
                ],
                " ",
            ),
        ),
        ("Output", s3(dig(tout, "S3OutputPath"))),
        (
            "Content type",
            join_trusted(
                [
                    join_trusted(
                        [
                            dig(tin, "ContentType"),
                            compression if compression not in (None, "None") else None,
                        ],
                        " ",
                    ),
                    dig(tout, "Accept"),
                ],
                " → ",
            ),
        ),
        ("Split type", split_type if split_type not in (None, "None") else None),
        ("Batch strategy", dig(d, "BatchStrategy")),
        (
            "Limits",
            join_trusted(
                [
                    number(max_concurrent) + " concurrent" if max_concurrent is not None else None,
                    number(max_payload) + " MB max payload" if max_payload is not None else None,
                ]
            ),
        ),
        ("Duration", duration(d.TransformStartTime, d.TransformEndTime)),
        ("Started", when(d.TransformStartTime)),
    ]
    filters = [
        ("Input filter", dig(d, "DataProcessing", "InputFilter")),
        ("Join source", dig(d, "DataProcessing", "JoinSource")),
        ("Output filter", dig(d, "DataProcessing", "OutputFilter")),
    ]
    return {
        "facts": facts,
        "data_processing": [(label, code(value)) for label, value in filters if value],
        "env_vars": pairs(dig(d, "Environment"), 10),
    }


def tuning_job(
    event: SageMakerEvent, context: RenderContext, links: ResourceLinks
) -> dict[str, Any]:
    d: Any = event.detail
    config = d.HyperParameterTuningJobConfig
    objective = dig(config, "HyperParameterTuningJobObjective")
    objective_metric = dig(objective, "MetricName")
    limits = dig(config, "ResourceLimits")
    max_jobs = dig(limits, "MaxNumberOfTrainingJobs")
    max_parallel = dig(limits, "MaxParallelTrainingJobs")
    early_stopping = dig(config, "TrainingJobEarlyStoppingType")
    definition = d.TrainingJobDefinition
    rc = dig(definition, "ResourceConfig")
    instance_type = dig(rc, "InstanceType")
    image = dig(definition, "AlgorithmSpecification", "TrainingImage")
    max_runtime = dig(definition, "StoppingCondition", "MaxRuntimeInSeconds")
    best = d.BestTrainingJob
    best_metric = dig(best, "FinalHyperParameterTuningJobObjectiveMetric")
    best_metric_value = dig(best_metric, "Value")
    best_arn = arn_info(dig(best, "TrainingJobArn"))
    best_name = dig(best, "TrainingJobName") or (best_arn.name if best_arn else None)
    training_counts = _counts(d.TrainingJobStatusCounters)
    objective_counts = _counts(d.ObjectiveStatusCounters)
    facts = [
        (
            "Strategy",
            join_trusted(
                [
                    dig(config, "Strategy"),
                    "early stopping " + str(early_stopping)
                    if early_stopping and early_stopping != "Off"
                    else None,
                ]
            ),
        ),
        (
            "Objective",
            join_trusted(
                [dig(objective, "Type"), code(objective_metric) if objective_metric else None], " "
            ),
        ),
        (
            "Training jobs",
            join_trusted(training_counts)
            if training_counts
            else ("none yet" if isinstance(d.TrainingJobStatusCounters, Mapping) else None),
        ),
        ("Objective status", join_trusted(objective_counts) if objective_counts else None),
        (
            "Job limits",
            join_trusted(
                [
                    number(max_jobs) + " jobs" if max_jobs is not None else None,
                    number(max_parallel) + " in parallel" if max_parallel is not None else None,
                ]
            ),
        ),
        (
            "Best job",
            join_trusted(
                [
                    link(best_arn.console if best_arn else None, best_name) if best_name else None,
                    join_trusted([dig(best_metric, "MetricName"), number(best_metric_value)], " = ")
                    if best_metric_value is not None
                    else None,
                ]
            ),
        ),
        (
            "Instance",
            _instance(instance_type, dig(rc, "InstanceCount")) if instance_type else None,
        ),
        ("Image", code(image) if image else None),
        ("Max runtime per job", seconds_text(max_runtime) if max_runtime else None),
        ("Duration", duration(d.CreationTime, d.HyperParameterTuningEndTime)),
    ]
    return {
        "facts": facts,
        "summary": _timeout(
            event,
            d.CreationTime,
            d.HyperParameterTuningEndTime,
            dig(limits, "MaxRuntimeInSeconds"),
        ),
        "rollup": _rollup(context.rollup),
        "tuned_hyperparameters": pairs(dig(best, "TunedHyperParameters"), 20),
        "ranges": _ranges(dig(config, "ParameterRanges")),
        "static_hyperparameters": pairs(dig(definition, "StaticHyperParameters"), 20),
    }


def _timeout(event: SageMakerEvent, start: Any, end: Any, max_runtime: Any) -> str | None:
    """``Ran out of time after 1h 00m 00s``: a job stopped at its maximum runtime, for how long
    it ran (its start and end times, else the maximum runtime it reached)."""
    if event.attention is not Attention.TIMEOUT:
        return None
    ran = duration(start, end) or (seconds_text(max_runtime) if max_runtime else "")
    return (
        f"Ran out of time after {ran}" if ran else "Ran out of time: it reached its maximum runtime"
    )


def _violations(event: SageMakerEvent, outputs: list[Any]) -> Trusted | None:
    """``*3 constraint violations* · violations report``: what a Model Monitor job found, with a
    link to its ``constraint_violations.json`` in the monitoring output."""
    if event.attention is not Attention.VIOLATIONS:
        return None
    message = event.detail.field("ExitMessage")
    found = _VIOLATION_COUNT.search(message) if isinstance(message, str) else None
    count = int(found.group(1).replace(",", "")) if found else None
    headline = (
        f"{number(count)} constraint violation{'' if count == 1 else 's'}"
        if count is not None
        else "Constraint violations"
    )
    uri = _monitoring_output(outputs)
    report = s3(uri.rstrip("/") + "/" + VIOLATIONS_REPORT, "Violations report") if uri else None
    return join_trusted([Trusted("*" + mrkdwn_escape(headline) + "*"), report])


def _monitoring_output(outputs: list[Any]) -> str | None:
    """The S3 URI a Model Monitor job writes its reports to: the output from its result
    directory, else the only (or first) S3 output."""
    uris = [
        (dig(o, "S3Output", "LocalPath"), dig(o, "OutputName"), dig(o, "S3Output", "S3Uri"))
        for o in outputs
    ]
    found = [(local, name, uri) for local, name, uri in uris if isinstance(uri, str) and uri]
    for local, name, uri in found:
        if local == MONITORING_RESULT_PATH or name in ("result", "monitoring_output"):
            return str(uri)
    return str(found[0][2]) if found else None


def _instance(instance_type: Any, count: Any) -> str:
    return str(instance_type) + (" × " + number(count) if count else "")


def _counts(counters: Any) -> list[str]:
    """``["Completed 12", "InProgress 3"]``: the non-zero counters, in the event's order."""
    if not isinstance(counters, Mapping):
        return []
    return [
        str(key) + " " + number(value)
        for key, value in counters.items()
        if value and not isinstance(value, Mapping)
    ]


def _rollup(rollup: Any) -> Rollup | None:
    """The training jobs seen so far, or ``None`` when there is nothing to show."""
    if not isinstance(rollup, Mapping) or not rollup:
        return None
    counters = rollup.get("counters")
    seen = (
        [str(key) + " " + number(value) for key, value in counters.items() if value]
        if isinstance(counters, Mapping)
        else []
    )
    found = rollup.get("best")
    best: Mapping[Any, Any] = found if isinstance(found, Mapping) else {}
    total = rollup.get("total")
    if not (seen or best.get("name") or total):
        return None
    name = best.get("name")
    value = best.get("value")
    return Rollup(
        number(total) if total is not None else None,
        join_trusted(seen) if seen else None,
        code(name) if name else None,
        join_trusted([best.get("metric"), number(value)], " = ") if value is not None else None,
    )


def _ranges(ranges: Any) -> list[Trusted]:
    """A line per tuned hyperparameter range: ``lr [0.001, 0.1] (Logarithmic)``, ``opt ∈ {…}``."""
    lines = []
    for kind in ("IntegerParameterRanges", "ContinuousParameterRanges"):
        for p in as_list(dig(ranges, kind)):
            scaling = dig(p, "ScalingType")
            lines.append(
                join_trusted(
                    [
                        code(dig(p, "Name")),
                        "[" + str(dig(p, "MinValue")) + ", " + str(dig(p, "MaxValue")) + "]",
                        "(" + str(scaling) + ")" if scaling and scaling != "Auto" else None,
                    ],
                    " ",
                )
            )
            if len(lines) == MAX_RANGES:
                return lines
    for p in as_list(dig(ranges, "CategoricalParameterRanges")):
        values = ", ".join(map(str, as_list(dig(p, "Values"))))
        lines.append(
            join_trusted(
                [code(dig(p, "Name")), "∈ {" + truncate(values, 200, True, "…") + "}"], " "
            )
        )
        if len(lines) == MAX_RANGES:
            break
    return lines
