#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include "srgan/frame.h"

namespace srgan {

/// A frame's pixels as R'G'B' in [0, 1] ([1, 3, H, W]) and its alpha in [0, 1] ([1, 1, H, W],
/// undefined for formats without alpha).
struct RgbImage {
  at::Tensor rgb;
  at::Tensor alpha;
};

/// Reads a frame into an RgbImage on `device`. The 8-bit planes are copied to the device as
/// they are and converted there with LibTorch ops: Y'CbCr with the frame's matrix and range,
/// 4:2:0 chroma repeated over each 2x2 block (as GStreamer's videoconvert does; the exact
/// inverse of rgb_to_frame's 2x2 mean).
RgbImage frame_to_rgb(const FrameView& frame, c10::Device device,
                      at::ScalarType dtype = at::kFloat);

/// Writes an RgbImage (any device, clamped to [0, 1]) into a frame of the same size. Y'CbCr is
/// computed as GStreamer's videoconvert computes it from 8-bit RGB (integer matrix, 4:2:0
/// chroma as the rounded mean of row pairs then column pairs), so YUV output is bit-exact with
/// `videoconvert`; unused (x) bytes are set to 255; alpha defaults to opaque when absent.
void rgb_to_frame(const RgbImage& image, const FrameView& frame);

}  // namespace srgan
