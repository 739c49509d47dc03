#!/usr/bin/env bash
# upscale-parallel.sh stops when asked: SIGINT or SIGTERM to the script's PID alone, a Ctrl-C to
# its process group, and a Ctrl-C while the cut is stalled each stop every job within seconds,
# exit 130/143, say "stopped" and how to resume (no segment called failed), and leave no process
# behind; the same command then finishes the job. An existing OUT is kept unless --force.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements splitmuxsink splitmuxsrc matroskamux mp4mux x264enc avenc_aac
command -v parallel >/dev/null || { echo "SKIP: needs GNU parallel"; exit 77; }
clip=$repo/media/launch-3s-160x90.webm
dir=$(mktemp -d)
cleanup() { pkill -KILL -f "$dir" 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# The paper's x4 network at 160x90: each 1-second segment takes seconds on a CPU.
# In the background with job control, as a terminal runs a job: in a process group of its own,
# with SIGINT not ignored (a plain `&` in a script starts it ignored, and a shell cannot trap a
# signal ignored on entry).
parallel_run() {  # parallel_run OUT [more options]
  rm -rf "$1.parts/logs"  # jobs_started looks for this run's job logs
  set -m
  "$repo/pipelines/upscale-parallel.sh" "$clip" "$@" --jobs 2 --devices cpu \
    --segment-seconds 1 --model x4-srgan >"$dir/log" 2>&1 &
  run_pid=$!
  set +m
}
wait_for() {  # wait_for SECONDS COMMAND...: until COMMAND succeeds
  local until=$((SECONDS + $1))
  shift
  until "$@"; do [ $SECONDS -lt $until ] || return 1; sleep 0.2; done
}
jobs_started() { ls "$1".parts/logs/segment-*.log >/dev/null 2>&1; }
# stop_and_check OUT SIGNAL TARGET STATUS: sends SIGNAL to TARGET (a PID, or -PGID), then the
# script must be gone within 10 s with STATUS, its processes with it.
stop_and_check() {
  local out=$1 signal=$2 target=$3 expected=$4 status=0 started=$SECONDS
  kill "-$signal" -- "$target"
  wait_for 10 bash -c "! kill -0 $run_pid 2>/dev/null" || fail "SIG$signal to $target: still running after 10 s"
  wait "$run_pid" || status=$?
  [ "$status" = "$expected" ] || { cat "$dir/log"; fail "SIG$signal to $target: exit $status, expected $expected"; }
  echo "SIG$signal to $target: stopped in $((SECONDS - started)) s, exit $status"
  grep -q "stopped by SIG$signal" "$dir/log" || { cat "$dir/log"; fail "no 'stopped' line"; }
  grep -q "run the same command again to continue" "$dir/log" || fail "no resume hint"
  ! grep -qi "failed" "$dir/log" || { cat "$dir/log"; fail "a stopped segment was reported as failed"; }
  sleep 1
  ! pgrep -f "$out.parts" >/dev/null || { pgrep -af "$out.parts"; fail "processes left behind"; }
  [ ! -e "$out" ] || fail "$out was written by a stopped run"
}

parallel_run "$dir/a.mkv"
wait_for 120 jobs_started "$dir/a.mkv" || { cat "$dir/log"; fail "the jobs did not start"; }
stop_and_check "$dir/a.mkv" INT "$run_pid" 130

parallel_run "$dir/a.mkv"
wait_for 120 jobs_started "$dir/a.mkv" || fail "the jobs did not start again"
stop_and_check "$dir/a.mkv" TERM "$run_pid" 143

parallel_run "$dir/a.mkv"
wait_for 120 jobs_started "$dir/a.mkv" || fail "the jobs did not start again"
stop_and_check "$dir/a.mkv" INT "-$run_pid" 130  # the group, as a terminal's Ctrl-C

# A cut that stalls (a gst-launch-1.0 that hangs where it would cut): Ctrl-C is not lost.
mkdir "$dir/bin"
cat >"$dir/bin/gst-launch-1.0" <<SHIM
#!/usr/bin/env bash
[[ " \$* " == *" splitmuxsink "* ]] && exec -a "stalled-cut-$dir" sleep 300
exec $(command -v gst-launch-1.0) "\$@"
SHIM
chmod +x "$dir/bin/gst-launch-1.0"
PATH=$dir/bin:$PATH parallel_run "$dir/b.mkv"
# Named after this test's folder: another "sleep 300" on the machine is not this cut.
wait_for 60 pgrep -f "stalled-cut-$dir" >/dev/null || fail "the stalled cut did not start"
stop_and_check "$dir/b.mkv" INT "$run_pid" 130
! pgrep -f "stalled-cut-$dir" >/dev/null || fail "the stalled cut was left running"

# The same command finishes the stopped job; an existing OUT is then kept unless --force.
parallel_run "$dir/a.mkv"
wait "$run_pid" || { cat "$dir/log"; fail "the resumed run failed"; }
check_media "$dir/a.mkv" 640 360 3.0 yes 0.2
before=$(stat -c %Y "$dir/a.mkv")
if "$repo/pipelines/upscale-parallel.sh" "$clip" "$dir/a.mkv" --jobs 1 --devices cpu 2>"$dir/err"; then
  fail "an existing OUT was replaced without --force"
fi
grep -q "a.mkv exists: add --force to replace it" "$dir/err" || fail "the refusal: $(cat "$dir/err")"
[ "$(stat -c %Y "$dir/a.mkv")" = "$before" ] || fail "the refused run touched OUT"
# A segment's upscale that comes out shorter than the segment (a stop racing its end) is not
# kept as finished: upscale-segment.sh beside an upscale-file.sh that writes 1 s of 3 and exits 0.
mkdir "$dir/short"
cp "$repo"/pipelines/*.sh "$dir/short/"
cat >"$dir/short/upscale-file.sh" <<SHORT
#!/usr/bin/env bash
exec gst-launch-1.0 -q videotestsrc num-buffers=10 ! video/x-raw,framerate=10/1 ! x264enc \
  ! mp4mux ! filesink location="\$2"
SHORT
mkdir "$dir/segments"
"$repo/pipelines/split.sh" "$clip" "$dir/segments" --segment-seconds 10 >/dev/null
if "$dir/short/upscale-segment.sh" "$dir/segments/segment-00000.mkv" "$dir/up" 2>"$dir/err"; then
  fail "a short upscale was kept as a finished segment"
fi
grep -q "segment-00000: the upscale holds .* of the segment's .* s: not kept" "$dir/err" ||
  fail "the refusal: $(cat "$dir/err")"
[ -z "$(ls -A "$dir/up")" ] || fail "the short upscale was left: $(ls -A "$dir/up")"
echo "parallel signals OK"
