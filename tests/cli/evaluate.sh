#!/usr/bin/env bash
# evaluate.sh SRGAN_TRAIN MODEL PHOTOS: `srgan-train evaluate` prints a table with a mean row
# and writes the same numbers as CSV; a --scale the model does not have is an error.
set -euo pipefail
train=$1 model=$2 photos=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$train" evaluate --model "$model" --data "$photos" --csv "$dir/eval.csv" --device cpu 2>"$dir/progress" | tee "$dir/table"
# Progress on stderr, one line per image, before the table.
count=$(ls "$photos"/*.png | wc -l)
for i in $(seq 1 "$count"); do grep -q "^srgan-train: evaluating $i/$count: " "$dir/progress"; done
grep -qE '^\| mean \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|' "$dir/table"
[ "$(head -1 "$dir/eval.csv")" = "image,psnr_y,ssim_y,bicubic_psnr_y,bicubic_ssim_y,lanczos_psnr_y,lanczos_ssim_y" ]
[ "$(grep -c '^photo-' "$dir/eval.csv")" -eq "$(ls "$photos"/photo-*.png | wc -l)" ]
if "$train" evaluate --model "$model" --data "$photos" --scale 3 2>"$dir/err"; then exit 1; fi
grep -q "does not match the model" "$dir/err"
