#!/usr/bin/env bash
# The Slurm path for real, on a one-node Slurm on this machine (Debian's slurm-wlm and munge,
# started here and stopped at the end, localhost only, configuration in a temporary folder):
# pipelines/slurm/submit.sh splits a real 3-second clip, the array job upscales its segments
# (one task each), the join runs after them; the result has the whole upscale's frames and sound.
# A failing array leaves the join unrun and the resubmission finishes the work.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
for tool in slurmctld slurmd sbatch squeue munged; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null || { echo "SKIP: needs $tool (slurm-wlm, munge)"; exit 77; }
done
[ "$(id -u)" = 0 ] || { echo "SKIP: a one-node Slurm needs root here (slurmd)"; exit 77; }
srgan_require_elements matroskademux splitmuxsink splitmuxsrc mp4mux x264enc uridecodebin
dir=$(mktemp -d)
fail() { echo "FAIL: $*" >&2; for log in "$dir"/*.log "$dir"/out.mp4.parts/logs/*.log; do [ -f "$log" ] && { echo "== $log"; tail -20 "$log"; }; done; exit 1; }

# munge (the key Debian's package made) with a socket of its own, then slurmctld and slurmd.
chmod 711 "$dir"  # munge must reach its folder
mkdir -p "$dir/munge" "$dir/state" "$dir/spool"
chown munge: "$dir/munge"
chmod 755 "$dir/munge"
stop() {
  for pid in "$dir"/*.pid "$dir/munge/munged.pid"; do
    [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true
  done
  sleep 1
  rm -rf "$dir"
}
trap stop EXIT
runuser -u munge -- munged --socket="$dir/munge/socket" --pid-file="$dir/munge/munged.pid" \
  --log-file="$dir/munge/munged.log" --seed-file="$dir/munge/seed" ||
  fail "munged did not start"
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
host=$(hostname -s)
cat >"$dir/slurm.conf" <<CONF
ClusterName=srgantest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(port)
SlurmdPort=$(port)
AuthType=auth/munge
AuthInfo=socket=$dir/munge/socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$dir/slurm.conf
slurmctld -i || fail "slurmctld did not start"
slurmd || fail "slurmd did not start"
for _ in $(seq 30); do
  sinfo -h -o %T 2>/dev/null | grep -qE "idle|mixed" && break
  sleep 1
done
sinfo -h -o %T | grep -qE "idle|mixed" || fail "the node did not come up: $(sinfo 2>&1)"

# wait_for JOB...: until none of them is queued or running (at most 5 minutes).
wait_for() {
  for _ in $(seq 300); do
    [ -z "$(squeue -h -j "$(IFS=,; echo "$*")" 2>/dev/null)" ] && return 0
    sleep 1
  done
  fail "jobs $* still queued after 5 minutes: $(squeue)"
}

clip=$repo/media/launch-3s-160x90.webm
model=$repo/tests/fixtures/tiny_x4_traced.pt
export GST_PLUGIN_PATH_1_0 GST_PLUGIN_SYSTEM_PATH_1_0 GST_REGISTRY_1_0 SRGAN_BUILD_DIR
# A model that is not one: every task fails, and the join must not run.
echo "not a model" >"$dir/bad.pt"
out=$("$repo/pipelines/slurm/submit.sh" "$clip" "$dir/out.mp4" --segment-seconds 1 --model "$dir/bad.pt" --device cpu) ||
  fail "submit.sh failed: $out"
eval "$(grep '^array=' <<<"$out")"
sleep 2
wait_for "$array"
sleep 2
state=$(squeue -h -j "$join" -o %r 2>/dev/null || true)
[ ! -e "$dir/out.mp4" ] || fail "the join ran after failed tasks"
[[ $state == *Dependency* ]] || fail "the join is not held by its dependency (reason: '$state')"
scancel "$join" 2>/dev/null || true
# The same command with a working model: the join runs after the array.
out=$("$repo/pipelines/slurm/submit.sh" "$clip" "$dir/out.mp4" --segment-seconds 1 --model "$model" --device cpu) ||
  fail "submit.sh failed: $out"
echo "$out"
eval "$(grep '^array=' <<<"$out")"
wait_for "$array" "$join"
[ -s "$dir/out.mp4" ] || fail "no joined output (join job $join)"
[ ! -e "$dir/out.mp4.parts" ] || fail "the join left its parts"
"$repo/pipelines/upscale-file.sh" "$clip" "$dir/whole.mp4" --model "$model" --device cpu >/dev/null
[ "$(count_frames "$dir/out.mp4")" = "$(count_frames "$dir/whole.mp4")" ] || fail "other frames than the whole upscale"
check_media "$dir/out.mp4" 640 360 3.0 yes
echo "slurm OK"
