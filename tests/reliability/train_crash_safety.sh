#!/usr/bin/env bash
# train_crash_safety.sh SRGAN_TRAIN FIXTURES: a training run killed with SIGKILL at random moments
# (checkpoints are written every step, so some kills land inside a write) always leaves a
# loadable last checkpoint that resumes; a write that hits the file-size limit fails with a clear
# error and leaves the previous checkpoint intact.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/../cli/tiny_training.sh"
args=("${tiny_args[@]}" --val-every 100000 --checkpoint-every 1 --log-every 1)
last=$dir/run/checkpoints/last.pt

"$train" train "${args[@]}" --pretrain-steps 2 --out "$dir/run" > /dev/null 2>&1
kills=0
for round in 1 2 3 4 5 6; do
  "$train" train "${args[@]}" --pretrain-steps 100000 --resume "$dir/run" > "$dir/log" 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
  wait "$pid" 2>/dev/null || true
  # Whatever the moment of the kill: one whole checkpoint, no temporary left over to confuse.
  [ -f "$last" ] || { echo "round $round: no checkpoint"; exit 1; }
  "$train" train "${args[@]}" --pretrain-steps 0 --resume "$dir/run" > /dev/null 2>"$dir/err" \
    || { echo "round $round: the checkpoint does not load:"; cat "$dir/err"; exit 1; }
done
step=$(sed -n 's/.*resuming at step \([0-9]*\).*/\1/p' "$dir/log" | tail -1)
echo "$kills kills, last resumed from step ${step:-?}: every checkpoint loaded"
# The runs above cleared the temporaries the kills left (the last kill's may remain).
"$train" train "${args[@]}" --pretrain-steps 0 --resume "$dir/run" > /dev/null 2>&1
[ -z "$(find "$dir/run" -name '.*.tmp-*')" ] || { echo "temporary files from killed writes remain"; exit 1; }

# Full disk: a 64 KiB file-size limit makes the next checkpoint write fail part-way.
cp "$last" "$dir/before.pt"
if (ulimit -f 64; "$train" train "${args[@]}" --pretrain-steps 100000 --resume "$dir/run") > "$dir/log" 2>&1; then
  echo "training under a 64 KiB file limit did not fail"; exit 1
fi
grep -q "cannot write .*last.pt (write): File too large" "$dir/log" || { echo "unclear error:"; cat "$dir/log"; exit 1; }
cmp -s "$last" "$dir/before.pt" || { echo "the previous checkpoint changed"; exit 1; }
[ -z "$(find "$dir/run" -name '.*.tmp-*')" ] || { echo "the failed write left its temporary file"; exit 1; }
echo "full disk: clear error, previous checkpoint intact"
