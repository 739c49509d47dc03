#include "winograd_kernels.h"

#include <algorithm>
#include <string>

#include <ATen/Parallel.h>

#include "srgan/error.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SRGAN_WINOGRAD_KERNELS 1
#endif

namespace srgan::detail::winograd {

namespace {

// F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015): a
// 6x6 input tile d gives the 4x4 output tile A^T [(G g G^T) . (B^T d B)] A.
constexpr int kTile = 6;
constexpr int kOutputTile = 4;
constexpr int kPositions = kTile * kTile;
constexpr double kG[kTile][3] = {{1.0 / 4, 0, 0},
                                 {-1.0 / 6, -1.0 / 6, -1.0 / 6},
                                 {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6},
                                 {1.0 / 24, -1.0 / 12, 1.0 / 6},
                                 {0, 0, 1}};

// Tiles transformed and multiplied together: their transforms ([36][tiles][channels] in and
// out, 110 KiB for 32 channels) and the transformed weights (144 KiB) stay in a core's L2.
constexpr int64_t kBlockTiles = 12;
// Rows of tiles the matrix products take at once (6 x 2 registers of accumulators).
constexpr int kGemmRows = 6;

struct Map {
  const float* data;
  int64_t height, width, channels;
};
struct OutputMap {
  float* data;
  int64_t height, width, channels;
};

#if defined(SRGAN_WINOGRAD_KERNELS)

namespace avx2_kernels {
#define SRGAN_TARGET __attribute__((target("avx2,fma")))
using Vec = __m256;
constexpr int kLanes = 8;
SRGAN_TARGET inline Vec load(const float* p) { return _mm256_loadu_ps(p); }
SRGAN_TARGET inline void store(float* p, Vec v) { _mm256_storeu_ps(p, v); }
SRGAN_TARGET inline Vec zero() { return _mm256_setzero_ps(); }
SRGAN_TARGET inline Vec set1(float x) { return _mm256_set1_ps(x); }
SRGAN_TARGET inline Vec broadcast(const float* p) { return _mm256_broadcast_ss(p); }
SRGAN_TARGET inline Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
SRGAN_TARGET inline Vec sub(Vec a, Vec b) { return _mm256_sub_ps(a, b); }
SRGAN_TARGET inline Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
SRGAN_TARGET inline Vec fnmadd(Vec a, Vec b, Vec c) { return _mm256_fnmadd_ps(a, b, c); }
// x where x >= 0, slope x below: max(x, 0) + slope min(x, 0).
SRGAN_TARGET inline Vec negative_slope(Vec x, Vec slope) {
  return _mm256_fmadd_ps(slope, _mm256_min_ps(x, zero()), _mm256_max_ps(x, zero()));
}
#include "winograd_kernels.inc"
#undef SRGAN_TARGET
}  // namespace avx2_kernels

namespace avx512_kernels {
#define SRGAN_TARGET __attribute__((target("avx512f")))
using Vec = __m512;
constexpr int kLanes = 16;
SRGAN_TARGET inline Vec load(const float* p) { return _mm512_loadu_ps(p); }
SRGAN_TARGET inline void store(float* p, Vec v) { _mm512_storeu_ps(p, v); }
SRGAN_TARGET inline Vec zero() { return _mm512_setzero_ps(); }
SRGAN_TARGET inline Vec set1(float x) { return _mm512_set1_ps(x); }
SRGAN_TARGET inline Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
SRGAN_TARGET inline Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
SRGAN_TARGET inline Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
SRGAN_TARGET inline Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
SRGAN_TARGET inline Vec fnmadd(Vec a, Vec b, Vec c) { return _mm512_fnmadd_ps(a, b, c); }
// x where x >= 0, slope x below: the negative lanes multiplied. (GCC 12's _mm512_min_ps and
// _mm512_max_ps warn of an uninitialised variable of their own.)
SRGAN_TARGET inline Vec negative_slope(Vec x, Vec slope) {
  return _mm512_mask_mul_ps(x, _mm512_cmp_ps_mask(x, zero(), _CMP_LT_OQ), x, slope);
}
#include "winograd_kernels.inc"
#undef SRGAN_TARGET
}  // namespace avx512_kernels

#endif

}  // namespace

const char* to_string(Isa isa) { return isa == Isa::kAvx2 ? "AVX2" : "AVX-512"; }

bool available(Isa isa) {
#if defined(SRGAN_WINOGRAD_KERNELS)
  if (isa == Isa::kAvx512) return __builtin_cpu_supports("avx512f");
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  (void)isa;
  return false;
#endif
}

int64_t lanes(Isa isa) { return isa == Isa::kAvx2 ? 8 : 16; }

Convolution::Convolution(Isa isa, int64_t in_channels, int64_t out_channels, const float* weights,
                         const float* bias, const float* slopes)
    : isa_(isa), in_channels_(in_channels), out_channels_(out_channels) {
  const int64_t block = lanes(isa);
  if (in_channels <= 0 || out_channels <= 0 || in_channels % block != 0 ||
      out_channels % block != 0) {
    throw Error(std::string(to_string(isa)) + " Winograd: channels must be positive multiples of " +
                std::to_string(block));
  }
  transformed_.resize(kPositions * in_channels * out_channels);
  bias_.assign(bias, bias + out_channels);
  if (slopes) slopes_.assign(slopes, slopes + out_channels);
  for (int64_t o = 0; o < out_channels; ++o) {
    for (int64_t i = 0; i < in_channels; ++i) {
      const float* g = weights + (o * in_channels + i) * 9;
      double gg[kTile][3];  // G g
      for (int r = 0; r < kTile; ++r)
        for (int c = 0; c < 3; ++c)
          gg[r][c] = kG[r][0] * g[c] + kG[r][1] * g[3 + c] + kG[r][2] * g[6 + c];
      for (int r = 0; r < kTile; ++r) {
        for (int c = 0; c < kTile; ++c) {  // (G g) G^T
          const double value = gg[r][0] * kG[c][0] + gg[r][1] * kG[c][1] + gg[r][2] * kG[c][2];
          transformed_[((r * kTile + c) * in_channels + i) * out_channels + o] =
              static_cast<float>(value);
        }
      }
    }
  }
}

void Convolution::run(int64_t n, int64_t h, int64_t w, const float* input, float* output) const {
  if (!available(isa_)) {
    throw Error(std::string(to_string(isa_)) + " Winograd: this CPU does not run " +
                to_string(isa_));
  }
#if defined(SRGAN_WINOGRAD_KERNELS)
  const int64_t tiles_y = (h + kOutputTile - 1) / kOutputTile;
  const int64_t tiles_x = (w + kOutputTile - 1) / kOutputTile;
  const int64_t blocks_x = (tiles_x + kBlockTiles - 1) / kBlockTiles;
  const int64_t blocks = n * tiles_y * blocks_x;
  const auto run_block = isa_ == Isa::kAvx2 ? avx2_kernels::run_block : avx512_kernels::run_block;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> v(kPositions * kBlockTiles * in_channels_);
    std::vector<float> m(kPositions * kBlockTiles * out_channels_);
    for (int64_t block = begin; block < end; ++block) {
      const int64_t image = block / (tiles_y * blocks_x);
      const int64_t ty = block / blocks_x % tiles_y;
      const int64_t tx0 = block % blocks_x * kBlockTiles;
      const Map in{input + image * h * w * in_channels_, h, w, in_channels_};
      const OutputMap out{output + image * h * w * out_channels_, h, w, out_channels_};
      run_block(in, out, ty, tx0, std::min(kBlockTiles, tiles_x - tx0), transformed_.data(),
                bias_.data(), slopes_.empty() ? nullptr : slopes_.data(), v.data(), m.data());
    }
  });
#else
  (void)n, (void)h, (void)w, (void)input, (void)output;
#endif
}

}  // namespace srgan::detail::winograd
