#!/usr/bin/env bash
# Bicubic and srganupscale side by side (left: bicubic, right: SRGAN), with GStreamer's compositor.
#
#   pipelines/compare.sh IN OUT.(png|mp4|mkv|mov|webm) [--model x4|x2|FILE] [--device auto|cpu|cuda]
#
# OUT.png holds the first frame; a video file the whole clip (video only).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4p' "$0" | sed 's/^# *//' >&2; exit 2; }
srgan_parse_file_job "$@"
input=$srgan_input output=$srgan_output

# Both halves have the upscaled size: the input's size times the model's scale.
width=$srgan_video_width height=$srgan_video_height
scale=$(srgan_model_scale "$srgan_model")
out_w=$((width * scale)) out_h=$((height * scale))
srgan_begin_output "$output"
if [[ $output == *.png ]]; then
  sink="pngenc snapshot=true ! filesink location=$srgan_partial"
else
  srgan_container_for "$output"
  sink="$srgan_video_encoder ! $srgan_muxer ! filesink location=$srgan_partial"
fi
echo "comparing bicubic | SRGAN on $input (${width}x${height} -> ${out_w}x${out_h} each) -> $output"
# shellcheck disable=SC2086
gst-launch-1.0 -e -q uridecodebin uri="$(srgan_uri "$input")" name=d \
  compositor name=mix sink_1::xpos=$out_w ! videoconvert ! $sink \
  d. ! videoconvert ! tee name=t \
  t. ! queue ! videoscale method=catrom ! video/x-raw,width=$out_w,height=$out_h ! mix.sink_0 \
  t. ! queue ! srganupscale ${srgan_element_args[*]} ! videoconvert ! mix.sink_1 ||
  srgan_fail "the pipeline failed (GStreamer's error is above)"
srgan_finish_output "$output"
echo "wrote $output"
