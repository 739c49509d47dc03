#!/usr/bin/env bash
# pipelines/upscale-file.sh keeps every audio track, and every subtitle track into MKV and MP4
# (Matroska's copied by mkvtoolnix, MP4's text by GStreamer); each subtitle track it cannot keep
# (any subtitle into WebM) is named in one line. tests/pipelines/test_subtitles.sh checks SRT and
# ASS byte for byte.
# upscale-parallel.sh (split.sh, join.sh) keeps every audio track too and names the subtitles.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin subparse matroskademux matroskamux mp4mux x264enc h264parse \
  avenc_aac aacparse tee
model=$repo/tests/fixtures/tiny_x4_traced.pt
clip=$repo/tests/fixtures/clip-1s-64x36.webm
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf '1\n00:00:00,100 --> 00:00:00,500\nFirst cue\n\n2\n00:00:00,600 --> 00:00:00,900\nSecond cue\n' >"$dir/cues.srt"
subtitle="filesrc location=$dir/cues.srt ! subparse ! text/x-raw,format=utf8 ! queue"
# Matroska: the clip's video, its sound twice (two audio tracks), the cues twice.
gst-launch-1.0 -q -e matroskamux name=m ! filesink location="$dir/tracks.mkv" \
  filesrc location="$clip" ! matroskademux name=d d.video_0 ! queue ! m. \
  d.audio_0 ! queue ! tee name=t ! queue ! m.audio_%u t. ! queue ! m.audio_%u \
  $subtitle ! m.subtitle_%u $subtitle ! m.subtitle_%u
# MP4: H.264, AAC and the cues as a text track.
gst-launch-1.0 -q -e mp4mux name=m ! filesink location="$dir/tracks.mp4" \
  uridecodebin uri="file://$clip" name=d d. ! queue ! videoconvert ! x264enc ! h264parse ! queue ! m. \
  d. ! queue ! audioconvert ! avenc_aac ! aacparse ! queue ! m. $subtitle ! m.subtitle_%u
kinds() { gst-discoverer-1.0 "$1" | sed -n 's/^ *\(video\|audio\|subtitles\) #[0-9]*: .*/\1/p' | sort | uniq -c | paste -sd' ' - | tr -s ' '; }
[ "$(kinds "$dir/tracks.mkv")" = " 2 audio 2 subtitles 1 video" ] || fail "mkv fixture: $(kinds "$dir/tracks.mkv")"
[ "$(kinds "$dir/tracks.mp4")" = " 1 audio 1 subtitles 1 video" ] || fail "mp4 fixture: $(kinds "$dir/tracks.mp4")"
upscale() { "$repo/pipelines/upscale-file.sh" "$1" "$2" --model "$model" --device cpu 2>&1 | tee "$dir/log"; }
text_of() {  # the subtitle text of FILE, every cue in order
  gst-launch-1.0 -q uridecodebin uri="file://$1" name=d d. ! text/x-raw ! filesink location="$dir/text" \
    d. ! video/x-raw ! fakesink
  tr '\n' ' ' <"$dir/text"
}

# Two audio tracks stay two; the two Matroska subtitle tracks stay two.
upscale "$dir/tracks.mkv" "$dir/out.mkv"
[ "$(kinds "$dir/out.mkv")" = " 2 audio 2 subtitles 1 video" ] || fail "out.mkv: $(kinds "$dir/out.mkv")"
grep -q "(2 audio tracks, 2 subtitle tracks)" "$dir/log" || fail "the tracks are not counted"
! grep -q "not kept" "$dir/log" || fail "a track was dropped"
check_media "$dir/out.mkv" 256 144 1.0 yes

# MP4's cues are copied, into MP4 and into Matroska, every cue in order.
for out in out.mp4 from-mp4.mkv; do
  upscale "$dir/tracks.mp4" "$dir/$out"
  [ "$(kinds "$dir/$out")" = " 1 audio 1 subtitles 1 video" ] || fail "$out: $(kinds "$dir/$out")"
  grep -q "(1 audio track, 1 subtitle track)" "$dir/log" || fail "the subtitle track is not counted"
  ! grep -q "not kept" "$dir/log" || fail "a track was dropped"
  [[ "$(text_of "$dir/$out")" == *"First cue"*"Second cue"* ]] || fail "$out's cues: $(text_of "$dir/$out")"
  check_media "$dir/$out" 256 144 1.0 yes
done

# WebM takes WebVTT only: named, the rest written.
upscale "$dir/tracks.mp4" "$dir/out.webm"
grep -q "^subtitle track #[0-9]* is not kept: WebM carries WebVTT subtitles only" "$dir/log" ||
  fail "the WebM subtitle track is not named"
[ "$(kinds "$dir/out.webm")" = " 1 audio 1 video" ] || fail "out.webm: $(kinds "$dir/out.webm")"
# In parallel (split into segments, joined again): both audio tracks stay; the subtitles are
# named as not kept, once each.
if command -v parallel >/dev/null; then
  "$repo/pipelines/upscale-parallel.sh" "$dir/tracks.mkv" "$dir/parallel.mkv" --jobs 1 --devices cpu \
    --segment-seconds 1 --model "$model" 2>&1 | tee "$dir/log"
  [ "$(kinds "$dir/parallel.mkv")" = " 2 audio 1 video" ] || fail "parallel.mkv: $(kinds "$dir/parallel.mkv")"
  [ "$(grep -c "^subtitle track #[0-9]*.* is not kept: segments carry video and audio only" "$dir/log")" = 2 ] ||
    fail "the parallel run does not name the two subtitle tracks once each"
  check_media "$dir/parallel.mkv" 256 144 1.0 yes
else
  echo "upscale-parallel.sh not tested: needs GNU parallel"
fi
echo "tracks OK"
