#pragma once

// The compact networks' last step on the CPU in one pass over memory: the residual the last
// convolution leaves as s x s phases at the input's resolution, plus the skip (the input
// upscaled by bicubic or nearest, computed here from the input's rows), clamped to [-1, 1] and
// shuffled into the image. The separate passes (skip_phases.h: oneDNN's 5x5 convolution, add,
// clamp, shuffle copy) each read or write a map of 3 s^2 channels: 8 of the x2's 129 ms and 23
// of the x4's 288 ms per 540x960 tile in bf16 on two EPYC cores. Internal to the runtime library.

#include <ATen/core/Tensor.h>

namespace srgan::detail {

/// Whether image_from_phases takes `residual`: on the CPU, float32, float64, bf16 or half.
bool image_from_phases_takes(const at::Tensor& residual);

/// clamp(residual + skip, -1, 1) as a contiguous [N, 3, s H, s W] image, channel
/// c s^2 + py s + px of `residual` ([N, 3 s^2, H, W], any strides) giving pixel
/// (s y + py, s x + px) of colour c, as at::pixel_shuffle reads it. The skip is `lr`
/// ([N, 3, H, W], the network's input) under `taps` ([s, 5] float64 from skip_phase_taps,
/// separable and edge-replicated as skip_phases computes it); no skip where `taps` is undefined.
/// The image is float64 for a float64 residual and float32 otherwise: the skip carries the whole
/// image and keeps float32 under bf16, as the sum does.
at::Tensor image_from_phases(const at::Tensor& residual, const at::Tensor& lr,
                             const at::Tensor& taps, int64_t scale);

}  // namespace srgan::detail
