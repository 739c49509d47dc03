// Decoded frames to RGB as the element reads them, for the codec round trips and the clips the
// trainer and `evaluate --video` decode (GStreamer 1.22's videoconvert returns 8-bit YUV to RGB
// about 2 levels dark: a model trained or measured on it would learn to brighten).
#pragma once

#include <cstdint>
#include <string>

#include <gst/video/video.h>

#include <ATen/core/Tensor.h>

#include "srgan/frame.h"

namespace srgan {

/// What GStreamer assumes for untagged raw YUV of this size (BT.601 up to 576 lines, BT.709
/// above, limited range), as core's Colorimetry and as the caps' colorimetry string: what the
/// round trip encodes with, so that encoder, decoder and element agree.
struct UntaggedColorimetry {
  Colorimetry colorimetry;
  std::string caps;
};
UntaggedColorimetry untagged_colorimetry(int64_t width, int64_t height);

/// [3, H, W] uint8 R'G'B' of a mapped frame of a format core reads: core's frame_to_rgb with the
/// frame's matrix and range, mapped as the element maps them (srgan::gst::frame_view_of), rounded.
at::Tensor rgb_bytes_of(const GstVideoFrame& frame);

}  // namespace srgan
