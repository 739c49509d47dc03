#!/usr/bin/env bash
# test_install.sh BUILD_DIR FIXTURES: `cmake --install` into a temporary prefix, then
# gst-inspect-1.0 and a 3-buffer pipeline use only the installed files (the plugin from the
# prefix, its default model from the prefix's data folder when the model is bundled).
set -euo pipefail
build=$1 fixtures=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > "$prefix.log"
plugin=$(find "$prefix" -name libgstsrgan.so)
[ -n "$plugin" ] || { echo "no plugin installed under $prefix"; exit 1; }
[ -x "$prefix/bin/srgan-train" ] || { echo "srgan-train not installed"; exit 1; }
export GST_PLUGIN_PATH_1_0=$(dirname "$plugin") GST_REGISTRY_1_0=$prefix/registry.bin
inspect=$(gst-inspect-1.0 srganupscale)
grep -q "Filename *$plugin" <<<"$inspect" || { echo "gst-inspect does not use the installed plugin"; echo "$inspect"; exit 1; }
default_model=$(sed -n '/model-location/,/Default/ s/.*Default: "\(.*\)"/\1/p' <<<"$inspect")
echo "installed plugin: $plugin; default model: $default_model"
if [ -f "$prefix/share/srganupscale/models/srgan-x4.pt" ]; then
  [ "$(realpath "$default_model")" = "$(realpath "$prefix/share/srganupscale/models/srgan-x4.pt")" ] \
    || { echo "the default model is not the installed one"; exit 1; }
  model_args=()
else
  model_args=(model-location="$fixtures/tiny_x4_traced.pt")
fi
gst-launch-1.0 -q videotestsrc num-buffers=3 ! video/x-raw,width=32,height=24 \
  ! srganupscale device=cpu "${model_args[@]}" ! fakesink
"$prefix/bin/srgan-train" info "$fixtures/tiny_x4_traced.pt" | grep -q "scale: 4"
echo "install OK"
