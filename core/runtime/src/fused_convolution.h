#pragma once

// Convolutions with their activation applied inside them: oneDNN's post-ops, which ATen reaches
// through its mkldnn::_convolution_pointwise operator. The activation then costs no pass of its
// own over the feature map the convolution just wrote: 1.03-1.09x on the x2 network in the
// Upscaler on an AVX2 CPU, 1.23-1.38x against PReLU where malloc returns each map to the system
// (docs/PERFORMANCE.md). Internal to the runtime library.

#include <ATen/core/Tensor.h>

namespace srgan::detail {

/// Whether conv3x3_leaky_relu fuses for tensors like `weight`: on the CPU with oneDNN, in
/// float32, or in bf16 where the CPU has bf16 instructions (oneDNN refuses bf16 below AVX-512,
/// and emulated bf16 is slower than float32).
bool can_fuse_leaky_relu(const at::Tensor& weight);

/// leaky_relu(conv2d(x, weight, bias, stride 1, padding 1), slope), in one oneDNN primitive
/// where can_fuse_leaky_relu says so, as two ATen ops otherwise.
at::Tensor conv3x3_leaky_relu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              double slope);

}  // namespace srgan::detail
