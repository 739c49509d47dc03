#pragma once

// 3x3 convolutions by Winograd's F(4x4, 3x3) algorithm, written for AVX2 (with FMA) and for
// AVX-512: channels-last float32, each with its bias and activation fused into the output
// transform. The compact networks' body on the CPU (winograd_body.h). 2.25 multiplications per
// output where a direct convolution does 9; the tiles are transformed in blocks that stay in the
// core's L2 cache, so the transforms cost little memory traffic. oneDNN has no Winograd for AVX2,
// and NNPACK's F(6x6, 3x3) gains nothing on 32 channels (winograd_convolution.h). Internal to
// the runtime library.

#include <cstdint>
#include <vector>

namespace srgan::detail::winograd {

/// The instructions a kernel is written in. Each is compiled whatever the build's flags and
/// chosen at run time.
enum class Isa { kAvx2, kAvx512 };

/// "AVX2" or "AVX-512", as descriptions name them.
const char* to_string(Isa isa);

/// Whether this CPU runs `isa`'s kernels (AVX2 and FMA; AVX-512F).
bool available(Isa isa);

/// The floats one register holds (8, 16): channels must be multiples of it.
int64_t lanes(Isa isa);

/// One convolution: `in_channels` -> `out_channels`, both multiples of lanes(isa), stride 1,
/// padding 1.
class Convolution {
 public:
  /// weights [out, in, 3, 3] row-major (OIHW), bias [out], and the negative slopes of the
  /// activation after it, one per output channel (PReLU; LeakyReLU's repeated), or null for
  /// none. Copied; the weights are transformed here, in double. Throws srgan::Error for
  /// channels that are not whole registers.
  Convolution(Isa isa, int64_t in_channels, int64_t out_channels, const float* weights,
              const float* bias, const float* slopes);

  Isa isa() const { return isa_; }
  int64_t in_channels() const { return in_channels_; }
  int64_t out_channels() const { return out_channels_; }

  /// `input` [n, h, w, in_channels] to `output` [n, h, w, out_channels], both channels-last
  /// and distinct. Runs on ATen's intra-op threads (at::parallel_for). Throws srgan::Error where
  /// the CPU does not run isa().
  void run(int64_t n, int64_t h, int64_t w, const float* input, float* output) const;

 private:
  Isa isa_;
  int64_t in_channels_;
  int64_t out_channels_;
  std::vector<float> transformed_;  // [36][in][out]: G g G^T for each position of the 6x6 tile
  std::vector<float> bias_;
  std::vector<float> slopes_;  // empty: no activation
};

}  // namespace srgan::detail::winograd
