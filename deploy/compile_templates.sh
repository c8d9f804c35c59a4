#!/usr/bin/env bash
# Compile the built-in templates ahead of time into templates/__compiled__ (packaged with the
# code): a Lambda cold start then imports them instead of compiling their source. Run by
# `npm run package`. The renderer ignores the build once a template changes after it.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
"$PYTHON" -m bot.cli compile-templates
