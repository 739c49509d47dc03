#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace srgan
