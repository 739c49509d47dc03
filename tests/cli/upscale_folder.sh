#!/usr/bin/env bash
# upscale_folder.sh SRGAN_TRAIN MODEL FIXTURES: `srgan-train upscale --model M IN_DIR OUT_DIR`
# upscales every image of a folder tree into the same tree (JPEG stays JPEG, PNG stays PNG, or
# --format), with a line per image and a summary; images already done are skipped (--force
# redoes them); a broken image is named and the others are still done (exit 1), also with
# --jobs 2 (two images at once); an input tree that holds the output tree does not read its own
# outputs.
set -euo pipefail
train=$1 model=$2 fixtures=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}'; }
mkdir -p "$dir/in/trip/day 2"
cp "$fixtures/photo-boats-96x64.png" "$dir/in/boats.png"
cp "$fixtures/photo-citrus-64x48.png" "$dir/in/trip/citrus.png"
"$train" upscale --model "$model" --device cpu "$fixtures/photo-citrus-64x48.png" "$dir/in/trip/day 2/citrus.jpg" >/dev/null
printf 'notes' >"$dir/in/trip/notes.txt"
"$train" upscale --model "$model" --device cpu "$dir/in" "$dir/out" >"$dir/summary" 2>"$dir/progress"
cat "$dir/progress" "$dir/summary"
[ "$(png_size "$dir/out/boats.png")" = 192x128 ] || fail "boats.png: $(png_size "$dir/out/boats.png")"
[ "$(png_size "$dir/out/trip/citrus.png")" = 128x96 ] || fail "trip/citrus.png"
[ "$(od -An -tx1 -N3 "$dir/out/trip/day 2/citrus.jpg" | tr -d ' ')" = ffd8ff ] || fail "the JPEG is not a JPEG"
grep -q "^3 images in $dir/in: 3 upscaled, 0 already done" "$dir/summary" || fail "summary"
grep -q "1 other files in $dir/in are not images" "$dir/summary" || fail "the other file is not counted"
for i in 1 2 3; do grep -q "\[$i/3\]" "$dir/progress" || fail "no progress line $i"; done
# Again: everything is already done.
"$train" upscale --model "$model" --device cpu "$dir/in" "$dir/out" >"$dir/summary" 2>/dev/null
grep -q "0 upscaled, 3 already done" "$dir/summary" || fail "done images were redone: $(cat "$dir/summary")"
# --force redoes them; --format jpg writes every one as JPEG.
"$train" upscale --model "$model" --device cpu --force --format jpg "$dir/in" "$dir/as-jpeg" >"$dir/summary" 2>/dev/null
[ -s "$dir/as-jpeg/boats.jpg" ] && [ -s "$dir/as-jpeg/trip/citrus.jpg" ] || fail "--format jpg"
# A broken image is named; the others are done; exit 1.
printf 'not a png' >"$dir/in/broken.png"
touch "$dir/in/boats.png"  # newer than its output: done again
if "$train" upscale --model "$model" --device cpu "$dir/in" "$dir/out" >"$dir/summary" 2>"$dir/progress"; then
  fail "a broken image did not fail the run"
fi
grep -q "broken.png: failed: " "$dir/progress" || fail "the broken image is not named"
grep -q "4 images in $dir/in: 1 upscaled, 2 already done (--force redoes them), 1 failed (listed above)" "$dir/summary" ||
  fail "summary with a failure: $(cat "$dir/summary")"
[ ! -e "$dir/out/broken.png" ] || fail "a file was written for the broken image"
# --jobs 2: two images at once (the cores shared out), every image done, the failure still named.
if "$train" upscale --model "$model" --device cpu --jobs 2 --force "$dir/in" "$dir/two" >"$dir/summary" 2>"$dir/progress"; then
  fail "--jobs 2: a broken image did not fail the run"
fi
grep -q "4 images in $dir/in: 3 upscaled, 0 already done, 1 failed (listed above)" "$dir/summary" ||
  fail "--jobs 2 summary: $(cat "$dir/summary")"
grep -q "into $dir/two, 2 at once" "$dir/progress" || fail "--jobs 2 does not say so: $(cat "$dir/progress")"
for i in 1 2 3 4; do grep -q "\[$i/4\]" "$dir/progress" || fail "--jobs 2: no progress line $i"; done
[ "$(png_size "$dir/two/boats.png")" = 192x128 ] || fail "--jobs 2: boats.png"
[ "$(png_size "$dir/two/trip/citrus.png")" = 128x96 ] || fail "--jobs 2: trip/citrus.png"
[ ! -e "$dir/two/broken.png" ] || fail "--jobs 2: a file was written for the broken image"
if "$train" upscale --model "$model" --device cpu --jobs 2 "$fixtures/photo-citrus-64x48.png" "$dir/one.png" 2>"$dir/err"; then
  fail "--jobs on one image"
fi
grep -q "is for folders" "$dir/err" || fail "$(cat "$dir/err")"
# The output inside the input: its own outputs are not inputs.
rm "$dir/in/broken.png"
"$train" upscale --model "$model" --device cpu "$dir/in" "$dir/in/upscaled" >"$dir/summary" 2>/dev/null
grep -q "^3 images in" "$dir/summary" || fail "the output tree was read as input: $(cat "$dir/summary")"
# A folder into a file is refused.
if "$train" upscale --model "$model" "$dir/in" "$dir/out/boats.png" 2>"$dir/err"; then fail "folder into a file"; fi
grep -q "OUTPUT must be one too" "$dir/err" || fail "$(cat "$dir/err")"
echo "upscale folder OK"
