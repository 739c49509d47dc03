#!/usr/bin/env bash
# vgg_export.sh SRGAN_TRAIN FIXTURES PYTHON: weights written by trainer/export_vgg19_weights.py
# (random, no download) load in srgan-train and drive a GAN step with the perceptual loss on.
# Skipped (77) where python has no torchvision.
set -euo pipefail
train=$1 fixtures=$2 python=$3
"$python" -c 'import torchvision' 2>/dev/null || { echo "SKIP: needs torchvision (not installed for $python)"; exit 77; }
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$python" "$repo/trainer/export_vgg19_weights.py" --no-pretrained "$dir/vgg.pt"
mkdir "$dir/photos"
cp "$fixtures"/photo-*.png "$dir/photos/"
"$train" train --data "$dir/photos" --lr-crop 8 --batch 2 --channels 8 --residual-blocks 1 --device cpu \
  --pretrain-steps 1 --gan-steps 2 --vgg-weights "$dir/vgg.pt" --log-every 1 --sample-every 0 --out "$dir/run" 2>&1 | tee "$dir/log"
grep -q "VGG19 perceptual loss on" "$dir/log"
# The vgg column (7th) is filled in on GAN rows.
awk -F, '$2 == "gan" && $7 == "" { bad = 1 } $2 == "gan" { n++ } END { exit bad || n != 2 }' "$dir/run/metrics.csv"
