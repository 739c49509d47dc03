#!/usr/bin/env bash
# Upscales a live stream: RTSP, HTTP(S), or H.264 over RTP/UDP in; a file, a window or RTP/UDP out.
#
#   pipelines/upscale-stream.sh IN OUT [--model MODEL] [--device auto|cpu|cuda] [--frames N]
#
#   IN:  rtsp://host/path | http(s)://host/path | rtp://ADDRESS:PORT (H.264 over RTP, listened on)
#   OUT: FILE.mp4 | window | rtp://HOST:PORT (H.264 over RTP)
#
# Live-safe: a leaky queue before the upscaler drops frames it cannot keep up with, QoS lets late
# frames go, and the sink keeps real time. Stops after --frames N frames, or on Ctrl-C (the file
# is finalised either way).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4,7p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || usage
input=$1 output=$2
shift 2
frames=-1
while [ $# -gt 0 ]; do
  srgan_element_arg "$@" && { shift 2; continue; }
  case "$1" in
    --frames) frames=$2; shift 2 ;;
    *) usage ;;
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
  *) echo "unsupported input: $input" >&2; usage ;;
esac
case "$output" in
  window) sink="videoconvert ! autovideosink sync=true" ;;
  rtp://*)
    address=${output#rtp://}
    sink="videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast ! rtph264pay pt=96 \
      ! udpsink host=${address%:*} port=${address##*:} sync=true" ;;
  *.mp4 | *.mkv) sink="videoconvert ! x264enc tune=zerolatency ! h264parse ! mp4mux ! filesink location=$output"
    [[ "$output" == *.mkv ]] && sink="videoconvert ! x264enc tune=zerolatency ! h264parse ! matroskamux ! filesink location=$output" ;;
  *) echo "unsupported output: $output" >&2; usage ;;
esac
echo "upscaling the stream $input -> $output (Ctrl-C to stop$([ "$frames" -ge 0 ] && echo ", or after $frames frames"))"
# shellcheck disable=SC2086
eval gst-launch-1.0 -e $source ! identity eos-after=$frames ! videoconvert \
  ! queue leaky=downstream max-size-buffers=2 max-size-time=0 max-size-bytes=0 \
  ! srganupscale qos=true "${srgan_element_args[@]}" ! $sink
echo "stream ended"
