#!/usr/bin/env bash
# test_install.sh cmake|meson BUILD_DIR FIXTURES: installs into a temporary folder (CMake: as the
# prefix; meson: as DESTDIR), then gst-inspect-1.0 and a 3-buffer pipeline use only the installed
# files: the plugin from there, and its default model from there when the model is bundled.
set -euo pipefail
tool=$1 build=$2 fixtures=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix" "$prefix.log"' EXIT
case "$tool" in
  cmake) cmake --install "$build" --prefix "$prefix" > "$prefix.log" ;;
  meson) meson install -C "$build" --destdir "$prefix" --no-rebuild > "$prefix.log" ;;
  *) echo "usage: $0 cmake|meson BUILD_DIR FIXTURES"; exit 2 ;;
esac
plugin=$(find "$prefix" -name libgstsrgan.so)
[ -n "$plugin" ] || { echo "no plugin installed under $prefix"; exit 1; }
train=$(find "$prefix" -name srgan-train -type f)
[ -x "$train" ] || { echo "srgan-train not installed"; exit 1; }
export GST_PLUGIN_PATH_1_0=$(dirname "$plugin") GST_REGISTRY_1_0=$prefix/registry.bin
inspect=$(gst-inspect-1.0 srganupscale)
grep -q "Filename *$plugin" <<<"$inspect" || { echo "gst-inspect does not use the installed plugin"; echo "$inspect"; exit 1; }
default_model=$(sed -n '/model-location/,/Default/ s/.*Default: "\(.*\)"/\1/p' <<<"$inspect")
echo "installed plugin: $plugin; default model: $default_model"
installed_model=$(find "$prefix" -name srgan-x4.pt)
if [ -n "$installed_model" ]; then
  [ "$(realpath "$default_model")" = "$(realpath "$installed_model")" ] \
    || { echo "the default model is not the installed one"; exit 1; }
  model_args=()
else
  model_args=(model-location="$fixtures/tiny_x4_traced.pt")
fi
gst-launch-1.0 -q videotestsrc num-buffers=3 ! video/x-raw,width=32,height=24 \
  ! srganupscale device=cpu "${model_args[@]}" ! fakesink
grep -q "scale: 4" <<<"$("$train" info "$fixtures/tiny_x4_traced.pt")"
echo "install OK"
