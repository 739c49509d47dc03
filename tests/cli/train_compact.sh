#!/usr/bin/env bash
# train_compact.sh SRGAN_TRAIN FIXTURES: `srgan-train train --arch compact` trains the compact
# family (L1, cosine schedule) into a model that info describes and upscale uses; a new compact
# network starts as bicubic (validation equal to bicubic's at step 0 is not measured, but the
# first validation must not be far below it); resuming with another family is refused; the
# default precision (auto) says what it chose.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/tiny_training.sh"
args=(--data "$dir/photos" --val "$dir/photos" --val-crop 16 --lr-crop 8 --batch 2 --device cpu
      --sample-every 0 --arch compact --blocks 2 --channels 8 --scale 2 --skip bicubic
      --loss l1 --lr-schedule cosine --lr-g 1e-4 --val-every 4 --checkpoint-every 4)
"$train" train "${args[@]}" --pretrain-steps 8 --out "$dir/run" 2>&1 | tee "$dir/log"
grep -q "training compact x2, 2 blocks, 8 channels, bicubic skip (2292 parameters)" "$dir/log"
grep -q "8 l1 + 0 GAN" "$dir/log"
# The default precision is auto, and the first line says what it chose on this CPU.
if grep -qw -e amx_bf16 -e avx512_bf16 /proc/cpuinfo; then
  grep -q "on cpu in bf16 mixed precision (precision auto: bf16: this CPU has A[A-Z0-9-]*BF16)" "$dir/log"
else
  grep -q "on cpu (precision auto: fp32: this CPU has no AMX-BF16 or AVX512-BF16" "$dir/log"
fi
info=$("$train" info "$dir/run/model.pt")
echo "$info"
grep -q "architecture: compact" <<<"$info"
grep -q "skip: bicubic" <<<"$info"
grep -q "scale: 2" <<<"$info"
# Within 0.3 dB of bicubic after 4 small steps: it started as bicubic (a new SRGAN network
# starts far below).
python3 - "$dir/log" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
psnr, bicubic = map(float, re.findall(r"step 4: validation PSNR\(Y\) ([\d.]+) dB \(bicubic ([\d.]+)\)", text)[0])
assert abs(psnr - bicubic) < 0.3, (psnr, bicubic)
PY
"$train" upscale --model "$dir/run/model.pt" "$fixtures/photo-citrus-64x48.png" "$dir/up.png" \
  --device cpu
python3 - "$dir/up.png" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read(24)
assert struct.unpack(">II", data[16:24]) == (128, 96), struct.unpack(">II", data[16:24])
PY
if out=$("$train" train --resume "$dir/run" --arch srgan --pretrain-steps 12 2>&1); then
  echo "resumed with another family"; exit 1
fi
grep -q -- "--arch srgan differs from the run's (compact)" <<<"$out"
