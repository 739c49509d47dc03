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

# decoded_times.py reads the decoded buffers with pad probes: gst-launch -v's last-message
# notifications dropped one now and then (a first frame missing, a flaky test).
srgan_decoded_times=$(dirname "${BASH_SOURCE[0]}")/decoded_times.py

# count_frames FILE: the number of video frames FILE holds (decoded).
count_frames() {
  local times
  times=$("$srgan_decoded_times" "$1") || return 1
  echo "${times%% *}"
}

# av_times FILE: "VIDEO_START VIDEO_END AUDIO_START AUDIO_END" in seconds, from the decoded
# buffers' timestamps (end = last timestamp + its duration), as a player sees them.
av_times() {
  local times
  times=$("$srgan_decoded_times" "$1") || return 1
  echo "${times#* }"
}
