#include "image_from_phases.h"

#include <algorithm>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Dispatch.h>
#include <ATen/Parallel.h>

#include "skip_phases.h"
#include "srgan/error.h"

// LibTorch's at::parallel_for is inline OpenMP: without it this file's loops run on one thread.
#if AT_PARALLEL_OPENMP && !defined(_OPENMP)
#error "compile with OpenMP (core/CMakeLists.txt links OpenMP::OpenMP_CXX)"
#endif

namespace srgan::detail {
namespace {

// Output samples a thread computes at least per task: rows of a small tile are cheap.
constexpr int64_t kGrainSamples = 1 << 15;

// As at::clamp(-1, 1), except NaN (which no network should give) becomes -1; in this operand
// order std::max and std::min are SSE's maxps and minps, and the clamp is the last operation on
// its value, so GCC vectorises the loops it ends.
template <typename T>
inline T clamped(T v) {
  return std::min(T(1), std::max(T(-1), v));
}

// Input rows (b, y) of the image, each into its 3 s rows of the output. kScale is the scale
// where it is known when compiling (the inner loops then vectorise over the phases), 0 otherwise.
template <typename Res, typename Acc, int64_t kScale>
class PhaseRows {
 public:
  PhaseRows(const at::Tensor& residual, const at::Tensor& lr, const at::Tensor& taps, int64_t scale,
            at::Tensor& out)
      : residual_(residual.const_data_ptr<Res>()),
        stride_n_(residual.stride(0)),
        stride_c_(residual.stride(1)),
        stride_h_(residual.stride(2)),
        stride_w_(residual.stride(3)),
        lr_(lr.defined() ? lr.const_data_ptr<Acc>() : nullptr),
        taps_(taps.defined() ? taps.const_data_ptr<Acc>() : nullptr),
        scale_(kScale != 0 ? kScale : scale),
        height_(residual.size(2)),
        width_(residual.size(3)),
        out_(out.mutable_data_ptr<Acc>()) {}

  int64_t width() const { return width_; }

  // Row y of image b. `vertical` holds width + 4 values, `skip` scale * width.
  void row(int64_t b, int64_t y, Acc* vertical, Acc* skip) const {
    const int64_t s = scale_, w = width_;
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t py = 0; py < s; ++py) {
        Acc* out = out_ + ((b * 3 + c) * s * height_ + y * s + py) * s * w;
        if (lr_ != nullptr) skip_row(b, c, y, py, vertical, skip);
        const Res* residual =
            residual_ + b * stride_n_ + (c * s * s + py * s) * stride_c_ + y * stride_h_;
        if (stride_c_ == 1 && stride_w_ == 3 * s * s) {
          add_clamp<true>(residual, skip, out);
        } else {
          add_clamp<false>(residual, skip, out);
        }
      }
    }
  }

 private:
  // skip[px w + x]: the skip's samples of output row s y + py, colour c. Separable: the
  // vertical taps of phase py over the five edge-replicated input rows around y, then the
  // horizontal taps of each phase px over the edge-replicated result.
  void skip_row(int64_t b, int64_t c, int64_t y, int64_t py, Acc* vertical, Acc* skip) const {
    const int64_t s = scale_, w = width_;
    const Acc* plane = lr_ + (b * 3 + c) * height_ * w;
    const Acc* rows[kSkipTaps];
    for (int64_t i = 0; i < kSkipTaps; ++i) {
      rows[i] = plane + std::clamp<int64_t>(y + i - kSkipCentre, 0, height_ - 1) * w;
    }
    const Acc* ty = taps_ + py * kSkipTaps;
    Acc* v = vertical + kSkipCentre;
    for (int64_t x = 0; x < w; ++x) {
      v[x] = ty[0] * rows[0][x] + ty[1] * rows[1][x] + ty[2] * rows[2][x] + ty[3] * rows[3][x] +
             ty[4] * rows[4][x];
    }
    vertical[0] = vertical[1] = v[0];
    v[w] = v[w + 1] = v[w - 1];
    for (int64_t px = 0; px < s; ++px) {
      const Acc* tx = taps_ + px * kSkipTaps;
      Acc* phase = skip + px * w;
      for (int64_t x = 0; x < w; ++x) {
        phase[x] = tx[0] * vertical[x] + tx[1] * vertical[x + 1] + tx[2] * vertical[x + 2] +
                   tx[3] * vertical[x + 3] + tx[4] * vertical[x + 4];
      }
    }
  }

  // out[x s + px] = clamp(skip + residual of phase px at column x), a phase at a time. In a
  // channels-last residual a column's 3 s^2 channels are adjacent: phase px is read every 3 s^2
  // values, a stride known when compiling where the scale is.
  template <bool kChannelsLast>
  void add_clamp(const Res* residual, const Acc* skip, Acc* out) const {
    const int64_t s = scale_, w = width_;
    const int64_t phase_stride = kChannelsLast ? 1 : stride_c_;
    const int64_t column_stride = kChannelsLast && kScale != 0 ? 3 * kScale * kScale : stride_w_;
    for (int64_t px = 0; px < s; ++px) {
      const Res* phase = residual + px * phase_stride;
      for (int64_t x = 0; x < w; ++x) {
        const Acc base = lr_ != nullptr ? skip[px * w + x] : Acc(0);
        out[x * s + px] = clamped(base + static_cast<Acc>(phase[x * column_stride]));
      }
    }
  }

  const Res* residual_;
  int64_t stride_n_, stride_c_, stride_h_, stride_w_;
  const Acc* lr_;
  const Acc* taps_;
  int64_t scale_, height_, width_;
  Acc* out_;
};

template <typename Res, typename Acc, int64_t kScale>
void compute(const at::Tensor& residual, const at::Tensor& lr, const at::Tensor& taps,
             int64_t scale, at::Tensor& out) {
  const PhaseRows<Res, Acc, kScale> rows(residual, lr, taps, scale, out);
  const int64_t height = residual.size(2);
  const int64_t samples_per_row = 3 * scale * scale * rows.width();
  const int64_t grain = std::max<int64_t>(1, kGrainSamples / samples_per_row);
  at::parallel_for(0, residual.size(0) * height, grain, [&](int64_t begin, int64_t end) {
    std::vector<Acc> vertical(rows.width() + 2 * kSkipCentre), skip(scale * rows.width());
    for (int64_t i = begin; i < end; ++i) {
      rows.row(i / height, i % height, vertical.data(), skip.data());
    }
  });
}

template <typename Res, typename Acc>
void compute_at_scale(const at::Tensor& residual, const at::Tensor& lr, const at::Tensor& taps,
                      int64_t scale, at::Tensor& out) {
  switch (scale) {
    case 2:
      return compute<Res, Acc, 2>(residual, lr, taps, scale, out);
    case 4:
      return compute<Res, Acc, 4>(residual, lr, taps, scale, out);
    case 8:
      return compute<Res, Acc, 8>(residual, lr, taps, scale, out);
    default:
      return compute<Res, Acc, 0>(residual, lr, taps, scale, out);
  }
}

}  // namespace

bool image_from_phases_takes(const at::Tensor& residual) {
  const auto dtype = residual.scalar_type();
  return residual.device().is_cpu() && (dtype == at::kFloat || dtype == at::kDouble ||
                                        dtype == at::kBFloat16 || dtype == at::kHalf);
}

at::Tensor image_from_phases(const at::Tensor& residual, const at::Tensor& lr,
                             const at::Tensor& taps, int64_t scale) {
  if (!image_from_phases_takes(residual)) {
    throw Error("image_from_phases: needs a float tensor on the CPU, got " +
                std::string(c10::toString(residual.scalar_type())) + " on " +
                residual.device().str());
  }
  if (residual.dim() != 4 || residual.size(1) != 3 * scale * scale || scale < 1) {
    throw Error("image_from_phases: expected [N, " + std::to_string(3 * scale * scale) +
                ", H, W] phases, got " + c10::str(residual.sizes()));
  }
  const int64_t n = residual.size(0), h = residual.size(2), w = residual.size(3);
  const auto acc = residual.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  at::Tensor source, weights;
  if (taps.defined()) {
    if (!lr.defined() || lr.sizes() != at::IntArrayRef{n, 3, h, w}) {
      throw Error("image_from_phases: the skip's input must be [" + std::to_string(n) + ", 3, " +
                  std::to_string(h) + ", " + std::to_string(w) + "]");
    }
    if (taps.sizes() != at::IntArrayRef{scale, kSkipTaps}) {
      throw Error("image_from_phases: expected [" + std::to_string(scale) + ", 5] skip taps");
    }
    source = lr.to(at::kCPU, acc).contiguous();
    weights = taps.to(at::kCPU, acc).contiguous();
  }
  auto out = at::empty({n, 3, h * scale, w * scale}, residual.options().dtype(acc));
  if (out.numel() == 0) return out;
  AT_DISPATCH_FLOATING_TYPES_AND2(
      at::kBFloat16, at::kHalf, residual.scalar_type(), "image_from_phases", [&] {
        if (acc == at::kDouble) {
          compute_at_scale<scalar_t, double>(residual, source, weights, scale, out);
        } else {
          compute_at_scale<scalar_t, float>(residual, source, weights, scale, out);
        }
      });
  return out;
}

}  // namespace srgan::detail
