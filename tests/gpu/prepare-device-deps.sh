#!/usr/bin/env bash
# Copies the build dependencies a bare GPU machine lacks (header-only CLI11 and stb, and
# GoogleTest's sources) from this Debian machine into .device-deps/, which device-check.sh uses
# when it finds it. Run here, then carry .device-deps to the GPU machine.
#
#   tests/gpu/prepare-device-deps.sh [--gstreamer]
#
# --gstreamer also unpacks Debian 12's GStreamer 1.22 (development files, libraries, the tools
# and the plugins the GPU tests use: core elements, videotestsrc, videoconvert, app, rawparse,
# nvcodec's cudaupload/cudadownload) into .device-deps/gstreamer, with its pkg-config files made
# relocatable, and the runtime closure of everything carried (every library it needs beyond
# glibc, found with ldd here) into .device-deps/closure. device-check.sh then builds and tests
# the plugin with it, using a closure library only where the GPU machine has none of that name.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/runtime_closure.sh"
with_gstreamer=0
[ "${1:-}" = --gstreamer ] && with_gstreamer=1
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source tests/setup-deps.sh >/dev/null
rm -rf .device-deps
mkdir -p .device-deps/include .device-deps/share/cmake .device-deps/src
cp -r /usr/include/CLI /usr/include/stb .device-deps/include/
cp -r /usr/share/cmake/CLI11 .device-deps/share/cmake/
cp -r /usr/src/googletest .device-deps/src/
if [ "$with_gstreamer" = 1 ]; then
  packages=(libgstreamer1.0-dev libgstreamer1.0-0 libgstreamer-plugins-base1.0-dev
    libgstreamer-plugins-base1.0-0 libgstreamer-plugins-bad1.0-dev libgstreamer-plugins-bad1.0-0
    libgstreamer-gl1.0-0 gstreamer1.0-plugins-base gstreamer1.0-plugins-bad gstreamer1.0-tools
    libglib2.0-dev libglib2.0-0 liborc-0.4-0
    libgl-dev libegl-dev libgles-dev libglx-dev libglvnd-dev mesa-common-dev libx11-dev x11proto-dev)
  debs=$(mktemp -d)
  (cd "$debs" && apt-get download "${packages[@]}" >/dev/null)
  root=.device-deps/gstreamer
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$root"; done
  rm -rf "$debs" "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" \
    "$root/usr/share/gdb" "$root/usr/share/bash-completion" "$root/usr/share/gir-1.0" \
    "$root/usr/share/gtk-doc" "$root/usr/share/glib-2.0/codegen" "$root/usr/lib/x86_64-linux-gnu/girepository-1.0"
  # Only the plugins the tests use: the rest of gst-plugins-bad would bring libraries a GPU
  # machine does not have.
  plugins=$root/usr/lib/x86_64-linux-gnu/gstreamer-1.0
  for plugin in "$plugins"/*.so; do
    case $(basename "$plugin") in
      libgstcoreelements.so | libgstvideotestsrc.so | libgstvideoconvertscale.so | libgstapp.so | \
        libgstrawparse.so | libgstnvcodec.so | libgstvideoparsersbad.so) ;;
      *) rm -f "$plugin" ;;
    esac
  done
  # prefix=/usr -> the folder the .pc file is in, wherever the tree lands.
  for pc in "$root"/usr/lib/x86_64-linux-gnu/pkgconfig/*.pc "$root"/usr/share/pkgconfig/*.pc; do
    [ -f "$pc" ] || continue
    case $pc in
      */share/pkgconfig/*) up='${pcfiledir}/../..' ;;
      *) up='${pcfiledir}/../../..' ;;
    esac
    # Requires.private only matters for static linking, and names packages not carried.
    sed -i -e "s|^prefix=/usr\$|prefix=$up|" -e '/^Requires.private:/d' "$pc"
  done
  # Dev symlinks that point at absolute paths (/usr/lib/...) are made relative.
  find "$root" -type l | while read -r link; do
    target=$(readlink "$link")
    case $target in /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$root$target")" "$link" ;; esac
  done
  # Only the GStreamer libraries that the tools, the kept plugins and our build need.
  lib=$root/usr/lib/x86_64-linux-gnu
  rm -f "$root"/usr/bin/{gst-stats-1.0,gst-tester-1.0,gst-typefind-1.0,dh_gstscancodecs}
  srgan_prune_gst_libraries "$lib" "$root"/usr/bin/* "$lib"/gstreamer1.0/gstreamer-1.0/* \
    "$lib"/gstreamer-1.0/*.so -- libgstreamer-1.0.so.0 libgstbase-1.0.so.0 libgstvideo-1.0.so.0 \
    libgstapp-1.0.so.0 libgstcheck-1.0.so.0 libgstcuda-1.0.so.0
  # Everything that is not GStreamer's own moves to the closure folder (used only where the GPU
  # machine lacks it), which then receives every library the carried files need from here.
  srgan_split_closure "$root/usr/lib/x86_64-linux-gnu" .device-deps/closure
  echo "runtime closure (from this machine):"
  srgan_copy_runtime_closure .device-deps/closure "$root" | sed 's/^/  /'
  srgan_drop_unneeded_closure .device-deps/closure "$root"
  srgan_check_self_contained "$root" .device-deps/closure
fi
# A real H.264 stream for nvh264dec in tests/gpu/element-check.sh (the GPU machine has no x264):
# the moving ball, 8 frames at 1280x720, Annex B.
mkdir -p .device-deps/media
gst-launch-1.0 -q videotestsrc pattern=ball num-buffers=8 ! \
  video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! x264enc ! \
  video/x-h264,stream-format=byte-stream ! filesink location=.device-deps/media/ball-1280x720.h264
du -sh .device-deps .device-deps/* | sort -h
