#!/usr/bin/env bash
# Subtitles of every kind are kept: an MKV with an SRT and an ASS track (with a font attached)
# upscaled to MKV keeps both tracks byte for byte, the font and the chapters (mkvmerge copies
# them untouched); to MP4 both become text tracks with every cue (the ASS one said to lose its
# styling). GStreamer 1.22 alone dropped Matroska's text tracks: it decodes them to Pango markup.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/pipelines/check_media.sh"
source "$repo/tests/support/require_elements.sh"
srgan_require_elements uridecodebin subparse matroskademux matroskamux mp4mux x264enc
command -v mkvmerge >/dev/null && command -v mkvextract >/dev/null ||
  { echo "SKIP: needs mkvmerge and mkvextract (Debian package mkvtoolnix)"; exit 77; }
model=$repo/tests/fixtures/tiny_x4_traced.pt
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
printf '1\n00:00:00,100 --> 00:00:00,500\nFirst cue\n\n2\n00:00:00,600 --> 00:00:00,900\nSecond cue\n' >"$dir/cues.srt"
cat >"$dir/styled.ass" <<'ASS'
[Script Info]
ScriptType: v4.00+
PlayResX: 64
PlayResY: 36

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,DejaVu Sans,12,&H0000FFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,2,2,2,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:00.10,0:00:00.50,Default,,0,0,0,,{\i1}Styled{\i0} first
Dialogue: 0,0:00:00.60,0:00:00.90,Default,,0,0,0,,Styled second
ASS
printf 'not a real font, but an attachment all the same\n' >"$dir/font.ttf"
printf 'CHAPTER01=00:00:00.000\nCHAPTER01NAME=Start\n' >"$dir/chapters.txt"
mkvmerge -q -o "$dir/in.mkv" --chapters "$dir/chapters.txt" \
  --attachment-mime-type font/ttf --attach-file "$dir/font.ttf" \
  "$repo/tests/fixtures/clip-1s-64x36.webm" --language 0:en "$dir/cues.srt" \
  --language 0:de "$dir/styled.ass"
subtitles_of() {  # ID CODEC LANGUAGE per subtitle track
  mkvmerge -J "$1" | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tracks"]:
    if t["type"] == "subtitles":
        p = t["properties"]
        print(t["id"], p["codec_id"], p.get("language"))'
}
extract() {  # extract FILE ID OUT: the track's payload as mkvextract writes it
  mkvextract "$1" tracks "$2:$3" >/dev/null
}
[ "$(subtitles_of "$dir/in.mkv" | wc -l)" = 2 ] || fail "the fixture has no two subtitle tracks"

# MKV: both tracks, untouched, with the font and the chapters.
"$repo/pipelines/upscale-file.sh" "$dir/in.mkv" "$dir/out.mkv" --model "$model" --device cpu 2>&1 | tee "$dir/log"
check_media "$dir/out.mkv" 256 144 1.0 yes
grep -q "(1 audio track, 2 subtitle tracks)" "$dir/log" || fail "the subtitle tracks are not counted"
! grep -q "not kept" "$dir/log" || fail "a track was dropped"
mapfile -t before < <(subtitles_of "$dir/in.mkv")
mapfile -t after < <(subtitles_of "$dir/out.mkv")
[ "${#after[@]}" = 2 ] || fail "out.mkv has ${#after[@]} subtitle tracks"
for i in 0 1; do
  read -r in_id in_codec in_language <<<"${before[$i]}"
  read -r out_id out_codec out_language <<<"${after[$i]}"
  [ "$in_codec $in_language" = "$out_codec $out_language" ] ||
    fail "track $i: $in_codec $in_language became $out_codec $out_language"
  extract "$dir/in.mkv" "$in_id" "$dir/in-$i.sub"
  extract "$dir/out.mkv" "$out_id" "$dir/out-$i.sub"
  cmp "$dir/in-$i.sub" "$dir/out-$i.sub" || fail "track $i ($in_codec) changed"
done
grep -q "Styled{\\\\i0} first" "$dir/out-1.sub" || fail "the ASS styling is gone"
info=$(mkvmerge -J "$dir/out.mkv")
grep -q '"file_name": "font.ttf"' <<<"$info" || fail "the attached font is gone"
mkvextract "$dir/out.mkv" chapters --simple "$dir/chapters-out.txt" >/dev/null
grep -q "CHAPTER01NAME=Start" "$dir/chapters-out.txt" || fail "the chapters are gone"

# MP4: both tracks as text, every cue in order; the ASS track is said to lose its styling.
"$repo/pipelines/upscale-file.sh" "$dir/in.mkv" "$dir/out.mp4" --model "$model" --device cpu 2>&1 | tee "$dir/log"
check_media "$dir/out.mp4" 256 144 1.0 yes
info=$(gst-discoverer-1.0 "$dir/out.mp4")
[ "$(grep -c '^ *subtitles #' <<<"$info")" = 2 ] || fail "out.mp4 lacks a subtitle track"
grep -q "keeps its text, not its ASS styling" "$dir/log" || fail "the ASS styling loss is not said"
gst-launch-1.0 -q filesrc location="$dir/out.mp4" ! qtdemux name=d \
  d.subtitle_0 ! queue ! filesink location="$dir/mp4-0.txt" \
  d.subtitle_1 ! queue ! filesink location="$dir/mp4-1.txt" d.video_0 ! queue ! fakesink \
  d.audio_0 ! queue ! fakesink
for i in 0 1; do
  text=$(tr -d '\000-\010' <"$dir/mp4-$i.txt" | tr '\n' ' ')
  [[ $text == *"First cue"*"Second cue"* || $text == *"Styled first"*"Styled second"* ]] ||
    fail "out.mp4 subtitle track $i: $text"
done
echo "subtitles OK"
