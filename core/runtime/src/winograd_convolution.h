#pragma once

// 3x3 convolutions by Winograd's F(6x6, 3x3) algorithm: NNPACK's, which LibTorch ships on x86
// and ARM and ATen reaches through at::_nnpack_spatial_convolution (its own convolutions pick it
// only for batches of 16 or more). It does about a fifth of the multiplications of a direct
// convolution and pays for that with transforms of every input and output tile, so it wins
// only on wide layers, and only against AVX2's 8-wide FMA: one 48-channel layer of 270x480 ran
// 1.32x faster than oneDNN, a 64-channel one 1.64x, a 32-channel one no faster (1 thread, AVX2
// EPYC, docs/PERFORMANCE.md); with two threads NNPACK's pool scales worse than oneDNN. The compact
// networks' body runs a faster Winograd of its own wherever it fits (winograd_body.h: oneDNN's
// with AVX-512, our AVX2 kernels without), so NNPACK runs the paper's network, and compact ones
// of a width those do not take. Internal to the runtime library.

#include <cstdint>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

namespace srgan::detail {

/// The narrowest layer (input and output channels) that Winograd runs.
constexpr int64_t kWinogradMinChannels = 48;

/// Whether the environment sets SRGAN_WINOGRAD=0: no Winograd of any library, for comparisons
/// and for output that does not depend on whether a CPU chooses it.
bool winograd_turned_off();

/// Whether NNPACK initialised on this CPU (it needs AVX2 and FMA on x86).
bool winograd_available();

/// Whether a network whose 3x3 layers are `channels` wide runs them faster by Winograd than by
/// oneDNN on `device` in `dtype`, as measured: float32 on a CPU that has NNPACK and lacks
/// AVX-512, with at least kWinogradMinChannels channels, on one intra-op thread (a process of
/// a scale-out job each, `--threads 1`), unless the environment sets SRGAN_WINOGRAD=0.
bool winograd_pays(c10::Device device, c10::ScalarType dtype, int64_t channels);

/// Whether a 3x3 weight [O, I, 3, 3] is wide enough on both sides for Winograd.
bool winograd_fits(const at::Tensor& weight);

/// Runs one small Winograd convolution, once per process: ATen creates NNPACK's thread pool on
/// its first convolution without a lock, so that first one happens here, on the thread that
/// builds the network, not on several frames in flight at once.
void prepare_winograd();

/// conv2d(x, weight, bias, stride 1, padding 1) by Winograd: float32 on the CPU, NCHW (other
/// layouts are made contiguous first). Differs from a direct convolution by float32 rounding
/// of its transforms (about 1e-6 of the output's scale). Needs winograd_available().
at::Tensor conv3x3_winograd(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);

}  // namespace srgan::detail
