#!/usr/bin/env bash
# evaluate_video.sh SRGAN_TRAIN FIXTURES: `srgan-train evaluate --video` on a 12-frame real clip
# (vtest.avi's centre) with the bundled x4 model: the same figures from the file and from a
# folder of its decoded frames; --frames and --crop as asked and printed; the model's temporal
# error below bicubic's; bad clips named in one line.
set -euo pipefail
train=$1 fixtures=$2
source "$(dirname "${BASH_SOURCE[0]}")/../support/require_elements.sh"
srgan_require_elements filesrc decodebin matroskademux vp8dec videoconvert pngenc multifilesink
clip=$fixtures/clip-vtest-12f-96x72.webm
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$train" evaluate --model x4 --video "$clip" --device cpu --csv "$dir/file.csv" \
  2>"$dir/progress" | tee "$dir/table"
grep -q "^srgan-train: evaluating clip-vtest-12f-96x72.webm: frame 1$" "$dir/progress"
grep -qE '^\| clip-vtest-12f-96x72.webm \| 0-11 \| 96x72 at 0,0 of 96x72 \| [0-9.]+ \|' "$dir/table"
# Columns: ...,psnr_y(11),ssim_y,temporal_error(13),bicubic_psnr_y(14),bicubic_ssim_y,bicubic_temporal_error(16)
awk -F, 'NR == 2 { exit !($11 > $14 && $13 < $16 && $13 > 0) }' "$dir/file.csv" \
  || { echo "the x4 model does not beat bicubic on PSNR and temporal error:"; cat "$dir/file.csv"; exit 1; }

# The same frames from a folder, decoded by GStreamer to I420 and converted to RGB in Python as
# the element converts (not by videoconvert, whose 8-bit YUV -> RGB is 2 levels dark): the same
# figures, within float rounding (a pixel may round the other way: 0.001 dB, 0.0001 SSIM;
# videoconvert's frames measured 0.004 dB and 0.001 SSIM off).
mkdir "$dir/frames" "$dir/yuv"
gst-launch-1.0 -q filesrc location="$clip" ! decodebin ! video/x-raw,format=I420 \
  ! multifilesink location="$dir/yuv/frame-%04d.yuv"
[ "$(ls "$dir/yuv" | wc -l)" = 12 ]
python3 "$(dirname "${BASH_SOURCE[0]}")/../support/i420_to_png.py" 96 72 bt601 "$dir/frames" "$dir"/yuv/*.yuv
"$train" evaluate --model x4 --video "$dir/frames" --device cpu --csv "$dir/folder.csv" 2>/dev/null >/dev/null
paste -d, <(sed -n 2p "$dir/file.csv") <(sed -n 2p "$dir/folder.csv") | awk -F, '
  function off(a, b, bound) { return (a - b > bound || b - a > bound) }
  { n = 16; if (off($11, $(n+11), 0.001) || off($12, $(n+12), 0.0001) || off($13, $(n+13), 0.001) ||
                off($14, $(n+14), 0.001) || off($15, $(n+15), 0.0001) || off($16, $(n+16), 0.001)) exit 1 }' \
  || { echo "file and folder differ:"; cat "$dir/file.csv" "$dir/folder.csv"; exit 1; }

# --frames and --crop (rounded down to a multiple of 4).
"$train" evaluate --model x4 --video "$clip" --frames 5 --crop 50x41 --device cpu \
  --csv "$dir/short.csv" 2>/dev/null | grep -q '| 0-4 | 48x40 at 24,16 of 96x72 |'
grep -q ",0,4,96,72,24,16,48,40,4," "$dir/short.csv"

# Bad clips: one line each, exit 1.
expect_error() {  # expect_error TEXT ARGS...
  local text=$1
  shift
  if "$train" evaluate --model x4 --device cpu "$@" >"$dir/out" 2>"$dir/err"; then
    echo "accepted: $*"; exit 1
  fi
  grep -q -e "$text" "$dir/err" || { echo "expected '$text' for $*:"; cat "$dir/err"; exit 1; }
}
expect_error "absent.webm: no such file or folder" --video "$dir/absent.webm"
echo "not a video" >"$dir/notes.txt"
expect_error "^srgan-train: $dir/notes.txt: " --video "$dir/notes.txt"
if gst-inspect-1.0 --exists vorbisenc && gst-inspect-1.0 --exists oggmux; then
  gst-launch-1.0 -q audiotestsrc num-buffers=10 ! vorbisenc ! oggmux ! filesink location="$dir/audio.ogg"
  expect_error "audio.ogg: no video stream that GStreamer can decode in this file" --video "$dir/audio.ogg"
fi
expect_error "the crop 200x50 is larger than its 96x72 frames" --video "$clip" --crop 200x50
expect_error "--crop takes WIDTHxHEIGHT" --video "$clip" --crop 50
expect_error "excludes --video" --video "$clip" --data "$fixtures"
echo "evaluate --video OK"
