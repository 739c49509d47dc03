#!/usr/bin/env bash
# The README's test command: installs what is missing (Debian packages, PyTorch from pip),
# configures and builds into build/, and runs the whole suite with CTest.
#
#   tests/run.sh            # everything
#   SRGAN_JOBS=4 tests/run.sh
#
# Environment: CMAKE_PREFIX_PATH to use another LibTorch 2.x instead of pip's torch;
# SRGAN_BUILD_DIR (default build); SRGAN_TEST_DEVICE=cuda to run the suites on a GPU;
# SRGAN_SKIP_MESON=1 to skip the meson-alt build and its tests.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# The tests also need a one-node Slurm (slurm-wlm, munge) and kubernetes-validate.
srgan_extra_apt_packages=(slurm-wlm munge)
srgan_test_tools=1
source tests/setup-deps.sh

build_dir=${SRGAN_BUILD_DIR:-build}
jobs=${SRGAN_JOBS:-$(nproc)}

echo "== configure ($build_dir)"
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DPython3_EXECUTABLE="$SRGAN_PYTHON"
echo "== build"
cmake --build "$build_dir" -j "$jobs"
echo "== test"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
if [ "${SRGAN_SKIP_MESON:-0}" != 1 ]; then
  echo "== meson-alt build and tests"
  tests/meson.sh
fi
