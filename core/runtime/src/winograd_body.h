#pragma once

// The compact networks' body (every channels -> channels layer with its activation, LeakyReLU
// or PReLU, and the last convolution too where it is as wide) by Winograd's F(4x4, 3x3), float32
// on the CPU: our kernels (winograd_kernels.h) in AVX-512 or AVX2, or oneDNN's AVX-512 one where
// the build has the system's oneDNN (core/runtime/onednn). Shapes oneDNN has no Winograd for run
// ATen's convolutions instead. Internal to the runtime library.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>

namespace srgan::detail {

namespace onednn {
class WinogradLayers;
}
namespace winograd {
class Convolution;
}

/// Whose Winograd: oneDNN's, or our kernels in AVX2 or AVX-512.
enum class WinogradLibrary { kOneDnn, kAvx2, kAvx512 };

/// "oneDNN", "AVX2" or "AVX-512", as descriptions name them.
const char* to_string(WinogradLibrary library);

class WinogradBody {
 public:
  /// Whether the build and this CPU run `library`'s Winograd.
  static bool available(WinogradLibrary library);
  /// What the networks run: our AVX-512 kernels where the CPU has AVX-512 (measured faster than
  /// oneDNN's), else our AVX2 kernels; none where neither runs or SRGAN_WINOGRAD=0.
  /// SRGAN_WINOGRAD=avx2, avx512 or onednn chooses that one where available (to compare them on
  /// one machine). Reads the environment on every call.
  static std::optional<WinogradLibrary> chosen();
  /// The rows the layers run an [n, C, h, w] map on: h, or up to 31 more, kept zero, where
  /// oneDNN's F(4x4, 3x3) would block h rows' tiles poorly (onednn_winograd.h); h without it.
  static int64_t padded_height(int64_t n, int64_t h, int64_t w);
  /// Whether layers of these weights (each [C, C, 3, 3] float32 on the CPU, C a multiple of 8
  /// for AVX2, of 16 for the others) can run by `library`.
  static bool fits(WinogradLibrary library, const std::vector<at::Tensor>& weights);

  /// Each layer's weight and bias, and its activation's negative slopes: a [C] tensor (PReLU,
  /// or LeakyReLU's slope repeated), or an undefined tensor for none. Copied. Throws srgan::Error
  /// where `library` is not available() or the layers do not fit().
  WinogradBody(WinogradLibrary library, const std::vector<at::Tensor>& weights,
               const std::vector<at::Tensor>& biases, const std::vector<at::Tensor>& slopes);
  ~WinogradBody();

  WinogradLibrary library() const { return library_; }

  /// [N, C, H, W] float32 in any memory format to the last layer's output, channels-last.
  /// Consumes `x`: where it is channels-last already, its storage is one of the two maps the
  /// layers alternate between (as many as the direct convolutions keep alive).
  at::Tensor forward(at::Tensor&& x) const;

 private:
  int64_t channels_ = 0;
  // oneDNN's only: kept for the shapes it declines, channels-last as ATen's convolution runs
  // them (our kernels run every shape and keep their own copies).
  std::vector<at::Tensor> weights_;
  std::vector<at::Tensor> biases_;
  std::vector<at::Tensor> slopes_;
  WinogradLibrary library_;
  std::unique_ptr<onednn::WinogradLayers> layers_;    // oneDNN's
  std::vector<winograd::Convolution> kernel_layers_;  // ours
};

}  // namespace srgan::detail
