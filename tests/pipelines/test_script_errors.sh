#!/usr/bin/env bash
# The pipeline scripts on bad input: a file without video (audio only, text, a truncated file)
# ends within seconds with one line naming it; a failed run leaves no output file, empty or
# partial; a wrong or missing argument is named; the container follows the extension, and an
# unknown one is refused; a window without a display says what to do instead.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin videoconvert x264enc h264parse mp4mux matroskamux \
  audiotestsrc vorbisenc oggmux compositor pngenc
model=$repo/tests/fixtures/tiny_x4_traced.pt
clip=$repo/tests/fixtures/clip-1s-64x36-silent.webm
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$dir"

gst-launch-1.0 -q audiotestsrc num-buffers=20 ! vorbisenc ! oggmux ! filesink location=audio-only.ogg
echo "not a video" >notes.txt
head -c 3000 "$repo/tests/fixtures/clip-1s-64x36.webm" >truncated.webm

# expect_failure STATUS PATTERN COMMAND...: fails with STATUS within 30 s, one stderr line
# matching PATTERN (then the usage for status 2), and leaves no output or partial file.
expect_failure() {
  local status=$1 pattern=$2 got=0
  shift 2
  timeout 30 "$@" >/dev/null 2>err || got=$?
  [ "$got" = "$status" ] || { cat err; fail "$* exited $got, expected $status"; }
  head -1 err | grep -qE -- "$pattern" || { cat err; fail "$*: first line does not match '$pattern'"; }
  [ "$status" = 2 ] || [ "$(wc -l <err)" = 1 ] || { cat err; fail "$*: more than one line"; }
  [ -z "$(ls -A | grep -E '^(out\.|\.out\.)')" ] || { ls -la; fail "$* left an output file"; }
}

for script in upscale-file.sh compare.sh; do
  out=out.mp4
  expect_failure 1 "audio-only.ogg: no video stream \(found: .*audio Vorbis" \
    "$repo/pipelines/$script" audio-only.ogg $out --model "$model" --device cpu
  expect_failure 1 "notes.txt: GStreamer cannot read it" \
    "$repo/pipelines/$script" notes.txt $out --model "$model" --device cpu
  # Cut inside its first cluster: depending on how far GStreamer gets, unreadable or streamless.
  expect_failure 1 "truncated.webm: (GStreamer cannot read it|no video stream)" \
    "$repo/pipelines/$script" truncated.webm $out --model "$model" --device cpu
  expect_failure 1 "no such file: absent.webm" "$repo/pipelines/$script" absent.webm $out
  expect_failure 2 "unknown argument '--size'" "$repo/pipelines/$script" "$clip" $out --size 2
  expect_failure 2 "--model needs a value" "$repo/pipelines/$script" "$clip" $out --model
  expect_failure 2 "--frames-in-flight takes a whole number >= 1, not '0'" \
    "$repo/pipelines/$script" "$clip" $out --frames-in-flight 0
  expect_failure 2 "--model x3: no such file, nor a bundled model \(bundled: x4, x2, x4-srgan, x4-clean, x2-clean\)" \
    "$repo/pipelines/$script" "$clip" $out --model x3
  expect_failure 2 "out.avi: unknown container '.avi'" "$repo/pipelines/$script" "$clip" out.avi \
    --model "$model" --device cpu
  # The element fails at start (no such model): GStreamer says why, nothing is left behind.
  if "$repo/pipelines/$script" "$clip" $out --model absent.pt --device cpu >/dev/null 2>err; then
    fail "$script ran without its model"
  fi
  grep -q "absent.pt: no such file" err || { cat err; fail "$script: the model is not named"; }
  [ -z "$(ls -A | grep -E '^(out\.|\.out\.)')" ] || { ls -la; fail "$script left an output file"; }
done
expect_failure 2 "IN and OUT are required" "$repo/pipelines/upscale-file.sh" "$clip"
expect_failure 2 "--frames needs a value" "$repo/pipelines/upscale-stream.sh" rtp://127.0.0.1:5000 out.mp4 --frames
expect_failure 2 "--frames takes a whole number" "$repo/pipelines/upscale-stream.sh" rtp://127.0.0.1:5000 out.mp4 --frames x
expect_failure 2 "unsupported input 'udp://x'" "$repo/pipelines/upscale-stream.sh" udp://x out.mp4
# Addresses are checked before anything listens: the bad argument is named (#29).
expect_failure 2 "rtp://localhost: no port" "$repo/pipelines/upscale-stream.sh" rtp://localhost out.mp4
expect_failure 2 "rtp://127.0.0.1:99999: port '99999' is not a port number" "$repo/pipelines/upscale-stream.sh" rtp://127.0.0.1:99999 out.mp4
expect_failure 2 "rtp://host:x: port 'x' is not a port number" "$repo/pipelines/upscale-stream.sh" rtp://127.0.0.1:5000 rtp://host:x
expect_failure 2 "--size takes WIDTHxHEIGHT" "$repo/pipelines/camera.sh" --size big
expect_failure 2 "--size needs a value" "$repo/pipelines/camera.sh" --size
env -u DISPLAY -u WAYLAND_DISPLAY "$repo/pipelines/camera.sh" 2>err && fail "camera.sh opened a window without a display"
grep -q "no display for a window .*--output FILE.mp4" err || { cat err; fail "camera.sh does not say what to do"; }

# The container follows the extension.
"$repo/pipelines/upscale-file.sh" "$clip" clip.mkv --model "$model" --device cpu >/dev/null
grep -q "container #0: Matroska" <<<"$(gst-discoverer-1.0 clip.mkv)" || fail ".mkv is not Matroska"
check_media clip.mkv 256 144 1.0 no
echo "script errors: named, quick, nothing left behind; containers follow the extension"
