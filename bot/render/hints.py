"""What to do about a failure: one line for the well-known causes, found in its reason.

One table, first match wins. A deployment extends it with ``hints.json`` in its templates
directory (``CHATOPS_TEMPLATES_DIR``): a list of ``{"match": REGEX, "hint": TEXT}``, tried
before the built-in entries (case-insensitive). A bad entry is skipped with a warning; the
rest still apply.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import NamedTuple

logger = logging.getLogger(__name__)

HINTS_FILE = "hints.json"
MAX_HINT = 200  # one line


class Hint(NamedTuple):
    match: re.Pattern[str]
    text: str


def _hint(pattern: str, text: str) -> Hint:
    return Hint(re.compile(pattern, re.IGNORECASE), text)


BUILTIN: tuple[Hint, ...] = (
    _hint(
        r"CUDA out of memory|CUDA error: out of memory|OutOfMemoryError",
        "The GPU ran out of memory: lower the batch size, or use an instance with more GPU memory.",
    ),
    _hint(
        r"\bOOM\b|out of memory|MemoryError|exit code 137|killed.*memory",
        "The container ran out of memory: use a larger instance type, or process less at a time.",
    ),
    _hint(
        r"ResourceLimitExceeded|account-level service limit|quota",
        "An account quota was reached: ask for an increase in Service Quotas (SageMaker), or"
        " stop jobs or endpoints that use it.",
    ),
    _hint(
        # HyperPod says "We currently do not have sufficient capacity to launch new …".
        r"InsufficientInstanceCapacity|insufficient capacity|CapacityError"
        r"|(?:not|no) (?:have )?(?:enough|sufficient) capacity",
        "AWS had no capacity for this instance type here: retry later, use another instance"
        " type or Availability Zone, or managed spot with a longer wait.",
    ),
    _hint(
        r"\bkms\b|KMS key",
        "A KMS key refused the role: let the job's execution role use the key (key policy and"
        " kms:Decrypt / kms:GenerateDataKey).",
    ),
    _hint(
        r"\becr\b|CannotPullContainerError|pull access denied|image.*(not exist|not found)"
        r"|manifest unknown",
        "The container image could not be pulled: check the image URI and tag, and that the"
        " execution role may read the ECR repository (ecr:BatchGetImage).",
    ),
    _hint(
        r"AccessDenied|Access Denied|not authorized to perform|Forbidden",
        "The execution role was refused: grant it the action the reason names (on S3, ECR or"
        " KMS), on the bucket, repository or key it names.",
    ),
    _hint(
        r"NoSuchKey|NoSuchBucket|no (input )?data|is empty|does not contain any"
        r"|could not find any",
        "The input data was not where the job looked: check the channel's S3 URI and that"
        " objects exist under it.",
    ),
    _hint(
        r"MaxRuntimeExceeded|MaxRuntimeInSeconds|maximum runtime",
        "The job hit its maximum runtime: raise StoppingCondition.MaxRuntimeInSeconds, or"
        " checkpoint and resume.",
    ),
    _hint(
        r"ping health check|health check|failed to pass.*ping|/ping",
        "The model container did not answer /ping in time: check the container's logs for a"
        " crash at start-up, and that it listens on port 8080.",
    ),
)


def load(directory: Path | None) -> tuple[Hint, ...]:
    """The deployment's hints (``hints.json`` in ``directory``), then the built-in ones."""
    if directory is None:
        return BUILTIN
    path = directory / HINTS_FILE
    if not path.is_file():
        return BUILTIN
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        logger.warning("%s is not readable JSON (%s): only the built-in hints apply", path, exc)
        return BUILTIN
    if not isinstance(entries, list):
        logger.warning("%s is not a list: only the built-in hints apply", path)
        return BUILTIN
    own: list[Hint] = []
    for number, entry in enumerate(entries, 1):
        try:
            pattern, text = entry["match"], entry["hint"]
            if not (isinstance(pattern, str) and isinstance(text, str) and text.strip()):
                raise TypeError("match and hint must be text")
            own.append(_hint(pattern, " ".join(text.split())[:MAX_HINT]))
        except (KeyError, TypeError, re.error) as exc:
            logger.warning("%s: entry %d skipped (%s)", path, number, exc)
    return (*own, *BUILTIN)


def hint_for(reason: str | None, hints: tuple[Hint, ...] = BUILTIN) -> str | None:
    """The first hint whose pattern is found in ``reason``."""
    if not reason:
        return None
    return next((h.text for h in hints if h.match.search(reason)), None)


# A training job's phases that are not where it was when it failed, but what it came to.
_ENDINGS = frozenset({"Failed", "Stopped", "Stopping", "Completed", "MaxRuntimeExceeded"})


def failure_phase(transitions: object) -> str | None:
    """The phase a training job failed in: its last secondary status before it ended
    (``Downloading``, ``Training``, ``Uploading``…), from ``SecondaryStatusTransitions``."""
    if not isinstance(transitions, list):
        return None
    phases = [getattr(t, "Status", None) for t in transitions]
    known = [p for p in phases if isinstance(p, str) and p and p not in _ENDINGS]
    return known[-1] if known else None
