# Sourced by the pipeline scripts: makes srganupscale findable (installed, or this checkout's
# build tree) and provides small helpers. Set SRGAN_BUILD_DIR to use another build folder.

srgan_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Uses the build tree's plugin when GStreamer does not already know srganupscale.
srgan_find_plugin() {
  if gst-inspect-1.0 srganupscale >/dev/null 2>&1; then return 0; fi
  local dir=${SRGAN_BUILD_DIR:-$srgan_repo/build}/gst-plugin
  if [ -f "$dir/libgstsrgan.so" ]; then
    export GST_PLUGIN_PATH_1_0="$dir${GST_PLUGIN_PATH_1_0:+:$GST_PLUGIN_PATH_1_0}"
    gst-inspect-1.0 srganupscale >/dev/null 2>&1 && return 0
  fi
  echo "srganupscale not found: build it (tests/run.sh or pipelines/demo.sh) or install it" >&2
  return 1
}

srgan_script=$(basename "$0")

# A wrong or missing argument: what is wrong on one line, then the script's usage (exit 2).
srgan_usage_error() {
  echo "$srgan_script: $1" >&2
  usage
}

# A failure: one line naming what failed (exit 1).
srgan_fail() {
  echo "$srgan_script: $1" >&2
  exit 1
}

# srgan_value "$@" (at an option): checks that the option has a value (not missing, not another
# option).
srgan_value() {
  if [ $# -lt 2 ] || [[ $2 == --* ]]; then srgan_usage_error "$1 needs a value"; fi
}

# srgan_count OPTION VALUE: checks a whole number of at least 1.
srgan_count() {
  [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] || srgan_usage_error "$1 takes a whole number >= 1, not '$2'"
}

# The bundled models' names, as core/runtime/src/bundled_models.cpp lists them.
srgan_bundled_models="x4 x2 x4-srgan"

# The element options every script takes. srgan_element_arg consumes "--model M", "--device D"
# or "--precision P" into srgan_element_args (and --model into srgan_model); it fails for
# anything else, so the caller can handle its own options.
srgan_element_args=()
srgan_model=""
srgan_element_arg() {
  case "$1" in
    --model | --device | --precision) srgan_value "$@" ;;
    *) return 1 ;;
  esac
  case "$1" in
    --model) # a bundled model by name unless a file has that name
      if [ ! -e "$2" ] && [[ $2 =~ ^x[0-9]+(-[a-z]+)?$ ]]; then
        [[ " $srgan_bundled_models " == *" $2 "* ]] ||
          srgan_usage_error "--model $2: no such file, nor a bundled model (bundled: ${srgan_bundled_models// /, })"
        srgan_element_args+=("model=$2")
      else
        srgan_element_args+=("model-location=$2")
      fi
      srgan_model=$2 ;;
    --device) srgan_element_args+=("device=$2") ;;
    --precision) srgan_element_args+=("precision=$2") ;;
  esac
}

# For the scripts of the form `script IN OUT [element options]`: sets srgan_input and
# srgan_output, checks that IN has a video stream and makes the plugin findable. A wrong
# argument is named.
srgan_parse_file_job() {
  [ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
  srgan_input=$1 srgan_output=$2
  shift 2
  while [ $# -gt 0 ]; do
    srgan_element_arg "$@" || srgan_usage_error "unknown argument '$1'"
    shift 2
  done
  [ -f "$srgan_input" ] || srgan_fail "no such file: $srgan_input"
  srgan_probe_video "$srgan_input"
  srgan_find_plugin
}

# Fails within seconds, naming the file, where GStreamer finds no video stream in it (audio
# only, text, a broken file); otherwise sets srgan_video_width and srgan_video_height.
srgan_probe_video() {
  local info problem streams
  info=$(timeout 30 gst-discoverer-1.0 -t 20 "$(srgan_uri "$1")" 2>&1) || true
  problem=$(sed -n '/An error was encountered/{n;s/^ *//;p;q}' <<<"$info")
  [ -z "$problem" ] || srgan_fail "$1: GStreamer cannot read it ($problem)"
  if ! grep -qE '^ +video #' <<<"$info"; then
    streams=$(sed -n 's/^ *\(audio\|subtitles\|container\) #[0-9]*: \(.*\)$/\1 \2/p' <<<"$info" | paste -sd, -)
    srgan_fail "$1: no video stream (found: ${streams:-nothing GStreamer can decode})"
  fi
  srgan_video_width=$(sed -n 's/^ *Width: \([0-9]*\)$/\1/p' <<<"$info" | head -1)
  srgan_video_height=$(sed -n 's/^ *Height: \([0-9]*\)$/\1/p' <<<"$info" | head -1)
}

# The container and encoders for OUT's extension (srgan_muxer, srgan_video_encoder,
# srgan_audio_encoder); an unknown extension is refused. LIVE=1 tunes H.264 for low latency.
# MP4 and MOV get H.264 without B-frames: GStreamer 1.22's mp4mux writes no edit list for their
# reordering delay, so the video would start two frames after the sound (measured: 83 ms at
# 24 fps); Matroska keeps B-frames. SRGAN_H264_ENCODER replaces the x264enc line.
srgan_container_for() {
  local output=$1 live=${2:-0} h264=x264enc aac
  case "${output##*.}" in
    mp4) srgan_muxer=mp4mux h264="x264enc bframes=0" ;;
    mov) srgan_muxer=qtmux h264="x264enc bframes=0" ;;
    mkv) srgan_muxer=matroskamux ;;
    webm) srgan_muxer=webmmux ;;
    *) srgan_usage_error "$output: unknown container '.${output##*.}' (use .mp4, .mkv, .mov or .webm)" ;;
  esac
  [ "$live" = 1 ] && h264="x264enc tune=zerolatency"  # no B-frames either
  h264=${SRGAN_H264_ENCODER:-$h264}
  if [ "$srgan_muxer" = webmmux ]; then
    srgan_has_element vp8enc || srgan_fail "no VP8 encoder for WebM (install gstreamer1.0-plugins-good)"
    srgan_video_encoder="vp8enc deadline=1"
    srgan_audio_encoder=$(srgan_has_element opusenc && echo opusenc || echo vorbisenc)
  else
    srgan_video_encoder="$h264 ! h264parse"
    srgan_audio_encoder=""  # empty where no AAC encoder is installed
    if aac=$(srgan_aac_encoder 2>/dev/null); then srgan_audio_encoder="$aac ! aacparse"; fi
  fi
}

# Output goes to a temporary file beside OUT, renamed to OUT once the run succeeded: a failed or
# interrupted run leaves neither an empty nor a partial file. Sets srgan_partial.
srgan_begin_output() {
  srgan_partial="$(dirname "$1")/.$(basename "$1").partial-$$"
  trap 'rm -f "$srgan_partial"' EXIT
}
srgan_finish_output() {
  [ -s "$srgan_partial" ] || srgan_fail "nothing was written for $1"
  mv "$srgan_partial" "$1"
}

# A window needs a display: without one, say what to do instead.
srgan_require_display() {
  [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] ||
    srgan_fail "no display for a window (DISPLAY and WAYLAND_DISPLAY are unset): $1"
}

srgan_has_element() { gst-inspect-1.0 "$1" >/dev/null 2>&1; }

# The demuxer for a file's container (srgan_demuxer), from its type as GStreamer finds it: its
# pads are named by kind (video_0, audio_0), so the streams can be cut without decoding.
srgan_demuxer_for() {
  local type
  type=$(gst-typefind-1.0 "$1" 2>/dev/null | sed -n 's/.* - \([^,]*\).*/\1/p' | head -1)
  case "$type" in
    video/quicktime | video/mp4 | audio/x-m4a) srgan_demuxer=qtdemux ;;
    video/x-matroska | video/webm | video/x-matroska-3d | audio/webm) srgan_demuxer=matroskademux ;;
    video/x-msvideo) srgan_demuxer=avidemux ;;
    *) srgan_fail "$1: cannot cut a ${type:-unknown} file without re-encoding (MP4, MOV, MKV, WebM or AVI)" ;;
  esac
}

# True when the media file has an audio stream. The report is read whole before grep: with
# pipefail, `discoverer | grep -q` fails when grep stops reading early (SIGPIPE to the writer).
srgan_has_audio() {
  local info
  info=$(gst-discoverer-1.0 "$1" 2>/dev/null) || return 1
  grep -qE '^ +audio #' <<<"$info"
}

# An AAC encoder that this GStreamer has.
srgan_aac_encoder() {
  for e in avenc_aac fdkaacenc voaacenc; do srgan_has_element "$e" && { echo "$e"; return 0; }; done
  echo "no AAC encoder found (install gstreamer1.0-libav)" >&2
  return 1
}

# srgan_duration_seconds FILE: its duration in seconds (decimal) as GStreamer finds it; empty
# when it finds none.
srgan_duration_seconds() {
  gst-discoverer-1.0 "$1" 2>/dev/null |
    sed -n 's/^ *Duration: \([0-9]*\):\([0-9]*\):\([0-9.]*\)$/\1 \2 \3/p' |
    awk '{print $1*3600+$2*60+$3}'
}

# srgan_cut_once IN PARTS SECONDS: PARTS/segments/ from pipelines/split.sh, once: the folder is
# complete when its marker exists, and an interrupted cut starts over (upscale-parallel.sh and
# slurm/submit.sh share the layout).
srgan_cut_once() {
  [ -f "$2/segments/.complete" ] && return 0
  rm -rf "$2/segments"
  "$srgan_repo/pipelines/split.sh" "$1" "$2/segments" --segment-seconds "$3"
  touch "$2/segments/.complete"
}

# A URI for GStreamer: kept when it is one (scheme://...), otherwise the file's absolute path
# percent-encoded (a name may hold spaces, '%', '#', '?' or any other byte but '/' and NUL).
srgan_uri() {
  if [[ $1 =~ ^[A-Za-z][A-Za-z0-9+.-]*:// ]]; then echo "$1"; return; fi
  python3 -c 'import pathlib, sys; print(pathlib.Path(sys.argv[1]).resolve().as_uri())' "$1"
}

# The scale of MODEL (a file or a bundled model's name; the element's default, x4, when empty)
# from `srgan-train info`.
srgan_model_scale() {
  local model=${1:-x4} train
  train=$(command -v srgan-train || echo "${SRGAN_BUILD_DIR:-$srgan_repo/build}/trainer/srgan-train")
  "$train" info "$model" | sed -n 's/^ *scale: //p'
}
