#pragma once

#include <ATen/core/Tensor.h>

namespace srgan {

/// Luma as super-resolution papers measure it: BT.601 Y' in [16, 235] from 8-bit-quantised RGB
/// in [0, 1] (MATLAB's rgb2ycbcr). [1, 3, H, W] -> [H, W] in code values.
at::Tensor luma_bt601(const at::Tensor& rgb);

/// PSNR in dB of two [H, W] luma images (code values, peak 255), `border` pixels cropped from
/// each side first. Infinity for identical images.
double psnr(const at::Tensor& a, const at::Tensor& b, int64_t border);

/// Mean SSIM of two [H, W] luma images (code values, L = 255), `border` pixels cropped, with the
/// 11x11 Gaussian window (sigma 1.5) and K1 = 0.01, K2 = 0.03 of Wang et al. 2004.
double ssim(const at::Tensor& a, const at::Tensor& b, int64_t border);

}  // namespace srgan
