#!/usr/bin/env bash
# Trains a bundled compact model on the CPU, resuming where a stopped run left off, then
# evaluates its best checkpoint on the validation photos (whole images) against bicubic.
#
#   models/train-cpu.sh x2|x4 [STEPS] [DATA]
#
# BLOCKS and CHANNELS (default: the shipped model's) change the network's size.
# DATA holds train/ and val/ (default ../shared/datasets/photos, the project's data set).
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
  x2) scale=2 blocks=${BLOCKS:-12} channels=${CHANNELS:-32} crop=48 steps=${2:-16000} ;;
  # 12 x 48 at x4: under a quarter of the SRGAN x4's arithmetic.
  x4) scale=4 blocks=${BLOCKS:-12} channels=${CHANNELS:-48} crop=32 steps=${2:-16000} ;;
  *) echo "usage: $0 x2|x4 [STEPS] [DATA]" >&2; exit 2 ;;
esac
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
  "$train" train --data "$data/train" --val "$data/val" --out "$run" --overwrite \
    --arch compact --skip bicubic "${network[@]}" --batch 16 --loss l1 --lr-g 5e-4 \
    --lr-schedule cosine --pretrain-steps "$steps" --precision "$PRECISION" --val-every 1000 \
    --sample-every 4000 --checkpoint-every 250 --log-every 100 --seed 1
fi
echo "== evaluating the best checkpoint on the validation photos (whole images)"
{
  "$train" info "$run/checkpoints/best.pt"
  "$train" evaluate --model "$run/checkpoints/best.pt" --data "$data/val" --device cpu
} | tee "$run/eval.md"
