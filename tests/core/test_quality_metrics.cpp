#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include <ATen/ATen.h>

#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "test_support.h"

namespace srgan {
namespace {

// Reference values: tests/fixtures/make_metric_references.py (scikit-image and NumPy).
constexpr double kShiftPsnr = 21.0584298176, kShiftSsim = 0.8299473185;
constexpr double kBicubicPsnr = 24.7254360476, kBicubicSsim = 0.8411452535;

at::Tensor photo_luma() { return luma_bt601(read_image(test::fixture("photo-citrus-64x48.png"))); }

TEST(QualityMetrics, ImageAgainstItself) {
  const auto y = photo_luma();
  EXPECT_TRUE(std::isinf(psnr(y, y, 4)));
  EXPECT_DOUBLE_EQ(ssim(y, y, 4), 1.0);
}

TEST(QualityMetrics, OnePixelShiftMatchesScikitImage) {
  const auto y = photo_luma();
  const auto a = y.slice(1, 1), b = y.slice(1, 0, y.size(1) - 1);
  EXPECT_NEAR(psnr(a, b, 4), kShiftPsnr, 1e-6);
  EXPECT_NEAR(ssim(a, b, 4), kShiftSsim, 1e-6);
}

TEST(QualityMetrics, BicubicOnAFixedImageMatchesScikitImage) {
  const auto rgb = read_image(test::fixture("photo-citrus-64x48.png"));
  const auto up = upscale_bicubic(downscale_bicubic(rgb, 4), 4);
  // Resampled in float32 here, in float64 for the reference: agreement to a few 1e-3 dB.
  EXPECT_NEAR(psnr(luma_bt601(up), luma_bt601(rgb), 4), kBicubicPsnr, 0.01);
  EXPECT_NEAR(ssim(luma_bt601(up), luma_bt601(rgb), 4), kBicubicSsim, 1e-3);
}

TEST(QualityMetrics, HandComputedPsnr) {
  // A constant error of 5 code values: 10 log10(255^2 / 25) = 34.1514 dB.
  const auto a = at::full({20, 20}, 100.0, at::kDouble);
  EXPECT_NEAR(psnr(a, a + 5, 2), 10 * std::log10(255.0 * 255.0 / 25.0), 1e-9);
}

TEST(QualityMetrics, MismatchedSizesAndTinyImagesAreErrors) {
  EXPECT_THROW(psnr(at::zeros({10, 10}), at::zeros({10, 11}), 1), Error);
  EXPECT_THROW(ssim(at::zeros({8, 8}), at::zeros({8, 8}), 4), Error);
}

// Lanczos-3 against the kernel summed directly per output pixel (2-D, replicated edges, each
// axis's weights normalised): a different code path from the separable matrices.
double lanczos3_kernel(double t) {
  if (t == 0) return 1;
  if (std::abs(t) >= 3) return 0;
  return 3 * std::sin(M_PI * t) * std::sin(M_PI * t / 3) / (M_PI * M_PI * t * t);
}

TEST(Resampling, LanczosEqualsADirectSumOfItsKernel) {
  at::manual_seed(3);
  const auto image = at::rand({1, 3, 5, 7});
  for (int64_t f : {2, 3, 4}) {
    const auto ours = upscale_lanczos(image, f);
    ASSERT_EQ(ours.sizes(), (std::vector<int64_t>{1, 3, 5 * f, 7 * f}));
    auto expected = at::zeros_like(ours);
    auto taps = [&](int64_t i, int64_t in) {  // (input index, normalised weight) pairs
      const double x = (i + 0.5) / f - 0.5;
      std::vector<std::pair<int64_t, double>> w;
      double sum = 0;
      for (int64_t j = static_cast<int64_t>(std::floor(x)) - 2; j <= std::floor(x) + 3; ++j) {
        w.emplace_back(std::clamp<int64_t>(j, 0, in - 1), lanczos3_kernel(x - j));
        sum += w.back().second;
      }
      for (auto& p : w) p.second /= sum;
      return w;
    };
    auto acc = expected.accessor<float, 4>();
    auto in = image.accessor<float, 4>();
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t y = 0; y < 5 * f; ++y) {
        for (int64_t x = 0; x < 7 * f; ++x) {
          double v = 0;
          for (auto [row, wy] : taps(y, 5)) {
            for (auto [column, wx] : taps(x, 7)) v += wy * wx * in[0][c][row][column];
          }
          acc[0][c][y][x] = static_cast<float>(std::clamp(v, 0.0, 1.0));
        }
      }
    }
    EXPECT_LT((ours - expected).abs().max().item<double>(), 1e-5) << "x" << f;
  }
  // A flat image stays flat; factor 1 is the identity (the kernel is zero at other integers).
  EXPECT_LT((upscale_lanczos(at::full({1, 3, 4, 6}, 0.25), 2) - 0.25).abs().max().item<double>(),
            1e-6);
  EXPECT_LT((upscale_lanczos(image, 1) - image).abs().max().item<double>(), 1e-6);
}

}  // namespace
}  // namespace srgan
