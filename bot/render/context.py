"""What the renderer and the views share: the context of a render, a decision, a message.

Its own module so that the renderer and the views both import it, never each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.evidence.model import Evidence
from bot.render.escape import Trusted

Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Decision:
    """An approval decision already taken, shown instead of the Approve/Reject buttons."""

    status: str  # "Approved" or "Rejected"
    users: tuple[str, ...]  # who decided in Slack (two with the two-person rule); none: outside
    at: Any  # datetime
    comment: str | None = None


@dataclass(slots=True)
class RenderContext:
    """What a template may know beyond the event itself. Delivery and commands fill it in."""

    mode: str = "parent"  # "parent": the message for the channel; "reply": a thread reply
    previous_status: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)  # pipeline checklist
    # Every step by status class, lines or not (a big run shows only some); None: count `steps`.
    step_counts: dict[str, int] | None = None
    # The jobs, models and packages of a run that no step claims (yet): shown under the steps.
    # A step's own are in its entry's "run_jobs".
    jobs: list[dict[str, Any]] = field(default_factory=list)
    rollup: dict[str, Any] | None = None  # tuning job counters seen from its training jobs
    decision: Decision | None = None
    # Mentions of the approvers, made from configured ids: a package waiting for them says so.
    # None: nobody is mentioned.
    approvers: Trusted | None = None
    # A mention of the resource's owner (its tags, bot/delivery/owners.py): an alert's reply
    # mentions them. None: no owner known.
    owner: Trusted | None = None
    show_actions: bool = True
    note: str | None = None  # a line of context, e.g. "created from its first step event"
    # A model package's metrics beside the approved version's (bot/aws/evidence.py gathers
    # them, the thread state keeps them); None: its documents are shown as links only.
    evidence: Evidence | None = None
