// A check on the shipped file: models/srgan-x4.pt loads, is the paper's x4 generator, and beats
// bicubic PSNR (Y) on two crops of validation photos it was never trained on.
#include <gtest/gtest.h>

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
  Upscaler upscaler(UpscalerOptions().model_path(kModel).device("cpu").precision("fp32"));
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

}  // namespace
}  // namespace srgan
