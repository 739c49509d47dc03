#!/usr/bin/env bash
# pipelines/upscale-file.sh as users stop and rerun it: an existing output is kept unless
# --force, the input is never overwritten (by any path); SIGTERM and SIGINT keep a playable
# partial output (exit 143, 130) and leave no process, a second signal removes it; folders are
# upscaled whole, resumed, with a summary and failures that do not stop the rest; progress has
# frames per second; demo.sh --help prints its usage without building.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin videoconvert x264enc h264parse mp4mux matroskamux progressreport
up=$repo/pipelines/upscale-file.sh
model=$repo/tests/fixtures/tiny_x4_traced.pt
clip=$repo/tests/fixtures/clip-1s-64x36.webm
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Overwrites: refused without --force (the file untouched), done with it.
cp "$clip" "$dir/in.webm"
echo "keep me" >"$dir/out.mp4"
if out=$("$up" "$dir/in.webm" "$dir/out.mp4" --model "$model" --device cpu 2>&1); then fail "an existing output was replaced without --force"; fi
grep -qF "$dir/out.mp4 exists: add --force to replace it" <<<"$out" || fail "$out"
[ "$(cat "$dir/out.mp4")" = "keep me" ] || fail "the existing output changed"
"$up" "$dir/in.webm" "$dir/out.mp4" --model "$model" --device cpu --force >/dev/null
check_media "$dir/out.mp4" 256 144 1.0 yes
# The input itself, by another path (a symbolic link, ./..): refused even with --force.
ln -s "$dir/in.webm" "$dir/link.webm"
sum=$(md5sum <"$dir/in.webm")
for same in "$dir/link.webm" "$dir/./sub/../in.webm"; do
  mkdir -p "$dir/sub"
  if out=$("$up" "$dir/in.webm" "$same" --model "$model" --device cpu --force 2>&1); then fail "wrote over the input through $same"; fi
  grep -qF "is the input itself" <<<"$out" || fail "$out"
done
[ "$(md5sum <"$dir/in.webm")" = "$sum" ] || fail "the input changed"
# A missing or read-only output folder is named before anything runs.
out=$("$up" "$dir/in.webm" "$dir/absent/out.mp4" --model "$model" 2>&1) && fail "a missing folder was accepted"
grep -qF "the output folder $dir/absent does not exist" <<<"$out" || fail "$out"

# A clip long enough to stop in the middle (320x180 -> 1280x720, 20 s).
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=600 ! \
  video/x-raw,width=320,height=180,framerate=30/1 ! x264enc ! mp4mux ! filesink location="$dir/long.mp4"
# stop_after_progress SIGNAL... : starts an upscale, sends each signal (0.5 s apart) once it
# reports progress; prints its exit status.
stop_after_progress() {
  rm -f "$dir/long-x4.mkv" "$dir/run.log"
  # As from a terminal: job control keeps SIGINT, which a plain background job ignores.
  set -m
  "$up" "$dir/long.mp4" "$dir/long-x4.mkv" --model "$model" --device cpu >"$dir/run.log" 2>&1 &
  local pid=$! status
  set +m
  for _ in $(seq 600); do grep -q "^progress: [1-9]" "$dir/run.log" && break; sleep 0.1; done
  grep -q "^progress: .*frames/s" "$dir/run.log" || fail "no progress with frames/s: $(cat "$dir/run.log")"
  for signal in "$@"; do kill -s "$signal" "$pid"; sleep 0.5; done
  wait "$pid" && status=0 || status=$?
  echo "$status"
}
[ "$(stop_after_progress TERM)" = 143 ] || fail "SIGTERM: not exit 143: $(cat "$dir/run.log")"
grep -qF "stopped by SIGTERM: $dir/long-x4.mkv holds what was upscaled until then" "$dir/run.log" || fail "$(cat "$dir/run.log")"
frames=$(count_frames "$dir/long-x4.mkv")
[ "$frames" -gt 0 ] && [ "$frames" -lt 600 ] || fail "the kept file holds $frames frames"
check_media "$dir/long-x4.mkv" 1280 720 "$(awk -v f="$frames" 'BEGIN { print f / 30 }')" no 0.2
! pgrep -f "$dir/long.mp4" >/dev/null || fail "a process outlived the script"
[ "$(stop_after_progress INT)" = 130 ] || fail "SIGINT: not exit 130: $(cat "$dir/run.log")"
[ -s "$dir/long-x4.mkv" ] || fail "SIGINT kept nothing"
# A second signal stops at once: no output, no partial file, no process left.
[ "$(stop_after_progress TERM TERM)" = 143 ] || fail "two SIGTERMs: not exit 143: $(cat "$dir/run.log")"
[ ! -e "$dir/long-x4.mkv" ] || fail "two SIGTERMs left an output"
! ls -A "$dir" | grep -q partial || fail "a partial file was left: $(ls -A "$dir")"
sleep 1
! pgrep -f "$dir/long.mp4" >/dev/null || fail "a process outlived the script"

# Folders: the tree kept, each input's container (AVI becomes MKV), a broken file fails alone.
mkdir -p "$dir/lib/a/b" "$dir/lib/c"
cp "$clip" "$dir/lib/a/one.webm"
cp "$clip" "$dir/lib/a/b/two.webm"
gst-launch-1.0 -q videotestsrc num-buffers=24 ! video/x-raw,width=64,height=36,framerate=24/1 ! \
  avimux ! filesink location="$dir/lib/c/three.avi" 2>/dev/null || cp "$clip" "$dir/lib/c/three.avi"
echo "not a video" >"$dir/lib/c/broken.mp4"
status=0
"$up" "$dir/lib" "$dir/up" --model "$model" --device cpu >"$dir/folder.log" 2>&1 || status=$?
[ "$status" = 1 ] || fail "a folder with a broken file: exit $status, not 1: $(cat "$dir/folder.log")"
check_media "$dir/up/a/one.webm" 256 144 1.0 yes
check_media "$dir/up/a/b/two.webm" 256 144 1.0 yes
[ -s "$dir/up/c/three.mkv" ] || fail "three.avi was not upscaled to three.mkv: $(cat "$dir/folder.log")"
grep -qF "summary: 3 upscaled, 0 skipped (already done), 1 failed" "$dir/folder.log" || fail "$(cat "$dir/folder.log")"
grep -qE "failed: c/broken.mp4: .*broken.mp4" "$dir/folder.log" || fail "$(cat "$dir/folder.log")"
# A rerun skips what is done.
"$up" "$dir/lib" "$dir/up" --model "$model" --device cpu >"$dir/folder.log" 2>&1 && fail "the broken file passed"
grep -qF "summary: 0 upscaled, 3 skipped (already done), 1 failed" "$dir/folder.log" || fail "$(cat "$dir/folder.log")"

# demo.sh --help: its usage at once, no build.
help=$(timeout 10 "$repo/pipelines/demo.sh" --help)
grep -qF "pipelines/demo.sh" <<<"$help" || fail "demo.sh --help: $help"
echo "upscale-file.sh safety: ok"
