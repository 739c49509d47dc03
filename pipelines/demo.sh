#!/usr/bin/env bash
# The README's main command: on a fresh Debian 12 machine, installs what is missing, builds, and
# upscales a short real clip (media/launch-3s-160x90.webm, with sound) 4x with the bundled model.
#
#   pipelines/demo.sh            # writes out/launch-x4.mp4 and out/compare.png
#
# About a minute on 2 CPU cores once built (the first build takes longer).
set -euo pipefail
case "${1:-}" in
  "") ;;
  -h | --help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: unknown argument '$1' (it takes none; --help says what it does)" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source tests/setup-deps.sh

build=${SRGAN_BUILD_DIR:-build}
echo "== building the plugin and srgan-train into $build/"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$SRGAN_PYTHON" >/dev/null
cmake --build "$build" -j "$(nproc)" --target gstsrgan srgan-train
export SRGAN_BUILD_DIR=$PWD/$build

clip=media/launch-3s-160x90.webm
mkdir -p out
start=$(date +%s)
echo "== upscaling $clip (160x90, 3 s, with sound) with the bundled model"
pipelines/upscale-file.sh "$clip" out/launch-x4.mp4 --force  # a rerun replaces its own output
echo "== bicubic | srganupscale, first frame"
pipelines/compare.sh "$clip" out/compare.png
seconds=$(( $(date +%s) - start ))

cat <<SUMMARY

Done in ${seconds} s. Upscaled 160x90 -> 640x360 with models/srgan-x4.pt:
  out/launch-x4.mp4   the clip, H.264 + AAC (sound kept)
  out/compare.png     one frame: bicubic (left) | srganupscale (right)
Play it:  gst-play-1.0 out/launch-x4.mp4
SUMMARY
