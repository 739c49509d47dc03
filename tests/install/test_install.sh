#!/usr/bin/env bash
# test_install.sh cmake|meson BUILD_DIR FIXTURES: installs into a temporary folder (CMake: as the
# prefix; meson: as DESTDIR), then gst-inspect-1.0 and a 3-buffer pipeline use only the installed
# files: the plugin from there, and the bundled models (model=x4, model=x2, srgan-train info x2)
# from there.
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
# Each bundled model that is installed runs from the install, found beside the plugin (any
# prefix); without bundled models, a fixture model.
ran=0
for name in x4 x2; do
  installed_model=$(find "$prefix" -name "srgan-$name.pt")
  [ -n "$installed_model" ] || continue
  log=$(GST_DEBUG=srganupscale:4 gst-launch-1.0 -q videotestsrc num-buffers=3 \
    ! video/x-raw,width=32,height=24 ! srganupscale device=cpu model=$name ! fakesink 2>&1)
  grep -q "loading model $installed_model" <<<"$log" \
    || { echo "model=$name did not load the installed $installed_model:"; echo "$log" | tail -5; exit 1; }
  grep -q "scale: ${name#x}" <<<"$("$train" info "$name")" \
    || { echo "srgan-train info $name does not find the installed model"; exit 1; }
  echo "installed plugin: $plugin; model=$name: $installed_model"
  ran=$((ran + 1))
done
if [ "$ran" = 0 ]; then
  gst-launch-1.0 -q videotestsrc num-buffers=3 ! video/x-raw,width=32,height=24 \
    ! srganupscale device=cpu model-location="$fixtures/tiny_x4_traced.pt" ! fakesink
fi
grep -q "scale: 4" <<<"$("$train" info "$fixtures/tiny_x4_traced.pt")"
echo "install OK"
