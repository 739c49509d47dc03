#!/usr/bin/env bash
# train_sigint.sh SRGAN_TRAIN FIXTURES: SIGINT (Ctrl-C) and SIGTERM (kill, timeout, systemd,
# scancel) during `srgan-train train` end the run after the step: it exits 130 or 143, leaves a
# usable model.pt of the last step and a checkpoint, and names both; --resume then finishes the
# run. With its output in a file, the run prints progress lines.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
args=("${tiny_args[@]}" --val-every 1000 --checkpoint-every 1000 --log-every 1)

stop_with() {  # SIGNAL RUN EXPECTED_STATUS
  local signal=$1 run=$2 expected=$3 status=0
  "$train" train "${args[@]}" --pretrain-steps 100000 --out "$run" >"$run.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    [ "$(wc -l < "$run/metrics.csv" 2>/dev/null || echo 0)" -ge 3 ] && break
    sleep 0.1
  done
  kill "-$signal" "$pid"
  wait "$pid" || status=$?
  cat "$run.log"
  [ "$status" = "$expected" ] || { echo "exit status $status after SIG$signal, expected $expected"; exit 1; }
  grep -q "stopped at step" "$run.log"
  grep -q "$run/model.pt holds the generator of this step" "$run.log"
  grep -q "srgan-train train --resume $run" "$run.log"
  grep -q "step 1/100000 .* steps/s, ETA" "$run.log"  # a progress line in the log file
  [ -f "$run/checkpoints/last.pt" ]
  [ -f "$run/model.pt" ]
}

stop_with TERM "$dir/term" 143
stop_with INT "$dir/run" 130
step=$(sed -n 's/.*stopped at step \([0-9]*\) .*/\1/p' "$dir/run.log")
# The stopped run's model is a model; its training checkpoint is refused naming what to use.
grep -q "steps: $step" <<<"$("$train" info "$dir/run/model.pt")"
if out=$("$train" info "$dir/run/checkpoints/last.pt" 2>&1); then
  echo "info accepted a training checkpoint"; exit 1
fi
grep -q "use model.pt or checkpoints/best.pt" <<<"$out"
"$train" train "${args[@]}" --pretrain-steps $((step + 2)) --resume "$dir/run" 2>&1 | tee "$dir/log2"
grep -q "resuming at step $step" "$dir/log2"
[ -f "$dir/run/model.pt" ]
grep -q "steps: $((step + 2))" <<<"$("$train" info "$dir/run/model.pt")"
