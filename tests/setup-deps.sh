# Sourced by tests/run.sh and pipelines/demo.sh: installs what a fresh Debian 12 machine lacks,
# each part only when missing, and sets SRGAN_PYTHON to a python3 that has torch.

srgan_apt_packages=(
  cmake g++ make pkg-config git python3 python3-pip python3-venv meson ninja-build
  libgtest-dev libcli11-dev libstb-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-plugins-base-apps
  gnuplot-nox parallel
  libjpeg62-turbo-dev  # JPEG degradations in process
  libjpeg-turbo-progs  # cjpeg/djpeg: the reference the JPEG stage is tested against
  mkvtoolnix  # upscale-file.sh copies Matroska subtitles (SRT, ASS, bitmaps) untouched
  libdnnl-dev ocl-icd-opencl-dev  # oneDNN 2.x's AVX-512 Winograd (its CMake config wants OpenCL)
  python3-gi gir1.2-gstreamer-1.0  # tests/pipelines/decoded_times.py: Debian's python3 with GStreamer
  ${srgan_extra_apt_packages[@]+"${srgan_extra_apt_packages[@]}"}  # what the sourcing script adds (clang)
)
srgan_torch_version=${SRGAN_TORCH_VERSION:-2.11.0}

srgan_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

srgan_install_apt() {
  local missing=()
  for p in "${srgan_apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    srgan_as_root apt-get update
    srgan_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  fi
}

srgan_has_torch() { "$1" -c 'import torch, sys; sys.exit(0 if torch.__version__.startswith("2.") else 1)' 2>/dev/null; }

# A python3 with torch 2.x: the one on PATH if it has it or can get it, otherwise a venv in
# .venv (Debian's own python refuses system-wide pip installs).
srgan_find_python() {
  if [ -n "${CMAKE_PREFIX_PATH:-}" ]; then SRGAN_PYTHON=$(command -v python3); return; fi
  local py
  py=$(command -v python3)
  if srgan_has_torch "$py"; then SRGAN_PYTHON=$py; return; fi
  if [ -x .venv/bin/python3 ] && srgan_has_torch .venv/bin/python3; then
    SRGAN_PYTHON=$PWD/.venv/bin/python3; return
  fi
  echo "== installing torch==$srgan_torch_version from PyPI"
  if "$py" -m pip install "torch==$srgan_torch_version" 2>/tmp/srgan-pip.err; then
    SRGAN_PYTHON=$py; return
  fi
  if grep -q externally-managed /tmp/srgan-pip.err; then
    "$py" -m venv .venv
    .venv/bin/python3 -m pip install "torch==$srgan_torch_version"
    SRGAN_PYTHON=$PWD/.venv/bin/python3; return
  fi
  cat /tmp/srgan-pip.err >&2
  return 1
}

# kubernetes-validate (PyPI) checks the Kubernetes manifest against the API's schema; Pillow
# reads the PNGs that tests/support/compare_images.py compares (tests).
srgan_install_python_test_tools() {
  [ "${srgan_test_tools:-0}" = 1 ] || return 0
  if ! "$SRGAN_PYTHON" -c 'import PIL' 2>/dev/null; then
    echo "== installing Pillow from PyPI"
    "$SRGAN_PYTHON" -m pip install --quiet pillow
  fi
  command -v kubernetes-validate >/dev/null && return
  [ -x "$(dirname "$SRGAN_PYTHON")/kubernetes-validate" ] && return
  echo "== installing kubernetes-validate from PyPI"
  "$SRGAN_PYTHON" -m pip install --quiet kubernetes-validate
}

srgan_install_apt
srgan_find_python
export SRGAN_PYTHON
srgan_install_python_test_tools
