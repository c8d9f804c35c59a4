"""``/sagemaker …`` text → a typed command. Pure: no I/O.

:func:`parse_command` takes the ``text`` field of a slash command as Slack sends it (Slack
escapes ``&``, ``<`` and ``>`` as HTML entities; they are decoded here) and returns one of the
command dataclasses of :mod:`bot.slash.commands`, or raises :class:`CommandSyntaxError` whose
message says what was wrong, how the subcommand is used (from :mod:`bot.slash.help`) and gives
an example. Every message is Slack mrkdwn and echoes the user's text only inside escaped code
spans, so it can never mention or link anything.

Grammar (keys may repeat; a key's values are comma-separated and OR'ed; keys are AND'ed)::

    help [COMMAND]
    subscribe [TYPES…] [name=GLOB] [status=S1,S2] [account=ID] [region=R] [exclude=GLOB]
    unsubscribe ID…|all
    list [all]
    status NAME|ARN
    inspect NAME|ARN                      (alias: logs)
    approve GROUP/VERSION|ARN [comment…]  (the comment is the rest of the text, verbatim)
    reject GROUP/VERSION|ARN [comment…]
    retry PIPELINE_EXECUTION_ARN
    stop NAME|ARN
    doctor
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Iterable, Sequence

from bot.errors import CommandError
from bot.events.identity import ARN_KINDS, Arn, ResourceKind
from bot.events.status import (
    KNOWN_STATUSES,
    StatusClass,
    classify,
    normalize_status,
)
from bot.render.links import valid_region
from bot.slash.commands import (
    ALL_KINDS,
    Approve,
    Command,
    Doctor,
    Help,
    Inspect,
    ListSubscriptions,
    ModelPackageRef,
    Reject,
    ResourceTarget,
    Retry,
    Status,
    Stop,
    Subscribe,
    Unsubscribe,
)
from bot.slash.help import (
    COMMAND_ALIASES,
    STATUS_CLASS_LIST,
    code,
    command_list,
    command_span,
    usage,
)


class CommandSyntaxError(CommandError):
    """The text is not a valid command. ``str(error)`` is the whole mrkdwn reply.

    ``problem`` is the first line (what was wrong); ``command`` the subcommand it concerns
    (``None`` when the subcommand itself is unknown).
    """

    def __init__(self, problem: str, command: str | None = None) -> None:
        self.problem = problem
        self.command = command
        footer = usage(command) if command else command_list()
        super().__init__(f":warning: {problem}\n{footer}")


# --- vocabulary --------------------------------------------------------------------------------

_KIND_ALIASES: dict[str, str] = {}


def _aliases(kind: str, *names: str) -> None:
    for name in (kind, *names):
        _KIND_ALIASES[name] = kind
        _KIND_ALIASES[name.replace("-", "")] = kind


_aliases("training", "trainings", "training-job", "training-jobs", "train")
_aliases(
    "tuning",
    "tunings",
    "tuning-job",
    "tuning-jobs",
    "hpo",
    "hyperparameter-tuning",
    "hyperparameter-tuning-job",
    "hyperparameter-tuning-jobs",
    "hyper-parameter-tuning-job",
    "hyper-parameter-tuning-jobs",
)
_aliases("processing", "processing-job", "processing-jobs")
_aliases("transform", "transforms", "transform-job", "transform-jobs", "batch-transform")
_aliases("endpoint", "endpoints")
_aliases("deployment", "deployments", "endpoint-deployment", "endpoint-deployments")
_aliases("model-package", "model-packages", "package", "packages")
_aliases("model", "models")
_aliases("pipeline", "pipelines", "pipeline-execution", "pipeline-executions", "executions")
_aliases("step", "steps", "pipeline-step", "pipeline-steps")
_aliases("feature-group", "feature-groups")
_aliases("image", "images")
_aliases("image-version", "image-versions")
_aliases("model-card", "model-cards")
_aliases("notebook", "notebooks", "notebook-instance", "notebook-instances")
_aliases(
    "lifecycle-config",
    "lifecycle-configs",
    "notebook-lifecycle-config",
    "notebook-lifecycle-configs",
    "notebook-instance-lifecycle-config",
)
_aliases("endpoint-config", "endpoint-configs", "endpoint-configuration", "endpoint-configurations")
_aliases("algorithm", "algorithms")
_aliases("labeling", "labeling-job", "labeling-jobs", "ground-truth", "labelling")
_aliases("hyperpod", "hyperpod-cluster", "hyperpod-clusters", "cluster", "clusters")
_aliases(ALL_KINDS, "everything", "*")

FILTER_KEYS = ["name", "status", "account", "region", "exclude", "type"]
_KEY_ALIASES = {
    "name": "name",
    "names": "name",
    "status": "status",
    "statuses": "status",
    "state": "status",
    "states": "status",
    "account": "account",
    "accounts": "account",
    "region": "region",
    "regions": "region",
    "exclude": "exclude",
    "excludes": "exclude",
    "except": "exclude",
    "type": "type",
    "types": "type",
    "kind": "type",
    "kinds": "type",
}

STATUS_CLASSES = [
    StatusClass.FAILED.value,
    StatusClass.WARNING.value,
    StatusClass.SUCCEEDED.value,
    StatusClass.IN_PROGRESS.value,
    StatusClass.STOPPED.value,
    StatusClass.WAITING.value,
    StatusClass.DELETED.value,
]
_CLASS_ALIASES = {
    **{c: c for c in STATUS_CLASSES},
    "waiting": StatusClass.WAITING.value,
    "warnings": StatusClass.WARNING.value,
}
KNOWN_STATUS_WORDS: tuple[str, ...] = tuple(KNOWN_STATUSES)

_ACCOUNT = re.compile(r"^\d{12}$")
_GROUP = r"[A-Za-z0-9](?:-*[A-Za-z0-9]){0,62}"
_PACKAGE = re.compile(rf"^(?P<group>{_GROUP})/(?P<version>\d+)$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,255}$")
_SUBSCRIPTION_ID = re.compile(r"^[a-z0-9_-]{1,64}$")
_EXECUTION_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sagemaker:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"pipeline/(?P<pipeline>[A-Za-z0-9](?:-*[A-Za-z0-9]){0,255})"
    r"/execution/(?P<execution>[A-Za-z0-9](?:[A-Za-z0-9-]){0,255})$"
)
MAX_COMMENT = 1024  # SageMaker's limit on ApprovalDescription
MAX_GLOB = 256

_STOPPABLE = {
    ResourceKind.TRAINING,
    ResourceKind.TUNING,
    ResourceKind.PROCESSING,
    ResourceKind.TRANSFORM,
    ResourceKind.PIPELINE,
}

# --- parsing -----------------------------------------------------------------------------------

_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\xa0": " "})


def slack_unescape(text: str) -> str:
    """Undo Slack's escaping of the three characters it escapes (``&amp;`` last): the text as
    the user typed it. Echo it only through ``code()`` or ``mrkdwn_escape``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _did_you_mean(word: str, choices: Iterable[str], shown: dict[str, str] | None = None) -> str:
    match = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    if not match:
        return ""
    best = shown.get(match[0], match[0]) if shown else match[0]
    return f" Did you mean `{best}`?"


def parse_command(text: str) -> Command:
    """Parse the text after ``/sagemaker``. Raises :class:`CommandSyntaxError`."""
    text = slack_unescape(text or "")
    parts = text.strip().split(None, 1)
    if not parts:
        return Help()
    head = parts[0]
    rest = parts[1] if len(parts) > 1 else ""
    name = _command_named(head, "Unknown command {}.")
    if name in ("approve", "reject"):
        return _parse_decision(name, rest)
    tokens = _split(rest, name)
    match name:
        case "help":
            return _parse_help(tokens)
        case "subscribe":
            return _parse_subscribe(tokens)
        case "unsubscribe":
            return _parse_unsubscribe(tokens)
        case "list":
            if [t.lower() for t in tokens] == [ALL_KINDS]:
                return ListSubscriptions(everywhere=True)
            _no_arguments(tokens, "list")
            return ListSubscriptions()
        case "doctor":
            _no_arguments(tokens, "doctor")
            return Doctor()
        case "status":
            return Status(_target(tokens, "status"))
        case "inspect":
            return Inspect(_target(tokens, "inspect"))
        case "stop":
            return _parse_stop(tokens)
        case _:
            return _parse_retry(tokens)


def _split(rest: str, command: str) -> list[str]:
    try:
        return shlex.split(rest.translate(_SMART_QUOTES))
    except ValueError as exc:  # unbalanced quotes
        raise CommandSyntaxError(
            f"Could not read the arguments: {exc}. Close every quote you open.", command
        ) from exc


def _no_arguments(tokens: Sequence[str], command: str) -> None:
    if tokens:
        raise CommandSyntaxError(
            f"`{command}` takes no arguments; got {code(' '.join(tokens))}.", command
        )


def _parse_help(tokens: Sequence[str]) -> Help:
    if not tokens:
        return Help()
    return Help(_command_named(tokens[0], "No help on {}: not a command.", "help"))


def _command_named(word: str, problem: str, command: str | None = None) -> str:
    """The subcommand ``word`` names, else a :class:`CommandSyntaxError`: ``problem`` (``{}``
    is the word, as code) and the nearest subcommand."""
    name = COMMAND_ALIASES.get(word.translate(_SMART_QUOTES).lower())
    if name is None:
        hint = _did_you_mean(word, COMMAND_ALIASES, COMMAND_ALIASES)
        raise CommandSyntaxError(problem.format(code(word)) + hint, command)
    return name


# --- subscribe ---------------------------------------------------------------------------------


def _parse_subscribe(tokens: Sequence[str]) -> Subscribe:
    values: dict[str, list[str]] = {key: [] for key in FILTER_KEYS}
    for token in tokens:
        key, eq, value = token.partition("=")
        if not eq:
            values["type"] += [_kind(part) for part in _values(token, None)]
            continue
        canonical = _KEY_ALIASES.get(key.strip().lower())
        if canonical is None:
            raise _unknown_key(key)
        parsed = _values(value, canonical)
        for part in parsed:
            values[canonical].append(_validate(canonical, part))
    kinds = _unique(values["type"])
    return Subscribe(
        kinds=() if ALL_KINDS in kinds else kinds,
        names=_unique(values["name"]),
        statuses=_unique(values["status"]),
        accounts=_unique(values["account"]),
        regions=_unique(values["region"]),
        excludes=_unique(values["exclude"]),
    )


def _values(value: str, key: str | None) -> list[str]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts and key is not None:
        raise CommandSyntaxError(
            f"`{key}=` needs a value, e.g. {_KEY_EXAMPLES[key]} (no space after `=`).", "subscribe"
        )
    return parts


_KEY_EXAMPLES = {
    "name": "`name=churn-*`",
    "status": "`status=failed,stopped`",
    "account": "`account=123456789012`",
    "region": "`region=us-east-1`",
    "exclude": "`exclude=*-test`",
    "type": "`type=training`",
}


def _unknown_key(key: str) -> CommandSyntaxError:
    hint = _did_you_mean(key, _KEY_ALIASES, {k: f"{v}=" for k, v in _KEY_ALIASES.items()})
    keys = ", ".join(f"`{k}=`" for k in FILTER_KEYS)
    return CommandSyntaxError(
        f"Unknown filter {code(key + '=')}.{hint} Filters: {keys}.", "subscribe"
    )


def _kind(word: str) -> str:
    key = word.strip().lower().replace("_", "-")
    kind = _KIND_ALIASES.get(key) or _KIND_ALIASES.get(key.replace("-", ""))
    if kind is not None:
        return kind
    if key in _KEY_ALIASES:
        raise CommandSyntaxError(
            f"{code(word)} is a filter: write it as {_KEY_EXAMPLES[_KEY_ALIASES[key]]},"
            " with no spaces around `=`.",
            "subscribe",
        )
    if _status_or_none(word) is not None:
        raise CommandSyntaxError(
            f"Unknown type {code(word)}. To filter by status write {code('status=' + word)}"
            " (no space after a comma: `status=failed,stopped`).",
            "subscribe",
        )
    hint = _did_you_mean(key, _KIND_ALIASES, _KIND_ALIASES)
    raise CommandSyntaxError(f"Unknown type {code(word)}.{hint} See *Types* below.", "subscribe")


def _validate(key: str, value: str) -> str:
    if key == "type":
        return _kind(value)
    if key == "status":
        return _status(value)
    if key == "account":
        if not _ACCOUNT.match(value):
            raise CommandSyntaxError(
                f"{code(value)} is not an AWS account id: `account=` takes 12 digits,"
                " e.g. `account=123456789012`.",
                "subscribe",
            )
        return value
    if key == "region":
        region = value.lower()
        if not valid_region(region):
            raise CommandSyntaxError(
                f"{code(value)} is not an AWS region: `region=` takes a region code,"
                " e.g. `region=us-east-1`.",
                "subscribe",
            )
        return region
    if len(value) > MAX_GLOB:
        raise CommandSyntaxError(
            f"`{key}=` pattern is {len(value)} characters; at most {MAX_GLOB} are allowed.",
            "subscribe",
        )
    return value  # name / exclude: any glob


def _status_or_none(value: str) -> str | None:
    key = value.strip().lower().replace("-", "_").replace(" ", "_")
    if key in _CLASS_ALIASES:
        return _CLASS_ALIASES[key]
    word = normalize_status(value)
    if word is not None and classify(word) is not StatusClass.UNKNOWN:
        return word
    return None


def _status(value: str) -> str:
    status = _status_or_none(value)
    if status is not None:
        return status
    choices = {c.lower(): c for c in [*_CLASS_ALIASES, *KNOWN_STATUS_WORDS]}
    hint = _did_you_mean(value.replace("-", "_"), choices, choices)
    raise CommandSyntaxError(
        f"Unknown status {code(value)}.{hint} Use a status word such as `Failed`, `InService`,"
        f" `Completed`, or a class: {STATUS_CLASS_LIST}.",
        "subscribe",
    )


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


# --- unsubscribe -------------------------------------------------------------------------------


def _parse_unsubscribe(tokens: Sequence[str]) -> Unsubscribe:
    if not tokens:
        raise CommandSyntaxError(
            f"Which subscription? Give its id (see {command_span('list')}) or `all`.", "unsubscribe"
        )
    ids: list[str] = []
    for token in tokens:
        for part in _values(token, None):
            cleaned = part.strip("`#").lower()
            if cleaned == ALL_KINDS:
                if len(tokens) > 1:
                    raise CommandSyntaxError(
                        "Give either `all` or subscription ids, not both.", "unsubscribe"
                    )
                return Unsubscribe(all=True)
            if not _SUBSCRIPTION_ID.match(cleaned):
                raise CommandSyntaxError(
                    f"{code(part)} is not a subscription id. Ids look like `k3x7pq`;"
                    f" {command_span('list')} shows them.",
                    "unsubscribe",
                )
            ids.append(cleaned)
    return Unsubscribe(ids=_unique(ids))


# --- resources ---------------------------------------------------------------------------------


def _one(tokens: Sequence[str], command: str, what: str) -> str:
    if not tokens:
        raise CommandSyntaxError(f"`{command}` needs {what}.", command)
    if len(tokens) > 1:
        raise CommandSyntaxError(
            f"`{command}` takes just {what}; got {len(tokens)} words: {code(' '.join(tokens))}.",
            command,
        )
    return tokens[0].strip("`")


def _target(tokens: Sequence[str], command: str) -> ResourceTarget:
    text = _one(tokens, command, "a resource name or ARN")
    if text.lower().startswith("arn:"):
        arn = Arn.parse(text)
        if arn is None or arn.service != "sagemaker" or not arn.resource:
            raise CommandSyntaxError(
                f"{code(text)} is not a SageMaker ARN"
                " (`arn:aws:sagemaker:REGION:ACCOUNT:TYPE/NAME`).",
                command,
            )
        kind = ARN_KINDS.get(arn.resource_type)
        name = arn.resource
        if kind is ResourceKind.PIPELINE:
            pipeline, _, execution = arn.resource.partition("/execution/")
            name = f"{pipeline}/{execution}" if execution else pipeline
        return ResourceTarget(
            text=text,
            name=name,
            arn=text,
            kind=kind,
            account=arn.account or None,
            region=arn.region or None,
        )
    if not _NAME.match(text):
        raise CommandSyntaxError(
            f"{code(text)} is not a SageMaker resource name or ARN. Names use letters,"
            " digits and hyphens.",
            command,
        )
    return ResourceTarget(text=text, name=text)


def _parse_stop(tokens: Sequence[str]) -> Stop:
    target = _target(tokens, "stop")
    if target.kind is ResourceKind.PIPELINE and "/execution/" not in (target.arn or ""):
        raise CommandSyntaxError(
            "That is a pipeline, not a pipeline execution: give the execution's ARN"
            " (`…:pipeline/NAME/execution/ID`).",
            "stop",
        )
    if target.arn and target.kind not in _STOPPABLE:
        what = f"{target.kind.title}s" if target.kind else "Resources of this type"
        raise CommandSyntaxError(
            f"{what} cannot be stopped. `stop` stops training, tuning, processing and"
            " transform jobs and pipeline executions.",
            "stop",
        )
    return Stop(target)


def _parse_retry(tokens: Sequence[str]) -> Retry:
    text = _one(tokens, "retry", "a pipeline execution ARN")
    match = _EXECUTION_ARN.match(text)
    if match is None:
        arn = Arn.parse(text)
        if arn is not None and arn.resource_type == "pipeline" and "/execution/" not in text:
            problem = (
                f"{code(text)} is a pipeline ARN; `retry` needs one *execution* of it:"
                " `…:pipeline/NAME/execution/ID`."
            )
        else:
            problem = (
                f"`retry` needs a pipeline execution ARN (`…:pipeline/NAME/execution/ID`);"
                f" {code(text)} is not one. The execution's thread shows it."
            )
        raise CommandSyntaxError(problem, "retry")
    return Retry(
        execution_arn=text,
        pipeline=match["pipeline"],
        execution_id=match["execution"],
        region=match["region"],
        account=match["account"],
    )


# --- approve / reject ----------------------------------------------------------------------------


def _parse_decision(command: str, rest: str) -> Approve | Reject:
    parts = rest.strip().split(None, 1)
    if not parts:
        raise CommandSyntaxError(
            f"`{command}` needs a model package: `GROUP/VERSION` or its ARN.", command
        )
    package = _model_package(parts[0].translate(_SMART_QUOTES).strip("`\"'"), command)
    comment = parts[1].strip() if len(parts) > 1 else ""
    if len(comment) > MAX_COMMENT:
        raise CommandSyntaxError(
            f"The comment is {len(comment)} characters; SageMaker keeps at most {MAX_COMMENT}.",
            command,
        )
    if command == "approve":
        return Approve(package, comment)
    return Reject(package, comment)


def _model_package(text: str, command: str) -> ModelPackageRef:
    if text.lower().startswith("arn:"):
        arn = Arn.parse(text)
        if arn is None or arn.service != "sagemaker" or arn.resource_type != "model-package":
            raise CommandSyntaxError(
                f"{code(text)} is not a model package ARN"
                " (`arn:aws:sagemaker:REGION:ACCOUNT:model-package/GROUP/VERSION`).",
                command,
            )
        match = _PACKAGE.match(arn.resource)
        if match is None:
            raise CommandSyntaxError(
                f"{code(text)} has no version: only versioned model packages (in a model"
                " package group) can be approved or rejected.",
                command,
            )
        return ModelPackageRef(match["group"], _version(match["version"], text, command), text)
    match = _PACKAGE.match(text)
    if match is None:
        raise CommandSyntaxError(
            f"{code(text)} is not a model package. Give `GROUP/VERSION` (e.g. `churn-models/7`)"
            " or the model package ARN.",
            command,
        )
    return ModelPackageRef(match["group"], _version(match["version"], text, command))


MAX_VERSION_DIGITS = 9  # SageMaker's versions are integers; no group has a billion of them


def _version(digits: str, text: str, command: str) -> int:
    if len(digits) > MAX_VERSION_DIGITS:
        raise CommandSyntaxError(
            f"{code(text)}: the version has {len(digits):,} digits; a model package version is"
            f" a number of at most {MAX_VERSION_DIGITS}.",
            command,
        )
    version = int(digits)
    if version < 1:
        raise CommandSyntaxError(
            f"{code(text)}: the version must be a positive integer (versions start at 1).",
            command,
        )
    return version
