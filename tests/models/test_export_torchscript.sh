#!/usr/bin/env bash
# models/export_torchscript.py: the bundled compact models exported to TorchScript upscale a photo
# as the checkpoints do (srgan-train upscale, fp32): the TorchScript graph and our inference
# network are two float computations, whose kernels differ per CPU (an AVX2-only EPYC rounded one
# sample of 147,456 the other way), so within 1/255 per sample and 60 dB PSNR; the export is a
# module plain PyTorch runs; the paper's family and a file that is not a checkpoint are refused in
# one line.
#   test_export_torchscript.sh SRGAN_TRAIN
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
train=$1 python=${SRGAN_PYTHON:-python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
photo=$repo/tests/fixtures/photo-citrus-64x48.png
for model in x2 x4; do
  "$python" -W ignore "$repo/models/export_torchscript.py" "$repo/models/srgan-$model.pt" "$dir/$model.pt"
  "$train" info "$dir/$model.pt" | grep -q "kind: torchscript"
  "$train" upscale --model "$dir/$model.pt" "$photo" "$dir/$model-exported.png" --device cpu --precision fp32
  "$train" upscale --model "$model" "$photo" "$dir/$model-checkpoint.png" --device cpu --precision fp32
  "$python" "$repo/tests/support/compare_images.py" "$dir/$model-exported.png" \
    "$dir/$model-checkpoint.png" --max-diff 1 --min-psnr 60
done
# Plain PyTorch: a 2x larger output in [-1, 1].
"$python" -W ignore - "$dir/x2.pt" <<'PY'
import sys, torch
model = torch.jit.load(sys.argv[1])
out = model(torch.rand(1, 3, 10, 12) * 2 - 1)
assert out.shape == (1, 3, 20, 24), out.shape
assert model.scale == 2 and out.min() >= -1 and out.max() <= 1
PY
refused() {  # refused EXPECTED FILE
  local out
  if out=$("$python" -W ignore "$repo/models/export_torchscript.py" "$2" "$dir/bad.pt" 2>&1); then
    echo "exported $2"; exit 1
  fi
  echo "$out"
  [ "$(wc -l <<<"$out")" = 1 ] && grep -qF "$1" <<<"$out" && [ ! -e "$dir/bad.pt" ]
}
refused "the srgan family is not exported by this script" "$repo/models/srgan-x4-srgan.pt"
refused "not an srgan-train checkpoint" "$photo"
refused "not an srgan-train checkpoint" "$repo/tests/fixtures/tiny_x4_traced.pt"
echo "export OK"
