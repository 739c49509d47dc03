#!/usr/bin/env bash
# A camera (V4L2) upscaled into a window, live: frames the upscaler cannot keep up with are dropped.
#
#   pipelines/camera.sh [--camera /dev/video0] [--size 320x240] [--model MODEL] [--device auto|cpu|cuda] [--output FILE.mp4] [--frames N]
#
# A GPU is needed for smooth live video at useful sizes; on a CPU keep --size small. --output
# writes a file instead of opening a window.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
camera=/dev/video0 size=320x240 output=window frames=-1
while [ $# -gt 0 ]; do
  srgan_element_arg "$@" && { shift 2; continue; }
  case "$1" in
    --camera) camera=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --frames) frames=$2; shift 2 ;;
    *) usage ;;
  esac
done
srgan_find_plugin
# SRGAN_CAMERA_SOURCE replaces the camera (tests use a file or a test pattern).
source=${SRGAN_CAMERA_SOURCE:-"v4l2src device=$camera"}
[ -n "${SRGAN_CAMERA_SOURCE:-}" ] || [ -e "$camera" ] || { echo "no camera at $camera (use --camera)" >&2; exit 1; }
if [ "$output" = window ]; then
  sink="videoconvert ! autovideosink sync=false"
else
  sink="videoconvert ! x264enc tune=zerolatency ! h264parse ! mp4mux ! filesink location=$output"
fi
echo "camera $camera (${size}) -> $output"
# shellcheck disable=SC2086
gst-launch-1.0 -e $source ! identity eos-after=$frames ! videoconvert ! videoscale \
  ! video/x-raw,width=${size%x*},height=${size#*x} \
  ! queue leaky=downstream max-size-buffers=1 max-size-time=0 max-size-bytes=0 \
  ! srganupscale qos=true ${srgan_element_args[*]} ! $sink
