#!/usr/bin/env bash
# The TorchScript export example in models/README.md, run as printed: the module it saves loads
# with the declared scale and [0, 1] ranges and no warning, and upscales a photo.
#   test_torchscript_example.sh SRGAN_TRAIN
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
train=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# The first ```python block after the "Your own TorchScript model" heading.
awk '/^# Your own TorchScript model/ { section = 1 }
     section && /^```python$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$repo/models/README.md" >"$dir/export.py"
[ -s "$dir/export.py" ] || { echo "no python block in models/README.md"; exit 1; }
(cd "$dir" && "${SRGAN_PYTHON:-python3}" -W ignore export.py)
"$train" info "$dir/my-x2.pt" >"$dir/info.txt" 2>"$dir/warnings.txt"
grep -q "scale: 2" "$dir/info.txt" || { cat "$dir/info.txt"; exit 1; }
grep -q "input range: \[0, 1\], output range: \[0, 1\]" "$dir/info.txt" || { cat "$dir/info.txt"; exit 1; }
! grep -q "warning" "$dir/info.txt" "$dir/warnings.txt" || { cat "$dir/info.txt" "$dir/warnings.txt"; echo "a warning for a module that declares its ranges"; exit 1; }
# A module that declares nothing is named as such in its report.
"$train" info "$repo/tests/fixtures/tiny_x4_traced.pt" | grep -q "warning: the TorchScript module declares none of" ||
  { echo "no warning for a module without attributes"; exit 1; }
"$train" upscale --model "$dir/my-x2.pt" --device cpu "$repo/tests/fixtures/photo-citrus-64x48.png" \
  "$dir/out.png" >/dev/null
[ -s "$dir/out.png" ] || { echo "no output"; exit 1; }
echo "TorchScript example: ok"
