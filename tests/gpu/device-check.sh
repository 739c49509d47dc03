#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and PyTorch in python3, builds the project
# against that PyTorch's LibTorch (the plugin too where GStreamer's development files are
# present), runs the test suites on the GPU (SRGAN_TEST_DEVICE=cuda) and srgan-bench on the GPU,
# and prints the benchmark tables last. Logs go to $OUT when it is set.
#
#   tests/gpu/device-check.sh            # from the repository root; about 5 minutes on 16 cores
#
# Dependencies missing there (CLI11, stb, GoogleTest) come from .device-deps/ when present
# (tests/gpu/prepare-device-deps.sh fills it on a Debian machine), and GStreamer from
# .device-deps/gstreamer when the machine has none (prepare-device-deps.sh --gstreamer).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
out=${OUT:-$PWD/build-gpu/logs}
mkdir -p "$out"
started=$(date +%s)
stamp() { echo "== [$(( $(date +%s) - started ))s] $*"; }

stamp "machine"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || { echo "no NVIDIA GPU"; exit 1; }
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())'
nproc

prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
args=(-DCMAKE_BUILD_TYPE=Release "-DPython3_EXECUTABLE=$(command -v python3)")
if [ -d .device-deps ]; then
  prefix="$prefix;$PWD/.device-deps"
  args+=("-DSRGAN_STB_INCLUDE_DIR=$PWD/.device-deps/include/stb"
         "-DSRGAN_GTEST_SOURCE_DIR=$PWD/.device-deps/src/googletest")
fi
carried=$PWD/.device-deps/gstreamer
if ! pkg-config --exists gstreamer-video-1.0 2>/dev/null && [ -d "$carried" ]; then
  # Debian's GStreamer, unpacked: headers and .pc files to build, libraries, plugins and the
  # plugin scanner to run.
  lib=$carried/usr/lib/x86_64-linux-gnu
  export PKG_CONFIG_PATH=$lib/pkgconfig:$carried/usr/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
  export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  export GST_PLUGIN_SYSTEM_PATH_1_0=$lib/gstreamer-1.0
  export GST_PLUGIN_SCANNER=$lib/gstreamer1.0/gstreamer-1.0/gst-plugin-scanner
  export PATH=$carried/usr/bin:$PATH
  echo "GStreamer from $carried: $(pkg-config --modversion gstreamer-1.0)"
fi
if pkg-config --exists gstreamer-video-1.0 2>/dev/null; then
  args+=(-DSRGAN_WITH_GSTREAMER=ON)
else
  args+=(-DSRGAN_WITH_GSTREAMER=OFF)
fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

stamp "configure"
cmake -S . -B build-gpu "${generator[@]}" "${args[@]}" "-DCMAKE_PREFIX_PATH=$prefix" >"$out/configure.log" 2>&1 \
  || { tail -40 "$out/configure.log"; exit 1; }
grep -E "srganupscale:" "$out/configure.log"
stamp "build"
if ! cmake --build build-gpu -j "$(nproc)" >"$out/build.log" 2>&1; then
  grep -E "error|Error" -A3 "$out/build.log" | head -40
  # Core, trainer and benchmarks are the GPU check's heart: without the plugin if it will not build.
  echo "== the build failed; again without the GStreamer plugin"
  cmake -S . -B build-gpu -DSRGAN_WITH_GSTREAMER=OFF >>"$out/configure.log" 2>&1 &&
    cmake --build build-gpu -j "$(nproc)" >"$out/build.log" 2>&1 ||
    { grep -E "error|Error" -A3 "$out/build.log" | head -60; exit 1; }
fi

stamp "tests on cuda"
SRGAN_TEST_DEVICE=cuda ctest --test-dir build-gpu -j 4 --output-on-failure --timeout 300 >"$out/ctest.log" 2>&1
tests_status=$?
grep -E "tests passed|FAILED|Failed|\*\*\*" "$out/ctest.log" | head -40

stamp "benchmark on cuda"
build-gpu/bench/srgan-bench --device cuda --repeats 5 >"$out/bench-cuda.md" 2>&1
bench_status=$?
element_status=0
if [ -f build-gpu/gst-plugin/libgstsrgan.so ] && command -v gst-launch-1.0 >/dev/null; then
  stamp "element on cuda"
  # Frames per second of whole pipelines (120 frames after a 10-frame warm-up pipeline), from
  # system memory and, where nvcodec's CUDA elements load, from CUDA memory (zero-copy).
  export GST_PLUGIN_PATH_1_0=$PWD/build-gpu/gst-plugin
  fps() {  # fps LABEL FRAMES PIPELINE...
    local label=$1 frames=$2 start end
    shift 2
    start=$(date +%s.%N)
    if gst-launch-1.0 -q "$@" >"$out/element-$label.log" 2>&1; then
      end=$(date +%s.%N)
      echo "| $label | $(awk -v n="$frames" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }') |"
    else
      echo "| $label | failed (see element-$label.log) |"
      element_status=1
    fi
  }
  {
    echo "## Element pipelines (fps, 960x540 I420 -> 3840x2160, fp16, including start-up)"
    echo
    echo "| path | fps |"
    echo "| --- | ---: |"
    src="videotestsrc num-buffers=120 ! video/x-raw,format=I420,width=960,height=540,framerate=60/1"
    # shellcheck disable=SC2086
    fps system-memory 120 $src ! srganupscale device=cuda precision=fp16 ! fakesink sync=false
    if gst-inspect-1.0 cudaupload >/dev/null 2>&1; then
      # shellcheck disable=SC2086
      fps cuda-memory 120 $src ! cudaupload ! srganupscale device=cuda precision=fp16 ! \
        cudadownload ! fakesink sync=false
    else
      echo "| cuda-memory | nvcodec's cudaupload not available |"
    fi
  } >"$out/element-cuda.md"
fi

stamp "done"
cat "$out/bench-cuda.md"
[ -f "$out/element-cuda.md" ] && cat "$out/element-cuda.md"
exit $(( tests_status || bench_status || element_status ))
