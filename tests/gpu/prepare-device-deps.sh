#!/usr/bin/env bash
# Copies the build dependencies a bare GPU machine lacks (header-only CLI11 and stb, and
# GoogleTest's sources) from this Debian machine into .device-deps/, which device-check.sh uses
# when it finds it. Run here, then carry .device-deps to the GPU machine.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tests/setup-deps.sh >/dev/null
rm -rf .device-deps
mkdir -p .device-deps/include .device-deps/share/cmake .device-deps/src
cp -r /usr/include/CLI /usr/include/stb .device-deps/include/
cp -r /usr/share/cmake/CLI11 .device-deps/share/cmake/
cp -r /usr/src/googletest .device-deps/src/
du -sh .device-deps
