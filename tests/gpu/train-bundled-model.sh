#!/usr/bin/env bash
# Trains a bundled model (MSE phase) on a GPU machine for a fixed wall-clock time, evaluates the
# best checkpoint on the validation photos and measures its speed at the size it is meant for.
# Expects build-gpu/ from device-check.sh and the photos in .train-data/{train,val} (copies of
# the project's data set; they do not ship with the code).
#
#   tests/gpu/train-bundled-model.sh x4|x2 [SECONDS]
#
# x4: 64 channels (models/srgan-x4.pt). x2: 32 channels, chosen so that 1920x1080 -> 3840x2160
# runs above 60 fps in fp16 on one H100/H200; HR crops of 128 px as for x4. The result is
# $OUT/srgan-MODEL.pt (copy it to models/ after reading eval.md and speed.md).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
model=${1:-}
seconds=${2:-300}
out=${OUT:-$PWD/build-gpu/logs}
mkdir -p "$out"
train=build-gpu/trainer/srgan-train
bench=build-gpu/bench/srgan-bench
case "$model" in
  x4) network=(--scale 4 --channels 64 --residual-blocks 3 --lr-crop 32) speed_size=960x540 ;;
  x2) network=(--scale 2 --channels 32 --residual-blocks 3 --lr-crop 64) speed_size=1920x1080 ;;
  *) echo "usage: $0 x4|x2 [SECONDS]" >&2; exit 2 ;;
esac
[ -x "$train" ] || { echo "build first (tests/gpu/device-check.sh)" >&2; exit 1; }
[ -d .train-data/train ] && [ -d .train-data/val ] || { echo "no .train-data/{train,val}" >&2; exit 1; }
run=build-gpu/train-$model
echo "== training $model for ${seconds} s on cuda"
timeout -s INT "$seconds" "$train" train --data .train-data/train --val .train-data/val \
  --out "$run" --overwrite --device cuda "${network[@]}" --pretrain-steps 200000 --batch 32 \
  --lr-g 2e-4 --lr-step 8000 --lr-gamma 0.5 --val-every 1000 --sample-every 5000 \
  --checkpoint-every 1000 --log-every 100 --seed 1 --workers 8 > "$out/train-$model.log" 2>&1
tail -3 "$out/train-$model.log"
cp "$run/metrics.csv" "$out/srgan-$model-training-metrics.csv"
cp "$run/checkpoints/best.pt" "$out/srgan-$model.pt"
echo "== evaluating the best checkpoint on the validation photos (full images)"
{
  "$train" info "$out/srgan-$model.pt"
  "$train" evaluate --model "$out/srgan-$model.pt" --data .train-data/val --device cuda
} | tee "$out/eval-$model.md"
if [ -x "$bench" ] && [ -f build-gpu/gst-plugin/libgstsrgan.so ]; then
  echo "== speed at $speed_size in fp16: bare Upscaler and element"
  GST_PLUGIN_PATH_1_0=$PWD/build-gpu/gst-plugin GST_REGISTRY_1_0=$PWD/build-gpu/gst-registry.bin \
    "$bench" --element --model "$out/srgan-$model.pt" --device cuda --precision fp16 \
    --size "$speed_size" --frames 240 --rounds 1 2>&1 | tee "$out/speed-$model.md"
fi
