#include "host_frame_writer.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "pixel_format.h"
#include "ycbcr_coefficients.h"

// LibTorch's at::parallel_for is inline OpenMP: without it this file's loops run on one thread.
#if AT_PARALLEL_OPENMP && !defined(_OPENMP)
#error "compile with OpenMP (core/CMakeLists.txt links OpenMP::OpenMP_CXX)"
#endif

namespace srgan::detail {
namespace {

// The loops below vectorise because each float clamp is the last operation on its value (GCC
// does not if-convert a float clamp whose result feeds more arithmetic, which might trap): rows
// are clamped into buffers first, and code values are clamped as integers.

// A row of one channel clamped to [0, 1], as at::clamp(0, 1); NaN (which no network should
// give) as 0, where ATen's cast of it to an integer is undefined. In this operand order
// std::max and std::min are SSE's maxps and minps.
void clamp_row(const float* values, float* out, int64_t width) {
  for (int64_t x = 0; x < width; ++x) out[x] = std::min(1.f, std::max(0.f, values[x]));
}

// The nearest integer, halves to even: at::round (std::nearbyint in the default rounding mode)
// for |v| < 2^22, which every code value here is. Adding 1.5 * 2^23 leaves no fraction bits,
// so the FPU rounds as nearbyint does, without SSE4.1's round instruction.
inline float rounded(float v) {
  constexpr float kNoFraction = 12582912.0f;  // 1.5 * 2^23
  return (v + kNoFraction) - kNoFraction;
}

inline int32_t round_even(float v) { return static_cast<int32_t>(rounded(v)); }

inline int32_t clamp_code(int32_t code, int32_t max_code) {
  return std::min(max_code, std::max(0, code));
}

// A sample's word from a code value computed in float: rounded, clamped, placed in the word.
inline uint16_t word_of(float code, int32_t max_code, int shift) {
  return static_cast<uint16_t>(clamp_code(round_even(code), max_code) << shift);
}

// One channel of the image, [H, W] float32 with a row stride (columns contiguous).
struct Channel {
  const float* data;
  int64_t row_stride;
  const float* row(int64_t y) const { return data + y * row_stride; }
};

// Row `row` of a plane, as samples.
template <typename Sample>
Sample* plane_row(const FrameView& frame, int plane, int64_t row) {
  return reinterpret_cast<Sample*>(frame.planes[plane].data + row * frame.planes[plane].stride);
}

// The luma rows (one, or a pair for 4:2:0; the last row of an odd height pairs with itself)
// that make chroma row `c`.
std::pair<int64_t, int64_t> luma_rows(const PixelLayout& layout, int64_t c, int64_t height) {
  const int64_t first = c << layout.chroma_y_shift;
  return {first, std::min(first + (int64_t{1} << layout.chroma_y_shift) - 1, height - 1)};
}

// Runs write_band(begin, end) over the frame's chroma rows (its rows, where chroma is not
// subsampled) on the intra-op threads, a band of rows each.
template <typename BandWriter>
void for_each_band(const FrameView& frame, const PixelLayout& layout,
                   const BandWriter& write_band) {
  const int64_t rows = (frame.height + (1 << layout.chroma_y_shift) - 1) >> layout.chroma_y_shift;
  at::parallel_for(0, rows, 8, write_band);
}

// Full-width U (or V) values of a chroma row's luma rows written into its chroma plane: row
// pairs combined first, then column pairs (an odd last row or column pairs with itself), each
// by `mean`; `out` is the plane's row at this chroma's first sample, `step` samples apart
// (2 where U and V interleave).
template <typename Value, typename Sample, typename Mean, typename ToSample>
void store_chroma_row(const Value* top, const Value* bottom, bool pair_rows, int64_t width,
                      int chroma_x_shift, std::vector<Value>& combined_row, const Mean& mean,
                      const ToSample& to_sample, Sample* out, int step) {
  const Value* combined = top;
  if (pair_rows) {
    for (int64_t x = 0; x < width; ++x) combined_row[x] = mean(top[x], bottom[x]);
    combined = combined_row.data();
  }
  if (chroma_x_shift == 0) {
    for (int64_t x = 0; x < width; ++x) out[x * step] = to_sample(combined[x]);
    return;
  }
  for (int64_t x = 0; x + 1 < width; x += 2) {
    out[x / 2 * step] = to_sample(mean(combined[x], combined[x + 1]));
  }
  if (width % 2) out[width / 2 * step] = to_sample(mean(combined[width - 1], combined[width - 1]));
}

// The loop both Y'CbCr writers share, over bands of chroma rows: each luma row of a chroma row
// clamped, then `write_row(r, g, b, luma, u, v)` writes the row's luma and fills its U and V
// at full width (`u` and `v` are null without chroma); then U and V are subsampled by `mean`
// and stored in their planes as `to_sample` makes them.
template <typename Value, typename Sample, typename RowWriter, typename Mean, typename ToSample>
void write_yuv_rows(const Channel rgb[3], const FrameView& frame, const PixelLayout& layout,
                    const RowWriter& write_row, const Mean& mean, const ToSample& to_sample) {
  const int64_t width = frame.width;
  const bool has_chroma = layout.u_plane >= 0;
  const bool pair_rows = layout.chroma_y_shift > 0;
  const int step = layout.semi_planar() ? 2 : 1;
  for_each_band(frame, layout, [&](int64_t begin, int64_t end) {
    // A luma row's clamped R, G and B; U and V of a chroma row's luma rows; a row pair combined.
    std::vector<float> clamped[3];
    std::vector<Value> u[2], v[2], combined(width);
    for (auto& row : clamped) row.resize(width);
    for (int k = 0; k < 2; ++k) u[k].resize(width), v[k].resize(width);
    for (int64_t c = begin; c < end; ++c) {
      const auto [first, last] = luma_rows(layout, c, frame.height);
      for (int64_t y = first; y <= last; ++y) {
        for (int k = 0; k < 3; ++k) clamp_row(rgb[k].row(y), clamped[k].data(), width);
        const int pair = static_cast<int>(y - first);
        write_row(clamped[0].data(), clamped[1].data(), clamped[2].data(),
                  plane_row<Sample>(frame, 0, y), has_chroma ? u[pair].data() : nullptr,
                  has_chroma ? v[pair].data() : nullptr);
      }
      if (!has_chroma) continue;
      const int bottom = static_cast<int>(last - first);
      store_chroma_row(u[0].data(), u[bottom].data(), pair_rows, width, layout.chroma_x_shift,
                       combined, mean, to_sample,
                       plane_row<Sample>(frame, layout.u_plane, c) + layout.u_offset, step);
      store_chroma_row(v[0].data(), v[bottom].data(), pair_rows, width, layout.chroma_x_shift,
                       combined, mean, to_sample,
                       plane_row<Sample>(frame, layout.v_plane, c) + layout.v_offset, step);
    }
  });
}

// 8 bits: videoconvert's integer matrix on round(255 * RGB), as rgb_to_yuv8's tensor ops. The
// integer arithmetic runs in float, where it is exact (every partial sum is an integer below
// 2^18) and vectorises without SSE4.1's 32-bit integer multiply: floor(sum / 256) is the
// truncation of (sum + 2^16) / 256, less 256 (the bias keeps the sum positive).
void write_yuv8(const Channel rgb[3], const FrameView& frame, const PixelLayout& layout) {
  const auto matrix = integer_matrix(frame.colorimetry);
  float m[3][3], biased_offset[3];
  for (int i = 0; i < 3; ++i) {
    biased_offset[i] = static_cast<float>(matrix.offset[i] + 65536);
    for (int j = 0; j < 3; ++j) m[i][j] = static_cast<float>(matrix.m[i][j]);
  }
  const auto component = [&m, &biased_offset](int i, float r, float g, float b) {
    const float biased = m[i][0] * r + m[i][1] * g + m[i][2] * b + biased_offset[i];
    return clamp_code(static_cast<int32_t>(biased * (1.f / 256)) - 256, 255);
  };
  const int64_t width = frame.width;
  const auto write_row = [&](const float* r, const float* g, const float* b, uint8_t* luma,
                             int32_t* u, int32_t* v) {
    for (int64_t x = 0; x < width; ++x) {
      luma[x] = static_cast<uint8_t>(
          component(0, rounded(r[x] * 255.f), rounded(g[x] * 255.f), rounded(b[x] * 255.f)));
    }
    if (u == nullptr) return;
    for (int64_t x = 0; x < width; ++x) {
      const float qr = rounded(r[x] * 255.f), qg = rounded(g[x] * 255.f),
                  qb = rounded(b[x] * 255.f);
      u[x] = component(1, qr, qg, qb);
      v[x] = component(2, qr, qg, qb);
    }
  };
  // Rounded up at .5, as videoconvert's integer downsampling.
  const auto mean = [](int32_t a, int32_t b) { return (a + b + 1) >> 1; };
  const auto to_sample = [](int32_t value) { return static_cast<uint8_t>(value); };
  write_yuv_rows<int32_t, uint8_t>(rgb, frame, layout, write_row, mean, to_sample);
}

// 10 and 16 bits: the matrix in float from the network's RGB, as rgb_to_yuv_deep's tensor ops
// (the same operations in the same order, each rounded to float).
void write_yuv_deep(const Channel rgb[3], const FrameView& frame, const PixelLayout& layout) {
  const auto q = quantisation_of(frame.colorimetry.range, layout.bits);
  const auto w = weights_of(frame.colorimetry.matrix);
  const float kr = static_cast<float>(w.kr), kg = static_cast<float>(w.kg()),
              kb = static_cast<float>(w.kb);
  const float cb_divisor = static_cast<float>(2 * (1 - w.kb));
  const float cr_divisor = static_cast<float>(2 * (1 - w.kr));
  const float luma_scale = static_cast<float>(q.luma_scale);
  const float luma_offset = static_cast<float>(q.luma_offset);
  const float chroma_scale = static_cast<float>(q.chroma_scale);
  const float chroma_zero = static_cast<float>(q.chroma_zero);
  const int32_t max_code = layout.max_code();
  const int shift = layout.shift;
  const int64_t width = frame.width;
  const auto write_row = [&](const float* r, const float* g, const float* b, uint16_t* luma,
                             float* u, float* v) {
    for (int64_t x = 0; x < width; ++x) {
      float luma_value = r[x] * kr;
      luma_value = luma_value + g[x] * kg;
      luma_value = luma_value + b[x] * kb;
      luma[x] = word_of(luma_value * luma_scale + luma_offset, max_code, shift);
      if (u != nullptr) {
        u[x] = (b[x] - luma_value) / cb_divisor * chroma_scale + chroma_zero;
        v[x] = (r[x] - luma_value) / cr_divisor * chroma_scale + chroma_zero;
      }
    }
  };
  const auto mean = [](float a, float b) { return (a + b) / 2; };  // at full precision
  const auto to_sample = [&](float value) { return word_of(value, max_code, shift); };
  write_yuv_rows<float, uint16_t>(rgb, frame, layout, write_row, mean, to_sample);
}

// Packed R'G'B' (8 or 16 bits, with alpha or an unused sample), as rgb_to_packed's tensor ops.
template <typename Sample>
void write_packed(const Channel rgb[3], const Channel* alpha, const FrameView& frame,
                  const PixelLayout& layout) {
  const int32_t max_code = layout.max_code();
  const float max = static_cast<float>(max_code);
  const int channels = layout.channels;
  const int64_t width = frame.width;
  // What each sample of a pixel holds; none: opaque (alpha without an alpha image, or x).
  const Channel* sources[4] = {};
  sources[layout.red] = &rgb[0];
  sources[layout.green] = &rgb[1];
  sources[layout.blue] = &rgb[2];
  if (layout.alpha >= 0) sources[layout.alpha] = alpha;
  for_each_band(frame, layout, [&](int64_t begin, int64_t end) {
    std::vector<float> clamped(width);
    for (int64_t y = begin; y < end; ++y) {
      Sample* row = plane_row<Sample>(frame, 0, y);
      for (int k = 0; k < channels; ++k) {
        Sample* out = row + k;
        if (sources[k] == nullptr) {
          for (int64_t x = 0; x < width; ++x) out[x * channels] = static_cast<Sample>(max_code);
          continue;
        }
        clamp_row(sources[k]->row(y), clamped.data(), width);
        for (int64_t x = 0; x < width; ++x) {
          out[x * channels] = static_cast<Sample>(round_even(clamped[x] * max));
        }
      }
    }
  });
}

Channel channel_of(const at::Tensor& image, int64_t index) {
  return {image.data_ptr<float>() + index * image.stride(1), image.stride(2)};
}

}  // namespace

bool host_frame_writable(const RgbImage& image, const FrameView& frame) {
  const auto host_float = [](const at::Tensor& t) {
    return t.is_cpu() && t.scalar_type() == at::kFloat;
  };
  return frame.device.is_cpu() && host_float(image.rgb) &&
         (!image.alpha.defined() || host_float(image.alpha));
}

void write_host_frame(const RgbImage& image, const FrameView& frame) {
  // Columns contiguous: the network's tiles are, so this copies nothing there.
  const auto contiguous_rows = [](const at::Tensor& t) {
    return t.stride(3) == 1 ? t : t.contiguous();
  };
  const auto rgb = contiguous_rows(image.rgb);
  const Channel channels[3] = {channel_of(rgb, 0), channel_of(rgb, 1), channel_of(rgb, 2)};
  const auto& layout = layout_of(frame.format);
  if (layout.yuv && layout.bits == 8) {
    write_yuv8(channels, frame, layout);
  } else if (layout.yuv) {
    write_yuv_deep(channels, frame, layout);
  } else {
    const auto alpha_values = image.alpha.defined() ? contiguous_rows(image.alpha) : at::Tensor();
    const Channel alpha =
        alpha_values.defined() ? channel_of(alpha_values, 0) : Channel{nullptr, 0};
    const Channel* alpha_channel = alpha_values.defined() ? &alpha : nullptr;
    if (layout.sample_bytes == 1) {
      write_packed<uint8_t>(channels, alpha_channel, frame, layout);
    } else {
      write_packed<uint16_t>(channels, alpha_channel, frame, layout);
    }
  }
}

}  // namespace srgan::detail
