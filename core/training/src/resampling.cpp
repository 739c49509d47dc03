#include "srgan/resampling.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace srgan {
namespace {

double lanczos3(double t) {
  if (t == 0) return 1;
  if (std::abs(t) >= 3) return 0;
  return 3 * std::sin(M_PI * t) * std::sin(M_PI * t / 3) / (M_PI * M_PI * t * t);
}

// The [out, in] matrix that resamples one axis with Lanczos-3: output sample i sits at input
// position (i + 0.5) * in / out - 0.5; when shrinking, the kernel is stretched by in / out so that
// it also filters out what the smaller grid cannot hold (as PIL does). Edges replicated, weights
// normalised. Separable, so an image is M_h X M_w^T.
at::Tensor lanczos_matrix(int64_t in, int64_t out) {
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  const double stretch = std::max(1.0, scale), support = 3 * stretch;
  std::vector<float> m(static_cast<size_t>(out * in), 0.0f);
  for (int64_t i = 0; i < out; ++i) {
    const double x = (static_cast<double>(i) + 0.5) * scale - 0.5;
    const auto first = static_cast<int64_t>(std::floor(x - support)) + 1;
    const auto last = static_cast<int64_t>(std::floor(x + support));
    std::vector<double> weights;
    double sum = 0;
    for (int64_t j = first; j <= last; ++j) {
      weights.push_back(lanczos3((x - static_cast<double>(j)) / stretch));
      sum += weights.back();
    }
    for (int64_t j = first; j <= last; ++j) {
      const int64_t clamped = std::clamp<int64_t>(j, 0, in - 1);
      m[i * in + clamped] += static_cast<float>(weights[j - first] / sum);
    }
  }
  return at::tensor(m).view({out, in});
}

at::Tensor resample_lanczos(const at::Tensor& images, int64_t height, int64_t width) {
  const auto rows = lanczos_matrix(images.size(2), height).to(images.options());
  const auto columns = lanczos_matrix(images.size(3), width).to(images.options());
  return at::matmul(at::matmul(rows, images), columns.t()).clamp(0, 1);
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
  return resample_lanczos(images, images.size(2) * factor, images.size(3) * factor);
}

at::Tensor downscale(const at::Tensor& images, int64_t factor, ResizeKernel kernel) {
  const int64_t h = images.size(2) / factor, w = images.size(3) / factor;
  switch (kernel) {
    case ResizeKernel::kBicubic:
      return downscale_bicubic(images, factor);
    case ResizeKernel::kBilinear:
      return at::_upsample_bilinear2d_aa(images, {h, w}, /*align_corners=*/false).clamp(0, 1);
    case ResizeKernel::kArea:
      return at::avg_pool2d(images.slice(2, 0, h * factor).slice(3, 0, w * factor), factor);
    case ResizeKernel::kLanczos:
      return resample_lanczos(images.slice(2, 0, h * factor).slice(3, 0, w * factor), h, w);
  }
  return downscale_bicubic(images, factor);
}

std::string to_string(ResizeKernel kernel) {
  switch (kernel) {
    case ResizeKernel::kBicubic:
      return "bicubic";
    case ResizeKernel::kBilinear:
      return "bilinear";
    case ResizeKernel::kArea:
      return "area";
    case ResizeKernel::kLanczos:
      return "lanczos";
  }
  return "";
}

}  // namespace srgan
