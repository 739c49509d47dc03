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
srgan_bundled_models="x4 x2 x4-srgan x4-clean x2-clean"

# The element options every script takes. srgan_element_arg consumes "--model M", "--device D",
# "--precision P" or "--frames-in-flight N" into srgan_element_args (and --model into
# srgan_model); it fails for anything else, so the caller can handle its own options.
srgan_element_args=()
srgan_model=""
srgan_element_arg() {
  case "$1" in
    --model | --device | --precision | --frames-in-flight) srgan_value "$@" ;;
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
    --frames-in-flight) # on the CPU they share the cores out: more frames a second, more latency
      srgan_count "$1" "$2"
      srgan_element_args+=("frames-in-flight=$2") ;;
  esac
}

# srgan_orientation FILE: how FILE's video is to be turned (its image-orientation tag: phones
# store portrait video landscape with a rotation in the container): rotate-90, flip-rotate-0,
# ...; rotate-0 when it says nothing.
srgan_orientation() {
  local info orientation
  info=$(timeout 30 gst-discoverer-1.0 -v -t 20 "$(srgan_uri "$1")" 2>/dev/null) || true
  orientation=$(sed -n 's/^ *image orientation: \([a-z0-9-]*\)$/\1/p' <<<"$info" | head -1)
  echo "${orientation:-rotate-0}"
}

# videoflip's video-direction for an image-orientation tag (as videoflip maps them itself when
# it reads the tag): segments of split.sh lose the container's rotation, so their upscale is told.
srgan_video_direction() {
  case "$1" in
    rotate-0 | "") echo identity ;;
    rotate-90) echo 90r ;;
    rotate-180) echo 180 ;;
    rotate-270) echo 90l ;;
    flip-rotate-0) echo horiz ;;
    flip-rotate-90) echo ul-lr ;;
    flip-rotate-180) echo vert ;;
    flip-rotate-270) echo ur-ll ;;
    *) return 1 ;;
  esac
}

# For the scripts of the form `script IN OUT [element options] [--force]`: sets srgan_input,
# srgan_output and srgan_force, checks that IN has a video stream and that OUT may be written,
# and makes the plugin findable. A wrong argument is named.
srgan_parse_file_job() {
  [ $# -ge 2 ] || srgan_usage_error "IN and OUT are required"
  srgan_input=$1 srgan_output=$2 srgan_force=0 srgan_orientation=""
  shift 2
  while [ $# -gt 0 ]; do
    if [ "$1" = --force ]; then srgan_force=1; shift; continue; fi
    if [ "$1" = --orientation ]; then
      srgan_value "$@"
      srgan_video_direction "$2" >/dev/null ||
        srgan_usage_error "--orientation takes an image orientation (rotate-90, flip-rotate-0, ...), not '$2'"
      srgan_orientation=$2
      shift 2
      continue
    fi
    srgan_element_arg "$@" || srgan_usage_error "unknown argument '$1'"
    shift 2
  done
  [ -f "$srgan_input" ] || srgan_fail "no such file: $srgan_input"
  srgan_check_output "$srgan_input" "$srgan_output" "$srgan_force"
  srgan_probe_video "$srgan_input"
  srgan_find_plugin
}

# srgan_check_output IN OUT FORCE: OUT is never IN (by any path: the same file), an existing OUT
# is replaced only with FORCE=1 (as ffmpeg's -y), and OUT's folder exists and is writable; each
# refusal names the file and what to do.
srgan_check_output() {
  local dir
  if [ -e "$2" ] && [ "$1" -ef "$2" ]; then
    srgan_fail "$2 is the input itself: choose another output file"
  fi
  if [ -e "$2" ] && [ "$3" != 1 ]; then
    srgan_fail "$2 exists: add --force to replace it"
  fi
  dir=$(dirname "$2")
  [ -d "$dir" ] || srgan_fail "the output folder $dir does not exist"
  [ -w "$dir" ] || srgan_fail "the output folder $dir is not writable"
}

# srgan_run_stoppable OUT COMMAND...: runs a gst-launch-1.0 -e COMMAND that writes
# $srgan_partial (none when OUT is empty), then renames it to OUT; its output goes through
# $srgan_output_filter (a command line) when set. Ctrl-C and SIGTERM (kill, timeout, systemd, Slurm's
# scancel) act alike: the pipeline gets an EOS, OUT keeps what was upscaled so far (a playable
# file), the script says so and exits 130 (SIGINT) or 143 (SIGTERM). A second signal stops at
# once and removes the partial file. gst-launch runs in a process group of its own, so a
# terminal's Ctrl-C reaches it only through this script, once, and it never outlives the script.
srgan_run_stoppable() {
  local output=$1 status=0
  shift
  srgan_partial=${srgan_partial:-}
  srgan_stop_signal=""
  # Job control for this one job: it gets a process group of its own (a terminal's Ctrl-C then
  # reaches it only through this script) and keeps SIGINT, which a plain background job ignores.
  set -m
  if [ -n "${srgan_output_filter:-}" ]; then
    # Only the pipeline writes into the filter, so the filter ends when the pipeline does.
    # shellcheck disable=SC2086
    "$@" > >($srgan_output_filter) &
  else
    "$@" &
  fi
  srgan_pipeline_pid=$!
  set +m
  trap 'srgan_stop INT' INT
  trap 'srgan_stop TERM' TERM
  trap 'srgan_stop_now; [ -z "$srgan_partial" ] || rm -f "$srgan_partial"; srgan_remove_temporary' EXIT
  # wait returns early (status > 128) when a trapped signal arrives: wait again until it exits.
  while :; do
    wait "$srgan_pipeline_pid" && status=0 || status=$?
    kill -0 "$srgan_pipeline_pid" 2>/dev/null || break
  done
  trap - INT TERM
  srgan_pipeline_pid=""
  # A stream that never sent a frame leaves no file (an MP4 without frames plays nowhere).
  local frames_out=any
  if [ -n "${srgan_frames_file:-}" ]; then
    # The progress filter reads the pipeline's last lines after it exits: wait for its count.
    for _ in $(seq 50); do grep -q "^end" "$srgan_frames_file" 2>/dev/null && break; sleep 0.1; done
    grep -q "^end" "$srgan_frames_file" 2>/dev/null && frames_out=$(head -1 "$srgan_frames_file")
  fi
  if [ "$frames_out" = 0 ]; then
    [ -z "$srgan_partial" ] || rm -f "$srgan_partial"
    echo "$srgan_script: no frame arrived from ${srgan_input:-the input}${output:+: no $output written}" >&2
    [ -z "$srgan_stop_signal" ] || srgan_exit_for "$srgan_stop_signal"
    exit 1
  fi
  if [ -z "$output" ]; then  # no file: a window or a network stream
    [ -z "$srgan_stop_signal" ] || { echo "$srgan_script: stopped by SIG$srgan_stop_signal" >&2; srgan_exit_for "$srgan_stop_signal"; }
    [ "$status" = 0 ] || srgan_fail "the pipeline failed (GStreamer's error is above)"
    return 0
  fi
  if [ -n "$srgan_stop_signal" ]; then
    if [ -s "$srgan_partial" ] && [ "$status" = 0 ]; then
      mv "$srgan_partial" "$output"
      echo "$srgan_script: stopped by SIG$srgan_stop_signal: $output holds what was upscaled until then" >&2
    else
      echo "$srgan_script: stopped by SIG$srgan_stop_signal before anything playable was written: no $output" >&2
    fi
    srgan_exit_for "$srgan_stop_signal"
  fi
  [ "$status" = 0 ] || srgan_fail "the pipeline failed (GStreamer's error is above)"
  srgan_finish_output "$output"
}
# Exits as a shell reports a death by that signal: 130 for INT, 143 for TERM.
srgan_exit_for() {
  [ "$1" = INT ] && exit 130
  exit 143
}
# The first signal: an EOS (gst-launch -e turns SIGINT into one); the second: stop now.
srgan_stop() {
  if [ -n "$srgan_stop_signal" ]; then
    echo "$srgan_script: SIG$1 again: stopping now, without an output file" >&2
    srgan_stop_now
    rm -f "$srgan_partial"
    srgan_exit_for "$1"
  fi
  srgan_stop_signal=$1
  echo "$srgan_script: SIG$1: finishing the output with what was upscaled so far (again to abort)" >&2
  kill -INT "$srgan_pipeline_pid" 2>/dev/null || true
}
srgan_stop_now() {
  [ -n "${srgan_pipeline_pid:-}" ] || return 0
  kill -TERM "$srgan_pipeline_pid" 2>/dev/null || return 0
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "$srgan_pipeline_pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$srgan_pipeline_pid" 2>/dev/null || true
}

# Reads gst-launch's output and rewrites progressreport's lines ("... 3 / 10 seconds (30.0 %)")
# as progress with frames per second and the time left; other lines pass. FPS is the input's
# frame rate (0: unknown, then no frames per second).
srgan_progress_filter() {
  local fps=${1:-0} line_by_line=()
  # Debian's default awk (mawk) reads a pipe in blocks unless told otherwise.
  awk -W version 2>/dev/null | grep -q mawk && line_by_line=(-W interactive)
  awk "${line_by_line[@]}" -v fps="$fps" -v start="$(date +%s)" '
    /progressreport.*seconds \(/ {
      match($0, /[0-9]+ \/ [0-9]+ seconds/)
      split(substr($0, RSTART, RLENGTH), t, " ")
      done = t[1]; total = t[3]; now = systime(); spent = now - start
      line = sprintf("progress: %d / %d s of video", done, total)
      if (total > 0) line = line sprintf(" (%.0f %%)", 100 * done / total)
      if (spent > 0 && fps > 0) line = line sprintf(", %.1f frames/s", done * fps / spent)
      if (spent > 0 && done > 0 && total > done)
        line = line sprintf(", about %d s left", (total - done) * spent / done)
      if (line != last) { print line; fflush() }
      last = line; next
    }
    { print; fflush() }'
}

# Reads gst-launch -v's output for a live pipeline with two silent=false identities named
# "received" (decoded frames) and "upscaled" (frames out of the element) and prints, every two
# seconds, frames received, upscaled and dropped, and frames per second; other lines pass but
# the per-buffer and caps notices. At the end, FILE gets the upscaled count and a line "end".
srgan_stream_progress() {
  local file=$1 line_by_line=()
  awk -W version 2>/dev/null | grep -q mawk && line_by_line=(-W interactive)
  awk "${line_by_line[@]}" -v file="$file" -v start="$(date +%s)" '
    function report() {
      spent = systime() - start
      printf "received %d, upscaled %d, dropped %d, %.1f frames/s\n", received, upscaled,
        received - upscaled, (spent > 0 ? upscaled / spent : 0)
      fflush(); last = systime()
    }
    /GstIdentity:received: last-message = chain/ { received++; next }
    /GstIdentity:upscaled: last-message = chain/ {
      upscaled++
      if (systime() - last >= 2) report()
      next
    }
    / = / && /^\/Gst/ { next }  # events, caps and property notices
    { print; fflush() }
    END { if (received > 0) report(); printf "%d\nend\n", upscaled > file; close(file) }'
}

# srgan_check_port ARGUMENT ADDRESS:PORT: both parts present, the port a number in 1-65535;
# else the argument is named and the script stops (exit 2).
srgan_check_port() {
  local address=${2%:*} port=${2##*:}
  [[ $2 == *:* ]] && [ -n "$address" ] || srgan_usage_error "$1: no port (rtp://ADDRESS:PORT)"
  [[ $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] ||
    srgan_usage_error "$1: port '$port' is not a port number (1-65535)"
}

# srgan_frame_rate FILE: the video's frames per second as GStreamer finds it (decimal; 0 when
# unknown or variable).
srgan_frame_rate() {
  gst-discoverer-1.0 -v "$1" 2>/dev/null | sed -n 's/^ *Frame rate: \([0-9]*\)\/\([0-9]*\)$/\1 \2/p' |
    head -1 | awk '{ if ($2 > 0) printf "%.3f", $1 / $2; else print 0 } END { if (NR == 0) print 0 }'
}

# Fails within seconds, naming the file, where GStreamer finds no video stream in it (audio
# only, text, a broken file); otherwise sets srgan_video_width, srgan_video_height and
# srgan_video_deep (1 for more than 8 bits per sample: 10-bit HEVC, VP9 profile 2, ...).
srgan_probe_video() {
  local info problem streams
  info=$(timeout 30 gst-discoverer-1.0 -t 20 "$(srgan_uri "$1")" 2>&1) || true
  problem=$(sed -n '/An error was encountered/{n;s/^ *//;p;q}' <<<"$info")
  [ -z "$problem" ] || srgan_fail "$1: GStreamer cannot read it ($problem)"
  # A still image (PNG, JPEG, ...): discoverer calls its stream video(image).
  srgan_video_still=0
  grep -qE '^ +video\(image\) #' <<<"$info" && srgan_video_still=1
  if ! grep -qE '^ +video(\(image\))? #' <<<"$info"; then
    streams=$(sed -n 's/^ *\(audio\|subtitles\|container\) #[0-9]*: \(.*\)$/\1 \2/p' <<<"$info" | paste -sd, -)
    srgan_fail "$1: no video stream (found: ${streams:-nothing GStreamer can decode})"
  fi
  srgan_video_width=$(sed -n 's/^ *Width: \([0-9]*\)$/\1/p' <<<"$info" | head -1)
  srgan_video_height=$(sed -n 's/^ *Height: \([0-9]*\)$/\1/p' <<<"$info" | head -1)
  # Depth is the bits of all samples of a pixel: 8-bit video is 8 (grey), 24 or 32 (alpha).
  # The video stream's own (audio streams have a Depth too).
  case "$(awk '/^ +[a-z]+ #[0-9]+:/ { video = ($1 == "video") } video && $1 == "Depth:" { print $2; exit }' <<<"$info")" in
    "" | 8 | 24 | 32) srgan_video_deep=0 ;;
    *) srgan_video_deep=1 ;;
  esac
}

# The container and encoders for OUT's extension (srgan_muxer, srgan_video_encoder,
# srgan_audio_encoder); an unknown extension is refused. LIVE=1 tunes H.264 for low latency.
# DEEP=1 (input of more than 8 bits) keeps 10 bits in codecs that common players play: HEVC Main
# 10 (x265) in MP4, MKV and MOV, VP9 profile 2 in WebM; without those encoders, or for other
# input, 8-bit H.264 (x264's High 10 plays in few players) or VP8, said in one line.
# MP4 and MOV get H.264 without B-frames: GStreamer 1.22's mp4mux writes no edit list for their
# reordering delay, so the video would start two frames after the sound (measured: 83 ms at
# 24 fps); Matroska keeps B-frames. SRGAN_H264_ENCODER replaces the x264enc line.
srgan_container_for() {
  local output=$1 live=${2:-0} deep=${3:-0} h264=x264enc hevc="x265enc option-string=bframes=0" aac
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
    srgan_video_encoder="video/x-raw,format=I420 ! vp8enc deadline=1"
    if [ "$deep" = 1 ]; then
      if srgan_has_element vp9enc; then
        srgan_video_encoder="video/x-raw,format=I420_10LE ! vp9enc deadline=1"
        echo "10-bit input: VP9 profile 2 (10 bits)"
      else
        echo "10-bit input: VP8 has 8 bits only, and this GStreamer has no vp9enc"
      fi
    fi
    srgan_audio_encoder=$(srgan_has_element opusenc && echo opusenc || echo vorbisenc)
  else
    # 8 bits: x264 would otherwise keep 10-bit or 4:2:2 input as High 10 or High 4:2:2.
    srgan_video_encoder="video/x-raw,format=I420 ! $h264 ! h264parse"
    if [ "$deep" = 1 ]; then
      if srgan_has_element x265enc; then
        srgan_video_encoder="video/x-raw,format=I420_10LE ! $hevc ! h265parse"
        echo "10-bit input: HEVC Main 10 (x265)"
      else
        echo "10-bit input: 8-bit H.264 (install gstreamer1.0-plugins-bad for HEVC Main 10)"
      fi
    fi
    srgan_audio_encoder=""  # empty where no AAC encoder is installed
    if aac=$(srgan_aac_encoder 2>/dev/null); then srgan_audio_encoder="$aac ! aacparse"; fi
  fi
}

# Output goes to a temporary file beside OUT, renamed to OUT once the run succeeded: a failed or
# interrupted run leaves neither an empty nor a partial file. Sets srgan_partial.
srgan_begin_output() {
  srgan_partial="$(dirname "$1")/.$(basename "$1").partial-$$"
  trap 'rm -f "$srgan_partial"; srgan_remove_temporary' EXIT
}
# Temporary files and folders a script makes (srgan_temporary+=(PATH)), removed when it exits by
# the same traps as the partial output.
srgan_temporary=()
srgan_remove_temporary() { [ ${#srgan_temporary[@]} -eq 0 ] || rm -rf "${srgan_temporary[@]}"; }
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

# srgan_audio_tracks FILE: how many audio streams GStreamer finds in it (0 when it cannot read
# it). The report is read whole before grep: with pipefail, `discoverer | grep` fails when grep
# stops reading early (SIGPIPE to the writer).
srgan_audio_tracks() {
  local info
  info=$(gst-discoverer-1.0 "$1" 2>/dev/null) || { echo 0; return 0; }
  grep -cE '^ +audio #' <<<"$info" || true
}

# srgan_subtitle_tracks FILE: one line per subtitle stream, "NUMBER FORMAT LANGUAGE": FORMAT is
# the text format GStreamer decodes it to (utf8, pango-markup) or the caps of other kinds
# (subpicture/x-dvd, ...); LANGUAGE is "-" when none is tagged.
srgan_subtitle_tracks() {
  local info
  info=$(gst-discoverer-1.0 -v "$1" 2>/dev/null) || return 0
  awk '
    function flush() { if (number != "") print number, format, (language != "" ? language : "-"); number = "" }
    /^ +[a-z]+ #[0-9]+: / {
      flush(); language = ""
      if ($1 != "subtitles") next
      number = substr($2, 2, length($2) - 2)
      format = $3
      if (match($0, /format=\(string\)[A-Za-z0-9_-]+/)) format = substr($0, RSTART + 15, RLENGTH - 15)
      sub(/,$/, "", format)
      next
    }
    number != "" && $1 == "Language:" && $2 != "<unknown>" { language = $2 }
    END { flush() }' <<<"$info"
}

# srgan_matroska_subtitles FILE: the subtitle tracks of a Matroska/WebM FILE as mkvmerge (Debian's
# mkvtoolnix) lists them, one line each: ID CODEC LANGUAGE (e.g. "2 S_TEXT/ASS en"); nothing for
# other files or without mkvtoolnix. mkvmerge and mkvextract copy these untouched (SRT, ASS,
# bitmaps), which GStreamer 1.22 cannot: it decodes Matroska text to Pango markup that no muxer
# takes.
srgan_matroska_subtitles() {
  command -v mkvmerge >/dev/null && command -v mkvextract >/dev/null || return 0
  mkvmerge -J "$1" 2>/dev/null | python3 -c '
import json, sys
try:
    info = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
if info.get("container", {}).get("type") != "Matroska":
    sys.exit(0)
for track in info.get("tracks", []):
    if track.get("type") == "subtitles":
        p = track.get("properties", {})
        language = p.get("language_ietf") or p.get("language") or "-"
        print(track["id"], p.get("codec_id", "?"), "-" if language == "und" else language)
' || true
}

# srgan_ass_to_srt ASS SRT: the dialogue of an SSA/ASS file as SubRip text, for containers that
# hold plain text subtitles (MP4's mov_text): override tags ({\i1}, ...) dropped, \N and \n as
# line breaks, cues in time order.
srgan_ass_to_srt() {
  python3 - "$1" "$2" <<'PY'
import re, sys
events, fields = [], None
for line in open(sys.argv[1], encoding="utf-8-sig", errors="replace"):
    line = line.rstrip("\r\n")
    if line.startswith("Format:") and fields is None:
        continue
    if line.startswith("[Events]"):
        fields = []
    elif fields == [] and line.startswith("Format:"):
        fields = [f.strip() for f in line[7:].split(",")]
    elif fields and line.startswith("Dialogue:"):
        values = line[9:].split(",", len(fields) - 1)
        row = dict(zip(fields, (v.strip() if f != "Text" else v for f, v in zip(fields, values))))
        text = re.sub(r"\{[^}]*\}", "", row.get("Text", ""))
        text = text.replace("\\N", "\n").replace("\\n", "\n").replace("\\h", " ").strip()
        if text:
            events.append((row["Start"], row["End"], text))

def srt_time(t):
    h, m, s = t.split(":")
    seconds, centis = (s.split(".") + ["0"])[:2]
    return f"{int(h):02}:{int(m):02}:{int(seconds):02},{int(centis.ljust(2, '0')[:2]) * 10:03}"

def key(t):
    h, m, s = t.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)

with open(sys.argv[2], "w", encoding="utf-8") as out:
    for i, (start, end, text) in enumerate(sorted(events, key=lambda e: key(e[0])), 1):
        out.write(f"{i}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n\n")
PY
}

# srgan_subtitle_name NUMBER LANGUAGE (a line of srgan_subtitle_tracks): "subtitle track #4
# (en)", or "subtitle track #4" where LANGUAGE is "-".
srgan_subtitle_name() { echo "subtitle track #$1$([ "$2" = - ] || echo " ($2)")"; }

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

# srgan_kill_tree SIGNAL PID: sends SIGNAL to PID and every process below it, whatever process
# group each is in (GNU parallel puts each job in its own, timeout and gst-launch too). Parents
# first: a job's wrapper that outlived its command would report the stopped job as failed.
srgan_process_tree() {
  local child
  echo "$1"
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do srgan_process_tree "$child"; done
}
srgan_kill_tree() {
  local pid
  for pid in $(srgan_process_tree "$2"); do kill "-$1" "$pid" 2>/dev/null || true; done
}

# For multi-step scripts: srgan_stoppable_stages sets Ctrl-C (to the script or its process group)
# and SIGTERM to stop the script at any point: srgan_run_stage COMMAND... runs a step in the
# background and waits for it, and a stop ends that step and everything it started within
# seconds (TERM to the whole tree, KILL 3 s later); then srgan_on_stop (set by the caller: what
# was kept and how to resume) says what remains, and the script exits 130 or 143. A step's own
# failure returns its status.
srgan_stage_pid=""
srgan_stoppable_stages() {
  trap 'srgan_stop_stage INT' INT
  trap 'srgan_stop_stage TERM' TERM
}
srgan_stop_stage() {
  trap '' INT TERM
  if [ -n "$srgan_stage_pid" ]; then
    srgan_kill_tree TERM "$srgan_stage_pid"
    for _ in $(seq 30); do kill -0 "$srgan_stage_pid" 2>/dev/null || break; sleep 0.1; done
    srgan_kill_tree KILL "$srgan_stage_pid"
    wait "$srgan_stage_pid" 2>/dev/null || true
  fi
  echo "$srgan_script: stopped by SIG$1${srgan_on_stop:+: $($srgan_on_stop)}" >&2
  srgan_exit_for "$1"
}
srgan_run_stage() {
  local status=0
  "$@" &
  srgan_stage_pid=$!
  wait "$srgan_stage_pid" || status=$?
  srgan_stage_pid=""
  return "$status"
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

# srgan_upscale_folder SCRIPT IN_DIR OUT_DIR [--format EXT] [options]: runs SCRIPT IN OUT
# [options] for every video under IN_DIR (recursively), OUT at the same place under OUT_DIR in
# the input's container (or --format's; other containers become mkv). An existing OUT is
# complete (outputs appear only when done) and is skipped unless --force. One line per video,
# a summary at the end; returns 0 only when nothing failed. A signal stops after passing it to
# the running video (which keeps its playable part) and still prints the summary.
srgan_upscale_folder() {
  local script=$1 in_dir=$2 out_dir=$3 format="" force=0 options=() files=() rel out ext
  local done=0 skipped=0 failed=0 failures=() status err
  shift 3
  while [ $# -gt 0 ]; do
    case "$1" in
      --format)
        srgan_value "$@"
        case "$2" in mp4 | mkv | mov | webm) format=$2 ;; *) srgan_usage_error "--format takes mp4, mkv, mov or webm, not '$2'" ;; esac
        shift 2 ;;
      --force) force=1 options+=(--force); shift ;;
      *) srgan_element_arg "$@" || srgan_usage_error "unknown argument '$1'"
        options+=("$1" "$2"); shift 2 ;;
    esac
  done
  [ -e "$out_dir" ] && [ ! -d "$out_dir" ] && srgan_fail "$out_dir is a file: OUT_DIR must be a folder for IN_DIR"
  [ "$(realpath "$in_dir")" = "$(realpath -m "$out_dir")" ] && srgan_fail "$out_dir is the input folder itself: choose another"
  [ -d "$(dirname "$out_dir")" ] || srgan_fail "the output folder's parent $(dirname "$out_dir") does not exist"
  mkdir -p "$out_dir" 2>/dev/null || srgan_fail "cannot create the output folder $out_dir"
  [ -w "$out_dir" ] || srgan_fail "the output folder $out_dir is not writable"
  srgan_find_plugin
  while IFS= read -r -d '' rel; do files+=("$rel"); done < <(cd "$in_dir" && find . -type f \
    \( -iname '*.mp4' -o -iname '*.mkv' -o -iname '*.mov' -o -iname '*.webm' -o -iname '*.avi' \
    -o -iname '*.m4v' -o -iname '*.mpg' -o -iname '*.mpeg' -o -iname '*.ts' -o -iname '*.m2ts' \
    -o -iname '*.wmv' -o -iname '*.flv' -o -iname '*.ogv' -o -iname '*.3gp' \) \
    -not -path '*/.*' -print0 | sort -z)
  [ ${#files[@]} -gt 0 ] || srgan_fail "no videos in $in_dir"
  echo "upscaling ${#files[@]} videos from $in_dir into $out_dir"
  srgan_folder_child="" srgan_folder_signal=""
  trap 'srgan_folder_signal=INT; [ -n "$srgan_folder_child" ] && kill -INT "$srgan_folder_child" 2>/dev/null' INT
  trap 'srgan_folder_signal=TERM; [ -n "$srgan_folder_child" ] && kill -TERM "$srgan_folder_child" 2>/dev/null' TERM
  err=$(mktemp)
  for rel in "${files[@]}"; do
    rel=${rel#./}
    ext=${rel##*.}
    ext=${ext,,}
    case "$ext" in mp4 | mkv | mov | webm) ;; *) ext=mkv ;; esac
    out="$out_dir/${rel%.*}.${format:-$ext}"
    if [ -e "$out" ] && [ "$force" != 1 ]; then
      echo "== $rel: skipped ($out exists)"
      skipped=$((skipped + 1))
      continue
    fi
    mkdir -p "$(dirname "$out")"
    echo "== $rel -> $out"
    # Its own process group: a terminal's Ctrl-C reaches it only through the trap above, once.
    set -m
    "$script" "$in_dir/$rel" "$out" "${options[@]}" 2>"$err" &
    srgan_folder_child=$!
    set +m
    while :; do
      wait "$srgan_folder_child" && status=0 || status=$?
      kill -0 "$srgan_folder_child" 2>/dev/null || break
    done
    srgan_folder_child=""
    cat "$err" >&2
    if [ "$status" = 0 ]; then
      done=$((done + 1))
    else
      failed=$((failed + 1))
      failures+=("$rel: $(grep -v '^$' "$err" | tail -1)")
    fi
    [ -z "$srgan_folder_signal" ] || break
  done
  rm -f "$err"
  trap - INT TERM
  echo "== summary: $done upscaled, $skipped skipped (already done), $failed failed$([ -n "$srgan_folder_signal" ] && echo ", stopped by SIG$srgan_folder_signal")"
  for rel in "${failures[@]}"; do echo "   failed: $rel"; done
  if [ -n "$srgan_folder_signal" ]; then
    [ "$srgan_folder_signal" = INT ] && return 130
    return 143
  fi
  [ "$failed" = 0 ]
}
