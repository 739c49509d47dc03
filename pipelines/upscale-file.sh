#!/usr/bin/env bash
# Upscales any video file GStreamer can decode into an MP4 (H.264 video, AAC audio kept in sync).
#
#   pipelines/upscale-file.sh IN OUT.mp4 [--model MODEL] [--device auto|cpu|cuda] [--precision auto|fp32|fp16|bf16]
#
# Without --model the bundled x4 model is used. Progress is printed while it runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
srgan_parse_file_job "$@"
input=$srgan_input output=$srgan_output

video="d. ! queue ! videoconvert ! progressreport update-freq=2 \
  ! srganupscale ${srgan_element_args[*]} ! videoconvert ! x264enc ! h264parse ! queue ! mux."
audio=""
if srgan_has_audio "$input"; then
  # Unbounded: the demuxer runs ahead on audio only as far as the (bounded) video queue allows.
  audio="d. ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! audioconvert \
    ! audioresample ! $(srgan_aac_encoder) ! aacparse ! queue ! mux."
fi
echo "upscaling $input -> $output ($([ -n "$audio" ] && echo "with audio" || echo "no audio track"))"
# shellcheck disable=SC2086
gst-launch-1.0 -e uridecodebin uri="$(srgan_uri "$input")" name=d \
  mp4mux name=mux ! filesink location="$output" $video $audio
echo "wrote $output"
