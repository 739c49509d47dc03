#pragma once

#include <string>

#include <ATen/core/Tensor.h>

namespace srgan {

/// Antialiased bicubic downscaling by an integer factor, as the training data's LR images are
/// made (PIL's and torchvision's `antialias=True`): [N, C, H, W] -> [N, C, H/f, W/f].
at::Tensor downscale_bicubic(const at::Tensor& images, int64_t factor);

/// Plain bicubic upscaling by an integer factor: the baseline every model is compared with.
/// Clamped to [0, 1].
at::Tensor upscale_bicubic(const at::Tensor& images, int64_t factor);

/// Lanczos-3 upscaling by an integer factor (the other classic baseline: PIL's and ffmpeg's
/// `lanczos`): each output sample at input position (i + 0.5) / factor - 0.5, six taps,
/// edges replicated, weights normalised. [N, C, H, W] float -> [N, C, fH, fW], clamped to [0, 1].
at::Tensor upscale_lanczos(const at::Tensor& images, int64_t factor);

/// The kernels an LR image can be made with: antialiased bicubic and bilinear (PIL's and
/// torchvision's), area (the mean of each factor x factor block), antialiased Lanczos-3.
enum class ResizeKernel { kBicubic, kBilinear, kArea, kLanczos };
std::string to_string(ResizeKernel kernel);

/// Downscaling by an integer factor with `kernel`: [N, C, H, W] -> [N, C, H/f, W/f] in [0, 1].
at::Tensor downscale(const at::Tensor& images, int64_t factor, ResizeKernel kernel);

}  // namespace srgan
