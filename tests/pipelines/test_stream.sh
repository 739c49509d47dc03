#!/usr/bin/env bash
# pipelines/upscale-stream.sh against a local stream this test starts itself: H.264 over RTP/UDP
# on 127.0.0.1, upscaled into an MP4 (a path with a space) of the right size and about the
# right length, with progress lines; a stream that never sends leaves no file when stopped.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements udpsrc udpsink rtph264pay rtph264depay x264enc h264parse mp4mux videoconvert
dir=$(mktemp -d)
sender=""
trap '[ -n "$sender" ] && { kill "$sender" 2>/dev/null || true; }; rm -rf "$dir"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
"$repo/pipelines/upscale-stream.sh" "rtp://127.0.0.1:$port" "$dir/my stream.mp4" --frames 30 \
  --model "$repo/tests/fixtures/tiny_x4_traced.pt" --device cpu > "$dir/receiver.log" 2>&1 &
receiver=$!
# The sender starts once the receiver listens (the model loads first; slow on a busy machine).
for _ in $(seq 600); do grep -q "Setting pipeline to PLAYING" "$dir/receiver.log" && break; sleep 0.1; done
gst-launch-1.0 -q videotestsrc is-live=true num-buffers=90 ! video/x-raw,width=64,height=36,framerate=30/1 \
  ! x264enc tune=zerolatency key-int-max=10 ! rtph264pay pt=96 config-interval=1 \
  ! udpsink host=127.0.0.1 port=$port &
sender=$!
wait "$receiver" || { cat "$dir/receiver.log"; exit 1; }
# A live stream starts at its first key frame and the leaky queue drops what the upscaler cannot
# keep up with: 30 frames span 1 s of the 3-s stream or more (up to all of it).
check_media "$dir/my stream.mp4" 256 144 2.0 no 1.1
# --frames counts written frames, not received ones (the leaky queue may drop some before).
frames=$(count_frames "$dir/my stream.mp4")
[ "$frames" = 30 ] || { echo "--frames 30 wrote $frames frames"; exit 1; }
# Progress: frames received, upscaled and dropped, and frames per second (#29).
grep -qE "^received [0-9]+, upscaled [0-9]+, dropped [0-9]+, [0-9.]+ frames/s" "$dir/receiver.log" ||
  { cat "$dir/receiver.log"; echo "no progress line"; exit 1; }
! grep -q "last-message" "$dir/receiver.log" || { echo "per-buffer notices leaked"; exit 1; }
# Nothing arrives, the user stops it (Ctrl-C, as from a terminal): no file, and it says why.
set -m
"$repo/pipelines/upscale-stream.sh" "rtp://127.0.0.1:$((port + 1))" "$dir/empty.mp4" \
  --model "$repo/tests/fixtures/tiny_x4_traced.pt" --device cpu > "$dir/empty.log" 2>&1 &
receiver=$!
set +m
for _ in $(seq 600); do grep -q "Setting pipeline to PLAYING" "$dir/empty.log" && break; sleep 0.1; done
sleep 1
kill -INT "$receiver"
status=0
wait "$receiver" || status=$?
[ "$status" = 130 ] || { cat "$dir/empty.log"; echo "exit $status, not 130"; exit 1; }
grep -qF "no frame arrived from rtp://127.0.0.1:$((port + 1)): no $dir/empty.mp4 written" "$dir/empty.log" ||
  { cat "$dir/empty.log"; exit 1; }
[ -z "$(ls -A "$dir" | grep empty.mp4)" ] || { ls -la "$dir"; echo "a file was left"; exit 1; }
echo "stream: ok"
