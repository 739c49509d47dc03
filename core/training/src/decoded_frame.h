// Decoded I420 frames to RGB as the element reads them, for the codec round trips and the clips
// the trainer and `evaluate --video` decode (GStreamer 1.22's videoconvert returns 8-bit YUV to
// RGB about 2 levels dark: a model trained or measured on it would learn to brighten).
#pragma once

#include <cstdint>

#include <gst/video/video.h>

#include <ATen/core/Tensor.h>

#include "srgan/frame.h"

namespace srgan {

/// The Y'CbCr frames are encoded with when nothing says: BT.601 below 720 lines, BT.709 from
/// there (GStreamer's default for untagged video), limited range, as cameras and encoders write.
Colorimetry colorimetry_for_height(int64_t height);

/// [3, H, W] uint8 R'G'B' of a mapped I420 frame: core's frame_to_rgb with the caps' matrix
/// (BT.601, BT.709 or BT.2020; unknown: GStreamer's default for the height) and range, rounded.
at::Tensor rgb_bytes_of_i420(const GstVideoFrame& frame);

}  // namespace srgan
