# Sourced by pipeline tests: assertions on media files through gst-discoverer-1.0.

# check_media FILE WIDTH HEIGHT SECONDS AUDIO(yes|no) [TOLERANCE_SECONDS, default 0.15]
check_media() {
  local file=$1 width=$2 height=$3 seconds=$4 audio=$5 tolerance=${6:-0.15} info
  info=$(gst-discoverer-1.0 "$file") || { echo "cannot discover $file"; return 1; }
  grep -q "Width: $width\$" <<<"$info" || { echo "$file: width is not $width"; echo "$info"; return 1; }
  grep -q "Height: $height\$" <<<"$info" || { echo "$file: height is not $height"; echo "$info"; return 1; }
  local duration
  duration=$(sed -n 's/^ *Duration: \([0-9]*\):\([0-9]*\):\([0-9.]*\)$/\1 \2 \3/p' <<<"$info" | awk '{print $1*3600+$2*60+$3}')
  awk -v d="$duration" -v s="$seconds" -v t="$tolerance" 'BEGIN { exit !(d > s - t && d < s + t) }' \
    || { echo "$file: duration $duration s, expected $seconds s"; return 1; }
  if [ "$audio" = yes ]; then
    grep -qE '^ +audio #' <<<"$info" || { echo "$file: no audio stream"; return 1; }
  else
    ! grep -qE '^ +audio #' <<<"$info" || { echo "$file: unexpected audio stream"; return 1; }
  fi
  echo "$file: ${width}x${height}, ${duration} s, audio: $audio"
}

# count_frames FILE: the number of video frames FILE holds (decoded).
count_frames() {
  local log
  log=$(gst-launch-1.0 -v filesrc location="$1" ! decodebin ! video/x-raw ! fakesink silent=false 2>&1) ||
    { echo "cannot decode $1" >&2; return 1; }
  grep -c "last-message = chain" <<<"$log" || true
}

# av_times FILE: "VIDEO_START VIDEO_END AUDIO_START AUDIO_END" in seconds, from the decoded
# buffers' timestamps (end = last timestamp + its duration), as a player sees them.
av_times() {
  local log
  log=$(gst-launch-1.0 -v uridecodebin uri="file://$(realpath "$1")" name=d \
    d. ! video/x-raw ! fakesink name=v silent=false d. ! audio/x-raw ! fakesink name=a silent=false 2>&1) ||
    { echo "cannot decode $1" >&2; return 1; }
  awk '
    function seconds(t,   p) { split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3] }
    /last-message = chain/ {
      kind = ($0 ~ /fakesink name=v|:v:|\(v:sink\)/) ? "v" : "a"
      if (match($0, /\((v|a):sink\)/)) kind = substr($0, RSTART + 1, 1)
      if (!match($0, /pts: [0-9:.]+/)) next
      pts = seconds(substr($0, RSTART + 5, RLENGTH - 5))
      dur = 0
      if (match($0, /duration: [0-9:.]+/)) dur = seconds(substr($0, RSTART + 10, RLENGTH - 10))
      if (!(kind in first) || pts < first[kind]) first[kind] = pts
      if (pts + dur > last[kind]) last[kind] = pts + dur
    }
    END { printf "%.4f %.4f %.4f %.4f\n", first["v"], last["v"], first["a"], last["a"] }' <<<"$log"
}
