#!/usr/bin/env bash
# c_example.sh PLUGIN_DIR CLIP: the README's C example, extracted from README.md as printed,
# compiles and upscales a clip (exit 0, a 4x MP4); without the plugin, or without its input,
# it says why on one line and exits 1.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$repo/tests/support/require_elements.sh"
source "$repo/tests/pipelines/check_media.sh"
plugin_dir=$1 clip=$2
srgan_require_elements filesrc decodebin videoconvert x264enc mp4mux filesink
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk '/^```c$/ { inside = 1; next } /^```$/ { inside = 0 } inside' "$repo/README.md" >"$dir/app.c"
[ -s "$dir/app.c" ] || { echo "no C block in README.md"; exit 1; }
# shellcheck disable=SC2046
gcc -Wall -Werror "$dir/app.c" -o "$dir/app" $(pkg-config --cflags --libs gstreamer-1.0)
cd "$dir"
export GST_REGISTRY_1_0=$dir/registry.bin  # its own: one case below hides our plugin

# As printed: in.webm -> out.mp4 at 4x, with the plugin on the path.
cp "$clip" in.webm
GST_PLUGIN_PATH_1_0=$plugin_dir ./app
check_media out.mp4 256 144 1.0 no

# The plugin not found: the parse error is reported (it was "Internal data stream error", exit 0).
rm -f out.mp4
if GST_PLUGIN_PATH_1_0=$dir GST_PLUGIN_PATH= ./app 2>err; then echo "exit 0 without the plugin"; exit 1; fi
cat err
grep -q "srganupscale" err
[ "$(wc -l <err)" = 1 ]

# The input missing: the error names it and the exit status says so.
rm in.webm
if GST_PLUGIN_PATH_1_0=$plugin_dir ./app 2>err; then echo "exit 0 without its input"; exit 1; fi
cat err
grep -q "in.webm" err
[ "$(wc -l <err)" = 1 ]
echo "README C example: upscales as printed, exits 1 with a reason on failure"
