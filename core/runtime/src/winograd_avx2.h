#pragma once

// 3x3 convolutions by Winograd's F(4x4, 3x3) algorithm in AVX2 and FMA, channels-last float32,
// each with its bias and activation fused into the output transform: the compact networks' body
// on CPUs without AVX-512, where oneDNN has no Winograd (its F(4x4, 3x3) is AVX-512 only) and
// NNPACK's F(6x6, 3x3) gains nothing on 32 channels (winograd_convolution.h). 2.25
// multiplications per output where a direct convolution does 9; the tiles are transformed in
// blocks that stay in the core's L2 cache, so the transforms cost little memory traffic.
// Internal to the runtime library.

#include <cstdint>
#include <vector>

namespace srgan::detail::avx2 {

/// Whether this CPU runs AVX2 and FMA (the kernels are compiled for them whatever the build's
/// flags, and chosen at run time).
bool available();

/// One convolution: `in_channels` -> `out_channels`, both multiples of 8, stride 1, padding 1.
class WinogradConvolution {
 public:
  /// weights [out, in, 3, 3] row-major (OIHW), bias [out], and the negative slopes of the
  /// activation after it, one per output channel (PReLU; LeakyReLU's repeated), or null for
  /// none. Copied; the weights are transformed here, in double.
  WinogradConvolution(int64_t in_channels, int64_t out_channels, const float* weights,
                      const float* bias, const float* slopes);

  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }

  /// `input` [n, h, w, in_channels] to `output` [n, h, w, out_channels], both channels-last
  /// and distinct. Runs on ATen's intra-op threads (at::parallel_for).
  void run(int64_t n, int64_t h, int64_t w, const float* input, float* output) const;

 private:
  int64_t in_channels_;
  int64_t out_channels_;
  std::vector<float> transformed_;  // [36][in][out]: G g G^T for each position of the 6x6 tile
  std::vector<float> bias_;
  std::vector<float> slopes_;  // empty: no activation
};

}  // namespace srgan::detail::avx2
