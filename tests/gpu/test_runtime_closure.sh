#!/usr/bin/env bash
# CI check of the GPU check's library carrying (tests/gpu/runtime_closure.sh), on this machine's
# own GStreamer: a carried gst-launch-1.0 and libgstreamer get their whole runtime closure
# (libunwind and libdw among it, which a bare GPU machine lacked), glibc stays out, the result
# is self-contained by its NEEDED entries, a gap is reported, and on the "GPU machine" only the
# libraries it lacks are used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/runtime_closure.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

lib=/usr/lib/x86_64-linux-gnu
root=$work/carried
mkdir -p "$root/usr/bin" "$root/usr/lib/x86_64-linux-gnu"
cp /usr/bin/gst-launch-1.0 "$root/usr/bin/"
cp -P "$lib"/libgstreamer-1.0.so* "$root/usr/lib/x86_64-linux-gnu/"
cp -L "$lib"/libglib-2.0.so.0 "$root/usr/lib/x86_64-linux-gnu/"   # a non-GStreamer library carried
ln -s libglib-2.0.so.0 "$root/usr/lib/x86_64-linux-gnu/libglib-2.0.so"  # its development link
closure=$work/closure

srgan_split_closure "$root/usr/lib/x86_64-linux-gnu" "$closure"
[ -e "$closure/libglib-2.0.so.0" ] || fail "glib was not moved out of the GStreamer folder"
[ ! -e "$root/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0" ] || fail "glib's soname stayed beside GStreamer"
[ -e "$root/usr/lib/x86_64-linux-gnu/libglib-2.0.so" ] || fail "glib's development link dangles"

copied=$(srgan_copy_runtime_closure "$closure" "$root")
echo "$copied"
for soname in libunwind.so.8 libdw.so.1 libgobject-2.0.so.0 libffi.so.8 libz.so.1; do
  [ -f "$closure/$soname" ] || fail "$soname is missing from the closure"
done
for soname in libc.so.6 libm.so.6 ld-linux-x86-64.so.2; do
  [ ! -e "$closure/$soname" ] || fail "$soname (glibc) was carried"
done
srgan_check_self_contained "$root" "$closure" || fail "the closure is not self-contained"

# A gap is found and named.
rm "$closure/libdw.so.1"
if gaps=$(srgan_check_self_contained "$root" "$closure" 2>&1); then fail "a missing libdw went unnoticed"; fi
grep -q "needs libdw.so.1" <<<"$gaps" || fail "the gap was not named: $gaps"
srgan_copy_runtime_closure "$closure" "$root" >/dev/null

# The GPU machine has glib, zlib and libffi of its own, and no libunwind or libdw.
printf '%s\n' libglib-2.0.so.0 libz.so.1 libffi.so.8 >"$work/machine"
used=$(SRGAN_MACHINE_SONAMES=$work/machine srgan_link_missing "$closure" "$work/use")
for soname in libunwind.so.8 libdw.so.1; do
  grep -qxF "$soname" <<<"$used" || fail "$soname, which the machine lacks, is not used"
done
for soname in libglib-2.0.so.0 libz.so.1 libffi.so.8; do
  ! grep -qxF "$soname" <<<"$used" || fail "the carried $soname would replace the machine's"
  [ ! -e "$work/use/$soname" ] || fail "$soname is linked in the use folder"
done

# And the carried program runs with the carried folders first.
# (Its own registry, no plugins: nothing shared with the tests that run beside it.)
version=$(GST_PLUGIN_SYSTEM_PATH_1_0= GST_PLUGIN_PATH_1_0= GST_REGISTRY_1_0=$work/registry.bin \
  LD_LIBRARY_PATH=$root/usr/lib/x86_64-linux-gnu:$closure "$root/usr/bin/gst-launch-1.0" --version 2>&1) ||
  fail "the carried gst-launch-1.0 does not run: $version"
grep -q "GStreamer 1\." <<<"$version" || fail "the carried gst-launch-1.0 printed: $version"
echo "runtime closure: $(ls "$closure" | wc -l) libraries, self-contained; machine-first choice correct"
