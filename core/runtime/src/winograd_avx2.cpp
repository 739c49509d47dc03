#include "winograd_avx2.h"

#include <algorithm>
#include <array>

#include <ATen/Parallel.h>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define SRGAN_WINOGRAD_AVX2 1
// The kernels are compiled for AVX2 and FMA whatever the build's flags and run only where
// available() says the CPU has them.
#define SRGAN_AVX2 __attribute__((target("avx2,fma")))
#endif

#include "srgan/error.h"

namespace srgan::detail::avx2 {

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
// Rows of tiles the matrix products take at once (6 x 16 accumulators of 12 AVX registers).
constexpr int kGemmRows = 6;

}  // namespace

#if defined(SRGAN_WINOGRAD_AVX2)

bool available() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }

namespace {

// Six or four registers (std::array would drop __m256's alignment attribute).
struct Six {
  __m256 v[kTile];
  __m256& operator[](int i) { return v[i]; }
  const __m256& operator[](int i) const { return v[i]; }
};
struct Four {
  __m256 v[kOutputTile];
  const __m256& operator[](int i) const { return v[i]; }
};

// B^T d for one column d0..d5 of a tile (the same 1-D transform for its rows).
SRGAN_AVX2 inline Six input_transform_1d(const Six& d) {
  const __m256 four = _mm256_set1_ps(4.0f);
  const __m256 five = _mm256_set1_ps(5.0f);
  const __m256 a = _mm256_fnmadd_ps(four, d[2], d[4]);  // d4 - 4 d2
  const __m256 b = _mm256_fnmadd_ps(four, d[1], d[3]);  // d3 - 4 d1
  const __m256 c = _mm256_sub_ps(d[4], d[2]);
  const __m256 e = _mm256_add_ps(_mm256_sub_ps(d[3], d[1]), _mm256_sub_ps(d[3], d[1]));
  return {{_mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4])),  // 4 d0 - 5 d2 + d4
           _mm256_add_ps(a, b), _mm256_sub_ps(a, b), _mm256_add_ps(c, e), _mm256_sub_ps(c, e),
           _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5]))}};  // 4 d1 - 5 d3 + d5
}

// A^T m for one column m0..m5 of a transformed product.
SRGAN_AVX2 inline Four output_transform_1d(const Six& m) {
  const __m256 p = _mm256_add_ps(m[1], m[2]);
  const __m256 q = _mm256_sub_ps(m[1], m[2]);
  const __m256 r = _mm256_add_ps(m[3], m[4]);
  const __m256 s = _mm256_sub_ps(m[3], m[4]);
  return {{_mm256_add_ps(_mm256_add_ps(m[0], p), r), _mm256_fmadd_ps(_mm256_set1_ps(2.0f), s, q),
           _mm256_fmadd_ps(_mm256_set1_ps(4.0f), r, p),
           _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), s, q), m[5])}};
}

struct Map {
  const float* data;
  int64_t height, width, channels;
};

// The block's tiles (tile row `ty`, columns tx0 ..) into v: [36][kBlockTiles][channels].
SRGAN_AVX2 void transform_inputs(const Map& in, int64_t ty, int64_t tx0, int64_t count, float* v) {
  const int64_t c_count = in.channels;
  const int64_t position_stride = kBlockTiles * c_count;
  const int64_t y0 = ty * kOutputTile - 1;
  for (int64_t t = 0; t < count; ++t) {
    const int64_t x0 = (tx0 + t) * kOutputTile - 1;
    const bool inside = y0 >= 0 && y0 + kTile <= in.height && x0 >= 0 && x0 + kTile <= in.width;
    for (int64_t c = 0; c < c_count; c += 8) {
      // Columns from memory into registers, transformed; then rows, straight into v. Each
      // value passes through memory once between the two.
      Six columns[kTile];  // columns[j][i]: B^T d's row i, column j
      for (int j = 0; j < kTile; ++j) {
        const int64_t x = x0 + j;
        Six d;
        for (int i = 0; i < kTile; ++i) {
          const int64_t y = y0 + i;
          d[i] = inside || (y >= 0 && y < in.height && x >= 0 && x < in.width)
                     ? _mm256_loadu_ps(in.data + (y * in.width + x) * c_count + c)
                     : _mm256_setzero_ps();
        }
        columns[j] = input_transform_1d(d);
      }
      float* out = v + t * c_count + c;
      for (int i = 0; i < kTile; ++i) {
        const Six row = input_transform_1d({{columns[0][i], columns[1][i], columns[2][i],
                                             columns[3][i], columns[4][i], columns[5][i]}});
        for (int j = 0; j < kTile; ++j) {
          _mm256_storeu_ps(out + (i * kTile + j) * position_stride, row[j]);
        }
      }
    }
  }
}

// m[rows][cols] = v[rows][k] u[k][cols] for up to kGemmRows rows and 8 or 16 columns. The
// accumulators are named, not an array: GCC kept an array's copy in memory, storing all twelve
// every step (half the speed).
template <int kRows, int kVectors>
SRGAN_AVX2 void multiply_block(const float* v, int64_t v_stride, const float* u, int64_t u_stride,
                               int64_t k_count, float* m, int64_t m_stride) {
  static_assert(kRows >= 1 && kRows <= kGemmRows && (kVectors == 1 || kVectors == 2));
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
         c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t k = 0; k < k_count; ++k) {
    const __m256 b0 = _mm256_loadu_ps(u + k * u_stride);
    const __m256 b1 = kVectors == 2 ? _mm256_loadu_ps(u + k * u_stride + 8) : b0;
#define SRGAN_ROW(r)                                                        \
  if constexpr (kRows > r) {                                                \
    const __m256 a = _mm256_broadcast_ss(v + r * v_stride + k);             \
    c##r##0 = _mm256_fmadd_ps(a, b0, c##r##0);                              \
    if constexpr (kVectors == 2) c##r##1 = _mm256_fmadd_ps(a, b1, c##r##1); \
  }
    SRGAN_ROW(0) SRGAN_ROW(1) SRGAN_ROW(2) SRGAN_ROW(3) SRGAN_ROW(4) SRGAN_ROW(5)
#undef SRGAN_ROW
  }
#define SRGAN_STORE(r)                                                            \
  if constexpr (kRows > r) {                                                      \
    _mm256_storeu_ps(m + r * m_stride, c##r##0);                                  \
    if constexpr (kVectors == 2) _mm256_storeu_ps(m + r * m_stride + 8, c##r##1); \
  }
  SRGAN_STORE(0) SRGAN_STORE(1) SRGAN_STORE(2) SRGAN_STORE(3) SRGAN_STORE(4) SRGAN_STORE(5)
#undef SRGAN_STORE
}

template <int kVectors>
SRGAN_AVX2 void multiply_rows(int rows, const float* v, int64_t v_stride, const float* u,
                              int64_t u_stride, int64_t k_count, float* m, int64_t m_stride) {
  switch (rows) {
    case 6:
      return multiply_block<6, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
    case 5:
      return multiply_block<5, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
    case 4:
      return multiply_block<4, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
    case 3:
      return multiply_block<3, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
    case 2:
      return multiply_block<2, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
    default:
      return multiply_block<1, kVectors>(v, v_stride, u, u_stride, k_count, m, m_stride);
  }
}

// For each of the 36 positions, the block's transformed tiles times the transformed weights.
SRGAN_AVX2 void multiply(const float* v, const float* u, int64_t count, int64_t in_channels,
                         int64_t out_channels, float* m) {
  for (int p = 0; p < kPositions; ++p) {
    const float* vp = v + p * kBlockTiles * in_channels;
    const float* up = u + p * in_channels * out_channels;
    float* mp = m + p * kBlockTiles * out_channels;
    for (int64_t t = 0; t < count; t += kGemmRows) {
      const int rows = static_cast<int>(std::min<int64_t>(kGemmRows, count - t));
      for (int64_t o = 0; o < out_channels; o += 16) {
        if (out_channels - o >= 16) {
          multiply_rows<2>(rows, vp + t * in_channels, in_channels, up + o, out_channels,
                           in_channels, mp + t * out_channels + o, out_channels);
        } else {
          multiply_rows<1>(rows, vp + t * in_channels, in_channels, up + o, out_channels,
                           in_channels, mp + t * out_channels + o, out_channels);
        }
      }
    }
  }
}

// The block's products back to 4x4 output tiles, with the bias and the activation.
SRGAN_AVX2 void transform_outputs(const float* m, int64_t ty, int64_t tx0, int64_t count,
                                  const float* bias, const float* slopes, float* out,
                                  int64_t height, int64_t width, int64_t c_count) {
  const int64_t position_stride = kBlockTiles * c_count;
  const int64_t y0 = ty * kOutputTile;
  const int rows = static_cast<int>(std::min<int64_t>(kOutputTile, height - y0));
  const __m256 zero = _mm256_setzero_ps();
  for (int64_t t = 0; t < count; ++t) {
    const int64_t x0 = (tx0 + t) * kOutputTile;
    const int cols = static_cast<int>(std::min<int64_t>(kOutputTile, width - x0));
    for (int64_t c = 0; c < c_count; c += 8) {
      const float* in = m + t * c_count + c;
      Four columns[kTile];  // columns[j][i]: A^T m's row i, column j
      for (int j = 0; j < kTile; ++j) {
        Six column;
        for (int i = 0; i < kTile; ++i) {
          column[i] = _mm256_loadu_ps(in + (i * kTile + j) * position_stride);
        }
        columns[j] = output_transform_1d(column);
      }
      const __m256 b = _mm256_loadu_ps(bias + c);
      const __m256 slope = slopes ? _mm256_loadu_ps(slopes + c) : zero;
      for (int i = 0; i < rows; ++i) {
        const Four y = output_transform_1d({{columns[0][i], columns[1][i], columns[2][i],
                                             columns[3][i], columns[4][i], columns[5][i]}});
        float* row = out + ((y0 + i) * width + x0) * c_count + c;
        for (int j = 0; j < cols; ++j) {
          __m256 value = _mm256_add_ps(y[j], b);
          if (slopes) {
            value = _mm256_fmadd_ps(slope, _mm256_min_ps(value, zero), _mm256_max_ps(value, zero));
          }
          _mm256_storeu_ps(row + j * c_count, value);
        }
      }
    }
  }
}

}  // namespace

#else

bool available() { return false; }

#endif

WinogradConvolution::WinogradConvolution(int64_t in_channels, int64_t out_channels,
                                         const float* weights, const float* bias,
                                         const float* slopes)
    : in_channels_(in_channels), out_channels_(out_channels) {
  if (in_channels <= 0 || out_channels <= 0 || in_channels % 8 != 0 || out_channels % 8 != 0) {
    throw Error("AVX2 Winograd: channels must be positive multiples of 8");
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

void WinogradConvolution::run(int64_t n, int64_t h, int64_t w, const float* input,
                              float* output) const {
#if defined(SRGAN_WINOGRAD_AVX2)
  if (!available()) throw Error("AVX2 Winograd: this CPU has no AVX2 and FMA");
  const int64_t tiles_y = (h + kOutputTile - 1) / kOutputTile;
  const int64_t tiles_x = (w + kOutputTile - 1) / kOutputTile;
  const int64_t blocks_x = (tiles_x + kBlockTiles - 1) / kBlockTiles;
  const int64_t blocks = n * tiles_y * blocks_x;
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    std::vector<float> v(kPositions * kBlockTiles * in_channels_);
    std::vector<float> m(kPositions * kBlockTiles * out_channels_);
    for (int64_t block = begin; block < end; ++block) {
      const int64_t image = block / (tiles_y * blocks_x);
      const int64_t ty = block / blocks_x % tiles_y;
      const int64_t tx0 = block % blocks_x * kBlockTiles;
      const int64_t count = std::min(kBlockTiles, tiles_x - tx0);
      const Map in{input + image * h * w * in_channels_, h, w, in_channels_};
      transform_inputs(in, ty, tx0, count, v.data());
      multiply(v.data(), transformed_.data(), count, in_channels_, out_channels_, m.data());
      transform_outputs(m.data(), ty, tx0, count, bias_.data(),
                        slopes_.empty() ? nullptr : slopes_.data(),
                        output + image * h * w * out_channels_, h, w, out_channels_);
    }
  });
#else
  (void)n, (void)h, (void)w, (void)input, (void)output;
  throw Error("AVX2 Winograd: not an x86-64 build");
#endif
}

}  // namespace srgan::detail::avx2
