#!/usr/bin/env bash
# train_init.sh SRGAN_TRAIN FIXTURES: `srgan-train train --init MODEL` starts from MODEL's
# weights and network options (fine-tuning): with a zero learning rate the new run's model
# upscales byte for byte as MODEL does, where a run without --init does not; run.toml records the
# model's network so --resume continues; a network the weights do not carry over to, a
# TorchScript module and a missing file are refused with one line each. A compact model may be
# turned from PReLU into LeakyReLU (--body-activation leakyrelu), not the other way, and grown
# wider (more --channels), not narrower or deeper.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
common=(--data "$dir/photos" --val "$dir/photos" --val-crop 16 --lr-crop 8 --batch 2
        --device cpu --sample-every 0 --val-every 2 --checkpoint-every 2)
"$train" train "${common[@]}" --arch compact --blocks 2 --channels 8 --scale 2 --loss l1 \
  --lr-g 1e-3 --pretrain-steps 6 --out "$dir/base"
# fp32: --precision auto times bf16 against fp32 on each run, and may choose differently.
upscale() {
  "$train" upscale --model "$1" "$fixtures/photo-citrus-64x48.png" "$2" --device cpu --precision fp32
}
upscale "$dir/base/model.pt" "$dir/base.png"

# Learning rate 0: the weights stay the ones --init gave; the defaults (--arch srgan, --scale 4,
# 64 channels) are replaced by the model's.
"$train" train "${common[@]}" --init "$dir/base/model.pt" --lr-g 0 --pretrain-steps 2 \
  --out "$dir/init" 2>&1 | tee "$dir/init.log"
grep -q "starting from the weights of $dir/base/model.pt" "$dir/init.log"
grep -q "training compact x2, 2 blocks, 8 channels" "$dir/init.log"
upscale "$dir/init/model.pt" "$dir/init.png"
cmp "$dir/base.png" "$dir/init.png"
# The same run without --init starts elsewhere.
"$train" train "${common[@]}" --arch compact --blocks 2 --channels 8 --scale 2 --lr-g 0 \
  --pretrain-steps 2 --out "$dir/fresh"
upscale "$dir/fresh/model.pt" "$dir/fresh.png"
if cmp -s "$dir/base.png" "$dir/fresh.png"; then echo "a fresh network upscales as the trained one"; exit 1; fi

# run.toml holds the model's network: --resume needs no network options.
grep -qx 'arch="compact"' "$dir/init/run.toml"
grep -qx 'channels=8' "$dir/init/run.toml"
"$train" train --resume "$dir/init" --pretrain-steps 4 2>&1 | tee "$dir/resume.log"
grep -q "resuming at step 2" "$dir/resume.log"
! grep -q "starting from the weights" "$dir/resume.log"

refused() {  # refused EXPECTED ARGS...: fails with one line holding EXPECTED, no run left
  local out
  if out=$("$train" train "${common[@]}" --pretrain-steps 2 --out "$dir/bad" "${@:2}" 2>&1); then
    echo "accepted: ${*:2}"; exit 1
  fi
  echo "$out"
  grep -qF -- "$1" <<<"$out"
  [ ! -e "$dir/bad/run.toml" ] && [ ! -e "$dir/bad/checkpoints/last.pt" ]
}
# A PReLU model becomes a LeakyReLU one (its convolutions kept); the reverse is refused.
"$train" train "${common[@]}" --init "$dir/base/model.pt" --body-activation leakyrelu --lr-g 0 \
  --pretrain-steps 2 --out "$dir/leaky" 2>&1 | tee "$dir/leaky.log"
grep -q "training compact x2, 2 blocks, 8 channels, bicubic skip, leakyrelu" "$dir/leaky.log"
grep -qx 'body-activation="leakyrelu"' "$dir/leaky/run.toml"
"$train" info "$dir/leaky/model.pt" | grep -q "leakyrelu"
refused "--init $dir/leaky/model.pt: its network (compact x2, 2 blocks, 8 channels, bicubic skip, leakyrelu) is not the run's (compact x2, 2 blocks, 8 channels, bicubic skip)" \
  --init "$dir/leaky/model.pt" --body-activation prelu

# Wider: the run records the new width (the grown network computing the saved one's output is
# test_trainer's); narrower or deeper is refused.
"$train" train "${common[@]}" --init "$dir/base/model.pt" --channels 12 --lr-g 0 \
  --pretrain-steps 2 --out "$dir/wide" 2>&1 | tee "$dir/wide.log"
grep -q "training compact x2, 2 blocks, 12 channels, bicubic skip" "$dir/wide.log"
grep -qx 'channels=12' "$dir/wide/run.toml"
refused "--init $dir/base/model.pt: its network (compact x2, 2 blocks, 8 channels, bicubic skip) is not the run's (compact x2, 2 blocks, 4 channels, bicubic skip)" \
  --init "$dir/base/model.pt" --channels 4
refused "is not the run's (compact x2, 3 blocks, 8 channels, bicubic skip)" \
  --init "$dir/base/model.pt" --blocks 3
refused "a TorchScript module has no weights the trainer can start from" \
  --init "$fixtures/tiny_x4_traced.pt"
refused "$dir/missing.pt" --init "$dir/missing.pt"
