#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# into build-fuzz/, replays their regressions, then fuzzes each for SRGAN_FUZZ_SECONDS (default
# 60) from the seed corpus with seed SRGAN_FUZZ_SEED (default 1). New crash inputs land in
# build-fuzz/crashes/<target>/; once fixed, copy them to fuzz/regressions/<target>/.
# Called by .ci/run; SRGAN_SKIP_FUZZ=1 skips it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
srgan_extra_apt_packages=(clang libclang-rt-14-dev)
source tests/setup-deps.sh
build=${SRGAN_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${SRGAN_FUZZ_SECONDS:-60}
# A fixed seed makes a CI run repeatable: what it finds, a rerun finds again.
seed=${SRGAN_FUZZ_SEED:-1}
jobs=${SRGAN_JOBS:-$(nproc)}
# Only core and the fuzz targets: no plugin, trainer, benchmarks or GoogleTest suites.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSRGAN_FUZZ=ON \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DBUILD_TESTING=OFF \
  -DSRGAN_WITH_GSTREAMER=OFF -DSRGAN_WITH_TRAINER=OFF -DSRGAN_WITH_BENCHMARKS=OFF \
  -DPython3_EXECUTABLE="$SRGAN_PYTHON"
cmake --build "$build" -j "$jobs"
export ASAN_OPTIONS=detect_container_overflow=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$repo/tests/sanitizers/lsan.supp
status=0
summary=()
for fuzzer in "$build"/fuzz/fuzz_*; do
  [ -x "$fuzzer" ] || continue
  name=$(basename "$fuzzer")
  echo "== $name: regressions"
  corpus=$build/corpus/$name crashes=$build/crashes/$name
  mkdir -p "$corpus" "$crashes"
  "$fuzzer" -runs=0 -artifact_prefix="$crashes/" "fuzz/regressions/$name"
  echo "== $name: ${seconds} s from the seed corpus"
  # The seeds stay untouched: new corpus entries go to a scratch folder listed first.
  log=$build/$name.log
  if "$fuzzer" "$corpus" "fuzz/corpus/$name" -max_total_time="$seconds" -seed="$seed" -timeout=20 \
      -rss_limit_mb=4096 -max_len=32768 -print_final_stats=1 -artifact_prefix="$crashes/" \
      >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (crash input in $crashes)"
    status=1
    tail -n 60 "$log"
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  summary+=("$name: ${runs:-?} executions in ${seconds} s, ${cov:-?} coverage points, $(ls "$corpus" | wc -l) new corpus inputs: $result")
done
echo "== fuzzing summary"
printf '%s\n' "${summary[@]}"
exit $status
