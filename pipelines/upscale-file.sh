#!/usr/bin/env bash
# Upscales any video file GStreamer can decode, keeping its sound in sync; or every video in a folder.
#
#   pipelines/upscale-file.sh IN OUT.(mp4|mkv|mov|webm) [--model x4|x2|FILE] [--device auto|cpu|cuda] [--precision auto|fp32|fp16|bf16] [--force]
#   pipelines/upscale-file.sh IN_DIR OUT_DIR [--format mp4|mkv|mov|webm] [the same options]
#
# The container follows OUT's extension (H.264 + AAC; VP8 + Opus for WebM; 10-bit input stays 10-bit
# as HEVC Main 10, or VP9 profile 2 in WebM, where GStreamer has x265enc/vp9enc). Every audio track
# is kept, and text subtitles where GStreamer can copy them; each one it cannot is named. Without --model the
# bundled x4 model is used. Progress (frames per second, time left) is printed while it runs; OUT
# appears only when it is done. An existing OUT is kept unless --force; OUT is never IN.
# Ctrl-C or SIGTERM stops soon and keeps what was upscaled as a playable OUT (exit 130 or 143);
# a second signal stops at once, leaving no file.
# With folders: every video under IN_DIR (recursively) goes to the same place under OUT_DIR, in
# its own container (mp4, mkv, mov, webm; others become mkv, or all --format); videos whose output
# exists are skipped, so a stopped run resumes; one failure does not stop the rest; a summary
# ends it, and the exit status is 0 only when every video was upscaled or skipped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

usage() { sed -n '4,5p' "$0" | sed 's/^# *//' >&2; exit 2; }

if [ $# -ge 2 ] && [ -d "$1" ]; then
  srgan_upscale_folder "$0" "$@"
  exit $?
fi
srgan_parse_file_job "$@"
input=$srgan_input output=$srgan_output
srgan_container_for "$output" 0 "$srgan_video_deep"

video="d. ! queue ! videoconvert ! progressreport update-freq=2 \
  ! srganupscale ${srgan_element_args[*]} ! videoconvert ! $srgan_video_encoder ! queue ! mux."
# Every audio track, each re-encoded on its own branch (gst-launch links each new audio pad to
# the next free one).
audio="" audio_tracks=$(srgan_audio_tracks "$input")
if [ "$audio_tracks" -gt 0 ]; then
  [ -n "$srgan_audio_encoder" ] || srgan_fail "no AAC encoder for the sound (install gstreamer1.0-libav)"
fi
for _ in $(seq "$audio_tracks"); do
  # Unbounded: the demuxer runs ahead on audio only as far as the (bounded) video queue allows.
  audio+=" d. ! queue max-size-time=0 max-size-bytes=0 max-size-buffers=0 ! audioconvert \
    ! audioresample ! $srgan_audio_encoder ! queue ! mux."
done
# Text subtitles that GStreamer decodes to plain UTF-8 (MP4's tx3g, ...) are copied; the others
# are named, one line each, as not kept.
subtitles="" kept_subtitles=0
while read -r number format language; do
  track=$(srgan_subtitle_name "$number" "$language")
  if [ "$srgan_muxer" = webmmux ]; then
    echo "$track is not kept: WebM carries WebVTT subtitles only (write .mkv to keep it)"
  elif [ "$format" = utf8 ]; then
    subtitles+=" d. ! text/x-raw,format=utf8 ! queue ! mux.subtitle_%u"
    kept_subtitles=$((kept_subtitles + 1))
  elif [ "$format" = pango-markup ]; then
    echo "$track is not kept: GStreamer decodes it to Pango markup, which its muxers do not write"
  else
    echo "$track is not kept: $format subtitles cannot be copied into $(basename "$output")"
  fi
done < <(srgan_subtitle_tracks "$input")
plural() { echo "$1 $2$([ "$1" = 1 ] || echo s)"; }
tracks=$([ "$audio_tracks" = 0 ] && echo "no audio track" || plural "$audio_tracks" "audio track")
[ "$kept_subtitles" = 0 ] || tracks+=", $(plural "$kept_subtitles" "subtitle track")"
echo "upscaling $input -> $output ($tracks)"
srgan_begin_output "$output"
srgan_output_filter="srgan_progress_filter $(srgan_frame_rate "$input")"
# stdbuf: gst-launch's progress lines pass the filter as they come, not when it exits.
# shellcheck disable=SC2086
srgan_run_stoppable "$output" stdbuf -oL gst-launch-1.0 -e uridecodebin uri="$(srgan_uri "$input")" name=d \
  $srgan_muxer name=mux ! filesink location="$srgan_partial" $video $audio $subtitles
echo "wrote $output"
