#!/usr/bin/env bash
# train_degrade.sh SRGAN_TRAIN FIXTURES: degradations and video through srgan-train.
# - train --degrade: the chain is announced, recorded in run.toml (--resume keeps it and refuses
#   another), in the model (info says it) and taken by --init; a bad chain is one line, before
#   anything is written.
# - train --data on a clip, and on a folder of photos and a clip: frames at --video-fps.
# - evaluate --degrade on the validation crops: the LR through x264, so bicubic scores lower than
#   on clean LR; the same on a clip (--video, one stream) with the temporal error.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
fail() { echo "FAIL: $*"; exit 1; }
chain="jpeg:50-90@0.5,h264:26-30@0.5"
common=(--lr-crop 8 --batch 2 --channels 8 --residual-blocks 1 --arch compact --scale 2 --device cpu
        --sample-every 0 --degrade-versions 2)

"$train" train --data "$dir/photos" "${common[@]}" --degrade "$chain" --pretrain-steps 3 \
  --out "$dir/run" 2>&1 | tee "$dir/log"
grep -q "on 3 photos (LR by --degrade $chain)" "$dir/log" || fail "the chain is not announced"
grep -q "codec cache: 6 encoded LR images in" "$dir/log" || fail "the codec cache was not built"
grep -qx "degrade=\"$chain\"" "$dir/run/run.toml" || fail "run.toml: $(cat "$dir/run/run.toml")"
info=$("$train" info "$dir/run/model.pt")
grep -q "LR: degraded by $chain" <<<"$info" || fail "info does not say the chain"
# --resume keeps the chain (and its cache); another one is refused.
"$train" train --resume "$dir/run" --pretrain-steps 5 2>&1 | tee "$dir/log"
grep -q "LR by --degrade $chain" "$dir/log" || fail "the resumed run lost the chain"
grep -q "6 encoded LR images reused" "$dir/log" || fail "the resumed run rebuilt the cache"
if out=$("$train" train --resume "$dir/run" --degrade jpeg:30 --pretrain-steps 6 2>&1); then
  fail "a resumed run took another chain"
fi
grep -q -- "--degrade jpeg:30 differs from the run's" <<<"$out" || fail "$out"
# --init takes the model's chain.
"$train" train --data "$dir/photos" --init "$dir/run/model.pt" --lr-crop 8 --batch 2 --device cpu \
  --sample-every 0 --pretrain-steps 1 --degrade-versions 2 --out "$dir/init" 2>&1 | tee "$dir/log"
grep -q -- "--degrade $chain: the chain $dir/run/model.pt was trained with" "$dir/log" ||
  fail "--init did not take the chain"
grep -qx "degrade=\"$chain\"" "$dir/init/run.toml" || fail "--init's run.toml lacks the chain"
# A bad chain: one line, no run folder content.
if out=$("$train" train --data "$dir/photos" "${common[@]}" --degrade "jpeg:75,sharpen:2" \
  --pretrain-steps 1 --out "$dir/bad" 2>&1); then fail "a bad chain was accepted"; fi
[ "$(wc -l <<<"$out")" = 1 ] && grep -q "unknown stage 'sharpen'" <<<"$out" || fail "$out"
[ ! -e "$dir/bad/run.toml" ] || fail "a refused run wrote run.toml"

# Training on video: a clip (24 frames/s, 1 s) at 4 frames/s, then a folder with photos and it.
"$train" train --data "$fixtures/clip-1s-64x36.webm" --video-fps 4 "${common[@]}" \
  --pretrain-steps 2 --out "$dir/clip" 2>&1 | tee "$dir/log"
grep -q "on 4 frames of 1 clip" "$dir/log" || fail "the clip's frames are not used"
cp "$fixtures/clip-1s-64x36.webm" "$dir/photos/"
"$train" train --data "$dir/photos" --video-fps 2 "${common[@]}" --pretrain-steps 2 \
  --out "$dir/mixed" 2>&1 | tee "$dir/log"
grep -q "on 3 photos and 2 frames of 1 clip" "$dir/log" || fail "photos and the clip are not mixed"
help=$("$train" train --help)
grep -q -- "--video-fps" <<<"$help" || fail "--help does not list --video-fps"

# evaluate --degrade: the same photos, the LR through x264 at CRF 35: bicubic loses.
mkdir "$dir/val"
cp "$fixtures"/val-*.png "$dir/val/"
bicubic() { awk -F, '$1 == "mean" {print $4}' "$1"; }
"$train" evaluate --model "$dir/run/model.pt" --data "$dir/val" --device cpu --csv "$dir/clean.csv" >/dev/null
"$train" evaluate --model "$dir/run/model.pt" --data "$dir/val" --device cpu --degrade h264:35 \
  --csv "$dir/h264.csv" | tee "$dir/table"
grep -q "LR: --degrade h264:35 (each photo one intra frame" "$dir/table" || fail "the table does not say the LR"
awk -v c="$(bicubic "$dir/clean.csv")" -v h="$(bicubic "$dir/h264.csv")" 'BEGIN { exit !(h < c - 1) }' ||
  fail "bicubic on H.264 LR ($(bicubic "$dir/h264.csv") dB) is not below clean ($(bicubic "$dir/clean.csv") dB)"
"$train" evaluate --model "$dir/run/model.pt" --video "$fixtures/clip-vtest-12f-96x72.webm" --frames 6 \
  --device cpu --degrade h264:30 | tee "$dir/table"
grep -q "LR = --degrade h264:30" "$dir/table" || fail "the video table does not say the LR"
grep -qE '^\| clip-vtest-12f-96x72.webm \| 0-5 \|' "$dir/table" || fail "six frames measured"
if out=$("$train" evaluate --model "$dir/run/model.pt" --data "$dir/val" --degrade "h264:99" 2>&1); then
  fail "a CRF of 99 was accepted"
fi
[ "$(wc -l <<<"$out")" = 1 ] && grep -q "from 0 to 51" <<<"$out" || fail "$out"
echo "train and evaluate with degradations OK"
