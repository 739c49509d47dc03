#!/usr/bin/env bash
# Joins segments (pipelines/split.sh's, or their upscaled versions) into one file, without
# re-encoding, keeping every audio track.
#
#   pipelines/join.sh DIR OUT.(mp4|mkv|mov|webm) [--force]
#
# Takes DIR/segment-*.mp4 (upscaled segments), or else DIR/segment-*.mkv (split.sh's), in name
# order; their timestamps follow on from one another (GStreamer's splitmuxsrc), so the joined
# file has their total duration. OUT appears only when it is done; an existing OUT is kept
# unless --force.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "DIR and OUT are required"
dir=$1 output=$2 force=0
[ $# -le 2 ] || { [ $# -eq 3 ] && [ "$3" = --force ]; } || srgan_usage_error "unknown argument '$3'"
[ $# -eq 2 ] || force=1
[ -d "$dir" ] || srgan_fail "no such folder: $dir"
srgan_check_output "$dir" "$output" "$force"
extension=mp4
compgen -G "$dir/segment-*.mp4" >/dev/null || extension=mkv
segments=("$dir"/segment-*."$extension")
[ -e "${segments[0]}" ] || srgan_fail "$dir holds no segment-*.mp4 or segment-*.mkv"
srgan_container_for "$output"
audio="" audio_tracks=$(srgan_audio_tracks "${segments[0]}")
for ((track = 0; track < audio_tracks; track++)); do
  audio+=" s.audio_$track ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! mux.audio_%u"
done
echo "joining ${#segments[@]} segments of $dir -> $output"
srgan_begin_output "$output"
# shellcheck disable=SC2086
gst-launch-1.0 -q -e splitmuxsrc name=s location="$dir/segment-*.$extension" \
  s.video_0 ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! mux.video_%u $audio \
  $srgan_muxer name=mux ! filesink location="$srgan_partial" ||
  srgan_fail "the pipeline failed (GStreamer's error is above)"
srgan_finish_output "$output"
echo "wrote $output"
