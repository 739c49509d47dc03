#pragma once

#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

namespace srgan {

/// An 8-bit RGB image ([3, H, W] uint8) as a baseline JPEG file's bytes at `quality` (1-100), in
/// process with libjpeg(-turbo): the standard quantisation tables scaled by the quality and
/// 4:2:0 chroma, as `cjpeg -quality Q` and PIL write by default. Throws srgan::Error for a
/// quality outside 1-100 or a tensor of another shape.
std::string encode_jpeg(const at::Tensor& rgb, int quality);

/// A JPEG file's bytes as [3, H, W] uint8 RGB, decoded as `djpeg` does (islow IDCT, fancy
/// upsampling). Throws srgan::Error for bytes libjpeg cannot decode.
at::Tensor decode_jpeg(const std::string& bytes);

/// encode_jpeg then decode_jpeg: what a JPEG at `quality` does to an image. `bytes`, when given,
/// gets the file's size.
at::Tensor jpeg_round_trip(const at::Tensor& rgb, int quality, int64_t* bytes = nullptr);

}  // namespace srgan
