#!/usr/bin/env bash
# Builds the same targets with meson-alt/ into build-meson/ and runs its tests, so the CMake and
# meson builds cannot drift. Called by tests/run.sh (SRGAN_SKIP_MESON=1 skips it).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
build=${SRGAN_MESON_BUILD_DIR:-build-meson}
python=${SRGAN_PYTHON:-$(command -v python3)}
if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" meson-alt -Dpython="$python"
else
  meson setup "$build" meson-alt -Dpython="$python"
fi
meson compile -C "$build" -j "${SRGAN_JOBS:-$(nproc)}"
meson test -C "$build" --print-errorlogs --num-processes "${SRGAN_JOBS:-$(nproc)}"
# The same tests as the CMake build (when it is there: tests/run.sh builds it first).
cmake_build=${SRGAN_BUILD_DIR:-build}
if [ -f "$cmake_build/CTestTestfile.cmake" ]; then
  tests/build_parity.sh "$cmake_build" "$build"
fi
