"""Templates compiled ahead of time, so a cold start imports them instead of compiling them.

Jinja compiles a template's source to Python the first time it is used: about 70 ms for the
two templates of a message, the largest part of rendering in a Lambda cold start. Packaging
(deploy/build_function.py) runs :func:`compile_builtin_templates` (also
``sagemaker-chatops compile-templates``), which writes that Python into ``__compiled__`` beside
the templates (the package ``bot.templates``) with a fingerprint of what it was compiled from:
the template sources, the Jinja version and the environment options that shape the code. The
renderer loads those modules only while the fingerprint still matches, and compiles from
source otherwise, so a stale or missing build is only slower, never wrong.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

import jinja2

logger = logging.getLogger(__name__)

COMPILED_DIR = "__compiled__"
FINGERPRINT_FILE = "FINGERPRINT"


def environment_key(env: jinja2.Environment) -> str:
    """The environment options that change the code Jinja generates."""
    options = (
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.finalize is not None,
        env.autoescape,
        sorted(env.extensions),
    )
    return f"jinja2 {jinja2.__version__} {options!r}"


def _is_template(name: str) -> bool:
    return "/" not in name and name.endswith(".j2")


def fingerprint(template_dir: Path, env: jinja2.Environment) -> str:
    digest = hashlib.sha256(environment_key(env).encode())
    for path in sorted(p for p in template_dir.iterdir() if _is_template(p.name)):
        digest.update(f"\0{path.name}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def compile_builtin_templates(env: jinja2.Environment, template_dir: Path) -> Path:
    """Compile every template of ``env`` (which must load ``template_dir`` only) next to them."""
    target = template_dir / COMPILED_DIR
    with tempfile.TemporaryDirectory(dir=template_dir) as tmp:
        staging = Path(tmp) / COMPILED_DIR
        env.compile_templates(str(staging), zip=None, filter_func=_is_template, ignore_errors=False)
        (staging / FINGERPRINT_FILE).write_text(fingerprint(template_dir, env) + "\n")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    return target


def builtin_loader(env: jinja2.Environment, template_dir: Path) -> jinja2.BaseLoader:
    """The compiled templates while they match their sources, else the sources themselves."""
    source = jinja2.FileSystemLoader(str(template_dir))
    compiled = template_dir / COMPILED_DIR
    try:
        stored = (compiled / FINGERPRINT_FILE).read_text().strip()
    except OSError:
        return source
    if stored != fingerprint(template_dir, env):
        logger.info("compiled templates in %s are stale: compiling from source", compiled)
        return source
    # The modules import nothing but Jinja's runtime; a missing one is TemplateNotFound, and
    # the sources stay behind it.
    return jinja2.ChoiceLoader([jinja2.ModuleLoader(str(compiled)), source])
