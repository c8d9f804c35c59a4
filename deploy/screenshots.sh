#!/usr/bin/env bash
# Regenerate the README's pictures of the bot's messages (docs/images/*.png): `make screenshots`.
#
# Each picture is the bot's own local conversation page (`sagemaker-chatops replay`, no Slack,
# no AWS: moto's server on loopback stands in for SageMaker and S3) of some events of the demo
# scenario (bot/demo.py), or the approval modal the bot builds, photographed by headless
# Chromium (Debian: `apt-get install chromium`; or set CHROMIUM). Not run by CI.
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

# The approval card's evidence, read as the events function reads it: moto's server (loopback)
# stands in for SageMaker and S3, with the group's approved version 6, the run's version 7,
# their documents (bot/demo.py package_metrics) and one of them the bot may not read.
port="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$(dirname "$PY")/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_DEFAULT_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
"$PY" - <<'PY'
import json
import os
import time
import urllib.request

import boto3

from bot import demo

for _ in range(100):  # until the server answers
    try:
        urllib.request.urlopen(os.environ["AWS_ENDPOINT_URL"] + "/moto-api/", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
s3, sm = boto3.client("s3"), boto3.client("sagemaker")
bucket, _, prefix = demo.ARTIFACTS.removeprefix("s3://").partition("/")
s3.create_bucket(Bucket=bucket)
PREVIOUS = "b7m2c5x8rt0q"  # the run that registered version 6


def put(run, path, body):
    s3.put_object(Bucket=bucket, Key=f"{prefix}/{run}/{path}", Body=json.dumps(body).encode())


def evaluation(auc, accuracy, f1, precision, recall):
    return {"binary_classification_metrics": {
        "auc": {"value": auc[0], "standard_deviation": auc[1]}, "accuracy": {"value": accuracy},
        "f1": {"value": f1}, "precision": {"value": precision}, "recall": {"value": recall},
        "confusion_matrix": {"0": {"0": 812, "1": 41}, "1": {"0": 33, "1": 114}}}}


def bias(metrics):
    entries = [{"name": n, "description": n, "value": v} for n, v in metrics.items()]
    return {"version": "1.0", "post_training_bias_metrics": {"label": "churned", "facets": {
        "contract_type": [{"value_or_threshold": "monthly", "metrics": entries}]}}}


def shap(values):
    return {"version": "1.0", "explanations": {"kernel_shap": {"label0": {
        "global_shap_values": values, "expected_value": 0.27}}}}


put(PREVIOUS, "evaluation/evaluation.json", evaluation((0.901, 0.005), 0.897, 0.83, 0.81, 0.76))
put(PREVIOUS, "clarify-bias/analysis.json", bias({"DPPL": 0.06, "DI": 0.88, "AD": 0.021}))
put(PREVIOUS, "clarify-explainability/analysis.json", shap({"tenure": 0.19}))
put(demo.NIGHTLY, "evaluation/evaluation.json", evaluation((0.923, 0.004), 0.91, 0.80, 0.84, 0.76))
put(demo.NIGHTLY, "clarify-bias/analysis.json", bias({"DPPL": 0.045, "DI": 0.91, "AD": 0.034}))
put(demo.NIGHTLY, "clarify-explainability/analysis.json", shap({"tenure": 0.21}))
denied = f"arn:aws:s3:::{bucket}/{prefix}/{demo.NIGHTLY}/clarify-explainability/*"
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": denied}]}))

sm.create_model_package_group(ModelPackageGroupName=demo.PACKAGE_GROUP)
spec = {"Containers": [{"Image": demo.XGBOOST_IMAGE}], "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"]}
for version in range(1, 8):
    status = {6: "Approved", 7: "PendingManualApproval"}.get(version, "Rejected")
    run = {6: PREVIOUS, 7: demo.NIGHTLY}.get(version)
    extra = {"ModelMetrics": demo.package_metrics(run)} if run else {}
    sm.create_model_package(ModelPackageGroupName=demo.PACKAGE_GROUP, ModelApprovalStatus=status,
                            InferenceSpecification=spec, **extra)
PY
bucket="$("$PY" -c 'from bot import demo; print(demo.ARTIFACTS.removeprefix("s3://").split("/")[0])')"
export CHATOPS_METRICS_BUCKETS="$bucket/"

shoot() {  # shoot PAGE PNG WIDTH HEIGHT
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$2" --window-size="$3,$4" "file://$(realpath "$1")" 2>/dev/null
  echo "screenshots: $2"
}

# Local only, whatever the environment says.
unset SLACK_BOT_TOKEN SLACK_API_URL CHATOPS_STORE

# Window heights: the parent message and the start of its thread. The approval's state is kept
# in a file, for the modal below.
for spec in pipeline-run:1400 model-package-approval:2080 failed-run:1300; do
  name="${spec%%:*}"
  "$CLI" replay "$work/$name"/*.json --store "sqlite:///$work/$name.sqlite3" \
    --output "$work/$name.html" >/dev/null
  shoot "$work/$name.html" "$OUT/$name.png" 900 "${spec##*:}"
done

# The Approve modal of that card, as the slack function fills it in: from what the events
# function kept of both versions (it reads no S3) and the group's approved version.
"$PY" - "$work/model-package-approval.sqlite3" "$work/approval-modal.html" <<'PY'
import sys
from pathlib import Path

import boto3

from bot import demo
from bot.aws.sagemaker import SageMaker
from bot.preview.page import PreviewModal, PreviewSection, render_page
from bot.render.renderer import Renderer
from bot.service.chatops import ChatOpsService
from bot.slack_app.modals import decision_view
from bot.store import open_store

store = open_store(f"sqlite:///{sys.argv[1]}")
sm = SageMaker(boto3.client("sagemaker"))
# Only what the modal's details need: SageMaker and the store.
service = ChatOpsService(store=store, renderer=Renderer(), authorizer=None, auditor=None,
                         sagemaker=lambda region, account=None: sm, slack=None,
                         refresh_parent=lambda *args: None)
details = service.approval_details(f"{demo.PREFIX}:model-package/{demo.PACKAGE_GROUP}/7")
view = decision_view(Renderer(), details, "Approved", "C0DEMO", "1.0", "approval-demo")
section = PreviewSection("Approve, on the card of version 7", [PreviewModal(view)])
Path(sys.argv[2]).write_text(render_page("The Approve modal", [section], builder_links=False))
PY
shoot "$work/approval-modal.html" "$OUT/approval-modal.png" 900 950

# The whole demo conversation (the page `make demo` writes).
"$CLI" replay --demo --output "$work/conversation.html" >/dev/null
shoot "$work/conversation.html" "$OUT/demo-conversation.png" 900 1500
