#include "srgan/quality_metrics.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>

#include "srgan/error.h"

namespace srgan {
namespace {

at::Tensor cropped(const at::Tensor& image, int64_t border) {
  if (image.dim() != 2 || image.size(0) <= 2 * border || image.size(1) <= 2 * border) {
    throw Error("quality metrics need [H, W] images larger than twice the border, got " +
                c10::str(image.sizes()));
  }
  return image.slice(0, border, image.size(0) - border).slice(1, border, image.size(1) - border);
}

void check_same_size(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes()) {
    throw Error("images differ in size: " + c10::str(a.sizes()) + " vs " + c10::str(b.sizes()));
  }
}

}  // namespace

at::Tensor luma_bt601(const at::Tensor& rgb) {
  const auto q = at::round(rgb[0].to(at::kCPU, at::kDouble).clamp(0, 1) * 255) / 255;
  return 16.0 + 65.481 * q[0] + 128.553 * q[1] + 24.966 * q[2];
}

double psnr(const at::Tensor& a, const at::Tensor& b, int64_t border) {
  check_same_size(a, b);
  const double mse = (cropped(a, border).to(at::kDouble) - cropped(b, border).to(at::kDouble))
                         .pow(2)
                         .mean()
                         .item<double>();
  if (mse == 0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

double ssim(const at::Tensor& a, const at::Tensor& b, int64_t border) {
  check_same_size(a, b);
  const auto x = cropped(a, border).to(at::kDouble).unsqueeze(0).unsqueeze(0);
  const auto y = cropped(b, border).to(at::kDouble).unsqueeze(0).unsqueeze(0);
  const auto coords = at::arange(11, at::kDouble) - 5;
  auto g = at::exp(-(coords * coords) / (2 * 1.5 * 1.5));
  g = g / g.sum();
  const auto window = at::outer(g, g).view({1, 1, 11, 11});
  // 'valid' filtering, as the reference implementation (and scikit-image's gaussian_weights
  // with use_sample_covariance=False) computes it.
  auto filter = [&](const at::Tensor& t) { return at::conv2d(t, window); };
  const double c1 = std::pow(0.01 * 255, 2), c2 = std::pow(0.03 * 255, 2);
  const auto mx = filter(x), my = filter(y);
  const auto sxx = filter(x * x) - mx * mx;
  const auto syy = filter(y * y) - my * my;
  const auto sxy = filter(x * y) - mx * my;
  const auto map =
      ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2));
  return map.mean().item<double>();
}

}  // namespace srgan
