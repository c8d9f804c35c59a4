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
nightly = demo.pipeline_events(ids)
card = max(i for i, e in enumerate(nightly) if e["detail-type"].startswith("SageMaker Model Package"))
streams = {
    # The nightly run's thread: steps, the jobs on their lines, the approval card, the end.
    "pipeline-run": nightly,
    # Its approval request: the run until the package's card is posted in its thread.
    "model-package-approval": nightly[: card + 1],
    # A failed run: the training job's failure broadcast, the step's and the run's after it.
    "failed-run": demo.failed_pipeline_events(ids),
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
for spec in pipeline-run:1400 model-package-approval:1900 failed-run:1300; do
  name="${spec%%:*}"
  "$CLI" replay "$work/$name"/*.json --output "$work/$name.html" >/dev/null
  shoot "$work/$name.html" "$OUT/$name.png" 900 "${spec##*:}"
done

# The whole demo conversation (the page `make demo` writes).
"$CLI" replay --demo --output "$work/conversation.html" >/dev/null
shoot "$work/conversation.html" "$OUT/demo-conversation.png" 900 1500
