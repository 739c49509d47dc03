#!/usr/bin/env bash
# Upscales one segment of pipelines/split.sh: the unit of work of upscale-parallel.sh, of the
# Slurm job array and of the Kubernetes Indexed Job.
#
#   pipelines/upscale-segment.sh SEGMENT OUTDIR [--model x4|x2|FILE] [--device D] [--precision P]
#
# Writes OUTDIR/<segment name>.mp4 (H.264 without B-frames, as every MP4 of the scripts, so that
# joined segments keep exact timestamps; AAC) under a temporary name, renamed when done: an existing result means the
# segment is finished, and running it again does nothing (idempotent).
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
started=$(date +%s)
"$(dirname "${BASH_SOURCE[0]}")/upscale-file.sh" \
  "$segment" "$output" "$@"
echo "${name%.*}: done in $(( $(date +%s) - started )) s"
