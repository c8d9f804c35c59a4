"""Formatting helpers exposed to templates as filters and globals. Pure functions."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pydantic import BaseModel

from bot.events.identity import ARN_KINDS, Arn, ResourceKind, ResourceRef
from bot.render.escape import Trusted, code, link, mrkdwn_escape, url_component
from bot.render.links import (
    pipeline_execution_url,
    resource_links,
    sagemaker_console,
    valid_region,
)


def dig(obj: Any, *path: str | int) -> Any:
    """Walk attributes, dict keys and list indexes; ``None`` as soon as a step is missing."""
    for step in path:
        if obj is None:
            return None
        if isinstance(step, int):
            obj = (
                obj[step]
                if isinstance(obj, list | tuple) and -len(obj) <= step < len(obj)
                else None
            )
        elif isinstance(obj, dict):
            obj = obj.get(step)
        elif isinstance(obj, BaseModel):
            # A model keeps its declared fields in __dict__ and the others in its extra.
            fields = obj.__dict__
            obj = fields[step] if step in fields else (obj.__pydantic_extra__ or {}).get(step)
        else:
            obj = None
    return obj


def when(value: Any) -> Trusted | str:
    """A time Slack shows in each reader's time zone; raw values are shown as they came."""
    if isinstance(value, datetime):
        iso, epoch = _utc(value)
        if epoch < 0:  # Slack's date token takes no negative epoch; show the text
            return iso
        return Trusted(f"<!date^{epoch}^{{date_short_pretty}} {{time_secs}}|{iso}>")
    return "" if value is None else str(value)


def _utc(value: datetime) -> tuple[str, int]:
    """``("YYYY-MM-DD HH:MM:SS UTC", epoch seconds)``; a time without a zone is taken as UTC."""
    utc = value.astimezone(UTC) if value.utcoffset() else value
    return utc.isoformat(" ", "seconds")[:19] + " UTC", calendar.timegm(utc.timetuple())


def plain_time(value: Any) -> str:
    """A time as plain text (for header and fallback text, where date tokens do not render)."""
    if isinstance(value, datetime):
        return _utc(value)[0]
    return "" if value is None else str(value)


def duration(start: Any, end: Any) -> str:
    """``1h 02m 03s`` between two datetimes; empty when either is missing or not a time."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return ""
    seconds = int((end - start).total_seconds())
    if seconds < 0:
        return ""
    return seconds_text(seconds)


def seconds_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    seconds = int(value)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m {secs:02d}s"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def number(value: Any) -> str:
    """Integers with thousands separators; floats trimmed; anything else as it came."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e15 else str(value)
    return str(value)


def s3(uri: Any, label: Any = None) -> Trusted | str:
    """``s3://bucket/key`` as a link to the S3 console (labelled with the URI unless ``label``
    is given); other values as they came."""
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        return "" if uri is None else str(uri)
    bucket, _, key = uri[5:].partition("/")
    if not bucket:
        return uri
    url = f"https://s3.console.aws.amazon.com/s3/buckets/{url_component(bucket)}"
    if key:
        url += f"?prefix={url_component(key)}"
    return link(url, uri if label is None else label)


def compact_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def pairs(mapping: Any, limit: int = 20) -> list[tuple[str, str]]:
    """Items of a dict as text pairs, at most ``limit``; a non-dict gives one pair of its text."""
    if isinstance(mapping, dict):
        return [(str(k), _scalar(v)) for k, v in list(mapping.items())[:limit]]
    if mapping in (None, "", [], {}):
        return []
    return [("value", _scalar(mapping))]


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    return compact_json(value)


def join_trusted(items: Iterable[Any], separator: str = " · ") -> Trusted:
    """Join values, escaping those that are not already trusted."""
    return Trusted(separator.join(mrkdwn_escape(i) for i in items if i not in (None, "")))


def button_value(**fields: Any) -> Trusted:
    """Compact JSON for a button's ``value``: what its handler needs, nothing more.

    The value is never shown as mrkdwn, so it is kept verbatim (only JSON-escaped) for the
    handler to parse back.
    """
    return Trusted(compact_json({k: v for k, v in fields.items() if v not in (None, "")}))


def present(facts: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Drop the facts whose value is missing, so messages show only what is known."""
    return [(label, value) for label, value in facts if value not in (None, "", [], {})]


def fact_fields(facts: Iterable[tuple[Any, Any]], per_section: int = 10) -> list[list[Trusted]]:
    """The known facts as the mrkdwn texts of section fields (``*label*`` over its value), in
    sections of at most ``per_section`` (Slack's limit): what the base template lays out."""
    texts = [
        Trusted(f"*{_field_text(label)}*\n{_field_text(value)}")
        for label, value in facts
        if value not in (None, "", [], {})
    ]
    return [texts[i : i + per_section] for i in range(0, len(texts), per_section)]


def _field_text(value: Any) -> str:
    # What the renderer's finalize does to an interpolated value, less the JSON escaping that
    # finalize still applies to the Trusted result.
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.isoformat()
    return mrkdwn_escape(value)


def mention(user_id: Any) -> Trusted | str:
    """``<@U123>`` for a real Slack user id; anything else is shown as text, never a mention."""
    text = str(user_id or "")
    if text[:1] in ("U", "W") and text[1:].isalnum() and text.isupper() and 2 < len(text) < 24:
        return Trusted(f"<@{text}>")
    return text


def mentions(user_ids: Iterable[Any]) -> Trusted:
    """Slack users as mentions, ``<@U1> and <@U2>``; anything else as escaped text."""
    return join_trusted((mention(u) for u in user_ids), " and ")


_CONFIGURED_USER = re.compile(r"^[UW][A-Z0-9]+$")
_CONFIGURED_GROUP = re.compile(r"^S[A-Z0-9]+$")


def configured_mention(entry_id: str) -> Trusted:
    """A mention of a configured user or user group id (``CHATOPS_APPROVERS``…): ``<@U…>``,
    ``<!subteam^S…>``; anything else as inline code of its safe characters, never a mention."""
    if _CONFIGURED_USER.match(entry_id):
        return Trusted(f"<@{entry_id}>")
    if _CONFIGURED_GROUP.match(entry_id):
        return Trusted(f"<!subteam^{entry_id}>")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "", entry_id)
    return Trusted(f"`{safe}`") if safe else Trusted("")


def configured_mentions(entry_ids: Iterable[str]) -> Trusted:
    """Configured users and groups as mentions, comma-separated."""
    return join_trusted((configured_mention(i) for i in entry_ids), ", ")


def as_list(value: Any) -> list[Any]:
    """A list or tuple as a list; anything else (a raw string, a dict, ``None``) as ``[]``."""
    return list(value) if isinstance(value, list | tuple) else []


class ArnInfo(NamedTuple):
    """What a template shows for an ARN it finds in an event (a step's job, a package's source)."""

    resource_type: str
    resource: str  # everything after ``<type>/``, e.g. ``group/3`` or ``P/execution/X``
    name: str  # the last path segment
    console: str | None = None
    logs: str | None = None


def arn_info(value: Any) -> ArnInfo | None:
    """Name and console/log links of the resource an ARN names; ``None`` if it is not an ARN."""
    arn = Arn.parse(value)
    if arn is None or not arn.resource:
        return None
    name = arn.resource.rstrip("/").rsplit("/", 1)[-1] or arn.resource
    console = logs = None
    # The region becomes part of a URL's host: only a real region name may get there.
    if valid_region(arn.region) and arn.service == "sagemaker":
        kind = ARN_KINDS.get(arn.resource_type)
        if kind is ResourceKind.PIPELINE:
            # The ARN may name an execution or only its pipeline: each has its own page.
            console = pipeline_execution_url(arn.region, str(value)) or sagemaker_console(
                arn.region, f"pipelines/{url_component(arn.resource.split('/', 1)[0])}"
            )
        elif kind is not None:
            ref = ResourceRef(kind, name, str(value), arn.account, arn.region)
            group = arn.resource.split("/", 1)[0] if kind is ResourceKind.MODEL_PACKAGE else None
            found = resource_links(ref, model_package_group=group)
            console, logs = found.console, found.logs
    return ArnInfo(arn.resource_type, arn.resource, name, console, logs)


def truncate(
    value: Any, length: int = 255, killwords: bool = False, end: str = "...", leeway: int = 5
) -> str:
    """Jinja's ``truncate`` filter for views: the same result, without a template."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= length + leeway:
        return text
    if killwords:
        return text[: length - len(end)] + end
    return text[: length - len(end)].rsplit(" ", 1)[0] + end


def one_line(value: Any, length: int, end: str = "…") -> str:
    """A value as one line of at most about ``length`` characters (``replace`` + ``truncate``)."""
    return truncate(str(value).replace("\n", " "), length, True, end)


def model_console(model: str, region: str | None, account: str | None) -> str | None:
    """The console page of a model named by its ARN, or by its name in ``region`` and
    ``account`` (events of transform jobs and model cards name the model only)."""
    if model.startswith("arn:"):
        info = arn_info(model)
    elif region:
        info = arn_info(f"arn:aws:sagemaker:{region}:{account or ''}:model/{model}")
    else:
        return None
    return info.console if info else None


def code_list(value: Any, limit: int) -> Trusted | None:
    """The text items of a list as code, at most ``limit`` of them and then how many more were
    left out; ``None`` when there are none."""
    items = [item for item in as_list(value) if isinstance(item, str) and item]
    if not items:
        return None
    more = len(items) - limit
    shown = join_trusted((code(i) for i in items[:limit]), ", ")
    return join_trusted([shown, f"+{more} more" if more > 0 else None], " ")
