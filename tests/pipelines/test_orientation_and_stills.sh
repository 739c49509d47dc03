#!/usr/bin/env bash
# Phone videos come out upright: an MP4 whose track says "turn 90/180/270 degrees" (as phones
# write) is upscaled with its pixels turned, by upscale-file.sh and by the parallel path
# (split.sh loses the rotation; upscale-segment.sh is told it), checked against the photo the
# clip was made of. Still images: a PNG in gives a PNG or JPEG out; a video name for one is
# refused in one line, with no file left.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements imagefreeze videoflip x264enc h264parse mp4mux qtdemux pngenc jpegenc
python=${SRGAN_PYTHON:-python3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
photo=$repo/tests/fixtures/photo-boats-96x64.png
fail() { echo "FAIL: $*"; exit 1; }
first_frame() {  # first_frame VIDEO PNG
  gst-launch-1.0 -q filesrc location="$1" ! decodebin ! videoconvert ! video/x-raw,format=RGB \
    ! pngenc snapshot=true ! filesink location="$2"
}
# 2 s of the photo at 10 frames/s, stored landscape (96x64) as a phone stores portrait video.
gst-launch-1.0 -q filesrc location="$photo" ! pngdec ! imagefreeze num-buffers=20 \
  ! video/x-raw,framerate=10/1 ! videoconvert ! video/x-raw,format=I420 \
  ! x264enc key-int-max=10 ! h264parse ! mp4mux ! filesink location="$dir/landscape.mp4"
for degrees in 90 180 270; do
  cp "$dir/landscape.mp4" "$dir/turned-$degrees.mp4"
  "$python" "$repo/tests/pipelines/set_mp4_rotation.py" "$dir/turned-$degrees.mp4" "$degrees"
  # (Read whole before grep: with pipefail, grep -q stopping early fails the writer.)
  info=$(gst-discoverer-1.0 -v "$dir/turned-$degrees.mp4")
  grep -q "image orientation: rotate-$degrees" <<<"$info" || fail "the fixture does not say rotate-$degrees"
  "$repo/pipelines/upscale-file.sh" "$dir/turned-$degrees.mp4" "$dir/out-$degrees.mp4" --model x2 --device cpu
  if [ "$degrees" = 180 ]; then size=(192 128); else size=(128 192); fi
  check_media "$dir/out-$degrees.mp4" "${size[@]}" 2.0 no
  # No rotation is left in the output: the pixels are upright.
  info=$(gst-discoverer-1.0 -v "$dir/out-$degrees.mp4")
  ! grep -q "image orientation: rotate-[1-9]" <<<"$info" || fail "out-$degrees.mp4 still asks players to turn it"
  first_frame "$dir/out-$degrees.mp4" "$dir/out-$degrees.png"
  "$python" "$repo/tests/pipelines/orientation_of.py" "$photo" "$dir/out-$degrees.png" "$degrees" ||
    fail "upscale-file.sh turned the $degrees-degree clip the wrong way"
done
# The parallel path: two segments, each turned as the file says.
"$repo/pipelines/upscale-parallel.sh" "$dir/turned-90.mp4" "$dir/parallel-90.mkv" --jobs 2 \
  --devices cpu --segment-seconds 1 --model x2
check_media "$dir/parallel-90.mkv" 128 192 2.0 no
first_frame "$dir/parallel-90.mkv" "$dir/parallel-90.png"
"$python" "$repo/tests/pipelines/orientation_of.py" "$photo" "$dir/parallel-90.png" 90 ||
  fail "upscale-parallel.sh turned the 90-degree clip the wrong way"

# Still images: PNG in, PNG or JPEG out (by OUT's extension), upscaled by the model.
"$repo/pipelines/upscale-file.sh" "$photo" "$dir/still.png" --model x2 --device cpu
[ "$(gst-discoverer-1.0 "$dir/still.png" | sed -n 's/^ *Width: //p')" = 192 ] || fail "still.png width"
"$python" "$repo/tests/pipelines/orientation_of.py" "$photo" "$dir/still.png" 0 || fail "still.png content"
"$repo/pipelines/upscale-file.sh" "$photo" "$dir/still.jpg" --model x2 --device cpu
[ "$(od -An -tx1 -N3 "$dir/still.jpg" | tr -d ' ')" = ffd8ff ] || fail "still.jpg is not a JPEG"
"$python" "$repo/tests/pipelines/orientation_of.py" "$photo" "$dir/still.jpg" 0 || fail "still.jpg content"
if out=$("$repo/pipelines/upscale-file.sh" "$photo" "$dir/still.mp4" --model x2 --device cpu 2>&1); then
  fail "a still image was written as a video"
fi
[ "$(wc -l <<<"$out")" = 1 ] && grep -q "is a still image: give OUT a .png or .jpg name" <<<"$out" ||
  fail "the refusal is not one line: $out"
[ ! -e "$dir/still.mp4" ] || fail "a file was left for the refused still image"
echo "orientation and stills OK"
