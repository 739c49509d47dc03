# The runtime closure of carried libraries, sourced by prepare-device-deps.sh (on Debian, where
# the libraries come from), device-check.sh (on the GPU machine, where they are used) and the
# CI check tests/gpu/test_runtime_closure.sh.
#
# Carried: GStreamer's own libraries and plugins, which a GPU machine never has, are always used.
# Every other carried library sits in a closure folder and is used only where the machine has
# no library of that name, so the machine's own glib, zlib, libffi (and glibc, never carried)
# stay in charge.

# glibc's libraries: never carried, a copy from another glibc would break the process.
srgan_base_soname() {
  case $1 in
    libc.so.* | libm.so.* | libpthread.so.* | libdl.so.* | librt.so.* | ld-linux*.so.* | \
      libresolv.so.* | libutil.so.* | libanl.so.* | libmvec.so.* | linux-vdso.so.*) return 0 ;;
  esac
  return 1
}

# Every ELF file (executable or shared library) under the given folders.
srgan_elf_files() {
  find "$@" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) 2>/dev/null |
    while read -r file; do
      [ "$(head -c 4 "$file" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ] && echo "$file"
    done
}

srgan_needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# Deletes GStreamer's libraries in LIBDIR (with their development links) that neither the ELF
# files given nor the libraries named after -- need, directly or through each other: Debian's
# packages bring dozens (WebRTC, Vulkan, Wayland, ...) whose dependencies a GPU machine lacks.
#   srgan_prune_gst_libraries LIBDIR FILE... -- libgstreamer-1.0.so.0 ...
srgan_prune_gst_libraries() {
  local libdir=$1 file needed keep=() queue=() lib
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do queue+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  for lib in "$@"; do queue+=("$libdir/$lib"); done
  while [ ${#queue[@]} -gt 0 ]; do
    file=${queue[0]}
    queue=("${queue[@]:1}")
    for needed in $(srgan_needed "$file"); do
      case $needed in libgst*) ;; *) continue ;; esac
      [[ " ${keep[*]} " == *" $needed "* ]] && continue
      keep+=("$needed")
      [ -e "$libdir/$needed" ] && queue+=("$libdir/$needed")
    done
    [[ $file == "$libdir"/libgst* ]] && { lib=$(basename "$file"); [[ " ${keep[*]} " == *" $lib "* ]] || keep+=("$lib"); }
  done
  for file in "$libdir"/libgst*.so "$libdir"/libgst*.so.*; do
    lib=$(basename "$file")
    lib=${lib%%.so*}.so.0
    [[ " ${keep[*]} " == *" $lib "* ]] && continue
    rm -f "$file" "$libdir/${lib%.0}"
  done
}

# Moves the non-GStreamer libraries of LIBDIR (and their soname links) into CLOSURE; the
# development links left in LIBDIR point at CLOSURE, so linking still finds them.
srgan_split_closure() {
  local libdir=$1 closure=$2 file name
  mkdir -p "$closure"
  for file in "$libdir"/lib*.so.*; do
    [ -e "$file" ] || [ -L "$file" ] || continue
    name=$(basename "$file")
    case $name in libgst*) continue ;; esac
    mv "$file" "$closure/$name"
  done
  srgan_retarget_dangling_links "$libdir" "$closure"
}

# Development links (libfoo.so -> libfoo.so.1) under DIR whose target is missing: the target
# is taken from CLOSURE, or copied there from this machine's library folders.
srgan_retarget_dangling_links() {
  local dir=$1 closure=$2 link target name found
  find "$dir" -type l | while read -r link; do
    [ -e "$link" ] && continue
    target=$(readlink "$link")
    name=$(basename "$target")
    if [ ! -e "$closure/$name" ]; then
      found=""
      for d in /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu /usr/lib /lib; do
        [ -e "$d/$name" ] && { found=$d/$name; break; }
      done
      [ -n "$found" ] || { echo "dangling link $link -> $target (no $name here)" >&2; continue; }
      cp -L "$found" "$closure/$name"
    fi
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$closure/$name")" "$link"
  done
}

# Copies into CLOSURE every library that the ELF files under the ROOTs need (as ldd resolves
# them here, with the ROOTs' and CLOSURE's libraries first) and that lies outside them, glibc
# excepted; repeated until nothing is added. Prints what it copied; fails on "not found".
srgan_copy_runtime_closure() {
  local closure=$1
  shift
  local roots=("$@") path dirs added missing=0 soname resolved
  mkdir -p "$closure"
  while :; do
    dirs=$( (find "${roots[@]}" "$closure" -name 'lib*.so*' -printf '%h\n' 2>/dev/null; echo "$closure") |
      sort -u | paste -sd:)
    added=0
    while read -r soname resolved; do
      if [ "$resolved" = "not" ]; then
        echo "not found anywhere: $soname" >&2
        missing=1
        continue
      fi
      srgan_base_soname "$soname" && continue
      [ -e "$closure/$soname" ] && continue
      case $resolved in "$closure"/*) continue ;; esac
      for path in "${roots[@]}"; do case $resolved in "$path"/*) continue 2 ;; esac; done
      cp -L "$resolved" "$closure/$soname"
      echo "$soname <- $resolved"
      added=1
    done < <(srgan_elf_files "${roots[@]}" "$closure" | while read -r f; do
      LD_LIBRARY_PATH=$dirs ldd "$f" 2>/dev/null
    done | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $2 == "=>" && $3 == "not" { print $1, "not" }' |
      sort -u)
    [ "$added" = 1 ] || break
  done
  return $missing
}

# Deletes the CLOSURE libraries that no ELF file under ROOT needs, directly or through other
# closure libraries, and that no link under ROOT points at (development links for linking).
srgan_drop_unneeded_closure() {
  local closure=$1 root=$2 reachable=() queue=() file needed name
  while read -r file; do queue+=("$file"); done < <(srgan_elf_files "$root")
  while read -r file; do
    reachable+=("$(basename "$(readlink -f "$file")")")
  done < <(find "$root" -type l -lname "*$(basename "$closure")/*")
  while [ ${#queue[@]} -gt 0 ]; do
    file=${queue[0]}
    queue=("${queue[@]:1}")
    for needed in $(srgan_needed "$file"); do
      [ -e "$closure/$needed" ] || continue
      [[ " ${reachable[*]} " == *" $needed "* ]] && continue
      reachable+=("$needed" "$(basename "$(readlink -f "$closure/$needed")")")
      queue+=("$closure/$needed")
    done
  done
  for file in "$closure"/*; do
    name=$(basename "$file")
    [[ " ${reachable[*]} " == *" $name "* ]] || rm -f "$file"
  done
}

# Checks, from the files' own NEEDED entries (not ldd's view of this machine), that every
# library an ELF file under the FOLDERs needs is one of theirs or glibc's. Prints each gap.
srgan_check_self_contained() {
  local have needed file status=0
  have=$(find "$@" -name 'lib*.so*' \( -type f -o -type l \) -printf '%f\n' | sort -u)
  while read -r file; do
    for needed in $(readelf -d "$file" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      srgan_base_soname "$needed" && continue
      grep -qxF "$needed" <<<"$have" && continue
      echo "$file needs $needed, which is not carried" >&2
      status=1
    done
  done < <(srgan_elf_files "$@")
  return $status
}

srgan_soname() { readelf -d "$1" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p'; }

# The sonames this machine's loader finds by itself: its cache and the folders already in
# LD_LIBRARY_PATH. SRGAN_MACHINE_SONAMES (a file, one name a line) stands in for them in tests.
srgan_machine_sonames() {
  if [ -n "${SRGAN_MACHINE_SONAMES:-}" ]; then
    cat "$SRGAN_MACHINE_SONAMES"
    return
  fi
  ldconfig -p 2>/dev/null | awk 'NR > 1 { print $1 }'
  local dir
  for dir in ${LD_LIBRARY_PATH//:/ }; do
    [ -d "$dir" ] && find "$dir" -maxdepth 1 -name 'lib*.so.*' -printf '%f\n'
  done
}

# Fills USE with links to the CLOSURE libraries whose soname this machine lacks; prints them.
srgan_link_missing() {
  local closure=$1 use=$2 file name machine
  rm -rf "$use"
  mkdir -p "$use"
  machine=$(srgan_machine_sonames | sort -u)
  for file in "$closure"/lib*.so.*; do
    [ -e "$file" ] || continue
    name=$(basename "$file")
    [ "$(srgan_soname "$file")" = "$name" ] || continue  # a versioned file behind its soname link
    grep -qxF "$name" <<<"$machine" && continue
    ln -s "$(realpath "$file")" "$use/$name"
    echo "$name"
  done
}
