#!/usr/bin/env bash
# val_video.sh SRGAN_TRAIN FIXTURES: `srgan-train train --val-video` reports the temporal error
# on a real clip beside bicubic's at each validation (log and metrics.csv), with or without
# validation photos; srgan-train draws the plots where gnuplot is installed.
set -euo pipefail
train=$(realpath "$1") fixtures=$(realpath "$2")
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../support/require_elements.sh"
srgan_require_elements filesrc decodebin matroskademux vp8dec videoconvert
clip=$fixtures/clip-vtest-12f-96x72.webm
fail() { echo "FAIL: $*" >&2; exit 1; }

"$train" train "${tiny_args[@]}" --val "$dir/photos" --val-crop 8 --val-video "$clip" \
  --val-video-frames 4 --pretrain-steps 6 --val-every 3 --out "$dir/run" >"$dir/log" 2>&1 \
  || { cat "$dir/log"; fail "training with --val-video failed"; }
grep -q "validation clip $clip (4 frames)" "$dir/log" || { cat "$dir/log"; fail "the clip is not announced"; }
grep -qE "step 3: validation PSNR\(Y\) [0-9.]+ dB .*; temporal error [0-9.]+ \(bicubic [0-9.]+\)" "$dir/log" \
  || { cat "$dir/log"; fail "no temporal error in the validation line"; }
header=$(head -1 "$dir/run/metrics.csv")
[[ $header == *,temporal_error,bicubic_temporal_error ]] || fail "metrics.csv header: $header"
# Both validation rows have both temporal errors (the last two columns), positive.
rows=$(awk -F, '$2 == "validation" && $16 > 0 && $17 > 0' "$dir/run/metrics.csv" | wc -l)
[ "$rows" = 2 ] || { cat "$dir/run/metrics.csv"; fail "$rows validation rows with temporal errors, expected 2"; }
if command -v gnuplot >/dev/null; then
  for plot in losses psnr; do
    [ -s "$dir/run/plots/$plot.png" ] || fail "srgan-train drew no plots/$plot.png"
  done
fi

# A clip alone validates too (no photos), and a clip of one frame is refused.
"$train" train "${tiny_args[@]}" --val-video "$clip" --val-video-frames 3 --pretrain-steps 2 \
  --val-every 2 --out "$dir/clip-only" >"$dir/log" 2>&1 || { cat "$dir/log"; fail "clip-only run failed"; }
grep -qE "step 2: validation temporal error [0-9.]+ \(bicubic [0-9.]+\)" "$dir/log" || { cat "$dir/log"; fail "clip-only validation"; }
if "$train" train "${tiny_args[@]}" --val-video "$clip" --val-video-frames 1 --pretrain-steps 2 \
  --out "$dir/short" 2>"$dir/err"; then fail "a one-frame clip was accepted"; fi
grep -q "a validation clip needs at least 2 frames" "$dir/err" || { cat "$dir/err"; fail "one-frame message"; }
echo "val-video OK"
