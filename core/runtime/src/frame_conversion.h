#pragma once

// What frame_to_rgb and rgb_to_frame do after validating, for the Upscaler, which validates a
// frame pair once per frame; and the one check of an RGB image's shape. Internal to the
// runtime library.

#include <cstdint>
#include <string>

#include "srgan/color_conversion.h"

namespace srgan::detail {

/// Throws srgan::Error unless `rgb` is [1, 3, height, width] (-1: any size), naming `what`
/// (e.g. "upscale_rgb's input") and the shape it has.
void check_rgb_shape(const at::Tensor& rgb, int64_t height, int64_t width, const std::string& what);

/// frame_to_rgb and rgb_to_frame for frames already validated.
RgbImage convert_frame_to_rgb(const FrameView& frame, c10::Device device, at::ScalarType dtype);
void convert_rgb_to_frame(const RgbImage& image, const FrameView& frame);
/// convert_rgb_to_frame by LibTorch ops on whole maps, on any device and dtype: what it does for
/// frames or images that are not in host memory, and the reference for the host frame writer.
void convert_rgb_to_frame_by_tensor_ops(const RgbImage& image, const FrameView& frame);

}  // namespace srgan::detail
