// A check on the shipped files: models/srgan-x4.pt (and srgan-x2.pt, once trained) load, are the
// paper's generator at their scale, and beat bicubic PSNR (Y) on two crops of validation photos
// they were never trained on.
#include <gtest/gtest.h>

#include <filesystem>

#include <ATen/ATen.h>

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

// The x2 model is trained on a GPU (tests/gpu/train-bundled-model.sh x2); until a checkout has
// it, its tests say so.
#define SKIP_WITHOUT_X2()                                                         \
  if (!std::filesystem::exists(kModelX2))                                         \
  GTEST_SKIP() << "models/srgan-x2.pt is not in this checkout (made on a GPU by " \
                  "tests/gpu/train-bundled-model.sh x2)"

TEST(BundledModel, IsThePapersX4GeneratorWithProvenance) {
  const Model model = load_model(kModel);
  EXPECT_EQ(model.kind(), Model::Kind::kCheckpoint);
  EXPECT_EQ(model.scale(), 4);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->residual_blocks(), 3);
  EXPECT_EQ(model.generator_options()->channels(), 64);
  EXPECT_GT(model.provenance().steps, 0);
  EXPECT_FALSE(model.provenance().command.empty());
}

class BeatsBicubic : public ::testing::TestWithParam<const char*> {};

TEST_P(BeatsBicubic, OnAValidationCrop) {
  Upscaler upscaler(UpscalerOptions().model_path(kModel).device("cpu").precision(Precision::kFp32));
  const auto hr = read_image(test::fixture(GetParam()));
  const auto lr = downscale_bicubic(hr, 4);
  const auto truth = luma_bt601(hr);
  const double model = psnr(luma_bt601(upscaler.upscale_rgb(lr)), truth, 4);
  const double bicubic = psnr(luma_bt601(upscale_bicubic(lr, 4)), truth, 4);
  RecordProperty("psnr_model", std::to_string(model));
  RecordProperty("psnr_bicubic", std::to_string(bicubic));
  EXPECT_GT(model, bicubic) << GetParam() << ": model " << model << " dB, bicubic " << bicubic
                            << " dB";
}

INSTANTIATE_TEST_SUITE_P(ValidationCrops, BeatsBicubic,
                         ::testing::Values("val-path-192x128.png", "val-boats-192x128.png"));

TEST(BundledModelX2, IsAnX2GeneratorOf32ChannelsWithProvenance) {
  SKIP_WITHOUT_X2();
  const Model model = load_model(kModelX2);
  EXPECT_EQ(model.kind(), Model::Kind::kCheckpoint);
  EXPECT_EQ(model.scale(), 2);
  ASSERT_TRUE(model.generator_options().has_value());
  EXPECT_EQ(model.generator_options()->channels(), 32);
  EXPECT_GT(model.provenance().steps, 0);
}

class X2BeatsBicubic : public ::testing::TestWithParam<const char*> {};

// The floor: 0.1 dB over bicubic x2 on each crop. These are the hardest crops (foliage, boats:
// the x4 model gains 0.16 and 0.67 dB there); the card's target is +1.5 dB on the full photos.
TEST_P(X2BeatsBicubic, OnAValidationCrop) {
  SKIP_WITHOUT_X2();
  Upscaler upscaler(
      UpscalerOptions().model_path(kModelX2).device("cpu").precision(Precision::kFp32));
  const auto hr = read_image(test::fixture(GetParam()));
  const auto lr = downscale_bicubic(hr, 2);
  const auto output = upscaler.upscale_rgb(lr);
  ASSERT_EQ(output.sizes(), hr.sizes());
  const auto truth = luma_bt601(hr);
  const double model = psnr(luma_bt601(output), truth, 4);
  const double bicubic = psnr(luma_bt601(upscale_bicubic(lr, 2)), truth, 4);
  RecordProperty("psnr_model", std::to_string(model));
  RecordProperty("psnr_bicubic", std::to_string(bicubic));
  EXPECT_GT(model, bicubic + 0.1) << GetParam() << ": model " << model << " dB, bicubic " << bicubic
                                  << " dB";
}

INSTANTIATE_TEST_SUITE_P(ValidationCrops, X2BeatsBicubic,
                         ::testing::Values("val-path-192x128.png", "val-boats-192x128.png"));

}  // namespace
}  // namespace srgan
