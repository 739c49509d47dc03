#!/usr/bin/env bash
# Trains a bundled compact model on the CPU, resuming where a stopped run left off, then
# evaluates its best checkpoint on the validation photos (whole images) against bicubic, clean
# and through the compressions it is made for.
#
#   models/train-cpu.sh x2|x4|x2-clean|x4-clean [STEPS] [DATA]
#
# x2 and x4 (the default models) start from x2-clean / x4-clean (models/srgan-x2-clean.pt), with
# LeakyReLU in place of their PReLU (fused into the convolutions on the CPU: faster), and
# learn compressed input: each training pair's LR goes through the degradation chain CHAIN
# (default below: JPEG, H.264, H.265 and VP9 at a range of qualities, mild blur and noise),
# and validation picks the best checkpoint on clean, JPEG 75 and H.264 CRF 23 and 28 crops.
# x2-clean and x4-clean train from scratch on clean antialiased-bicubic LR.
# BLOCKS and CHANNELS (default: the shipped model's) change the network's size (clean only: the
# others start from the clean model's weights). DATA holds train/ and val/ (default
# ../shared/datasets/photos, the project's data set).
# The run lives in build/train-cpu-MODEL-NxC; stop it at any time (Ctrl-C, kill, timeout: the
# trainer writes a checkpoint and model.pt) and run the same command again to continue. The
# result is build/train-cpu-MODEL-NxC/checkpoints/best.pt with eval.md beside it; copy it to
# models/srgan-MODEL.pt after reading eval.md. THREADS (default: all cores) and PRECISION
# (default bf16 where the CPU has bf16 instructions, fp32 elsewhere) may be set.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
model=${1:-}
data=${3:-$repo/../shared/datasets/photos}
case "$model" in
  # 12 x 32 at x2: about a third of the SRGAN x4's arithmetic per output pixel.
  x2-clean) scale=2 blocks=${BLOCKS:-12} channels=${CHANNELS:-32} crop=48 steps=${2:-16000} ;;
  # 12 x 48 at x4: under a quarter of the SRGAN x4's arithmetic.
  x4-clean) scale=4 blocks=${BLOCKS:-12} channels=${CHANNELS:-48} crop=32 steps=${2:-16000} ;;
  # The same networks, fine-tuned from the clean ones on degraded LR.
  x2) scale=2 blocks=12 channels=32 crop=48 steps=${2:-14000} ;;
  x4) scale=4 blocks=12 channels=48 crop=32 steps=${2:-14000} ;;
  *) echo "usage: $0 x2|x4|x2-clean|x4-clean [STEPS] [DATA]" >&2; exit 2 ;;
esac
# What the default models learn: real compression (a codec for 55% of the pairs, JPEG for 30%,
# both for some), a little blur and sensor noise, any downscale kernel.
CHAIN=${CHAIN:-blur:0.3-1.2@0.1,downscale:bicubic/bilinear/area/lanczos,noise:1-4@0.1,jpeg:40-95@0.3,h264:18-34@0.35,h265:20-34@0.1,vp9:24-50@0.1}
evaluated=(none jpeg:75 h264:18 h264:23 h264:28)
train=$repo/build/trainer/srgan-train
[ -x "$train" ] || { echo "build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
[ -d "$data/train" ] && [ -d "$data/val" ] || { echo "no train/ and val/ in $data" >&2; exit 1; }
PRECISION=${PRECISION:-auto}  # srgan-train: bf16 where the CPU has bf16 instructions
[ -n "${THREADS:-}" ] && export OMP_NUM_THREADS=$THREADS
network=(--scale "$scale" --blocks "$blocks" --channels "$channels" --lr-crop "$crop")
run=$repo/build/train-cpu-$model-${blocks}x$channels
if [ -f "$run/checkpoints/last.pt" ]; then
  echo "== resuming $run"
  "$train" train --resume "$run" --pretrain-steps "$steps" --precision "$PRECISION"
else
  echo "== training compact $model on the CPU ($PRECISION) into $run"
  common=(--data "$data/train" --val "$data/val" --out "$run" --overwrite --batch 16 --loss l1
    --lr-schedule cosine --pretrain-steps "$steps" --precision "$PRECISION" --val-every 1000
    --sample-every 4000 --checkpoint-every 250 --log-every 100 --seed 1)
  case "$model" in
    *-clean)
      "$train" train "${common[@]}" --arch compact --skip bicubic "${network[@]}" --lr-g 5e-4 ;;
    *)
      "$train" train "${common[@]}" --init "$repo/models/srgan-$model-clean.pt" \
        --body-activation leakyrelu --lr-crop "$crop" --lr-g 2e-4 --degrade "$CHAIN" --degrade-versions 8 \
        --val-degrade none --val-degrade jpeg:75 --val-degrade h264:23 --val-degrade h264:28 ;;
  esac
fi
echo "== evaluating the best checkpoint on the validation photos (whole images)"
{
  "$train" info "$run/checkpoints/best.pt"
  for degrade in "${evaluated[@]}"; do
    "$train" evaluate --model "$run/checkpoints/best.pt" --data "$data/val" --device cpu \
      --degrade "$degrade"
  done
} | tee "$run/eval.md"
