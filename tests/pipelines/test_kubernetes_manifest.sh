#!/usr/bin/env bash
# pipelines/kubernetes/upscale-job.yaml against the Kubernetes API schema (kubernetes-validate,
# strict: unknown fields are errors), and a broken copy of it must fail the same check. The
# manifest is not run on a cluster here (docs/SCALING.md).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
validate=$(command -v kubernetes-validate || true)
[ -n "$validate" ] || [ ! -x "$repo/.venv/bin/kubernetes-validate" ] || validate=$repo/.venv/bin/kubernetes-validate
[ -n "$validate" ] || { echo "SKIP: needs kubernetes-validate (pip install kubernetes-validate)"; exit 77; }
manifest=$repo/pipelines/kubernetes/upscale-job.yaml
"$validate" --strict -k 1.29.0 "$manifest"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The same manifest with a misspelt field and a wrong type: both must be refused.
sed 's/completionMode: Indexed/completionMod: Indexed/' "$manifest" >"$dir/misspelt.yaml"
sed 's/parallelism: 4 /parallelism: four /' "$manifest" >"$dir/wrong-type.yaml"
for broken in misspelt wrong-type; do
  if "$validate" --strict --quiet -k 1.29.0 "$dir/$broken.yaml" >/dev/null 2>&1; then
    echo "FAIL: the $broken manifest passed the schema check"; exit 1
  fi
done
# The Indexed Job runs the same unit of work as the other paths.
grep -q 'pipelines/upscale-segment.sh' "$manifest"
grep -q 'completionMode: Indexed' "$manifest"
echo "kubernetes manifest OK"
