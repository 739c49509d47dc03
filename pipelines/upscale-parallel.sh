#!/usr/bin/env bash
# Upscales a long video in parallel: cuts it into segments at keyframes, upscales them with GNU
# parallel (one device per job), joins the results with every audio track (subtitles are named
# as not kept).
#
#   pipelines/upscale-parallel.sh IN OUT.(mp4|mkv|mov) --jobs N [--devices cuda:0,cuda:1|cpu] [--segment-seconds S] [--model x4|x2|FILE] [--precision P] [--keep-parts] [--force]
#
# Work goes to OUT.parts/ (segments/, upscaled/, logs/). It is resumable: run the same command
# again after a crash or Ctrl-C and finished segments are skipped. Ctrl-C or SIGTERM (to the
# script or its process group) stops the cut, the jobs or the join within seconds, keeps the
# finished segments, says how to resume and exits 130 or 143. A failed segment is named,
# with the command that reruns it alone. OUT.parts/ is removed after a successful join unless
# --keep-parts. Jobs take the devices in turn (job slot k uses device k mod their count). An
# existing OUT is kept unless --force, as in upscale-file.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/common.sh"

usage() { sed -n '6p' "$0" | sed 's/^# *//' >&2; exit 2; }
[ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
input=$1 output=$2
shift 2
jobs="" devices="auto" seconds=60 keep=0 force=0 element=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) srgan_value "$@"; srgan_count "$1" "$2"; jobs=$2; shift 2 ;;
    --devices) srgan_value "$@"; devices=$2; shift 2 ;;
    --segment-seconds) srgan_value "$@"; srgan_count "$1" "$2"; seconds=$2; shift 2 ;;
    --model | --precision) srgan_value "$@"; element+=("$1" "$2"); shift 2 ;;
    --keep-parts) keep=1; shift ;;
    --force) force=1; shift ;;
    *) srgan_usage_error "unknown argument '$1'" ;;
  esac
done
[ -n "$jobs" ] || srgan_usage_error "--jobs is required"
[[ $devices =~ ^[a-z]+(:[0-9]+)?(,[a-z]+(:[0-9]+)?)*$ ]] ||
  srgan_usage_error "--devices takes a comma-separated list such as cuda:0,cuda:1 or cpu, not '$devices'"
command -v parallel >/dev/null || srgan_fail "GNU parallel is not installed (apt install parallel)"
[ -f "$input" ] || srgan_fail "no such file: $input"
srgan_check_output "$input" "$output" "$force"
srgan_container_for "$output"
[ "$srgan_muxer" != webmmux ] || srgan_usage_error "$output: segments are H.264 + AAC: use .mp4, .mkv or .mov"
parts=$output.parts
mkdir -p "$parts/upscaled" "$parts/logs"

# A stop keeps what is done: the same command continues from there.
resume_hint() {
  local done_now
  done_now=$(find "$parts/upscaled" -name 'segment-*.mp4' 2>/dev/null | wc -l)
  echo "${done_now} segments done, kept in $parts; run the same command again to continue"
}
srgan_on_stop=resume_hint
srgan_stoppable_stages

# 1. Cut once.
srgan_run_stage srgan_cut_once "$input" "$parts" "$seconds"
segments=("$parts"/segments/segment-*.mkv)
total=${#segments[@]}
done_before=$(find "$parts/upscaled" -name 'segment-*.mp4' | wc -l)
echo "upscaling $total segments of ${seconds} s with $jobs jobs on $devices ($done_before already done)"

# On the CPU, jobs share the cores: each gets its part of them (LibTorch's threads), so that N
# jobs do not each start a thread per core. With one thread a job (--jobs $(nproc)) the x4 models
# run their wide layers by Winograd on CPUs without AVX-512 (docs/PERFORMANCE.md).
if [[ ,$devices, == *,cpu,* ]] && [ -z "${OMP_NUM_THREADS:-}" ]; then
  threads=$(( $(nproc) / jobs ))
  export OMP_NUM_THREADS=$(( threads > 0 ? threads : 1 ))
fi

# 2. Upscale: each job runs upscale-segment.sh (which skips finished segments) on the device of
# its slot, logging to logs/. --halt never: one failure does not stop the others.
bar=()
[ -t 2 ] && bar=(--bar)
# shellcheck disable=SC2016
element_words=""
[ ${#element[@]} -eq 0 ] || element_words=$(printf '%q ' "${element[@]}")
SRGAN_DEVICES=$devices srgan_run_stage parallel --jobs "$jobs" --halt never --joblog "$parts/logs/joblog" \
  "${bar[@]}" \
  'IFS=, read -ra d <<<"$SRGAN_DEVICES"; dev=${d[$(( ({%} - 1) % ${#d[@]} ))]};
   '"$(printf '%q' "$here/upscale-segment.sh")"' {} '"$(printf '%q' "$parts/upscaled")"' --device "$dev" '"$element_words"' \
     >'"$(printf '%q' "$parts/logs")"'/{/.}.log 2>&1 && echo "{/.}: done on $dev" || { echo "{/.}: FAILED on $dev"; exit 1; }' \
  ::: "${segments[@]}" || true

# 3. Every segment done? Name the ones that are not, with how to rerun them.
failed=()
for segment in "${segments[@]}"; do
  name=$(basename "$segment" .mkv)
  [ -s "$parts/upscaled/$name.mp4" ] || failed+=("$name")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "$srgan_script: ${#failed[@]} of $total segments failed: ${failed[*]} (logs in $parts/logs/)" >&2
  echo "  rerun this command to finish them (done segments are kept), or one alone:" >&2
  echo "  $here/upscale-segment.sh $parts/segments/${failed[0]}.mkv $parts/upscaled --device ${devices%%,*} ${element[*]}" >&2
  exit 1
fi

# 4. Join with the sound.
srgan_run_stage "$here/join.sh" "$parts/upscaled" "$output" $([ "$force" = 1 ] && echo --force)
[ "$keep" = 1 ] || rm -rf "$parts"
