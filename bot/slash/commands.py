"""The commands ``/sagemaker`` text parses to: frozen dataclasses, one a subcommand, and the
:data:`Command` union of them. Pure data; :mod:`bot.slash.grammar` makes them from text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from bot.events.identity import ResourceKind

# The type words ``subscribe`` takes: every kind of resource, and ``all`` (stored as no kinds).
ALL_KINDS = "all"
KIND_CHOICES = [k.value for k in ResourceKind if k is not ResourceKind.OTHER] + [ALL_KINDS]


@dataclass(frozen=True, slots=True)
class Help:
    """``help`` (full help) or ``help COMMAND`` (that command's usage)."""

    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Post matching events to this channel. An empty tuple means "any" for that key.

    ``kinds`` are :class:`ResourceKind` values (``all`` is normalised to ``()``); ``statuses``
    are canonical status words (``InService``) or status classes (``failed``); ``regions`` are
    lower case. Values are de-duplicated, in the order typed.
    """

    kinds: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Remove subscriptions of this channel by id (lower case), or all of them. An admin may
    name another channel's by id (ids are unique across channels)."""

    ids: tuple[str, ...] = ()
    all: bool = False


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    """``list``: this channel's subscriptions; ``list all``: every channel's (admins), so a
    channel nobody can type in any more (archived, deleted) is seen and cleaned up."""

    everywhere: bool = False


@dataclass(frozen=True, slots=True)
class ResourceTarget:
    """A resource named by the user: a plain name, or an ARN (``arn`` set).

    ``kind`` is known only from an ARN. For a pipeline execution ARN ``name`` is ``P/X``.
    """

    text: str
    name: str
    arn: str | None = None
    kind: ResourceKind | None = None
    account: str | None = None
    region: str | None = None

    @property
    def is_arn(self) -> bool:
        return self.arn is not None


@dataclass(frozen=True, slots=True)
class Status:
    target: ResourceTarget


@dataclass(frozen=True, slots=True)
class Inspect:
    target: ResourceTarget


@dataclass(frozen=True, slots=True)
class Stop:
    target: ResourceTarget


@dataclass(frozen=True, slots=True)
class ModelPackageRef:
    """A versioned model package: ``group/version``, or its ARN (then ``arn`` is set)."""

    group: str
    version: int
    arn: str | None = None

    def arn_in(self, region: str, account: str, partition: str = "aws") -> str:
        """The package's ARN: the one typed, else built for the given place."""
        if self.arn:
            return self.arn
        return f"arn:{partition}:sagemaker:{region}:{account}:model-package/{self}"

    def __str__(self) -> str:
        return f"{self.group}/{self.version}"


@dataclass(frozen=True, slots=True)
class Approve:
    package: ModelPackageRef
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Reject:
    package: ModelPackageRef
    comment: str = ""


@dataclass(frozen=True, slots=True)
class Retry:
    """Retry a pipeline execution (``RetryPipelineExecution``)."""

    execution_arn: str
    pipeline: str
    execution_id: str
    region: str
    account: str


@dataclass(frozen=True, slots=True)
class Doctor:
    """``doctor``: check the deployed bot end to end (admins only)."""


Command: TypeAlias = (
    Help
    | Subscribe
    | Unsubscribe
    | ListSubscriptions
    | Status
    | Inspect
    | Approve
    | Reject
    | Retry
    | Stop
    | Doctor
)


def is_quick(command: Command) -> bool:
    """Commands answered within Slack's 3 seconds (the store at most, no AWS call)."""
    return isinstance(command, Help | Subscribe | Unsubscribe | ListSubscriptions)
