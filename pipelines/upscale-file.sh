#!/usr/bin/env bash
# Upscales any video file GStreamer can decode, keeping its sound in sync; or every video in a folder.
#
#   pipelines/upscale-file.sh IN OUT.(mp4|mkv|mov|webm|png|jpg) [--model x4|x2|FILE] [--device auto|cpu|cuda] [--precision auto|fp32|fp16|bf16] [--frames-in-flight N] [--force]
#   pipelines/upscale-file.sh IN_DIR OUT_DIR [--format mp4|mkv|mov|webm] [the same options]
#
# The container follows OUT's extension (H.264 + AAC; VP8 + Opus for WebM; 10-bit input stays 10-bit
# as HEVC Main 10, or VP9 profile 2 in WebM, where GStreamer has x265enc/vp9enc). Every audio track
# is kept, and text subtitles where GStreamer can copy them; each one it cannot is named. Without --model the
# bundled x4 model is used. Video stored with a rotation (phones) is turned upright as players
# show it. A still image (PNG, JPEG, ...) becomes a PNG or JPEG by OUT's extension. Progress
# (frames per second, time left) is printed while it runs; OUT
# appears only when it is done. An existing OUT is kept unless --force; OUT is never IN.
# On the CPU the element upscales two frames at once, each on half the cores (1.2-1.4x the
# frames a second with the x4 on 2 cores, 1.1x with the x2); --frames-in-flight 1 needs half
# the working memory.
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
# The pixels are turned as the container says (phones store portrait video landscape with a
# rotation): what a player shows is what gets upscaled, and OUT plays upright without one.
# A segment of split.sh, which loses the container's rotation, is told it (--orientation).
flip="videoflip video-direction=auto"
[ -z "$srgan_orientation" ] || flip="videoflip video-direction=$(srgan_video_direction "$srgan_orientation")"

# A still image becomes an image: PNG or JPEG by OUT's extension.
if [ "$srgan_video_still" = 1 ]; then
  case "$(tr '[:upper:]' '[:lower:]' <<<"${output##*.}")" in
    png) image_encoder=pngenc ;;
    jpg | jpeg) image_encoder="jpegenc quality=95" ;;
    *) srgan_fail "$input is a still image: give OUT a .png or .jpg name (for folders of photos: srgan-train upscale --model x4 IN_DIR OUT_DIR)" ;;
  esac
  echo "upscaling the image $input -> $output"
  srgan_begin_output "$output"
  srgan_run_stoppable "$output" gst-launch-1.0 -q filesrc location="$input" ! decodebin \
    ! videoconvert ! $flip ! srganupscale "${srgan_element_args[@]}" ! videoconvert \
    ! $image_encoder ! filesink location="$srgan_partial"
  echo "wrote $output"
  exit 0
fi
srgan_container_for "$output" 0 "$srgan_video_deep"

video="d. ! queue ! videoconvert ! $flip ! progressreport update-freq=2 \
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
# Subtitles. Matroska's (SRT, ASS, bitmaps) are copied untouched by mkvtoolnix: into an MKV by
# mkvmerge after the upscale (with the fonts they use), into MP4/MOV as text through mkvextract
# and subparse (mov_text holds no styling or bitmaps). Text that GStreamer decodes to plain
# UTF-8 (MP4's tx3g, ...) is copied by the pipeline. Each track that cannot be kept is named.
subtitles="" kept_subtitles=0 merged_subtitles=0 extracted=$(mktemp -d)
srgan_temporary+=("$extracted")
trap srgan_remove_temporary EXIT
matroska=$(srgan_matroska_subtitles "$input")
if [ -n "$matroska" ]; then
  while read -r id codec language; do
    track=$(srgan_subtitle_name "$id" "$language")
    case "$srgan_muxer:$codec" in
      webmmux:*) echo "$track is not kept: WebM carries WebVTT subtitles only (write .mkv to keep it)" ;;
      matroskamux:*) merged_subtitles=$((merged_subtitles + 1)) ;;
      *:S_TEXT/UTF8 | *:S_TEXT/ASS | *:S_TEXT/SSA | *:S_TEXT/WEBVTT)
        mkvextract "$input" tracks "$id:$extracted/$id.sub" >/dev/null ||
          srgan_fail "mkvextract could not read $track of $input"
        if [ "$codec" = S_TEXT/ASS ] || [ "$codec" = S_TEXT/SSA ]; then
          # subparse passes SSA/ASS on as such: its dialogue goes in as SubRip text.
          srgan_ass_to_srt "$extracted/$id.sub" "$extracted/$id.srt"
          mv "$extracted/$id.srt" "$extracted/$id.sub"
          echo "$track keeps its text, not its ASS styling: $(basename "$output") holds plain text subtitles (write .mkv to keep it)"
        fi
        subtitles+=" filesrc location=$extracted/$id.sub ! subparse ! text/x-raw,format=utf8 ! queue ! mux.subtitle_%u"
        kept_subtitles=$((kept_subtitles + 1)) ;;
      *) echo "$track is not kept: $codec subtitles (bitmaps) cannot go into $(basename "$output") (write .mkv to keep it)" ;;
    esac
  done <<<"$matroska"
else
  while read -r number format language; do
    track=$(srgan_subtitle_name "$number" "$language")
    if [ "$srgan_muxer" = webmmux ]; then
      echo "$track is not kept: WebM carries WebVTT subtitles only (write .mkv to keep it)"
    elif [ "$format" = utf8 ]; then
      subtitles+=" d. ! text/x-raw,format=utf8 ! queue ! mux.subtitle_%u"
      kept_subtitles=$((kept_subtitles + 1))
    elif [ "$format" = pango-markup ]; then
      echo "$track is not kept: GStreamer decodes it to Pango markup, which its muxers do not write (install mkvtoolnix to copy it)"
    else
      echo "$track is not kept: $format subtitles cannot be copied into $(basename "$output")"
    fi
  done < <(srgan_subtitle_tracks "$input")
fi
plural() { echo "$1 $2$([ "$1" = 1 ] || echo s)"; }
tracks=$([ "$audio_tracks" = 0 ] && echo "no audio track" || plural "$audio_tracks" "audio track")
[ $((kept_subtitles + merged_subtitles)) = 0 ] ||
  tracks+=", $(plural $((kept_subtitles + merged_subtitles)) "subtitle track")"
echo "upscaling $input -> $output ($tracks)"
srgan_begin_output "$output"
srgan_output_filter="srgan_progress_filter $(srgan_frame_rate "$input")"
# stdbuf: gst-launch's progress lines pass the filter as they come, not when it exits.
# shellcheck disable=SC2086
srgan_run_stoppable "$output" stdbuf -oL gst-launch-1.0 -e uridecodebin uri="$(srgan_uri "$input")" name=d \
  $srgan_muxer name=mux ! filesink location="$srgan_partial" $video $audio $subtitles
if [ "$merged_subtitles" -gt 0 ]; then
  # The input's subtitle tracks, their fonts and chapters, untouched, beside the upscaled video
  # and sound (mkvmerge exits 1 for warnings, 2 for errors).
  merged="$(dirname "$output")/.$(basename "$output").subtitles-$$.mkv"
  mkvmerge -q -o "$merged" "$output" --no-video --no-audio --no-buttons "$input" || [ $? = 1 ] ||
    { rm -f "$merged"; srgan_fail "mkvmerge could not copy the subtitles of $input into $output"; }
  mv "$merged" "$output"
fi
echo "wrote $output"
