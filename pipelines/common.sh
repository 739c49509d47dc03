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

# The element options every script takes. srgan_element_arg consumes "--model M", "--device D"
# or "--precision P" into srgan_element_args (and --model into srgan_model); it fails for
# anything else, so the caller can handle its own options.
srgan_element_args=()
srgan_model=""
srgan_element_arg() {
  [ $# -ge 2 ] || return 1
  case "$1" in
    --model) srgan_element_args+=("model-location=$2"); srgan_model=$2 ;;
    --device) srgan_element_args+=("device=$2") ;;
    --precision) srgan_element_args+=("precision=$2") ;;
    *) return 1 ;;
  esac
}

# For the scripts of the form `script IN OUT [element options]`: sets srgan_input and
# srgan_output, checks that IN exists and makes the plugin findable. Calls the script's usage()
# on anything else.
srgan_parse_file_job() {
  [ $# -ge 2 ] || usage
  srgan_input=$1 srgan_output=$2
  shift 2
  while [ $# -gt 0 ]; do
    srgan_element_arg "$@" || usage
    shift 2
  done
  [ -f "$srgan_input" ] || { echo "no such file: $srgan_input" >&2; exit 1; }
  srgan_find_plugin
}

srgan_has_element() { gst-inspect-1.0 "$1" >/dev/null 2>&1; }

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

srgan_uri() { case "$1" in *://*) echo "$1" ;; *) echo "file://$(realpath "$1")" ;; esac; }

# The scale of MODEL (or of the element's default model) from `srgan-train info`.
srgan_model_scale() {
  local model=$1 train
  if [ -z "$model" ]; then
    model=$(gst-inspect-1.0 srganupscale | sed -n '/model-location/,/Default/ s/.*Default: "\(.*\)"/\1/p')
  fi
  train=$(command -v srgan-train || echo "${SRGAN_BUILD_DIR:-$srgan_repo/build}/trainer/srgan-train")
  "$train" info "$model" | sed -n 's/^ *scale: //p'
}
