#!/usr/bin/env bash
# run_folders.sh SRGAN_TRAIN FIXTURES: a run folder is never replaced silently, --overwrite
# starts over, and --resume DIR alone continues with every stored option (from another folder
# too); safe options override, the others are refused by name.
set -euo pipefail
train=$(realpath "$1") fixtures=$(realpath "$2")  # absolute: one case runs from /
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
fail() { echo "FAIL: $*" >&2; exit 1; }
steps() { "$train" info "$1" | sed -n 's/.*steps: \([0-9]*\).*/\1/p'; }

"$train" train "${tiny_args[@]}" --pretrain-steps 6 --log-every 1 --out "$dir/run" >/dev/null 2>&1
[ "$(steps "$dir/run/model.pt")" = 6 ] || fail "the first run did not train 6 steps"

# --out on a folder holding a run: refused, naming --resume and --overwrite; nothing touched.
if "$train" train "${tiny_args[@]}" --pretrain-steps 2 --out "$dir/run" 2>"$dir/err"; then
  fail "--out replaced an existing run"
fi
grep -q "already holds a training run: continue it with --resume $dir/run" "$dir/err" || { cat "$dir/err"; fail "no hint at --resume"; }
grep -q -- "--overwrite" "$dir/err" || fail "no hint at --overwrite"
[ "$(steps "$dir/run/model.pt")" = 6 ] || fail "the refused run touched model.pt"
[ "$(wc -l <"$dir/run/metrics.csv")" = 7 ] || fail "the refused run touched metrics.csv"

# --resume DIR alone (from another folder, relative paths stored absolute): more steps.
(cd / && "$train" train --resume "$dir/run" --pretrain-steps 9 >"$dir/log" 2>&1) || { cat "$dir/log"; fail "--resume alone failed"; }
grep -q "resuming at step 6" "$dir/log" || { cat "$dir/log"; fail "did not resume at step 6"; }
[ "$(steps "$dir/run/model.pt")" = 9 ] || fail "the resumed run did not reach 9 steps"
grep -q 'lr-crop=8' "$dir/run/run.toml" || fail "run.toml lacks the run's crop"

# A safe override is taken and said; one that redefines the run is refused by name.
"$train" train --resume "$dir/run" --pretrain-steps 10 --lr-g 0.0001 >"$dir/log" 2>&1 || { cat "$dir/log"; fail "a new learning rate was refused"; }
grep -q -- "--lr-g: .* -> 0.0001" "$dir/log" || { cat "$dir/log"; fail "the override was not said"; }
if "$train" train --resume "$dir/run" --pretrain-steps 11 --lr-crop 12 2>"$dir/err"; then
  fail "--lr-crop was changed on resume"
fi
grep -q -- "--lr-crop 12 differs from the run's (8)" "$dir/err" || { cat "$dir/err"; fail "the refusal does not name --lr-crop"; }

# --overwrite starts over: the old run's files are gone.
"$train" train "${tiny_args[@]}" --pretrain-steps 3 --log-every 1 --out "$dir/run" --overwrite >/dev/null 2>&1
[ "$(steps "$dir/run/model.pt")" = 3 ] || fail "--overwrite did not start over"
[ "$(wc -l <"$dir/run/metrics.csv")" = 4 ] || fail "--overwrite kept old metrics"

# A folder with no run cannot be resumed; a failed start leaves no run behind.
if "$train" train --resume "$dir/empty" 2>"$dir/err"; then fail "resumed nothing"; fi
grep -q "holds no training run" "$dir/err" || { cat "$dir/err"; fail "unclear error for an empty folder"; }
if "$train" train --data "$dir/absent" --out "$dir/bad" 2>/dev/null; then fail "trained without data"; fi
[ ! -f "$dir/bad/run.toml" ] || fail "a failed start left run.toml"
echo "run folders: refused, resumed, overridden, overwritten as expected"
