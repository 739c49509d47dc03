#!/usr/bin/env bash
# A camera (V4L2) upscaled into a window, live: frames the upscaler cannot keep up with are dropped.
#
#   pipelines/camera.sh [--camera /dev/video0] [--size 320x240] [--model x4|x2|FILE] [--device auto|cpu|cuda] [--output FILE.mp4] [--frames N]
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
    --camera | --size | --output | --frames) srgan_value "$@" ;;
  esac
  case "$1" in
    --camera) camera=$2 ;;
    --size) [[ $2 =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || srgan_usage_error "--size takes WIDTHxHEIGHT, not '$2'"
      size=$2 ;;
    --output) output=$2 ;;
    --frames) srgan_count "$1" "$2"; frames=$2 ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
  shift 2
done
[ "$output" != window ] || srgan_require_display "write a file instead with --output FILE.mp4"
srgan_find_plugin
# SRGAN_CAMERA_SOURCE replaces the camera (tests use a file or a test pattern).
source=${SRGAN_CAMERA_SOURCE:-"v4l2src device=$camera"}
[ -n "${SRGAN_CAMERA_SOURCE:-}" ] || [ -e "$camera" ] || { echo "no camera at $camera (use --camera)" >&2; exit 1; }
if [ "$output" = window ]; then
  sink="videoconvert ! autovideosink sync=false"
else
  srgan_container_for "$output" 1
  srgan_begin_output "$output"
  sink="videoconvert ! $srgan_video_encoder ! $srgan_muxer ! filesink location=$srgan_partial"
fi
echo "camera $camera (${size}) -> $output"
# Counted after the upscaler: frames the leaky queue dropped do not count. GStreamer 1.22's
# identity passes eos-after - 1 buffers.
eos_after=$([ "$frames" -ge 0 ] && echo $((frames + 1)) || echo -1)
# shellcheck disable=SC2086
gst-launch-1.0 -e $source ! videoconvert ! videoscale \
  ! video/x-raw,width=${size%x*},height=${size#*x} \
  ! queue leaky=downstream max-size-buffers=1 max-size-time=0 max-size-bytes=0 \
  ! srganupscale qos=true ${srgan_element_args[*]} ! identity eos-after=$eos_after ! $sink ||
  srgan_fail "the pipeline failed (GStreamer's error is above)"
[ "$output" = window ] || srgan_finish_output "$output"
