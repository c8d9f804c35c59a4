#!/usr/bin/env bash
# Package the service offline and check the result: what CI runs (`make package`, part of
# `make test`). Needs Node.js/npm (osls from the npm registry, `npm ci`) and PyPI; no AWS.
#
#   deploy/package.sh            # -> build/package/ (or $CHATOPS_PACKAGE_DIR)
#
# 1. The dependency layer for the Lambda runtime (deploy/build_layer.sh; cached), and the
#    function zip: the package from its wheel, its built-in templates compiled ahead of time,
#    nothing only a developer uses (deploy/build_function.py).
# 2. `npx osls package` with dummy credentials and no AWS configuration, so nothing can be
#    looked up in (or sent to) an AWS account: the template is a function of the sources.
#    The function zip is serverless.yml's `package.artifact`; a copy goes into the package
#    directory beside deps.zip, so that it holds both zips for the checks and the size.
# 3. cfn-lint on the generated CloudFormation and on deploy/cross-account-role.yml. No error
#    and no warning passes: the only ignored warning is W3005, by name, on the resources osls
#    writes itself (see `lintIgnores` in serverless.yml for why).
# 4. The package's size: each zip, and the total against Lambda's 250 MB (deploy/package_size.py).
set -euo pipefail

cd "$(dirname "$0")/.."

OUT="${CHATOPS_PACKAGE_DIR:-build/package}"
STAGE="${CHATOPS_PACKAGE_STAGE:-ci}"
if [[ -x .venv/bin/python ]]; then BIN=.venv/bin/; PY=.venv/bin/python; else BIN=""; PY=python3; fi

# osls, from the npm registry (pinned by package-lock.json), unless `npm ci` already ran.
[[ -x node_modules/.bin/osls ]] || npm ci --no-audit --no-fund --loglevel=error

FUNCTION_ZIP="${CHATOPS_FUNCTION_ZIP:-build/function/sagemaker-chatops.zip}"
bash deploy/build_layer.sh
"$PY" deploy/build_function.py --out "$FUNCTION_ZIP"

echo "package: npx osls package --stage $STAGE --package $OUT (offline, dummy credentials)"
rm -rf "$OUT"
offline="$(mktemp -d)"
trap 'rm -rf "$offline"' EXIT
env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_SECURITY_TOKEN -u AWS_ROLE_ARN \
  -u AWS_WEB_IDENTITY_TOKEN_FILE -u AWS_CONTAINER_CREDENTIALS_FULL_URI \
  -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
  AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
  AWS_SECRET_ACCESS_KEY=offline-package-not-a-secret \
  AWS_CONFIG_FILE="$offline/config" \
  AWS_SHARED_CREDENTIALS_FILE="$offline/credentials" \
  AWS_EC2_METADATA_DISABLED=true \
  CHATOPS_FUNCTION_ZIP="$FUNCTION_ZIP" \
  npx --no-install osls package --stage "$STAGE" --package "$OUT"
cp "$FUNCTION_ZIP" "$OUT/"

echo "package: cfn-lint"
"${BIN}cfn-lint" --regions us-east-1 -- "$OUT/cloudformation-template-update-stack.json" \
  deploy/cross-account-role.yml
echo "package: cfn-lint found nothing"

"$PY" deploy/package_size.py "$OUT"
