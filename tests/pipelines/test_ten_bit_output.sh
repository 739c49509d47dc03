#!/usr/bin/env bash
# pipelines/upscale-file.sh keeps 10-bit input at 10 bits in codecs common players play: HEVC
# Main 10 in MP4 and MKV, VP9 profile 2 in WebM, each said in one line; 8-bit input (and 4:4:4
# 8-bit, which x264 would keep as High 4:4:4) gives 8-bit 4:2:0 H.264.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin videoconvert x265enc h265parse vp9enc x264enc h264parse \
  mp4mux matroskamux webmmux avdec_h265
model=$repo/tests/fixtures/tiny_x4_traced.pt
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
video_of() {  # video_of FILE: the video stream's codec line and depth from gst-discoverer-1.0
  gst-discoverer-1.0 "$1" | sed -n 's/^ *video #[0-9]*: \(.*\)$/\1/p; s/^ *Depth: \([0-9]*\)$/depth \1/p' | paste -sd' ' -
}
# A 10-bit HEVC clip and an 8-bit 4:4:4 H.264 one, made from the 1-second fixture (24 frames).
clip=$repo/tests/fixtures/clip-1s-64x36-silent.webm
gst-launch-1.0 -q uridecodebin uri="file://$clip" ! videoconvert ! video/x-raw,format=I420_10LE \
  ! x265enc ! h265parse ! matroskamux ! filesink location="$dir/ten.mkv"
gst-launch-1.0 -q uridecodebin uri="file://$clip" ! videoconvert ! video/x-raw,format=Y444 \
  ! x264enc ! h264parse ! matroskamux ! filesink location="$dir/y444.mkv"
[ "$(video_of "$dir/ten.mkv")" = "H.265 (Main 10 Profile) depth 30" ] || { video_of "$dir/ten.mkv"; exit 1; }

expect() {  # expect OUT "CODEC LINE" "LINE SAID" IN
  local out
  out=$("$repo/pipelines/upscale-file.sh" "$4" "$dir/$1" --model "$model" --device cpu)
  echo "$out"
  [ -z "$3" ] || grep -qxF "$3" <<<"$out" || { echo "FAIL: '$3' not said"; exit 1; }
  [ -n "$3" ] || ! grep -q "bit input" <<<"$out" || { echo "FAIL: 8-bit input said otherwise"; exit 1; }
  [ "$(video_of "$dir/$1")" = "$2" ] || { echo "FAIL: $1 is $(video_of "$dir/$1"), expected $2"; exit 1; }
  [ "$(count_frames "$dir/$1")" = 24 ] || { echo "FAIL: $1 has $(count_frames "$dir/$1") frames"; exit 1; }
  check_media "$dir/$1" 256 144 1.0 no
}
expect ten.mp4 "H.265 (Main 10 Profile) depth 30" "10-bit input: HEVC Main 10 (x265)" "$dir/ten.mkv"
expect ten-out.mkv "H.265 (Main 10 Profile) depth 30" "10-bit input: HEVC Main 10 (x265)" "$dir/ten.mkv"
expect ten.webm "VP9 depth 30" "10-bit input: VP9 profile 2 (10 bits)" "$dir/ten.mkv"
expect eight.mp4 "H.264 (High Profile) depth 24" "" "$dir/y444.mkv"
