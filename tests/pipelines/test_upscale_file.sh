#!/usr/bin/env bash
# pipelines/upscale-file.sh on 1-second clips with and without sound: right size, duration, audio;
# a bundled model by name (--model x2).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin videoconvert x264enc h264parse mp4mux aacparse audioconvert
model=$repo/tests/fixtures/tiny_x4_traced.pt
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$repo/pipelines/upscale-file.sh" "$repo/tests/fixtures/clip-1s-64x36.webm" "$dir/sound.mp4" --model "$model" --device cpu
check_media "$dir/sound.mp4" 256 144 1.0 yes
# Video and sound start together (within a frame of this 24 fps clip, timestamps in ms): MP4
# gets no B-frames, whose delay GStreamer 1.22's mp4mux would leave in (the video 83 ms late).
read -r v0 v1 a0 a1 <<<"$(av_times "$dir/sound.mp4")"
awk -v v="$v0" -v a="$a0" 'BEGIN { d = v - a; if (d < 0) d = -d; exit !(d <= 1 / 24 + 0.002) }' ||
  { echo "video starts at $v0 s, sound at $a0 s"; exit 1; }
"$repo/pipelines/upscale-file.sh" "$repo/tests/fixtures/clip-1s-64x36-silent.webm" "$dir/silent.mp4" --model "$model" --device cpu
check_media "$dir/silent.mp4" 256 144 1.0 no
# Two frames in flight (on the CPU, each on half the cores): every frame, in order and in time.
"$repo/pipelines/upscale-file.sh" "$repo/tests/fixtures/clip-1s-64x36.webm" "$dir/two.mp4" --model "$model" --device cpu --frames-in-flight 2
check_media "$dir/two.mp4" 256 144 1.0 yes
[ "$(count_frames "$dir/two.mp4")" = "$(count_frames "$dir/sound.mp4")" ] ||
  { echo "two frames in flight lost frames"; exit 1; }
# --model x2: the bundled x2 model by name (here a tiny x2 through SRGAN_MODEL_PATH, the first
# place bundled models are looked for).
mkdir "$dir/models"
cp "$repo/tests/fixtures/tiny_x2_scale_attr.pt" "$dir/models/srgan-x2.pt"
SRGAN_MODEL_PATH=$dir/models "$repo/pipelines/upscale-file.sh" "$repo/tests/fixtures/clip-1s-64x36.webm" "$dir/x2.mp4" --model x2 --device cpu
check_media "$dir/x2.mp4" 128 72 1.0 yes
# A missing input is an error, not an empty file.
! "$repo/pipelines/upscale-file.sh" "$dir/absent.webm" "$dir/x.mp4" 2>/dev/null
[ ! -e "$dir/x.mp4" ]
# File names are not URIs: '%20', '#', '?' and a space name themselves. A file 'a b.webm' beside
# 'a%20b.webm' must not be read in its place (it is a silent clip here, the other has sound).
cp "$repo/tests/fixtures/clip-1s-64x36.webm" "$dir/a%20b #1?.webm"
cp "$repo/tests/fixtures/clip-1s-64x36-silent.webm" "$dir/a b #1?.webm"
"$repo/pipelines/upscale-file.sh" "$dir/a%20b #1?.webm" "$dir/out %41 #?.mkv" --model "$model" --device cpu
check_media "$dir/out %41 #?.mkv" 256 144 1.0 yes
# A missing input is named as typed.
if out=$("$repo/pipelines/upscale-file.sh" "$dir/no such%20file.webm" "$dir/y.mp4" 2>&1); then
  echo "a missing input was accepted"; exit 1
fi
grep -qF "no such file: $dir/no such%20file.webm" <<<"$out" || { echo "$out"; exit 1; }
