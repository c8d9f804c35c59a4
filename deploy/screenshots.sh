#!/usr/bin/env bash
# Regenerate the README's pictures of the bot's messages (docs/images/*.png): `make screenshots`.
#
# Each picture is the bot's own local conversation page (`sagemaker-chatops replay`, no Slack,
# no AWS) of some events of the demo scenario (bot/demo.py), photographed by headless Chromium
# (Debian: `apt-get install chromium`; or set CHROMIUM). Not run by CI.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=docs/images
PY=.venv/bin/python
CLI=.venv/bin/sagemaker-chatops
CHROMIUM="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [[ -z "$CHROMIUM" ]]; then
  echo "screenshots: no Chromium found (apt-get install chromium, or set CHROMIUM)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

# The demo's event streams, one directory each, in order.
"$PY" - "$work" <<'PY'
import json
import sys
from pathlib import Path

from bot import demo

ids = demo._Ids()
streams = {
    # Mid-run: the live checklist with steps done, cached and running.
    "pipeline-execution": demo.pipeline_events(ids)[:6],
    "failed-training-job": demo.failed_training_events(ids),
    "model-package-approval": demo.model_package_events(ids),
}
for name, events in streams.items():
    directory = Path(sys.argv[1]) / name
    directory.mkdir()
    for index, event in enumerate(events):
        (directory / f"{index:03d}.json").write_text(json.dumps(event))
PY

shoot() {  # shoot PAGE PNG WIDTH HEIGHT
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$2" --window-size="$3,$4" "file://$(realpath "$1")" 2>/dev/null
  echo "screenshots: $2"
}

# Local only, whatever the environment says.
unset SLACK_BOT_TOKEN SLACK_API_URL CHATOPS_STORE

# Window heights: the parent message and the start of its thread.
for spec in pipeline-execution:720 failed-training-job:860 model-package-approval:760; do
  name="${spec%%:*}"
  "$CLI" replay "$work/$name"/*.json --output "$work/$name.html" >/dev/null
  shoot "$work/$name.html" "$OUT/$name.png" 900 "${spec##*:}"
done

# The whole demo conversation (the page `make demo` writes).
"$CLI" replay --demo --output "$work/conversation.html" >/dev/null
shoot "$work/conversation.html" "$OUT/demo-conversation.png" 900 1500
