#!/usr/bin/env bash
# Upscales a live stream: RTSP, HTTP(S), or H.264 over RTP/UDP in; a file, a window or RTP/UDP out.
#
#   pipelines/upscale-stream.sh IN OUT [--model x4|x2|FILE] [--device auto|cpu|cuda] [--frames N]
#
#   IN:  rtsp://host/path | http(s)://host/path | rtp://ADDRESS:PORT (H.264 over RTP, listened on)
#   OUT: FILE.(mp4|mkv|mov|webm) | window | rtp://HOST:PORT (H.264 over RTP)
#
# Live-safe: a leaky queue before the upscaler drops frames it cannot keep up with, QoS lets late
# frames go, and the sink keeps real time. Stops after writing --frames N upscaled frames, or on
# Ctrl-C (the file is finalised either way).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4,7p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
input=$1 output=$2
shift 2
frames=-1
while [ $# -gt 0 ]; do
  srgan_element_arg "$@" && { shift 2; continue; }
  case "$1" in
    --frames) srgan_value "$@"; srgan_count "$1" "$2"; frames=$2; shift 2 ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
done
srgan_find_plugin

case "$input" in
  rtp://*)
    address=${input#rtp://}
    source="udpsrc address=${address%:*} port=${address##*:} \
      caps=\"application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96\" \
      ! rtpjitterbuffer latency=200 ! rtph264depay ! h264parse ! avdec_h264" ;;
  rtsp://* | http://* | https://*)
    source="uridecodebin uri=$input" ;;
  *) srgan_usage_error "unsupported input '$input' (rtsp://, http(s):// or rtp://ADDRESS:PORT)" ;;
esac
file_output=0
case "$output" in
  window)
    srgan_require_display "write a file instead (OUT=FILE.mp4) or stream it (OUT=rtp://HOST:PORT)"
    sink="videoconvert ! autovideosink sync=true" ;;
  rtp://*)
    address=${output#rtp://}
    sink="videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay pt=96 \
      ! udpsink host=${address%:*} port=${address##*:} sync=true" ;;
  *)
    srgan_container_for "$output" 1
    srgan_begin_output "$output"
    file_output=1
    sink="videoconvert ! $srgan_video_encoder ! $srgan_muxer ! filesink location=$srgan_partial" ;;
esac
echo "upscaling the stream $input -> $output (Ctrl-C to stop$([ "$frames" -ge 0 ] && echo ", or after $frames frames"))"
# The frame count is taken after the upscaler: frames the leaky queue dropped do not count.
# GStreamer 1.22's identity passes eos-after - 1 buffers (tests/pipelines/test_stream.sh checks N).
eos_after=$([ "$frames" -ge 0 ] && echo $((frames + 1)) || echo -1)
# shellcheck disable=SC2086
eval gst-launch-1.0 -e $source ! videoconvert \
  ! queue leaky=downstream max-size-buffers=2 max-size-time=0 max-size-bytes=0 \
  ! srganupscale qos=true "${srgan_element_args[@]}" ! identity eos-after=$eos_after ! $sink ||
  srgan_fail "the pipeline failed (GStreamer's error is above)"
[ "$file_output" = 0 ] || srgan_finish_output "$output"
echo "stream ended"
