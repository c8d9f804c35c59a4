"""A package's evidence as mrkdwn, for its card (``views/catalog.py``) and the approval modal
(``templates/approval_modal.json.j2``): the key values beside the approved version's, with the
direction that is better marked, then each document's link, or why its metrics are unavailable.

Every text from a document or the package (metric names, labels, reasons) is escaped here;
the lines are :class:`~bot.render.escape.Trusted`, so templates take them as they are.
"""

from __future__ import annotations

from typing import NamedTuple

from bot.evidence.compare import Verdict, change, direction
from bot.evidence.model import Document, Evidence, KeyValue
from bot.render.escape import Trusted, mrkdwn_escape
from bot.render.formatting import s3

VERDICTS = {
    Verdict.BETTER: ":large_green_circle: better",
    Verdict.WORSE: ":red_circle: worse",
}
URI_SHOWN = 60  # characters of an S3 URI shown as a link's label (the link has all of it)


class EvidenceText(NamedTuple):
    values: Trusted  # "*Metrics*", a line per key value, and what it is compared with
    documents: Trusted  # a line per document: its link, and why it has no metrics


def evidence_text(evidence: Evidence) -> EvidenceText:
    version = evidence.baseline_version
    lines = ["*Metrics*"]
    lines += [_value(v, version) for v in evidence.values]
    if not evidence.values:
        lines.append("No values could be read from the documents below.")
    if version is not None:
        group = f" of {mrkdwn_escape(evidence.group)}" if evidence.group else ""
        lines.append(f"_Compared with version {version}{group}, the approved version._")
        lines += [
            f"_Version {version}'s {_lower(d.label)}: metrics unavailable: "
            f"{mrkdwn_escape(d.problem)}._"
            for d in evidence.baseline_problems
        ]
    elif evidence.baseline_note:
        note = mrkdwn_escape(evidence.baseline_note)
        lines.append(f"_{note[:1].upper()}{note[1:]}._")
    return EvidenceText(
        Trusted("\n".join(lines)),
        Trusted("\n".join(_document(d) for d in evidence.documents)),
    )


def number(value: float) -> str:
    """A metric's value: whole numbers with separators, others to 4 significant digits."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1e4:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def difference(delta: float) -> str:
    """A change, signed, to 3 significant digits."""
    if abs(delta) >= 1e3:
        return f"{delta:+,.0f}"
    return f"{delta:+.3g}"


def _value(value: KeyValue, version: int | None) -> str:
    metric = value.metric
    text = f"{mrkdwn_escape(metric.name)} *{number(metric.value)}*"
    if metric.spread:
        text += f" ±{number(metric.spread)}"
    if version is None:
        return text
    if value.baseline is None:
        return f"{text} (not in v{version})"
    found = change(metric.value, value.baseline, direction(metric))
    if found.verdict is Verdict.SAME:
        return f"{text} (= v{version})"
    verdict = f" {VERDICTS[found.verdict]}" if found.verdict else ""
    return f"{text} ({difference(found.delta)} vs v{version}){verdict}"


def _document(document: Document) -> str:
    uri = document.uri
    label = uri if len(uri) <= URI_SHOWN else f"s3://…/{uri.rsplit('/', 1)[-1]}"[:URI_SHOWN]
    shown = s3(uri, label)  # a console link; anything but an S3 URI comes back as it was
    where = shown if isinstance(shown, Trusted) else mrkdwn_escape(shown)
    line = f"• {mrkdwn_escape(document.label)}: {where}"
    if document.problem:
        return f"{line} — metrics unavailable: {mrkdwn_escape(document.problem)}"
    return line


def _lower(label: str) -> str:
    return mrkdwn_escape(label[:1].lower() + label[1:])
