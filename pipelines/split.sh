#!/usr/bin/env bash
# Cuts a video into segments at keyframes, without re-encoding, keeping every audio track.
#
#   pipelines/split.sh IN DIR --segment-seconds N
#
# Writes DIR/segment-00000.mkv, DIR/segment-00001.mkv, ... (Matroska holds any codec), each
# starting on a keyframe, about N seconds long (a segment ends at the first keyframe after N s).
# pipelines/join.sh joins them (or their upscaled versions) back into one file.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "IN and DIR are required"
input=$1 dir=$2 seconds=""
shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    --segment-seconds) srgan_value "$@"; srgan_count "$1" "$2"; seconds=$2; shift 2 ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$seconds" ] || srgan_usage_error "--segment-seconds is required"
[ -f "$input" ] || srgan_fail "no such file: $input"
srgan_probe_video "$input"
srgan_demuxer_for "$input"
mkdir -p "$dir"
if compgen -G "$dir/segment-*.mkv" >/dev/null; then
  srgan_fail "$dir already holds segments: use an empty folder"
fi
# The segments lose the container's rotation (phones' portrait video): it is kept beside them,
# where upscale-segment.sh reads it.
rm -f "$dir/orientation"
orientation=$(srgan_orientation "$input")
[ "$orientation" = rotate-0 ] || echo "$orientation" >"$dir/orientation"

# Every audio track, each into the segments' track of the same number.
audio="" audio_tracks=$(srgan_audio_tracks "$input")
for ((track = 0; track < audio_tracks; track++)); do
  audio+=" d.audio_$track ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! split.audio_$track"
done
# Segments carry video and audio: a subtitle cue may span a cut, and nothing joins it again.
while read -r number _ language; do
  echo "$(srgan_subtitle_name "$number" "$language") is not kept: segments carry video and" \
    "audio only (pipelines/upscale-file.sh keeps it)"
done < <(srgan_subtitle_tracks "$input")
# Written under a temporary name pattern, renamed when the cut succeeded: a failed or interrupted
# cut leaves no segment that looks finished.
echo "splitting $input into segments of ${seconds} s (at keyframes) in $dir"
# GStreamer 1.22's splitmuxsink sometimes writes every segment and then never delivers its end
# of stream when the stream has audio: 2-4 runs in 40 on a loaded machine (two busy cores; with
# or without async-finalize), and three in a row failed one CI-like test run. Each attempt gets a
# time limit above a copy's duration (20 s plus the video's length: a stream copy runs faster
# than real time) and a stuck one is retried from scratch, up to five times.
duration=$(srgan_duration_seconds "$input")
duration=${duration:-0}
limit=$((20 + ${duration%.*}))
for attempt in 1 2 3 4 5; do
  status=0
  # shellcheck disable=SC2086
  timeout "$limit" gst-launch-1.0 -q -e filesrc location="$input" ! $srgan_demuxer name=d \
    d.video_0 ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 \
    ! splitmuxsink name=split async-finalize=true muxer-factory=matroskamux \
        location="$dir/.partial-segment-%05d.mkv" max-size-time=$((seconds * 1000000000)) \
    $audio || status=$?
  [ "$status" = 124 ] || break
  rm -f "$dir"/.partial-segment-*.mkv
  echo "$srgan_script: the cut did not finish within $limit s (attempt $attempt of 5)" >&2
done
if [ "$status" != 0 ]; then
  rm -f "$dir"/.partial-segment-*.mkv
  srgan_fail "the pipeline failed (GStreamer's error is above)"
fi
# A last segment shorter than half the others (the video's tail after the last full segment)
# joins the one before it, remuxed without re-encoding: a few frames alone cannot be decoded
# (Vorbis and AAC need a packet before the first one they output).
parts=("$dir"/.partial-segment-*.mkv)
if [ ${#parts[@]} -ge 2 ]; then
  last=${parts[-1]}
  tail_seconds=$(srgan_duration_seconds "$last")
  if awk -v t="${tail_seconds:-0}" -v s="$seconds" 'BEGIN { exit !(t < s / 2) }'; then
    merge=$(mktemp -d "$dir/.merge-XXXXXX")
    mv "${parts[-2]}" "$merge/segment-00000.mkv"
    mv "$last" "$merge/segment-00001.mkv"
    "$(dirname "${BASH_SOURCE[0]}")/join.sh" "$merge" "$merge/merged.mkv" >/dev/null ||
      srgan_fail "could not merge the short last segment into the one before"
    mv "$merge/merged.mkv" "${parts[-2]}"
    rm -rf "$merge"
  fi
fi
count=0
for part in "$dir"/.partial-segment-*.mkv; do
  mv "$part" "$dir/${part##*/.partial-}"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || srgan_fail "no segment was written"
echo "wrote $count segments to $dir"
