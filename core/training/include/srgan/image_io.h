#pragma once

#include <optional>
#include <string>

#include <ATen/core/Tensor.h>

namespace srgan {

/// Reads a JPEG, PNG, BMP, TGA or PPM file (stb_image) as RGB [1, 3, H, W] float32 in [0, 1] on
/// the CPU. Grey and alpha images are converted to RGB. Throws srgan::Error naming the file
/// and stb's reason for anything it cannot decode.
at::Tensor read_image(const std::string& path);

/// The image's alpha channel as [1, 1, H, W] float32 in [0, 1], or nullopt when it has none
/// (read_image drops it: the networks take RGB).
std::optional<at::Tensor> read_alpha(const std::string& path);

/// Writes [1, C, H, W] or [C, H, W] in [0, 1] (any device, any float type), C = 3 (RGB) or 4
/// (RGBA), as an 8-bit PNG, atomically. Throws srgan::Error on failure.
void write_png(const std::string& path, const at::Tensor& rgb);

/// Writes [1, 3, H, W] or [3, H, W] in [0, 1] as a baseline JPEG (4:2:0) at `quality` (1-100),
/// atomically. Throws srgan::Error on failure.
void write_jpeg(const std::string& path, const at::Tensor& rgb, int quality);

}  // namespace srgan
