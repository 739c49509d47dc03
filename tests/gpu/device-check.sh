#!/usr/bin/env bash
# The GPU check: on a machine with an NVIDIA GPU and PyTorch in python3, builds the project
# against that PyTorch's LibTorch (the plugin too where GStreamer's development files are
# present), runs the test suites on the GPU (SRGAN_TEST_DEVICE=cuda) and srgan-bench on the GPU,
# and prints the benchmark tables last. Logs go to $OUT when it is set.
#
#   tests/gpu/device-check.sh            # from the repository root; about 5 minutes on 16 cores
#
# Dependencies missing there (CLI11, stb, GoogleTest) come from .device-deps/ when present
# (tests/gpu/prepare-device-deps.sh fills it on a Debian machine).
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
cmake --build build-gpu -j "$(nproc)" >"$out/build.log" 2>&1 || { grep -E "error|Error" -A3 "$out/build.log" | head -60; exit 1; }

stamp "tests on cuda"
SRGAN_TEST_DEVICE=cuda ctest --test-dir build-gpu -j 4 --output-on-failure --timeout 300 >"$out/ctest.log" 2>&1
tests_status=$?
grep -E "tests passed|FAILED|Failed|\*\*\*" "$out/ctest.log" | head -40

stamp "benchmark on cuda"
build-gpu/bench/srgan-bench --device cuda --skip-python --repeats 5 >"$out/bench-cuda.md" 2>&1
bench_status=$?
stamp "done"
cat "$out/bench-cuda.md"
exit $(( tests_status || bench_status ))
