#!/usr/bin/env bash
# Upscales a long video on a Slurm cluster: cuts it here, submits one array task per segment and
# the join as a job that runs when every task succeeded.
#
#   pipelines/slurm/submit.sh IN OUT.(mp4|mkv|mov) [--segment-seconds S] [--sbatch "OPTIONS"] [--model x4|x2|FILE] [--device D] [--precision P]
#
# --sbatch passes options to both sbatch calls (e.g. "--partition=gpu --gres=gpu:1 --time=1:00:00").
# Work goes to OUT.parts/ (as pipelines/upscale-parallel.sh's); prints the two job ids. A failed
# task leaves the join pending (afterok), never runs it: resubmit with the same command, and
# finished segments are skipped.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
source "$repo/pipelines/common.sh"

usage() { sed -n '5p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
input=$(realpath "$1") output=$(realpath -m "$2")
shift 2
seconds=60 sbatch_options="" element=()
while [ $# -gt 0 ]; do
  case "$1" in
    --segment-seconds) srgan_value "$@"; srgan_count "$1" "$2"; seconds=$2; shift 2 ;;
    --sbatch) [ $# -ge 2 ] || srgan_usage_error "--sbatch needs a value"; sbatch_options=$2; shift 2 ;;
    --model | --device | --precision) srgan_value "$@"; element+=("$1" "$2"); shift 2 ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
done
command -v sbatch >/dev/null || srgan_fail "sbatch not found: run this where Slurm's commands are"
srgan_container_for "$output"
[ "$srgan_muxer" != webmmux ] || srgan_usage_error "$output: segments are H.264 + AAC: use .mp4, .mkv or .mov"
parts=$output.parts
srgan_cut_once "$input" "$parts" "$seconds"
mkdir -p "$parts/upscaled" "$parts/logs"
count=$(ls "$parts"/segments/segment-*.mkv | wc -l)
# shellcheck disable=SC2086
array=$(sbatch --parsable $sbatch_options --array="0-$((count - 1))" \
  --output="$parts/logs/segment-%a.log" "$here/upscale-array.sbatch" "$repo" "$parts" "${element[@]}")
array=${array%%;*}
# shellcheck disable=SC2086
join=$(sbatch --parsable $sbatch_options --job-name=srgan-join --dependency="afterok:$array" \
  --output="$parts/logs/join.log" \
  --wrap="$(printf '%q ' "$repo/pipelines/join.sh" "$parts/upscaled" "$output") && rm -rf $(printf '%q' "$parts")")
join=${join%%;*}
echo "submitted: $count segments as array job $array, the join as job $join (after all succeed)"
echo "array=$array join=$join"
