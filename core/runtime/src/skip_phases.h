#pragma once

// The compact networks' skip (the input upscaled by bicubic or nearest) computed where the
// network's last convolution leaves its output: before the pixel shuffle, as s x s phases of
// each colour at the input's resolution. Bicubic there is a 5x5 convolution from 3 to 3 s^2
// channels of the edge-replicated input, which oneDNN runs in a tenth of the time of ATen's
// bicubic upsampling (x4, 540x960 input: 8 against 68 ms on two EPYC cores); the sum and the
// clamp then also run on the shuffle's input, and one copy shuffles the result into the image.
// That is the GPU's way; the CPU does all of it in one pass (image_from_phases.h). Internal to
// the runtime library.

#include <ATen/core/Tensor.h>

#include "srgan/generator_options.h"

namespace srgan::detail {

/// A phase reads the input samples at offsets -2 ... 2 around its own: kSkipTaps of them, its
/// own at index kSkipCentre.
inline constexpr int64_t kSkipTaps = 5;
inline constexpr int64_t kSkipCentre = 2;

/// The skip along one axis: [s, 5] in float64, row p the weights output phase p gives the
/// input samples at offsets -2 ... 2 around its own. Both axes take the same: phase (py, px)
/// weighs sample (y + i - 2, x + j - 2) by taps[py][i] taps[px][j]. Undefined for
/// SkipUpscale::kNone.
at::Tensor skip_phase_taps(SkipUpscale skip, int64_t scale);

/// The convolution that gives the skip of `taps` (skip_phase_taps) as phases: [3 s^2, 3, 5, 5]
/// in float64, output channel c s^2 + py s + px holding what pixel (s y + py, s x + px) of
/// colour c takes, as at::pixel_shuffle reads them. Undefined where `taps` is (no skip).
at::Tensor skip_phase_kernel(const at::Tensor& taps);

/// The phases of `lr` ([N, 3, H, W]) under `kernel`: [N, 3 s^2, H, W] in lr's dtype, in
/// `format`. Equals skip_upscale(lr) after a pixel shuffle, within rounding.
at::Tensor skip_phases(const at::Tensor& lr, const at::Tensor& kernel, at::MemoryFormat format);

/// [N, 3 s^2, H, W] (any layout) shuffled into a contiguous [N, 3, s H, s W] image: one copy,
/// where ATen's pixel shuffle of a channels-last tensor followed by contiguous() makes two.
at::Tensor shuffle_to_image(const at::Tensor& phases, int64_t scale);

}  // namespace srgan::detail
