#!/usr/bin/env bash
# Build the `deps` Lambda layer: the bot's Python dependencies for the Lambda runtime of
# serverless.yml (python3.12 on arm64), whatever machine this runs on.
#
#   deploy/build_layer.sh            # -> build/layer/python/...  (or $CHATOPS_LAYER_DIR)
#
# - The requirements are [project].dependencies of pyproject.toml.
# - Versions: pinned to those installed in the test virtualenv (.venv), when there is one, so
#   Lambda runs what the tests ran; otherwise the newest that pyproject.toml allows.
# - Wheels only, for manylinux2014_aarch64 / CPython 3.12 (pip --platform): no compiler, no
#   Docker, and no x86_64 binary (pydantic-core) in an arm64 function. Needs PyPI only.
# - Without boto3 and the rest of the AWS SDK for Python (RUNTIME_PROVIDED): the Lambda runtime
#   has them (/var/runtime), and they would be about half the layer. The functions use the
#   runtime's SDK with its own dependencies, never a mix of the runtime's botocore and the
#   layer's urllib3.
# - .pyc files compiled by a Python 3.12 interpreter, when one is found, in unchecked-hash mode:
#   the layer is read-only, so Lambda could not cache them itself, and osls zips with a fixed
#   timestamp, which would make timestamp-checked .pyc files stale. Without 3.12 the layer works
#   the same, only the first import of each module in a container is slower.
# - Skipped when nothing changed since the last build (a key of all the inputs).
set -euo pipefail

cd "$(dirname "$0")/.."

LAMBDA_PYTHON=3.12            # = provider.runtime in serverless.yml (tests/deploy checks)
LAMBDA_PLATFORM=manylinux2014_aarch64   # = provider.architecture arm64
# Distributions the Lambda Python runtime provides: boto3 and its dependency closure.
RUNTIME_PROVIDED="boto3 botocore s3transfer jmespath python-dateutil six urllib3"
OUT="${CHATOPS_LAYER_DIR:-build/layer}"
SITE="$OUT/python"

# The Python that runs pip: the project's virtualenv, else python3 (3.11 or newer: tomllib).
PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if [[ -x .venv/bin/python ]]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi

requirements="$("$PYTHON" - <<'EOF'
import tomllib
with open("pyproject.toml", "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
EOF
)"

# Tested versions as pip constraints (only those of packages the layer installs apply).
constraints=""
if [[ -x .venv/bin/python ]]; then
  constraints="$(.venv/bin/python -m pip freeze --exclude-editable --disable-pip-version-check \
    | grep -E '^[A-Za-z0-9_.-]+==' || true)"
fi

# A Python 3.12 to compile with: $PYTHON312, python3.12 on PATH, or a pyenv install.
find_python312() {
  local candidate
  for candidate in "${PYTHON312:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12; do
    [[ -n "$candidate" ]] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}
python312="$(find_python312 || true)"

key="$(printf '%s\n--\n%s\n--\n%s %s %s\n' "$requirements" "$constraints" \
  "$LAMBDA_PYTHON" "$LAMBDA_PLATFORM" "${python312:+compiled}" | cat - "$0" | sha256sum | cut -d' ' -f1)"
if [[ -f "$OUT/.build-key" && "$(cat "$OUT/.build-key")" == "$key" && -d "$SITE" ]]; then
  echo "build_layer: $SITE is up to date"
  exit 0
fi

rm -rf "$OUT"
mkdir -p "$SITE"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
printf '%s\n' "$requirements" >"$work/requirements.txt"
printf '%s\n' "$constraints" >"$work/constraints.txt"

echo "build_layer: installing for CPython $LAMBDA_PYTHON on $LAMBDA_PLATFORM into $SITE"
"$PYTHON" -m pip install \
  --quiet --disable-pip-version-check --no-input \
  --target "$SITE" \
  --platform "$LAMBDA_PLATFORM" \
  --implementation cp \
  --python-version "$LAMBDA_PYTHON" \
  --only-binary=:all: \
  --no-compile \
  -r "$work/requirements.txt" \
  -c "$work/constraints.txt" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

# Console scripts are useless in a layer; caches of the build machine's Python too.
rm -rf "$SITE/bin"

# What the runtime provides goes, file by file from each distribution's RECORD.
# shellcheck disable=SC2086  # RUNTIME_PROVIDED is a list of names
"$PYTHON" - "$SITE" $RUNTIME_PROVIDED <<'PY'
import re
import shutil
import sys
from pathlib import Path

site = Path(sys.argv[1]).resolve()
unwanted = {re.sub(r"[-_.]+", "-", name).lower() for name in sys.argv[2:]}
removed = []
for dist in sorted(site.glob("*.dist-info")):
    name = re.sub(r"[-_.]+", "-", dist.name.removesuffix(".dist-info").rsplit("-", 1)[0]).lower()
    if name not in unwanted:
        continue
    for line in (dist / "RECORD").read_text().splitlines():
        path = (site / line.split(",", 1)[0]).resolve()
        if path.is_relative_to(site) and path.is_file():
            path.unlink()
    shutil.rmtree(dist, ignore_errors=True)
    removed.append(name)
for directory in sorted((p for p in site.rglob("*") if p.is_dir()), reverse=True):
    if not any(directory.iterdir()):
        directory.rmdir()
print(f"build_layer: left out, the runtime has them: {' '.join(removed)}")
PY
find "$SITE" -name __pycache__ -type d -prune -exec rm -rf {} +

if [[ -n "$python312" ]]; then
  echo "build_layer: compiling .pyc with $python312"
  "$python312" -m compileall -q -j 0 --invalidation-mode unchecked-hash "$SITE" >/dev/null
else
  echo "build_layer: no Python 3.12 found (set PYTHON312): layer left without .pyc files" >&2
fi

echo "$key" >"$OUT/.build-key"
echo "build_layer: done, $(du -sh "$SITE" | cut -f1) in $SITE"
