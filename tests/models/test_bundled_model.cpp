// A check on the shipped files: models/srgan-x4.pt and srgan-x2.pt (the compact family) and
// srgan-x4-srgan.pt (the paper's generator) load, are what their cards say, and beat bicubic
// PSNR (Y) on two crops of validation photos they were never trained on, by a floor each; bf16
// keeps that quality (within 0.05 dB of fp32, outputs within a bound).
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

// A description names the data set, never the training machine's path (older files recorded
// it: only its last two parts are shown).
TEST(BundledModel, DescriptionsNameTheDataSetNotAMachinesPath) {
  for (const auto& path : {kModel, kModelX2, kModelX4Srgan}) {
    const std::string description = load_model(path).describe();
    if (path != kModelX4Srgan) {
      EXPECT_NE(description.find(" on photos/train"), std::string::npos) << description;
    }
    EXPECT_EQ(description.find(" on /"), std::string::npos) << description;
    EXPECT_EQ(description.find("shared/datasets"), std::string::npos) << description;
  }
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

// A model's upscale of a validation crop's antialiased bicubic downscale, on the CPU.
at::Tensor upscale_crop(const std::string& path, int64_t scale, const char* crop,
                        Precision precision = Precision::kFp32) {
  Upscaler upscaler(UpscalerOptions().model_path(path).device("cpu").precision(precision));
  return upscaler.upscale_rgb(downscale_bicubic(read_image(test::fixture(crop)), scale));
}

// A model's PSNR gain (Y, 4-pixel border) over bicubic on a validation crop.
double gain_over_bicubic(const std::string& path, int64_t scale, const char* crop) {
  const auto hr = read_image(test::fixture(crop));
  const auto lr = downscale_bicubic(hr, scale);
  const auto output = upscale_crop(path, scale, crop);
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

// bf16 (what precision=auto picks on CPUs with bf16 instructions; emulated, slower but the same
// arithmetic, elsewhere) against fp32 on the same crop: the PSNR against the original within
// 0.05 dB (the bound), and no output value further than 3/255 from fp32's. Measured on
// an AMD EPYC with AVX512-BF16: PSNR within 0.001 dB, largest difference 1.1/255 (x4-srgan).
struct PrecisionCase {
  const char* model;
  int64_t scale;
  const char* crop;
};

class Bf16KeepsTheQuality : public ::testing::TestWithParam<PrecisionCase> {};

TEST_P(Bf16KeepsTheQuality, OfFp32OnAValidationCrop) {
  const auto c = GetParam();
  const std::string path = std::string(SRGAN_MODELS_DIR) + "/" + c.model;
  const auto truth = luma_bt601(read_image(test::fixture(c.crop)));
  const auto fp32 = upscale_crop(path, c.scale, c.crop, Precision::kFp32);
  const auto bf16 = upscale_crop(path, c.scale, c.crop, Precision::kBf16);
  ASSERT_EQ(bf16.scalar_type(), at::kFloat);
  const double psnr_fp32 = psnr(luma_bt601(fp32), truth, 4);
  const double psnr_bf16 = psnr(luma_bt601(bf16), truth, 4);
  const double largest = (bf16 - fp32).abs().max().item<double>();
  RecordProperty("psnr_fp32", std::to_string(psnr_fp32));
  RecordProperty("psnr_bf16", std::to_string(psnr_bf16));
  RecordProperty("largest_difference_in_255ths", std::to_string(largest * 255));
  EXPECT_NEAR(psnr_bf16, psnr_fp32, 0.05) << c.model << " on " << c.crop;
  EXPECT_LT(largest, 3.0 / 255) << c.model << " on " << c.crop;
  EXPECT_GT(largest, 0.0) << "bf16 gave fp32's output exactly: it did not run in bf16";
}

INSTANTIATE_TEST_SUITE_P(BundledModels, Bf16KeepsTheQuality,
                         ::testing::Values(PrecisionCase{"srgan-x2.pt", 2, "val-path-192x128.png"},
                                           PrecisionCase{"srgan-x2.pt", 2, "val-boats-192x128.png"},
                                           PrecisionCase{"srgan-x4.pt", 4, "val-path-192x128.png"},
                                           PrecisionCase{"srgan-x4.pt", 4, "val-boats-192x128.png"},
                                           PrecisionCase{"srgan-x4-srgan.pt", 4,
                                                         "val-boats-192x128.png"}),
                         [](const auto& info) {
                           std::string name = std::string(info.param.model) + "_" + info.param.crop;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace srgan
