#!/usr/bin/env bash
# pipelines/upscale-stream.sh against a local stream this test starts itself: H.264 over RTP/UDP
# on 127.0.0.1, upscaled into an MP4 of the right size and about the right length.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements udpsrc udpsink rtph264pay rtph264depay x264enc h264parse mp4mux videoconvert
dir=$(mktemp -d)
sender=""
trap '[ -n "$sender" ] && kill "$sender" 2>/dev/null; rm -rf "$dir"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
"$repo/pipelines/upscale-stream.sh" "rtp://127.0.0.1:$port" "$dir/stream.mp4" --frames 30 \
  --model "$repo/tests/fixtures/tiny_x4_traced.pt" --device cpu > "$dir/receiver.log" 2>&1 &
receiver=$!
sleep 1  # the receiver listens before the sender starts
gst-launch-1.0 -q videotestsrc is-live=true num-buffers=90 ! video/x-raw,width=64,height=36,framerate=30/1 \
  ! x264enc tune=zerolatency key-int-max=10 ! rtph264pay pt=96 config-interval=1 \
  ! udpsink host=127.0.0.1 port=$port &
sender=$!
wait "$receiver" || { cat "$dir/receiver.log"; exit 1; }
# A live stream starts at its first key frame and may drop late frames: about a second.
check_media "$dir/stream.mp4" 256 144 1.0 no 0.4
# --frames counts written frames, not received ones (the leaky queue may drop some before).
frames=$(count_frames "$dir/stream.mp4")
[ "$frames" = 30 ] || { echo "--frames 30 wrote $frames frames"; exit 1; }
