#include "srgan/resampling.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace srgan {
namespace {

double lanczos3(double t) {
  if (t == 0) return 1;
  if (std::abs(t) >= 3) return 0;
  return 3 * std::sin(M_PI * t) * std::sin(M_PI * t / 3) / (M_PI * M_PI * t * t);
}

// The [in * factor, in] matrix that upscales one axis: separable, so an image is M_h X M_w^T.
at::Tensor lanczos_matrix(int64_t in, int64_t factor) {
  const int64_t out = in * factor;
  std::vector<float> m(static_cast<size_t>(out * in), 0.0f);
  for (int64_t i = 0; i < out; ++i) {
    const double x = (static_cast<double>(i) + 0.5) / static_cast<double>(factor) - 0.5;
    const int64_t first = static_cast<int64_t>(std::floor(x)) - 2;
    std::vector<double> weights(6);
    double sum = 0;
    for (int64_t k = 0; k < 6; ++k)
      sum += weights[k] = lanczos3(x - static_cast<double>(first + k));
    for (int64_t k = 0; k < 6; ++k) {
      const int64_t j = std::clamp<int64_t>(first + k, 0, in - 1);
      m[i * in + j] += static_cast<float>(weights[k] / sum);
    }
  }
  return at::tensor(m).view({out, in});
}

}  // namespace

at::Tensor downscale_bicubic(const at::Tensor& images, int64_t factor) {
  return at::_upsample_bicubic2d_aa(images, {images.size(2) / factor, images.size(3) / factor},
                                    /*align_corners=*/false)
      .clamp(0, 1);
}

at::Tensor upscale_bicubic(const at::Tensor& images, int64_t factor) {
  return at::upsample_bicubic2d(images, {images.size(2) * factor, images.size(3) * factor},
                                /*align_corners=*/false)
      .clamp(0, 1);
}

at::Tensor upscale_lanczos(const at::Tensor& images, int64_t factor) {
  const auto rows = lanczos_matrix(images.size(2), factor).to(images.options());
  const auto columns = lanczos_matrix(images.size(3), factor).to(images.options());
  return at::matmul(at::matmul(rows, images), columns.t()).clamp(0, 1);
}

}  // namespace srgan
