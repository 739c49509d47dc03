// A check on the shipped files: models/srgan-x4.pt and srgan-x2.pt (the compact family) and
// srgan-x4-srgan.pt (the paper's generator) load, are what their cards say, and beat bicubic
// PSNR (Y) on two crops of validation photos they were never trained on, by a floor each.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "srgan/generator_options.h"
#include "srgan/image_io.h"
#include "srgan/model.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace srgan {
namespace {

const std::string kModel = std::string(SRGAN_MODELS_DIR) + "/srgan-x4.pt";
const std::string kModelX2 = std::string(SRGAN_MODELS_DIR) + "/srgan-x2.pt";
const std::string kModelX4Srgan = std::string(SRGAN_MODELS_DIR) + "/srgan-x4-srgan.pt";

TEST(BundledModel, X4IsTheCompactFamilyWithProvenance) {
  const Model model = load_model(kModel);
  EXPECT_EQ(model.kind(), Model::Kind::kCheckpoint);
  EXPECT_EQ(model.scale(), 4);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->architecture(), Architecture::kCompact);
  EXPECT_EQ(model.generator_options()->blocks(), 12);
  EXPECT_EQ(model.generator_options()->channels(), 48);
  EXPECT_GT(model.provenance().steps, 0);
  EXPECT_FALSE(model.provenance().command.empty());
}

TEST(BundledModel, X4SrganIsThePapersGeneratorAndStillVersionOne) {
  const Model model = load_model(kModelX4Srgan);
  EXPECT_EQ(model.scale(), 4);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->architecture(), Architecture::kSrgan);
  EXPECT_EQ(model.generator_options()->blocks(), 3);
  EXPECT_EQ(model.generator_options()->channels(), 64);
  EXPECT_EQ(model.provenance().steps, 34000);  // a file written before the compact family
}

// A model's PSNR gain (Y, 4-pixel border) over bicubic on a validation crop.
double gain_over_bicubic(const std::string& path, int64_t scale, const char* crop) {
  Upscaler upscaler(UpscalerOptions().model_path(path).device("cpu").precision(Precision::kFp32));
  const auto hr = read_image(test::fixture(crop));
  const auto lr = downscale_bicubic(hr, scale);
  const auto output = upscaler.upscale_rgb(lr);
  EXPECT_EQ(output.sizes(), hr.sizes());
  const auto truth = luma_bt601(hr);
  const double model = psnr(luma_bt601(output), truth, 4);
  const double bicubic = psnr(luma_bt601(upscale_bicubic(lr, scale)), truth, 4);
  ::testing::Test::RecordProperty("psnr_model", std::to_string(model));
  ::testing::Test::RecordProperty("psnr_bicubic", std::to_string(bicubic));
  return model - bicubic;
}

class BeatsBicubic : public ::testing::TestWithParam<const char*> {};

// Floors below what each file measured on these crops (foliage and boats, the hardest kinds;
// models/README.md has the figures), so that a damaged or untrained file fails.
TEST_P(BeatsBicubic, X4OnAValidationCrop) {
  EXPECT_GT(gain_over_bicubic(kModel, 4, GetParam()), 0.15) << GetParam();
}

TEST_P(BeatsBicubic, X4SrganOnAValidationCrop) {
  EXPECT_GT(gain_over_bicubic(kModelX4Srgan, 4, GetParam()), 0.1) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(ValidationCrops, BeatsBicubic,
                         ::testing::Values("val-path-192x128.png", "val-boats-192x128.png"));

TEST(BundledModelX2, IsACompactX2Of32ChannelsWithProvenance) {
  const Model model = load_model(kModelX2);
  EXPECT_EQ(model.kind(), Model::Kind::kCheckpoint);
  EXPECT_EQ(model.scale(), 2);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->architecture(), Architecture::kCompact);
  EXPECT_EQ(model.generator_options()->channels(), 32);
  EXPECT_GT(model.provenance().steps, 0);
}

class X2BeatsBicubic : public ::testing::TestWithParam<const char*> {};

TEST_P(X2BeatsBicubic, OnAValidationCrop) {
  EXPECT_GT(gain_over_bicubic(kModelX2, 2, GetParam()), 0.5) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(ValidationCrops, X2BeatsBicubic,
                         ::testing::Values("val-path-192x128.png", "val-boats-192x128.png"));

}  // namespace
}  // namespace srgan
