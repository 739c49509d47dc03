# Sourced by tests that run stock GStreamer elements: a machine without some of them (a bare GPU
# machine carries only a few plugins) skips the test, naming what is missing, instead of failing.

# srgan_require_elements ELEMENT...: exits 77 (the tests' SKIP_RETURN_CODE) when one is missing.
srgan_require_elements() {
  local inspect=${SRGAN_GST_INSPECT:-gst-inspect-1.0} missing=() element
  for element in "$@"; do
    "$inspect" --exists "$element" 2>/dev/null || missing+=("$element")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "SKIP: needs ${missing[*]} (GStreamer elements not installed here)"
    exit 77
  fi
}
