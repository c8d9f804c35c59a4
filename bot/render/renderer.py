"""Event → Slack message. Pure: a ``SageMakerEvent`` and context in, a Block Kit dict out.

Templates are JSON text rendered by Jinja2. User templates (a directory set in the settings)
take precedence over the built-in ones. If a template fails or emits something that is not a
message, the built-in generic template renders the event instead, so nothing is lost.
"""

from __future__ import annotations

import json
import logging
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2

from bot.errors import TemplateError
from bot.events.identity import ResourceKind
from bot.events.parse import SageMakerEvent
from bot.events.severity import Attention
from bot.events.status import ALERTS, STYLES, StatusClass
from bot.render import compiled, escape, formatting, hints
from bot.render.context import Message, RenderContext
from bot.render.limits import enforce_message
from bot.render.links import resource_links, using_studio
from bot.render.studio import NO_STUDIO, StudioDomains
from bot.render.views import replies, view_variables

logger = logging.getLogger(__name__)


def _builtin_templates() -> Path:
    """The built-in templates: the package ``bot.templates``, wherever it is installed (the
    top-level ``templates/`` folder in a checkout or an editable install, ``bot/templates`` in
    a wheel and in the Lambda package; pyproject.toml maps the one to the other)."""
    found = files("bot.templates")
    if not isinstance(found, Path):  # e.g. inside a zip: Jinja loads from directories only
        raise RuntimeError(f"the built-in templates are not a directory: {found}")
    return found


BUILTIN_TEMPLATES = _builtin_templates()
TEMPLATE_SUFFIX = ".json.j2"
REPLY_TEMPLATE = "_reply"  # every thread reply (mode="reply"), whatever the event type

# Kinds whose failures and warnings get an "Inspect" button (bot/aws gathers their inspection).
INSPECTABLE = frozenset(
    {
        ResourceKind.TRAINING,
        ResourceKind.TUNING,
        ResourceKind.PROCESSING,
        ResourceKind.TRANSFORM,
        ResourceKind.PIPELINE,
        ResourceKind.ENDPOINT,
    }
)


# What a warning's status word does not say (a processing job "Completed" with violations),
# shown beside it like a secondary status, also in the notification text.
ATTENTION_WORDS = {
    Attention.TIMEOUT: "MaxRuntimeExceeded",
    Attention.VIOLATIONS: "CompletedWithViolations",
}


def _environment(override_dir: Path | None, *, precompiled: bool = True) -> jinja2.Environment:
    """The environment of the built-in templates, behind those of ``override_dir`` if any.

    ``precompiled``: load the built-in templates from their ahead-of-time build when it is
    current (see ``bot.render.compiled``).
    """
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        finalize=escape.finalize,
        autoescape=False,  # noqa: S701 - output is Slack JSON: ``finalize`` escapes for it
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters.update(
        link=escape.link,
        code=escape.code,
        code_block=escape.code_block,
        when=formatting.when,
        plain_time=formatting.plain_time,
        number=formatting.number,
        seconds=formatting.seconds_text,
        s3=formatting.s3,
        pairs=formatting.pairs,
        json=formatting.compact_json,
        mention=formatting.mention,
        as_list=formatting.as_list,
    )
    # Helpers used often are also filters: Jinja calls filters directly, while a global
    # function goes through Context.call, about three times slower (see bench/render.py).
    env.filters.update(
        dig=formatting.dig,
        arn_info=formatting.arn_info,
        joined=formatting.join_trusted,  # `[a, b] | joined`, the same as join([a, b])
        duration=formatting.duration,  # `start | duration(end)`
        present=formatting.present,
        fact_fields=formatting.fact_fields,
    )
    env.globals.update(
        dig=formatting.dig,
        duration=formatting.duration,
        join=formatting.join_trusted,
        button_value=formatting.button_value,
        link=escape.link,
        present=formatting.present,
        arn_info=formatting.arn_info,
        Kind=ResourceKind,
        StatusClass=StatusClass,
        STYLES=STYLES,
    )
    builtin = (
        compiled.builtin_loader(env, BUILTIN_TEMPLATES)
        if precompiled
        else jinja2.FileSystemLoader(str(BUILTIN_TEMPLATES))
    )
    overrides = [jinja2.FileSystemLoader(str(override_dir))] if override_dir else []
    env.loader = jinja2.ChoiceLoader([*overrides, builtin])
    return env


def compile_builtin_templates() -> Path:
    """Compile the built-in templates ahead of time (packaging runs this); their directory."""
    return compiled.compile_builtin_templates(
        _environment(None, precompiled=False), BUILTIN_TEMPLATES
    )


class Renderer:
    """Renders events with the built-in templates, overridden by those in ``override_dir``.

    ``studio``: the Studio domains links may open (the ``studio_domains`` setting); none: every
    link goes to the console.
    """

    def __init__(
        self, override_dir: Path | None = None, *, studio: StudioDomains = NO_STUDIO
    ) -> None:
        self._env = _environment(override_dir)
        self._hints = hints.load(override_dir)
        self.studio = studio

    def render(self, event: SageMakerEvent, context: RenderContext | None = None) -> Message:
        """Render an event; falls back to the generic template if its own template fails."""
        with using_studio(self.studio):
            return self._render(event, context or RenderContext())

    def _render(self, event: SageMakerEvent, context: RenderContext) -> Message:
        if context.mode == "reply":
            return self._render_reply(event, context)
        if event.spec.template != "generic":
            try:
                return self._render_template(event.spec.template, event, context)
            except TemplateError:
                logger.exception(
                    "template %s failed; rendering event %s generically",
                    event.spec.template,
                    event.id,
                )
        try:
            return self._render_template("generic", event, context)
        except TemplateError:
            # Even a broken generic override must not lose the event.
            logger.exception("generic template failed; sending a minimal message")
            return minimal_message(event)

    def _render_reply(self, event: SageMakerEvent, context: RenderContext) -> Message:
        """A thread reply: one line, whatever the event type (``templates/_reply.json.j2``)."""
        try:
            return self._render_template(REPLY_TEMPLATE, event, context)
        except TemplateError:
            logger.exception("reply template failed; sending event %s as a plain line", event.id)
        try:
            line = replies.reply_line(event, context, replies.reply_fact(event, context))
        except Exception:  # a value the line cannot show: the event must survive
            logger.exception("reply line failed; sending a minimal message")
            return minimal_message(event)
        return section_message(line.text)

    def _render_template(self, name: str, event: SageMakerEvent, context: RenderContext) -> Message:
        try:
            variables = _variables(event, context, name, self._hints)
        except Exception as exc:  # a view meets a value it cannot show: the event must survive
            raise TemplateError(f"view {name} failed: {exc!r}") from exc
        return self.render_template(name, variables)

    def render_template(self, name: str, variables: dict[str, Any]) -> Message:
        """Render any template with the given variables (e.g. an inspection, not an event)."""
        try:
            template = self._env.get_template(name + TEMPLATE_SUFFIX)
            with using_studio(self.studio):  # the arn_info filter makes links
                text = template.render(variables)
        except Exception as exc:  # a user template can raise anything; the event must survive
            raise TemplateError(f"template {name} failed: {exc!r}") from exc
        try:
            message = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TemplateError(f"template {name} did not produce JSON: {exc}") from exc
        if not isinstance(message, dict) or not isinstance(message.get("blocks"), list):
            raise TemplateError(f"template {name} did not produce a message object")
        # Templates end block and field lists with a null so every item can end with a comma.
        blocks = message["blocks"] = [b for b in message["blocks"] if b is not None]
        for block in blocks:
            fields = block.get("fields") if isinstance(block, dict) else None
            if isinstance(fields, list) and fields and fields[-1] is None:
                block["fields"] = [f for f in fields if f is not None]
        return enforce_message(message)


def minimal_message(event: SageMakerEvent) -> Message:
    """A message built without templates: the last resort, so no event is ever dropped."""
    resource = event.resource
    line = (
        f"{event.style.emoji} {resource.kind.title} *{escape.mrkdwn_escape(resource.display_name)}*"
        f": {escape.mrkdwn_escape(event.status or 'state change')}"
    )
    if event.failure_reason:
        line += f"\n{escape.code_block(event.failure_reason)}"
    return section_message(line)


def section_message(mrkdwn: str) -> Message:
    """A message of one mrkdwn section (already escaped), also its notification text."""
    return enforce_message(
        {
            "text": mrkdwn,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}],
        }
    )


def _variables(
    event: SageMakerEvent,
    context: RenderContext,
    template: str,
    known_hints: tuple[hints.Hint, ...] = hints.BUILTIN,
) -> dict[str, Any]:
    detail = event.detail
    pipeline_execution = detail.field("pipelineExecutionArn")
    resource = event.resource
    links = resource_links(
        resource,
        pipeline_execution_arn=pipeline_execution if isinstance(pipeline_execution, str) else None,
        model_package_group=detail.field("ModelPackageGroupName"),
    )
    if event.status == "Deleted":  # its page is gone with it; its logs stay
        links = links._replace(console=None, studio=False)
    kind_title = event.kind_title
    status_class = event.status_class
    # What a warning's status word does not say (MaxRuntimeExceeded, CompletedWithViolations).
    attention_word = ATTENTION_WORDS.get(event.attention) if event.attention else None
    variables = {
        "e": event,
        "d": detail,
        "r": resource,
        "env": event.envelope,
        "status": event.status,
        "status_class": status_class,
        "style": event.style,
        "kind_title": kind_title,
        "links": links,
        "ctx": context,
        # What the base template shows of every event, computed once here.
        "display_name": resource.display_name,
        # A parent known only through its children (a placeholder: no time of its own) has
        # no status yet; saying "State change" would claim an event nobody saw.
        "status_text": event.status
        or ("Status not reported yet" if event.time is None else "State change"),
        "previous": context.previous_status or detail.previous_status,
        "sub_status": detail.sub_status or attention_word,
        "reply": context.mode == "reply",
        "failure_reason": event.failure_reason,
        # What to do about an alert, for well-known causes; and where a job was when it failed.
        # A timeout often comes without a reason: its word (MaxRuntimeExceeded) finds the hint.
        "hint": hints.hint_for(event.failure_reason or attention_word, known_hints)
        if status_class in ALERTS
        else None,
        "failure_phase": hints.failure_phase(detail.field("SecondaryStatusTransitions"))
        if status_class in ALERTS and event.failure_reason
        else None,
        # The Inspect button of a failed (or warning) job, pipeline or endpoint: what its
        # handler needs.
        "inspect_value": formatting.button_value(
            kind=resource.kind.value,
            arn=resource.arn,
            name=resource.name,
            region=resource.region,
            account=resource.account,
        )
        if status_class in ALERTS and resource.kind in INSPECTABLE
        else None,
        # The context line and the links line of every message.
        "context_text": formatting.join_trusted(
            [
                f"Account {resource.account}" if resource.account else None,
                resource.region,
                formatting.when(event.time),
            ]
        )
        or kind_title,
        "links_text": formatting.join_trusted(
            [
                escape.link(links.console, "Studio" if links.studio else "Console")
                if links.console
                else None,
                escape.link(links.logs, "CloudWatch logs") if links.logs else None,
                escape.link(links.pipeline, "Pipeline execution") if links.pipeline else None,
            ]
        ),
    }
    variables.update(view_variables(template, event, context, links))
    return variables
