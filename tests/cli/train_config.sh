#!/usr/bin/env bash
# train_config.sh SRGAN_TRAIN FIXTURES: `srgan-train train --config FILE` reads its options
# (top-level keys or a [train] section), the command line wins, and a missing file, an unknown
# key or an unknown section is refused by name.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
common=(--lr-crop 8 --batch 2 --device cpu --sample-every 0 --pretrain-steps 2)

printf 'channels = 8\nresidual-blocks = 1\n' > "$dir/top.toml"
"$train" train --config "$dir/top.toml" --data "$dir/photos" "${common[@]}" --out "$dir/top"
info=$("$train" info "$dir/top/model.pt")
grep -q "channels: 8" <<<"$info"
grep -q "residual blocks: 1" <<<"$info"

printf '[train]\ndata = "%s"\nchannels = 8\nblocks = 2\nscale = 2\n' "$dir/photos" > "$dir/section.toml"
"$train" train --config "$dir/section.toml" --channels 4 "${common[@]}" --out "$dir/section"
info=$("$train" info "$dir/section/model.pt")
grep -q "channels: 4" <<<"$info"  # the command line wins
grep -q "residual blocks: 2" <<<"$info"
grep -q "scale: 2" <<<"$info"

expect_refusal() {  # WHAT-IT-MUST-SAY ARGS...
  local said=$1 out
  shift
  if out=$("$train" train "$@" --data "$dir/photos" "${common[@]}" --out "$dir/refused" 2>&1); then
    echo "accepted: $*"; exit 1
  fi
  grep -qF -- "$said" <<<"$out" || { echo "expected '$said' in: $out"; exit 1; }
  [ ! -e "$dir/refused/checkpoints/last.pt" ]
}
expect_refusal "--config $dir/missing.toml: no such file" --config "$dir/missing.toml"
printf 'chanels = 8\n' > "$dir/typo.toml"
expect_refusal "unknown option 'chanels'" --config "$dir/typo.toml"
printf '[evaluate]\nchannels = 8\n' > "$dir/other.toml"
expect_refusal "unknown section [evaluate]" --config "$dir/other.toml"
# A run without validation photos still gets its loss plot (where gnuplot is installed).
if command -v gnuplot >/dev/null; then
  ls "$dir/top/plots"
  [ -s "$dir/top/plots/losses.png" ]
fi
