#!/usr/bin/env bash
# Builds our own targets with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/
# (LibTorch and GStreamer stay uninstrumented) and runs the core and element suites under them.
# Called by .ci/run after the README's test command; SRGAN_SKIP_SANITIZERS=1 skips it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
source tests/setup-deps.sh
build=${SRGAN_ASAN_BUILD_DIR:-build-asan}
jobs=${SRGAN_JOBS:-$(nproc)}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRGAN_SANITIZE=ON \
  -DSRGAN_WITH_BENCHMARKS=OFF -DPython3_EXECUTABLE="$SRGAN_PYTHON"
cmake --build "$build" -j "$jobs"
# detect_container_overflow=0: std::vector annotations only match when all code sharing a
# container is instrumented, and LibTorch's inline code and library are not (false positives).
export ASAN_OPTIONS=detect_container_overflow=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$repo/tests/sanitizers/lsan.supp
# The GoogleTest suites (core, element, soak); the script tests run uninstrumented GStreamer
# tools (the GPU check's dry run among them), which cannot load an instrumented plugin.
# Tests that load system plugins (the soak and streaming tests, the decoders, the codec round
# trip behind training's codec stages and evaluate --degrade) meet their process-lifetime
# allocations, suppressed by stack: full stacks through uninstrumented libraries (slow, so only
# for these) let the suppressions match.
system_plugins='(^|/)(Soak|Streaming|Decoders|CodecRoundTrip|Degradation|TrainingData|ForCompressedInput)\.|^Trainer\.ADegraded'
ctest --test-dir "$build" -j "$jobs" --output-on-failure \
  -E "^(gst|pipelines|cli|install|reliability|readme)\.|^gpu\.element_check|$system_plugins"
ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0 \
  ctest --test-dir "$build" -j "$jobs" --output-on-failure -R "$system_plugins"
