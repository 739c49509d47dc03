#include "skip_phases.h"

#include <cmath>

#include <ATen/ATen.h>

#include "srgan/error.h"

namespace srgan::detail {
namespace {

// ATen's cubic convolution (Keys, A = -0.75) for distances in [0, 1] and [1, 2].
double cubic_near(double x, double a) { return ((a + 2) * x - (a + 3)) * x * x + 1; }
double cubic_far(double x, double a) { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a; }

}  // namespace

// Bicubic without corner alignment reads the input at i + (p + 0.5) / s - 0.5, four taps around
// it, as upsample_bicubic2d does (past an edge it reads the edge sample: replicated padding);
// nearest reads sample i.
at::Tensor skip_phase_taps(SkipUpscale skip, int64_t scale) {
  if (skip == SkipUpscale::kNone) return {};
  auto weights = at::zeros({scale, kSkipTaps}, at::kDouble);
  auto w = weights.accessor<double, 2>();
  for (int64_t p = 0; p < scale; ++p) {
    if (skip == SkipUpscale::kNearest) {
      w[p][kSkipCentre] = 1;
      continue;
    }
    constexpr double kA = -0.75;
    const double source = (p + 0.5) / static_cast<double>(scale) - 0.5;
    const double floor = std::floor(source), t = source - floor;
    const double taps[4] = {cubic_far(t + 1, kA), cubic_near(t, kA), cubic_near(1 - t, kA),
                            cubic_far(2 - t, kA)};
    for (int j = 0; j < 4; ++j) w[p][static_cast<int64_t>(floor) - 1 + j + kSkipCentre] = taps[j];
  }
  return weights;
}

at::Tensor skip_phase_kernel(const at::Tensor& taps) {
  if (!taps.defined()) return {};
  const int64_t scale = taps.size(0);
  const auto axis = taps.to(at::kDouble);
  // Phase (py, px): the outer product of the two axes' weights.
  const auto phases =
      at::einsum("ai,bj->abij", {axis, axis}).reshape({scale * scale, kSkipTaps, kSkipTaps});
  auto kernel = at::zeros({3 * scale * scale, 3, kSkipTaps, kSkipTaps}, at::kDouble);
  for (int64_t c = 0; c < 3; ++c) {
    kernel.narrow(0, c * scale * scale, scale * scale).select(1, c).copy_(phases);
  }
  return kernel;
}

at::Tensor skip_phases(const at::Tensor& lr, const at::Tensor& kernel, at::MemoryFormat format) {
  const auto padded =
      at::replication_pad2d(lr, {kSkipCentre, kSkipCentre, kSkipCentre, kSkipCentre});
  return at::conv2d(padded.contiguous(format),
                    kernel.to(lr.device(), lr.scalar_type()).contiguous(format));
}

at::Tensor shuffle_to_image(const at::Tensor& phases, int64_t scale) {
  const int64_t n = phases.size(0), h = phases.size(2), w = phases.size(3);
  if (phases.size(1) != 3 * scale * scale) {
    throw Error("shuffle_to_image: expected " + std::to_string(3 * scale * scale) +
                " channels, got " + std::to_string(phases.size(1)));
  }
  // [n, c, py, px, y, x] -> [n, c, y, py, x, px]
  return phases.view({n, 3, scale, scale, h, w})
      .permute({0, 1, 4, 2, 5, 3})
      .reshape({n, 3, h * scale, w * scale})
      .contiguous();
}

}  // namespace srgan::detail
