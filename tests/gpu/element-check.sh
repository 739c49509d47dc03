#!/usr/bin/env bash
# The element on a GPU, in gst-launch pipelines that cannot pass while broken: CUDA memory forced
# by caps filters on each side where it is meant, the element's own log read to prove that no
# frame crossed the host, output pixels compared with the CPU path's on moving 1280x720 frames,
# NVIDIA's decoder (and encoder where the GPU has one) beside the element, and the steady state
# against the bare model at 960x540 -> 3840x2160 fp16 with 1 and 3 frames in flight. Each
# pipeline runs beside a control without srganupscale, so that a failure of both is the
# environment's and of ours alone the element's. tests/gpu/device-check.sh runs it.
#
#   tests/gpu/element-check.sh BUILD OUT            # on a GPU machine
#   tests/gpu/element-check.sh --dry-run BUILD OUT  # anywhere: the CPU parts only
#
# BUILD is a build folder with the plugin and srgan-bench; OUT gets element.md (the table) and
# pipelines.log (every failing pipeline's command, output and debug log). --dry-run runs the
# CPU reference, the comparison and the controls that need no GPU, and lists the rest as not
# run. Exit status 0 when every check passed (or was not run in a dry run).
set -uo pipefail
dry_run=0
[ "${1:-}" = --dry-run ] && { dry_run=1; shift; }
if [ $# -ne 2 ]; then
  echo "usage: $0 [--dry-run] BUILD OUT" >&2
  exit 2
fi
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath "$1")
out=$(realpath -m "$2")
plugin_dir=$build/gst-plugin  # CMake's; meson-alt puts the plugin at the build root
[ -f "$plugin_dir/libgstsrgan.so" ] || plugin_dir=$build
[ -f "$plugin_dir/libgstsrgan.so" ] || { echo "no libgstsrgan.so in $build/gst-plugin or $build" >&2; exit 2; }
command -v gst-launch-1.0 >/dev/null || { echo "no gst-launch-1.0 on PATH" >&2; exit 2; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GST_PLUGIN_PATH_1_0=$plugin_dir GST_REGISTRY_1_0=$build/gst-registry-element-check.bin
table=$out/element.md failures=$out/pipelines.log
: >"$failures"
status=0

have() { gst-inspect-1.0 "$1" >/dev/null 2>&1; }
row() { echo "| $1 | $2 | $3 |" >>"$table"; }

# run LABEL LOG PIPELINE...: gst-launch with the element's debug log in LOG; true on success.
run() {
  local label=$1 log=$2 code
  shift 2
  GST_DEBUG=srganupscale:5,cuda*:4 GST_DEBUG_FILE=$log GST_DEBUG_NO_COLOR=1 \
    timeout 120 gst-launch-1.0 -q --gst-disable-segtrap "$@" >"$log.out" 2>&1
  code=$?
  if [ "$code" != 0 ]; then
    { echo "### $label (exit $code): gst-launch-1.0 $*"; cat "$log.out"; tail -200 "$log"; } >>"$failures"
  fi
  return "$code"
}

# frames_crossed_host LOG SIDE...: how many of the element's frames had a side ("in", "out")
# on the host although it was meant to be in CUDA memory.
frames_crossed_host() {
  local log=$1 side count=0
  shift
  for side in "$@"; do
    count=$((count + $(grep -c "upscale_frames.* $side: host" "$log" || true)))
  done
  echo "$count"
}
frames_done() { grep -c "upscale_frames.*frame " "$1" || true; }

{
  echo "## Element on the GPU: pipelines beside their controls"
  echo
  echo "GStreamer $(gst-launch-1.0 --version | sed -n 's/.*version //p' | head -1);" \
    "$(python3 -W ignore -c 'import torch; print("LibTorch (PyTorch)", torch.__version__, "CUDA", torch.version.cuda)' 2>/dev/null || echo "no torch");" \
    "driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1 || echo none)"
  echo
  echo "| check | result | detail |"
  echo "| --- | --- | --- |"
} >"$table"

# Moving frames (the ball) at 1280x720, 8 of them, through the bundled x2 model: the CPU path in
# fp32 is the reference for every GPU path.
w=1280 h=720 n=8 scale=2
src="videotestsrc pattern=ball num-buffers=$n ! video/x-raw,format=NV12,width=$w,height=$h,framerate=30/1"
cpu="srganupscale model=x2 device=cpu precision=fp32"
gpu="srganupscale model=x2 device=cuda precision=fp16"
cuda="video/x-raw(memory:CUDAMemory)"
raw="video/x-raw,format=NV12,width=$((w * scale)),height=$((h * scale))"
# shellcheck disable=SC2086
if run "CPU reference" "$work/ref.log" $src ! $cpu ! $raw ! filesink location="$work/ref.nv12"; then
  row "CPU reference ($n frames ${w}x$h -> $((w * scale))x$((h * scale)), x2, fp32)" ok "$(frames_done "$work/ref.log") frames"
else
  row "CPU reference" FAILED "see pipelines.log"
  status=1
fi

# check LABEL CUDA_SIDES PIPELINE_MIDDLE...: the GPU pipeline between the source and the file,
# its output compared with the reference, and its frames' sides read from the log.
check() {
  local label=$1 sides=$2 log=$work/check.log result detail crossed
  shift 2
  if [ "$dry_run" = 1 ]; then
    row "$label" "not run (dry run)" "gst-launch-1.0 $src ! $* ! filesink"
    return
  fi
  # shellcheck disable=SC2086
  if run "$label" "$log" $src ! "$@" ! $raw ! filesink location="$work/out.nv12"; then
    detail=$(python3 "$repo/tests/gpu/compare_frames.py" "$work/ref.nv12" "$work/out.nv12" \
      $((w * scale)) $((h * scale)))
    result=ok
    [[ $detail == ok* ]] || result=FAILED
    # shellcheck disable=SC2086
    crossed=$(frames_crossed_host "$log" $sides)
    if [ -n "$sides" ] && [ "$crossed" != 0 ]; then
      result=FAILED
      detail="$detail; $crossed frame sides on the host that were meant to be in CUDA memory"
    fi
  else
    result=FAILED detail="see pipelines.log"
  fi
  [ "$result" = ok ] || status=1
  row "$label" "$result" "$detail"
}

# control LABEL PIPELINE...: the same pipeline without the element.
control() {
  local label=$1
  shift
  if [ "$dry_run" = 1 ] && [[ "$*" == *cuda* || "$*" == *nv* ]]; then
    row "control: $label" "not run (dry run)" "gst-launch-1.0 $*"
    return
  fi
  if run "control: $label" "$work/control.log" "$@"; then
    row "control: $label" ok ""
  else
    row "control: $label" FAILED "the environment, not the element: see pipelines.log"
  fi
}

if [ "$dry_run" = 1 ]; then
  # The comparison itself, on the CPU path against itself: exact.
  # shellcheck disable=SC2086
  if run "CPU path again" "$work/again.log" $src ! $cpu ! $raw ! filesink location="$work/again.nv12" &&
    detail=$(python3 "$repo/tests/gpu/compare_frames.py" "$work/ref.nv12" "$work/again.nv12" \
      $((w * scale)) $((h * scale)) 99); then
    row "comparison tool on the CPU path twice" ok "$detail"
  else
    row "comparison tool on the CPU path twice" FAILED "${detail:-see pipelines.log}"
    status=1
  fi
fi

# shellcheck disable=SC2086
{
  control "videotestsrc ! fakesink" $src ! fakesink
  check "system memory in and out" "" $gpu
  control "cudaupload ! cudadownload" $src ! cudaupload ! $cuda ! cudadownload ! fakesink
  check "CUDA memory in and out" "in out" cudaupload ! $cuda ! $gpu ! $cuda ! cudadownload
  check "CUDA memory in, system memory out" "in" cudaupload ! $cuda ! $gpu ! video/x-raw
  check "system memory in, CUDA memory out" "out" $gpu ! $cuda ! cudadownload
  check "CUDA memory, 3 frames in flight" "in out" cudaupload ! $cuda ! \
    srganupscale model=x2 device=cuda precision=fp16 frames-in-flight=3 ! $cuda ! cudadownload
}

# NVIDIA's decoder straight into the element: a real H.264 stream (made with x264 where it is
# installed, else the one prepare-device-deps.sh carries). Its decoded frames, saved, are the
# input of a CPU reference.
h264=$work/ball.h264
if have x264enc; then
  gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=$n ! \
    video/x-raw,format=I420,width=$w,height=$h,framerate=30/1 ! x264enc ! \
    video/x-h264,stream-format=byte-stream ! filesink location="$h264" >/dev/null 2>&1
elif [ -f "$repo/.device-deps/media/ball-1280x720.h264" ]; then
  cp "$repo/.device-deps/media/ball-1280x720.h264" "$h264"
fi
if [ "$dry_run" = 1 ] || ! have nvh264dec || ! have h264parse || [ ! -s "$h264" ]; then
  why="dry run"
  [ "$dry_run" = 1 ] || why="no nvh264dec, h264parse or H.264 stream here"
  row "nvh264dec ! srganupscale (CUDA memory)" "not run ($why)" ""
else
  dec="filesrc location=$h264 ! h264parse ! nvh264dec ! $cuda"
  # shellcheck disable=SC2086
  control "nvh264dec ! cudadownload" $dec ! cudadownload ! fakesink
  # shellcheck disable=SC2086
  if run "decoded frames" "$work/dec.log" $dec ! cudadownload ! video/x-raw,format=NV12 ! \
      filesink location="$work/decoded.nv12" &&
    run "CPU reference of the decoded frames" "$work/decref.log" filesrc location="$work/decoded.nv12" ! \
      rawvideoparse format=nv12 width=$w height=$h framerate=30/1 ! $cpu ! $raw ! \
      filesink location="$work/decref.nv12" &&
    run "nvh264dec ! srganupscale" "$work/nvdec.log" $dec ! $gpu ! $cuda ! cudadownload ! $raw ! \
      filesink location="$work/nvdec.nv12"; then
    detail=$(python3 "$repo/tests/gpu/compare_frames.py" "$work/decref.nv12" "$work/nvdec.nv12" \
      $((w * scale)) $((h * scale)))
    crossed=$(frames_crossed_host "$work/nvdec.log" in out)
    result=ok
    [[ $detail == ok* ]] && [ "$crossed" = 0 ] || { result=FAILED; status=1; }
    row "nvh264dec ! srganupscale (CUDA memory)" "$result" "$detail; $crossed frame sides on the host"
  else
    row "nvh264dec ! srganupscale (CUDA memory)" FAILED "see pipelines.log"
    status=1
  fi
fi

# NVIDIA's encoder after the element, where the GPU has one (an H100/H200 has none): one context
# for element and encoder, frames never on the host.
if [ "$dry_run" = 0 ] && have nvh264enc; then
  # shellcheck disable=SC2086
  control "cudaupload ! nvh264enc" $src ! cudaupload ! $cuda ! nvh264enc ! fakesink
  # shellcheck disable=SC2086
  if run "srganupscale ! nvh264enc" "$work/nvenc.log" $src ! cudaupload ! $cuda ! $gpu ! $cuda ! \
      nvh264enc ! fakesink; then
    crossed=$(frames_crossed_host "$work/nvenc.log" in out)
    result=ok
    [ "$crossed" = 0 ] || { result=FAILED; status=1; }
    row "srganupscale ! nvh264enc (CUDA memory)" "$result" "$crossed frame sides on the host"
  else
    row "srganupscale ! nvh264enc (CUDA memory)" FAILED "see pipelines.log"
    status=1
  fi
else
  row "srganupscale ! nvh264enc" "not run (no nvh264enc here$([ "$dry_run" = 1 ] && echo ", dry run"))" ""
fi

# The streaming goal: the element's steady state at least 95% of the bare model's.
if [ "$dry_run" = 1 ]; then
  row "steady state 960x540 -> 3840x2160 fp16, 1 and 3 frames in flight" "not run (dry run)" \
    "srgan-bench --element --device cuda --precision fp16 --size 960x540 --frames-in-flight 1 3"
else
  "$build/bench/srgan-bench" --element --device cuda --precision fp16 --size 960x540 --frames 120 \
    --rounds 1 --frames-in-flight 1 3 >"$work/steady.md" 2>>"$failures" || status=1
  cat "$work/steady.md" >>"$out/steady-state.md"
  # The "element / bare Upscaler" column of each table's rows.
  ratios=$(awk -F'|' '/^\| (system|CUDA)/ {gsub(/ /, "", $4); print $4}' "$work/steady.md" | paste -sd' ')
  low=$(awk -F'|' '/^\| (system|CUDA)/ {gsub(/[ %]/, "", $4); if ($4 + 0 < 95) print $4}' "$work/steady.md")
  result=ok
  [ -z "$ratios" ] && result=FAILED
  [ -n "$low" ] && result="below 95%"
  row "steady state 960x540 -> 3840x2160 fp16, element / bare model (1 and 3 in flight)" "$result" "$ratios"
fi

cat "$table"
exit "$status"
