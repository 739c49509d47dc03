#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace srgan {

/// An 8-bit RGB image ([3, H, W] uint8) written as a baseline JPEG at `quality` (1-100) and
/// read back, in process with libjpeg(-turbo): the standard quantisation tables scaled by the
/// quality and 4:2:0 chroma, as `cjpeg -quality Q` and PIL write by default, decoded as
/// `djpeg` does (islow IDCT, fancy upsampling). `bytes`, when given, gets the file's size.
/// Throws srgan::Error for a quality outside 1-100 or a tensor of another shape.
at::Tensor jpeg_round_trip(const at::Tensor& rgb, int quality, int64_t* bytes = nullptr);

}  // namespace srgan
