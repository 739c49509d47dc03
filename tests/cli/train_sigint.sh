#!/usr/bin/env bash
# train_sigint.sh SRGAN_TRAIN FIXTURES: Ctrl-C during `srgan-train train` writes a checkpoint
# and exits cleanly; --resume then finishes the run and writes the model.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
args=("${tiny_args[@]}" --val-every 1000 --checkpoint-every 1000 --log-every 1)
"$train" train "${args[@]}" --pretrain-steps 100000 --out "$dir/run" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  [ "$(wc -l < "$dir/run/metrics.csv" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.1
done
kill -INT "$pid"
wait "$pid"  # set -e: a non-zero exit fails the test
cat "$dir/log"
grep -q "stopped at step" "$dir/log"
[ -f "$dir/run/checkpoints/last.pt" ]
[ ! -f "$dir/run/model.pt" ]
step=$(sed -n 's/.*stopped at step \([0-9]*\).*/\1/p' "$dir/log")
"$train" train "${args[@]}" --pretrain-steps $((step + 2)) --resume "$dir/run" 2>&1 | tee "$dir/log2"
grep -q "resuming at step $step" "$dir/log2"
[ -f "$dir/run/model.pt" ]
grep -q "steps: $((step + 2))" <<<"$("$train" info "$dir/run/model.pt")"
