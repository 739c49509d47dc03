#!/usr/bin/env bash
# launch_pngs.sh GST_LAUNCH MODEL: the issue's pipeline writes 3 PNGs of 4x the 48x32 input.
set -euo pipefail
launch=$1 model=$2
source "$(dirname "${BASH_SOURCE[0]}")/../support/require_elements.sh"
SRGAN_GST_INSPECT=$(dirname "$launch")/gst-inspect-1.0 srgan_require_elements videotestsrc videoconvert pngenc multifilesink
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$launch" -q videotestsrc num-buffers=3 ! video/x-raw,width=48,height=32 \
  ! srganupscale device=cpu model-location="$model" ! videoconvert ! pngenc \
  ! multifilesink location="$dir/frame-%d.png"
count=0
for f in "$dir"/frame-*.png; do
  size=$(od -An -tu1 -j16 -N8 "$f" | awk '{print $1*16777216+$2*65536+$3*256+$4 "x" $5*16777216+$6*65536+$7*256+$8}')
  [ "$size" = "192x128" ] || { echo "$f is $size, expected 192x128"; exit 1; }
  count=$((count + 1))
done
[ "$count" -eq 3 ] || { echo "expected 3 PNGs, got $count"; exit 1; }
echo "3 PNGs of 192x128"
