#!/usr/bin/env bash
# pipelines/split.sh, join.sh and upscale-parallel.sh on a real 3-second clip with sound (two
# segments): split keeps every frame and the sound without re-encoding; the parallel upscale (2 CPU jobs) equals
# upscaling the whole clip at once in frame count, duration and sound, with audio and video
# within one frame of each other; it resumes, and a failing segment is named with its rerun.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements matroskademux matroskamux splitmuxsink splitmuxsrc qtdemux mp4mux \
  x264enc h264parse uridecodebin
command -v parallel >/dev/null || { echo "SKIP: needs GNU parallel"; exit 77; }
clip=$repo/media/launch-3s-160x90.webm
model=$repo/tests/fixtures/tiny_x4_traced.pt
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
within() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
frame=$(awk 'BEGIN { print 1 / 24 + 0.002 }')  # the clip is 24 fps; timestamps are in ms

# Split at keyframes (no re-encoding): every frame in exactly one segment, each with the sound.
"$repo/pipelines/split.sh" "$clip" "$dir/segments" --segment-seconds 1
count=$(ls "$dir"/segments/segment-*.mkv | wc -l)
[ "$count" -ge 2 ] || fail "split.sh wrote $count segment(s), expected at least 2"
frames=0
for segment in "$dir"/segments/segment-*.mkv; do
  frames=$((frames + $(count_frames "$segment")))
  srgan_info=$(gst-discoverer-1.0 "$segment")
  grep -qE '^ +audio #' <<<"$srgan_info" || fail "$segment has no sound"
  grep -q "VP8" <<<"$srgan_info" || fail "$segment was re-encoded"
done
[ "$frames" = "$(count_frames "$clip")" ] || fail "the segments hold $frames frames, the clip $(count_frames "$clip")"

# The whole clip at once, and in parallel (2 CPU jobs).
"$repo/pipelines/upscale-file.sh" "$clip" "$dir/whole.mp4" --model "$model" --device cpu >/dev/null
"$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/parallel.mp4" --jobs 2 --devices cpu \
  --segment-seconds 1 --model "$model" --keep-parts >"$dir/log" 2>&1 || { cat "$dir/log"; fail "upscale-parallel failed"; }
check_media "$dir/parallel.mp4" 640 360 3.0 yes
whole_frames=$(count_frames "$dir/whole.mp4")
[ "$(count_frames "$dir/parallel.mp4")" = "$whole_frames" ] || fail "parallel has other frames than whole ($whole_frames)"
read -r v0 v1 a0 a1 <<<"$(av_times "$dir/parallel.mp4")"
read -r w0 w1 b0 b1 <<<"$(av_times "$dir/whole.mp4")"
# The same video and audio times as the whole upscale, and audio within a frame of the video.
span() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
within "$(span "$v0" "$v1")" "$(span "$w0" "$w1")" "$frame" ||
  fail "video lasts $(span "$v0" "$v1") s, the whole upscale's $(span "$w0" "$w1") s"
within "$(span "$a0" "$a1")" "$(span "$b0" "$b1")" "$frame" ||
  fail "audio lasts $(span "$a0" "$a1") s, the whole upscale's $(span "$b0" "$b1") s"
within "$v0" "$w0" "$frame" && within "$a0" "$b0" "$frame" ||
  fail "starts differ: video $v0/$w0 s, audio $a0/$b0 s (parallel/whole)"
within "$v0" "$a0" "$frame" && within "$v1" "$a1" "$frame" ||
  fail "audio and video more than a frame apart: video $v0-$v1 s, audio $a0-$a1 s"
echo "parallel: video $v0-$v1 s, audio $a0-$a1 s; whole: video $w0-$w1 s, audio $b0-$b1 s"

# Resumable: finished segments are skipped, a missing one is redone (parts kept to read their
# logs); then a run with nothing left to do only joins, and removes the parts.
rm "$dir/parallel.mp4" "$dir/parallel.mp4.parts/upscaled/segment-00001.mp4"
"$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/parallel.mp4" --jobs 2 --devices cpu \
  --segment-seconds 1 --model "$model" --keep-parts >"$dir/log" 2>&1 || { cat "$dir/log"; fail "the resumed run failed"; }
grep -q "($((count - 1)) already done)" "$dir/log" || { cat "$dir/log"; fail "finished segments were not kept"; }
logs=$dir/parallel.mp4.parts/logs
grep -q "^segment-00000: already done$" "$logs/segment-00000.log" || { cat "$logs/segment-00000.log"; fail "segment-00000 was redone"; }
grep -q "^segment-00001: done in" "$logs/segment-00001.log" || { cat "$logs/segment-00001.log"; fail "segment-00001 was not redone"; }
[ "$(count_frames "$dir/parallel.mp4")" = "$whole_frames" ] || fail "the resumed run has other frames"
rm "$dir/parallel.mp4"
"$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/parallel.mp4" --jobs 2 --devices cpu \
  --segment-seconds 1 --model "$model" >"$dir/log" 2>&1 || { cat "$dir/log"; fail "the finishing run failed"; }
grep -q "($count already done)" "$dir/log" || { cat "$dir/log"; fail "the finishing run redid segments"; }
[ ! -e "$dir/parallel.mp4.parts" ] || fail "the parts folder was kept without --keep-parts"
[ "$(count_frames "$dir/parallel.mp4")" = "$whole_frames" ] || fail "the finishing run has other frames"

# A failing segment (a model file that is not one) is named, with the command that reruns it;
# no output file.
echo "not a model" >"$dir/bad.pt"
if "$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/bad.mp4" --jobs 2 --devices cpu \
  --segment-seconds 1 --model "$dir/bad.pt" >"$dir/log" 2>&1; then fail "a failing run succeeded"; fi
grep -q "upscale-parallel.sh: $count of $count segments failed: segment-00000 segment-00001" "$dir/log" ||
  { cat "$dir/log"; fail "the failed segments are not named"; }
grep -q "upscale-segment.sh $dir/bad.mp4.parts/segments/segment-00000.mkv" "$dir/log" || fail "no rerun command"
[ ! -e "$dir/bad.mp4" ] || fail "a failed run left $dir/bad.mp4"
# Wrong arguments: one line each.
! "$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/x.mp4" 2>"$dir/err" && grep -q -- "--jobs is required" "$dir/err"
! "$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/x.mp4" --jobs 2 --devices "gpu 0" 2>"$dir/err" &&
  grep -q -- "--devices takes a comma-separated list" "$dir/err"
! "$repo/pipelines/split.sh" "$clip" "$dir/s2" 2>"$dir/err" && grep -q -- "--segment-seconds is required" "$dir/err"
! "$repo/pipelines/join.sh" "$dir/nothing" "$dir/x.mp4" 2>"$dir/err" && grep -q "no such folder" "$dir/err"
echo "scale-out OK"
