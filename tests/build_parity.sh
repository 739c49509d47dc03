#!/usr/bin/env bash
# build_parity.sh CMAKE_BUILD MESON_BUILD: the two builds run the same tests. CTest's list (a
# GoogleTest binary counts once, by its executable; every other test by its name) must equal
# meson's list of test names (meson-alt/tests/meson.build names them alike). Their sources
# cannot drift: both read the folders' sources.txt. Run by tests/meson.sh.
set -euo pipefail
cmake_build=$1 meson_build=$2
python=${SRGAN_PYTHON:-python3}
ctest --test-dir "$cmake_build" --show-only=json-v1 >"$meson_build/ctest-tests.json"
meson introspect "$meson_build" --tests >"$meson_build/meson-tests.json"
"$python" - "$meson_build/ctest-tests.json" "$meson_build/meson-tests.json" <<'PY'
import json, os, sys
ctest = json.load(open(sys.argv[1]))["tests"]
cmake = set()
for t in ctest:
    command = t.get("command", [])
    gtest = any("--gtest_filter" in part for part in command)
    cmake.add(os.path.basename(command[0]) if gtest else t["name"])
meson = {t["name"] for t in json.load(open(sys.argv[2]))}
only_cmake, only_meson = sorted(cmake - meson), sorted(meson - cmake)
if only_cmake or only_meson:
    print("the CMake and meson builds run different tests:")
    print("  only in CMake:", " ".join(only_cmake) or "-")
    print("  only in meson:", " ".join(only_meson) or "-")
    sys.exit(1)
print(f"CMake and meson run the same {len(cmake)} tests")
PY
