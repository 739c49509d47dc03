#!/usr/bin/env bash
# The GPU check: one command on a machine with an NVIDIA GPU and PyTorch in python3 (and nothing
# else installed). It builds the project against that PyTorch's LibTorch, with the plugin where
# GStreamer is present or carried, runs every test on the GPU (SRGAN_TEST_DEVICE=cuda), the
# benchmarks, and the element's pipelines beside control pipelines without it, and prints a
# summary last. About 5 minutes on 16 cores.
#
#   tests/gpu/device-check.sh                    # from the repository root
#   tests/gpu/device-check.sh --dry-run [BUILD]  # without a GPU: the CPU parts only
#
# What a bare machine lacks comes from .device-deps/ (tests/gpu/prepare-device-deps.sh
# --gstreamer fills it on a Debian machine; carry it): CLI11, stb and GoogleTest's sources,
# Debian's GStreamer in .device-deps/gstreamer, and the runtime closure of what is carried in
# .device-deps/closure, of which only the libraries the machine has no library of that name
# for are used. Logs go to $OUT when it is set (7 files), else to build-gpu/logs.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repo=$PWD
out=${OUT:-$repo/build-gpu/logs}
mkdir -p "$out"
summary=$out/summary.md
started=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - started ))s] $*"; }

if [ "${1:-}" = --dry-run ]; then
  # Without a GPU: the element check's CPU parts (reference, comparison, controls) on an
  # existing build (BUILD, default build/), every GPU pipeline listed as not run.
  exec tests/gpu/element-check.sh --dry-run "${2:-build}" "$out"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--dry-run [BUILD]]" >&2
  exit 2
fi
if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "device-check: no NVIDIA GPU here (nvidia-smi finds none); run it on a GPU machine" >&2
  exit 2
fi
if ! python3 -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "device-check: python3's PyTorch sees no CUDA GPU (or there is no torch); nothing to check" >&2
  exit 2
fi

stamp "machine"
gpu=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | head -1)
torch_line=$(python3 -c 'import torch; print("torch (LibTorch)", torch.__version__, "CUDA runtime", torch.version.cuda, "cuDNN", torch.backends.cudnn.version())')
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
echo "$gpu; $torch_line; $(nproc) cores; commit $commit"

prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
args=(-DCMAKE_BUILD_TYPE=Release "-DPython3_EXECUTABLE=$(command -v python3)")
if [ -d .device-deps ]; then
  prefix="$prefix;$repo/.device-deps"
  args+=("-DSRGAN_STB_INCLUDE_DIR=$repo/.device-deps/include/stb"
         "-DSRGAN_GTEST_SOURCE_DIR=$repo/.device-deps/src/googletest")
fi
carried=$repo/.device-deps/gstreamer
if ! pkg-config --exists gstreamer-video-1.0 2>/dev/null && [ -d "$carried" ]; then
  source tests/gpu/runtime_closure.sh
  lib=$carried/usr/lib/x86_64-linux-gnu
  # Carried non-GStreamer libraries only where this machine has none of that name.
  used=$(srgan_link_missing "$repo/.device-deps/closure" "$repo/build-gpu/closure-used" | paste -sd' ')
  echo "carried libraries used (the machine has none of these names): ${used:-none}"
  export PKG_CONFIG_PATH=$lib/pkgconfig:$carried/usr/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export LD_LIBRARY_PATH=$lib:$repo/build-gpu/closure-used${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export GST_PLUGIN_SYSTEM_PATH_1_0=$lib/gstreamer-1.0
  export GST_PLUGIN_SCANNER=$lib/gstreamer1.0/gstreamer-1.0/gst-plugin-scanner
  export PATH=$carried/usr/bin:$PATH
  echo "GStreamer from $carried: $(pkg-config --modversion gstreamer-1.0)"
fi
echo "GStreamer $(pkg-config --modversion gstreamer-1.0 2>/dev/null || echo "not found"); driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)"
if pkg-config --exists gstreamer-video-1.0 2>/dev/null; then
  args+=(-DSRGAN_WITH_GSTREAMER=ON)
else
  args+=(-DSRGAN_WITH_GSTREAMER=OFF)
fi
generator=() keep_going=(-k)
command -v ninja >/dev/null && { generator=(-G Ninja); keep_going=(-k 0); }

stamp "configure and build"
build_status=0
{
  cmake -S . -B build-gpu "${generator[@]}" "${args[@]}" "-DCMAKE_PREFIX_PATH=$prefix" &&
    cmake --build build-gpu -j "$(nproc)" -- "${keep_going[@]}"
} >"$out/build.log" 2>&1 || build_status=1
grep -E "^-- srganupscale" "$out/build.log"
# Every target that failed, named (the build went on past each).
failed_targets=$(sed -n 's/^FAILED: //p; s/^make\[[0-9]*\]: \*\*\* \[[^]]*\] Error.*/&/p' "$out/build.log" | sort -u)
[ "$build_status" = 0 ] || { echo "build failed; targets:"; echo "${failed_targets:-see build.log}"; grep -E "error:" "$out/build.log" | head -20; }

stamp "tests on cuda"
SRGAN_TEST_DEVICE=cuda ctest --test-dir build-gpu -j 8 --timeout 150 --output-on-failure \
  --output-junit "$out/ctest.xml" >"$out/ctest.log" 2>&1
tests_status=$?
test_summary=$(python3 tests/gpu/ctest_summary.py "$out/ctest.xml" 2>&1)

stamp "benchmarks on cuda"
bench=build-gpu/bench/srgan-bench
bench_status=0
if [ -x "$bench" ]; then
  "$bench" --device cuda --repeats 5 >"$out/bench.md" 2>&1 || bench_status=1
else
  echo "srgan-bench was not built" >"$out/bench.md"
  bench_status=1
fi

element_status=0
if [ -f build-gpu/gst-plugin/libgstsrgan.so ] && command -v gst-launch-1.0 >/dev/null; then
  stamp "element on cuda"
  # Pipelines with CUDA memory forced, pixels against the CPU path, nvh264dec, the steady state
  # at 960x540 -> 4K with 1 and 3 frames in flight (element.md, steady-state.md).
  tests/gpu/element-check.sh build-gpu "$out" >/dev/null 2>>"$out/pipelines.log" || element_status=1
  # The x2 model at the size it is for (1080p -> 4K, fp16; the target is 60 fps).
  # One round each (--rounds 1): a GPU does not drift as the CPU VMs do, and time here is short.
  "$bench" --element --model x2 --device cuda --precision fp16 --size 1920x1080 --frames 240 \
    --rounds 1 >>"$out/steady-state.md" 2>>"$out/pipelines.log" || element_status=1
  # Again with CUDA graphs (UpscalerOptions::cuda_graphs: off by default until this measures
  # them; bench.md has the bare Upscaler with and without them side by side).
  printf '\n### The same with CUDA graphs (SRGAN_CUDA_GRAPHS=1)\n\n' >>"$out/steady-state.md"
  SRGAN_CUDA_GRAPHS=1 "$bench" --element --model x2 --device cuda --precision fp16 --size 1920x1080 \
    --frames 240 --rounds 1 >>"$out/steady-state.md" 2>>"$out/pipelines.log" || element_status=1
else
  echo "no plugin or no gst-launch-1.0: the element was not checked" >"$out/element.md"
  element_status=1
fi

stamp "done"
{
  echo "# GPU check: $gpu"
  echo
  echo "$torch_line; $(nproc) cores; commit $commit; $(( $(date +%s) - started )) s"
  echo
  echo "## Build"
  echo
  if [ "$build_status" = 0 ]; then echo "every target built"; else echo "failed targets:"; echo "${failed_targets:-(see build.log)}"; fi
  echo
  echo "## Tests (SRGAN_TEST_DEVICE=cuda)"
  echo
  echo "$test_summary"
  echo
  cat "$out/bench.md"
  echo
  cat "$out/element.md"
  echo
  [ -f "$out/steady-state.md" ] && cat "$out/steady-state.md"
} >"$summary"
cat "$summary"
exit $(( build_status || tests_status || bench_status || element_status ))
