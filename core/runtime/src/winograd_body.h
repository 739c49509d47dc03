#pragma once

// The compact networks' body (every channels -> channels layer with its activation, LeakyReLU
// or PReLU, and the last convolution too where it is as wide) by oneDNN's AVX-512 Winograd,
// where the build has the system's oneDNN (core/runtime/onednn) and the CPU has AVX-512: float32
// on the CPU. Shapes oneDNN has no Winograd for run ATen's convolutions instead. Internal to the
// runtime library.

#include <cstdint>
#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

namespace srgan::detail {

namespace onednn {
class WinogradLayers;
}

class WinogradBody {
 public:
  /// Whether the build has oneDNN's Winograd and this CPU runs it.
  static bool available();
  /// The rows the layers run an [n, C, h, w] map on: h, or up to 31 more, kept zero, where
  /// oneDNN's F(4x4, 3x3) would block h rows' tiles poorly (onednn_winograd.h); h without it.
  static int64_t padded_height(int64_t n, int64_t h, int64_t w);
  /// Whether layers of these weights (each [C, C, 3, 3] float32 on the CPU, C a multiple of 16)
  /// can run by it.
  static bool fits(const std::vector<at::Tensor>& weights);

  /// Each layer's weight and bias, and its activation's negative slopes: a [C] tensor (PReLU,
  /// or LeakyReLU's slope repeated), or an undefined tensor for none. Copied.
  WinogradBody(const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases,
               const std::vector<at::Tensor>& slopes);
  ~WinogradBody();

  /// [N, C, H, W] float32 in any memory format to the last layer's output, channels-last.
  /// Consumes `x`: where it is channels-last already, its storage is one of the two maps the
  /// layers alternate between (as many as the direct convolutions keep alive).
  at::Tensor forward(at::Tensor&& x) const;

 private:
  // Kept for the shapes oneDNN declines, channels-last as ATen's convolution runs them.
  std::vector<at::Tensor> weights_;
  std::vector<at::Tensor> biases_;
  std::vector<at::Tensor> slopes_;
  std::unique_ptr<onednn::WinogradLayers> layers_;
};

}  // namespace srgan::detail
