#!/usr/bin/env bash
# Upscales a live stream: RTSP, HTTP(S), or H.264 over RTP/UDP in; a file, a window or RTP/UDP out.
#
#   pipelines/upscale-stream.sh IN OUT [--model x4|x2|FILE] [--device auto|cpu|cuda] [--frames N] [--force]
#
#   IN:  rtsp://host/path | http(s)://host/path | rtp://ADDRESS:PORT (H.264 over RTP, listened on)
#   OUT: FILE.(mp4|mkv|mov|webm) | window | rtp://HOST:PORT (H.264 over RTP)
#
# Live-safe: a leaky queue before the upscaler drops frames it cannot keep up with, QoS lets late
# frames go, and the sink keeps real time. Prints frames received, upscaled and dropped with the
# frame rate every two seconds. Stops after writing --frames N upscaled frames, or on Ctrl-C or
# SIGTERM (the file is finalised either way; exit 130 or 143); a second signal stops at once.
# When no frame arrived, no file is left. An existing FILE is kept unless --force.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4,7p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
input=$1 output=$2
shift 2
frames=-1 force=0
while [ $# -gt 0 ]; do
  srgan_element_arg "$@" && { shift 2; continue; }
  case "$1" in
    --force) force=1; shift ;;
    --frames) srgan_value "$@"; srgan_count "$1" "$2"; frames=$2; shift 2 ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
done
srgan_find_plugin

# The pipeline as words, never through eval: any path or address stays one argument.
case "$input" in
  rtp://*)
    srgan_check_port "$input" "${input#rtp://}"
    address=${input#rtp://}
    source=(udpsrc address="${address%:*}" port="${address##*:}"
      caps=application/x-rtp,media=video,encoding-name=H264,clock-rate=90000,payload=96
      ! rtpjitterbuffer latency=200 ! rtph264depay ! h264parse ! avdec_h264) ;;
  rtsp://* | http://* | https://*)
    source=(uridecodebin uri="$input") ;;
  *) srgan_usage_error "unsupported input '$input' (rtsp://, http(s):// or rtp://ADDRESS:PORT)" ;;
esac
file=""
case "$output" in
  window)
    srgan_require_display "write a file instead (OUT=FILE.mp4) or stream it (OUT=rtp://HOST:PORT)"
    sink=(videoconvert ! autovideosink sync=true) ;;
  rtp://*)
    srgan_check_port "$output" "${output#rtp://}"
    address=${output#rtp://}
    sink=(videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay pt=96
      ! udpsink host="${address%:*}" port="${address##*:}" sync=true) ;;
  *)
    srgan_container_for "$output" 1
    srgan_check_output "$input" "$output" "$force"
    srgan_begin_output "$output"
    file=$output
    # shellcheck disable=SC2206
    sink=(videoconvert ! $srgan_video_encoder ! $srgan_muxer ! filesink location="$srgan_partial") ;;
esac
srgan_input=$input
echo "upscaling the stream $input -> $output (Ctrl-C to stop$([ "$frames" -ge 0 ] && echo ", or after $frames frames"))"
# The frame count is taken after the upscaler: frames the leaky queue dropped do not count.
# GStreamer 1.22's identity passes eos-after - 1 buffers (tests/pipelines/test_stream.sh checks N).
eos_after=$([ "$frames" -ge 0 ] && echo $((frames + 1)) || echo -1)
srgan_frames_file=$(mktemp)
srgan_output_filter="srgan_stream_progress $srgan_frames_file"
srgan_run_stoppable "$file" stdbuf -oL gst-launch-1.0 -e -v "${source[@]}" ! videoconvert \
  ! identity name=received silent=false \
  ! queue leaky=downstream max-size-buffers=2 max-size-time=0 max-size-bytes=0 \
  ! srganupscale qos=true "${srgan_element_args[@]}" \
  ! identity name=upscaled silent=false eos-after="$eos_after" ! "${sink[@]}"
rm -f "$srgan_frames_file"
echo "stream ended$([ -n "$file" ] && echo ": wrote $file")"
