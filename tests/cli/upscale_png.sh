#!/usr/bin/env bash
# upscale_png.sh SRGAN_TRAIN MODEL INPUT WIDTH HEIGHT: `srgan-train upscale` writes a PNG of the
# expected size, or a JPEG for a .jpg name (at --quality), and refuses other output names; OUT.PNG
# is a PNG name too; an RGBA input keeps its transparency (an RGBA PNG out).
set -euo pipefail
train=$1 model=$2 input=$3 width=$4 height=$5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$train" upscale --model "$model" --device cpu --tile 16 "$input" "$dir/out.png"
size=$(od -An -tu1 -j16 -N8 "$dir/out.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
[ "$size" = "$width $height" ] || { echo "PNG is $size, expected $width $height"; exit 1; }
# JPEG out: a baseline JPEG (FF D8 FF) of the same size; --quality trades size for quality.
"$train" upscale --model "$model" --device cpu --quality 95 "$input" "$dir/out.jpg" >/dev/null
[ "$(od -An -tx1 -N3 "$dir/out.jpg" | tr -d ' ')" = ffd8ff ] || { echo "out.jpg is not a JPEG"; exit 1; }
"$train" upscale --model "$model" --device cpu --quality 30 "$input" "$dir/small.jpg" >/dev/null
[ "$(stat -c %s "$dir/small.jpg")" -lt "$(stat -c %s "$dir/out.jpg")" ] || { echo "--quality 30 is not smaller"; exit 1; }
# Formats it cannot write are refused in one line, nothing written.
if "$train" upscale --model "$model" "$input" "$dir/out.bmp" 2>"$dir/err"; then
  echo "a .bmp output was accepted"; exit 1
fi
[ "$(wc -l <"$dir/err")" = 1 ] && grep -q "must be a .png or .jpg file" "$dir/err" || { cat "$dir/err"; exit 1; }
[ ! -e "$dir/out.bmp" ]
# Upper-case extension: a PNG all the same.
"$train" upscale --model "$model" --device cpu "$input" "$dir/OUT.PNG" >/dev/null
[ -s "$dir/OUT.PNG" ] || { echo "OUT.PNG was not written"; exit 1; }
# Transparency kept: colour type 6 (RGBA) at byte 25 of the PNG, at the upscaled size.
rgba=$(dirname "$input")/photo-citrus-64x48-alpha.png
out=$("$train" upscale --model "$model" --device cpu "$rgba" "$dir/alpha.png")
grep -q "alpha upscaled with bicubic" <<<"$out" || { echo "$out"; exit 1; }
[ "$(od -An -tu1 -j25 -N1 "$dir/alpha.png" | tr -d ' ')" = 6 ] || { echo "alpha was dropped"; exit 1; }
size=$(od -An -tu1 -j16 -N8 "$dir/alpha.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
[ "$size" = "$width $height" ] || { echo "RGBA PNG is $size, expected $width $height"; exit 1; }
