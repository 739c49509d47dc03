#!/usr/bin/env bash
# Upscales one segment of pipelines/split.sh: the unit of work of upscale-parallel.sh, of the
# Slurm job array and of the Kubernetes Indexed Job.
#
#   pipelines/upscale-segment.sh SEGMENT OUTDIR [--model x4|x2|FILE] [--device D] [--precision P]
#
# Writes OUTDIR/<segment name>.mp4 (H.264 without B-frames, as every MP4 of the scripts, so that
# joined segments keep exact timestamps; AAC) under a temporary name, renamed only when the whole
# segment was upscaled: an existing result means the segment is finished, and running it again
# does nothing (idempotent). A stopped segment leaves no result (upscale-file.sh would keep a
# stopped file's frames, which here would pass for a finished segment), nor does an upscale
# shorter than its segment.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "SEGMENT and OUTDIR are required"
segment=$1 outdir=$2
shift 2
name=$(basename "$segment")
output=$outdir/${name%.*}.mp4
if [ -s "$output" ]; then
  echo "${name%.*}: already done"
  exit 0
fi
mkdir -p "$outdir"
working=$outdir/.${name%.*}.upscaling.mp4
rm -f "$working"
started=$(date +%s)
# The rotation of the file the segments were cut from (split.sh keeps it beside them).
orientation=()
[ -f "$(dirname "$segment")/orientation" ] &&
  orientation=(--orientation "$(cat "$(dirname "$segment")/orientation")")
"$(dirname "${BASH_SOURCE[0]}")/upscale-file.sh" \
  "$segment" "$working" "${orientation[@]}" "$@"
# Finished means as long as the segment: a stop that races the end of upscale-file.sh can leave
# a playable but short file (one CI run joined 2.41 s of a 3-second clip), which must not pass
# for a finished segment. MP4 and Matroska round their durations differently: 0.1 s of slack.
expected=$(srgan_duration_seconds "$segment")
got=$(srgan_duration_seconds "$working")
if ! awk -v e="${expected:-0}" -v g="${got:-0}" 'BEGIN { exit !(g >= e - 0.1) }'; then
  rm -f "$working"
  srgan_fail "${name%.*}: the upscale holds ${got:-no} s of the segment's ${expected:-unknown} s: not kept, run it again"
fi
mv "$working" "$output"
echo "${name%.*}: done in $(( $(date +%s) - started )) s"
