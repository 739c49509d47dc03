#!/usr/bin/env bash
# pipelines/compare.sh (PNG and MP4) and pipelines/camera.sh (a clip standing in for the camera)
# on a 1-second clip: right sizes and duration.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin videoconvert videoscale compositor pngenc x264enc h264parse mp4mux
model=$repo/tests/fixtures/tiny_x4_traced.pt
clip=$repo/tests/fixtures/clip-1s-64x36.webm
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$repo/pipelines/compare.sh" "$clip" "$dir/side.png" --model "$model" --device cpu
size=$(od -An -tu1 -j16 -N8 "$dir/side.png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$size" = "512x144" ] || { echo "side.png is $size, expected 512x144"; exit 1; }
# A bundled model by name: its scale comes from `srgan-train info x2` (a tiny x2 here).
mkdir "$dir/models"
cp "$repo/tests/fixtures/tiny_x2_scale_attr.pt" "$dir/models/srgan-x2.pt"
SRGAN_MODEL_PATH=$dir/models "$repo/pipelines/compare.sh" "$clip" "$dir/side-x2.png" --model x2 --device cpu
size=$(od -An -tu1 -j16 -N8 "$dir/side-x2.png" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
[ "$size" = "256x72" ] || { echo "side-x2.png is $size, expected 256x72"; exit 1; }
"$repo/pipelines/compare.sh" "$clip" "$dir/side.mp4" --model "$model" --device cpu
check_media "$dir/side.mp4" 512 144 1.0 no
# identity sync=true paces the decoded file at its frame rate, as a camera delivers frames: an
# unpaced file outruns the live-safe leaky queue, which then drops a load-dependent share of it.
SRGAN_CAMERA_SOURCE="filesrc location=$clip ! decodebin ! identity sync=true" \
  "$repo/pipelines/camera.sh" --size 32x24 --output "$dir/camera.mp4" --model "$model" --device cpu
check_media "$dir/camera.mp4" 128 96 1.0 no
# --frames counts the frames written, after the leaky queue.
SRGAN_CAMERA_SOURCE="videotestsrc is-live=true ! video/x-raw,framerate=30/1" \
  "$repo/pipelines/camera.sh" --size 32x24 --frames 12 --output "$dir/twelve.mp4" --model "$model" --device cpu
frames=$(count_frames "$dir/twelve.mp4")
[ "$frames" = 12 ] || { echo "camera.sh --frames 12 wrote $frames frames"; exit 1; }
