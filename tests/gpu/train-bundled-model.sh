#!/usr/bin/env bash
# Trains the bundled x4 model (MSE phase) on a GPU machine for a fixed wall-clock time, then
# evaluates it on the validation photos. Expects build-gpu/ from device-check.sh and the photos
# in .train-data/{train,val} (copies of the project's data set; they do not ship with the code).
#
#   tests/gpu/train-bundled-model.sh SECONDS
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds=${1:-300}
out=${OUT:-$PWD/build-gpu/logs}
train=build-gpu/trainer/srgan-train
[ -x "$train" ] || { echo "build first (tests/gpu/device-check.sh)"; exit 1; }
rm -rf build-gpu/train-x4
echo "== training for ${seconds} s on cuda"
timeout -s INT "$seconds" "$train" train --data .train-data/train --val .train-data/val \
  --out build-gpu/train-x4 --device cuda --pretrain-steps 200000 --batch 32 --lr-crop 32 \
  --lr-g 2e-4 --lr-step 8000 --lr-gamma 0.5 --val-every 1000 --sample-every 5000 \
  --checkpoint-every 1000 --log-every 100 --seed 1 --workers 8 > "$out/train.log" 2>&1
tail -5 "$out/train.log"
cp build-gpu/train-x4/metrics.csv "$out/metrics.csv"
cp build-gpu/train-x4/checkpoints/best.pt "$out/best.pt"
cp build-gpu/train-x4/plots/psnr.png "$out/psnr.png" 2>/dev/null
echo "== evaluating the best checkpoint on the validation photos (full images)"
"$train" info "$out/best.pt"
"$train" evaluate --model "$out/best.pt" --data .train-data/val --device cuda | tee "$out/eval.md"
