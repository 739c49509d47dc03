#pragma once

// The compact networks' body (every channels -> channels layer with its LeakyReLU) by oneDNN's
// AVX-512 Winograd, where the build has the system's oneDNN (core/runtime/onednn) and the CPU
// has AVX-512: float32 on the CPU. Shapes oneDNN has no Winograd for run the fused direct
// convolutions instead. Internal to the runtime library.

#include <memory>
#include <vector>

#include <ATen/core/Tensor.h>

namespace srgan::detail {

namespace onednn {
class WinogradLeakyLayers;
}

class WinogradBody {
 public:
  /// Whether the build has oneDNN's Winograd and this CPU runs it.
  static bool available();
  /// Whether a body of these weights (each [C, C, 3, 3], C a multiple of 16) can run by it.
  static bool fits(const std::vector<at::Tensor>& weights);

  /// The body's weights and biases (float32, CPU), copied; `slope`: LeakyReLU's.
  WinogradBody(const std::vector<at::Tensor>& weights, const std::vector<at::Tensor>& biases,
               double slope);
  ~WinogradBody();

  /// [N, C, H, W] float32 in any memory format to the body's output, channels-last. Consumes
  /// `x`: where it is channels-last already, its storage is one of the two maps the layers
  /// alternate between (as many as the direct convolutions keep alive).
  at::Tensor forward(at::Tensor&& x) const;

 private:
  std::vector<at::Tensor> weights_;
  std::vector<at::Tensor> biases_;
  double slope_;
  std::unique_ptr<onednn::WinogradLeakyLayers> layers_;
};

}  // namespace srgan::detail
