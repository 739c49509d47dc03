#!/usr/bin/env bash
# Upscales any video file GStreamer can decode, keeping its sound in sync.
#
#   pipelines/upscale-file.sh IN OUT.(mp4|mkv|mov|webm) [--model x4|x2|FILE] [--device auto|cpu|cuda] [--precision auto|fp32|fp16|bf16]
#
# The container follows OUT's extension (H.264 + AAC; VP8 + Opus for WebM). Without --model the
# bundled x4 model is used. Progress is printed while it runs; OUT appears only when it is done.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
srgan_parse_file_job "$@"
input=$srgan_input output=$srgan_output
srgan_container_for "$output"

video="d. ! queue ! videoconvert ! progressreport update-freq=2 \
  ! srganupscale ${srgan_element_args[*]} ! videoconvert ! $srgan_video_encoder ! queue ! mux."
audio=""
if srgan_has_audio "$input"; then
  [ -n "$srgan_audio_encoder" ] || srgan_fail "no AAC encoder for the sound (install gstreamer1.0-libav)"
  # Unbounded: the demuxer runs ahead on audio only as far as the (bounded) video queue allows.
  audio="d. ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! audioconvert \
    ! audioresample ! $srgan_audio_encoder ! queue ! mux."
fi
echo "upscaling $input -> $output ($([ -n "$audio" ] && echo "with audio" || echo "no audio track"))"
srgan_begin_output "$output"
# shellcheck disable=SC2086
gst-launch-1.0 -e uridecodebin uri="$(srgan_uri "$input")" name=d \
  $srgan_muxer name=mux ! filesink location="$srgan_partial" $video $audio ||
  srgan_fail "the pipeline failed (GStreamer's error is above)"
srgan_finish_output "$output"
echo "wrote $output"
