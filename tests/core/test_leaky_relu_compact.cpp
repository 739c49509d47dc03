// The compact family with LeakyReLU: oneDNN's fused convolution against the plain ops, the
// inference network against the generator, tiles, checkpoints (format version 3).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/serialize/input-archive.h>
#include <torch/utils.h>

#include "fused_convolution.h"
#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/compact_generator.h"
#include "srgan/cpu_precision.h"
#include "srgan/inference_network.h"
#include "srgan/model.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::test_device;

using test::max_abs_difference;

constexpr uint64_t kSeed = 5;

GeneratorOptions leaky_compact(int64_t blocks, int64_t channels, int64_t scale) {
  return test::compact_options(blocks, channels, scale, SkipUpscale::kBicubic,
                               BodyActivation::kLeakyReLU);
}

Generator trained_looking(const GeneratorOptions& options) {
  return test::trained_looking(options, kSeed);
}

TEST(FusedConvolution, EqualsTheConvolutionThenLeakyReLUInDouble) {
  torch::manual_seed(1);
  const auto x = (at::rand({1, 16, 13, 11}) * 2 - 1).contiguous(at::MemoryFormat::ChannelsLast);
  const auto w = (at::rand({16, 16, 3, 3}) * 0.4 - 0.2).contiguous(at::MemoryFormat::ChannelsLast);
  const auto b = at::rand({16}) * 0.2 - 0.1;
  c10::InferenceMode guard;
  // Fusion is what makes LeakyReLU the fast choice: every LibTorch build with oneDNN has it.
  EXPECT_EQ(detail::can_fuse_leaky_relu(w), at::hasMKLDNN());
  const auto fused = detail::conv3x3_leaky_relu(x, w, b, kCompactLeakySlope);
  const auto conv = at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble), 1, 1);
  const auto reference = at::where(conv >= 0, conv, conv * kCompactLeakySlope);
  ASSERT_EQ(fused.sizes(), reference.sizes());
  // Sums of 144 float32 products of magnitude <= 0.2: a few float32 ulps of the result.
  EXPECT_LT(max_abs_difference(fused, reference), 1e-5);
  // Negative outputs really are scaled by the slope (not clipped as by ReLU).
  EXPECT_LT(fused.min().item<double>(), -0.01);
}

TEST(FusedConvolution, Bf16StaysWithinBf16RoundingOfFloat32) {
  if (!cpu_bf16_support().any()) {
    GTEST_SKIP() << "needs AMX-BF16 or AVX512-BF16 (this CPU has " << cpu_bf16_support().describe()
                 << ")";
  }
  torch::manual_seed(2);
  const auto x = (at::rand({1, 16, 9, 10}) * 2 - 1).contiguous(at::MemoryFormat::ChannelsLast);
  const auto w = (at::rand({16, 16, 3, 3}) * 0.4 - 0.2).contiguous(at::MemoryFormat::ChannelsLast);
  const auto b = at::rand({16}) * 0.2 - 0.1;
  c10::InferenceMode guard;
  const auto fp32 = detail::conv3x3_leaky_relu(x, w, b, kCompactLeakySlope);
  ASSERT_TRUE(detail::can_fuse_leaky_relu(w.to(at::kBFloat16)));
  const auto bf16 = detail::conv3x3_leaky_relu(x.to(at::kBFloat16), w.to(at::kBFloat16),
                                               b.to(at::kBFloat16), kCompactLeakySlope);
  // Inputs and weights rounded to 8 bits of mantissa (2^-9 relative each), 144 products of
  // at most 0.2, accumulated in float32: under 144 * 0.2 * 2^-8 = 0.11 in the worst case,
  // about 0.01 typically.
  EXPECT_LT(max_abs_difference(fp32, bf16), 0.05);
}

TEST(LeakyReLUCompact, InferenceNetworkMatchesTheGeneratorWithEveryRewrite) {
  auto generator = trained_looking(leaky_compact(3, 8, 2));
  const auto lr = at::rand({1, 3, 17, 19}) * 2 - 1;
  auto reference_generator = trained_looking(leaky_compact(3, 8, 2));
  reference_generator->to(at::kDouble);
  torch::NoGradGuard no_grad;
  const auto reference = reference_generator->forward(lr.to(at::kDouble));
  ASSERT_EQ(reference.sizes(), (at::IntArrayRef{1, 3, 34, 38}));
  for (bool fuse : {true, false}) {
    for (bool channels_last : {true, false}) {
      const auto network = generator->inference_network(
          InferenceRewrites().fuse_activation(fuse).channels_last(channels_last));
      // Five float32 layers of small random weights: float32 rounding, far below a grey level.
      EXPECT_LT(max_abs_difference(network->forward(lr), reference), 1e-5)
          << "fuse " << fuse << ", channels_last " << channels_last;
    }
  }
}

TEST(LeakyReLUCompact, HasNoSlopesAndUsesTheFixedOne) {
  const auto options = leaky_compact(8, 32, 2);
  Generator generator(options);
  int64_t count = 0;
  for (const auto& p : generator->parameters()) count += p.numel();
  // By hand, 8 x 32 at x2: first 864+32, 8 x (9216+32), last 32*12*9+12: no slopes.
  EXPECT_EQ(count, 896 + 8 * 9248 + 3468);
  EXPECT_EQ(generator_parameter_count(options), count);
  // One layer, one channel, weights set: a negative pre-activation comes out times 0.2.
  Generator tiny(leaky_compact(0, 1, 2));
  tiny->eval();
  torch::NoGradGuard no_grad;
  auto params = tiny->named_parameters();
  params["body.0.weight"].zero_();
  params["body.0.bias"].fill_(-0.5);
  params["body.2.weight"].zero_();
  params["body.2.weight"].select(3, 1).select(2, 1).fill_(1.0);  // centre tap: identity
  params["body.2.bias"].zero_();
  const auto lr = at::zeros({1, 3, 4, 4});  // the skip adds 0
  EXPECT_NEAR(tiny->forward(lr).max().item<double>(), -0.5 * kCompactLeakySlope, 1e-7);
  EXPECT_NEAR(tiny->inference_network()->forward(lr).min().item<double>(),
              -0.5 * kCompactLeakySlope, 1e-7);
}

class LeakyReLUCompactFile : public test::SavedGeneratorTest {
 protected:
  void SetUp() override { save(leaky_compact(2, 8, 2), "leaky.pt", kSeed); }
};

TEST_F(LeakyReLUCompactFile, RoundTripIsFormatVersionThreeAndKeepsTheActivation) {
  std::ifstream in(path_, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  torch::serialize::InputArchive archive;
  archive.load_from(bytes.data(), bytes.size());
  c10::IValue version;
  archive.read("version", version);
  // A release that reads version 2 would build PReLU in its place: it must refuse the file.
  EXPECT_EQ(version.toInt(), 3);

  const Model model = load_model(path_);
  ASSERT_TRUE(model.generator_options());
  EXPECT_EQ(model.generator_options()->body_activation(), BodyActivation::kLeakyReLU);
  EXPECT_NE(model.describe().find("bicubic skip, leakyrelu"), std::string::npos)
      << model.describe();
  const auto lr = at::rand({1, 3, 11, 13}) * 2 - 1;
  torch::NoGradGuard no_grad;
  EXPECT_EQ(max_abs_difference(model.forward(lr), generator_->forward(lr)), 0.0);
}

TEST_F(LeakyReLUCompactFile, TiledEqualsUntiled) {
  const auto options =
      UpscalerOptions().model_path(path_).device(test_device().str()).precision(Precision::kFp32);
  Upscaler whole(UpscalerOptions(options).tile_size(64));
  Upscaler tiled(UpscalerOptions(options).tile_size(10));
  ASSERT_GT(tiled.plan(45, 37).size(), 8u);
  const auto image = at::rand({1, 3, 37, 45});
  const auto a = whole.upscale_rgb(image), b = tiled.upscale_rgb(image);
  EXPECT_EQ(b.sizes(), (at::IntArrayRef{1, 3, 74, 90}));
  // The same fused float32 convolutions on overlapping tiles: rounding only.
  EXPECT_LT(max_abs_difference(a, b), 1e-5);
  // And the Upscaler's output is the generator's.
  torch::NoGradGuard no_grad;
  const auto direct = ((generator_->forward(image * 2 - 1) + 1) / 2).clamp(0, 1);
  EXPECT_LT(max_abs_difference(a, direct), 1e-5);
}

TEST_F(LeakyReLUCompactFile, Bf16StaysCloseToFloat32) {
  if (!test_device().is_cpu()) GTEST_SKIP() << "bf16 on the CPU";
  if (!cpu_bf16_support().any()) {
    GTEST_SKIP() << "needs AMX-BF16 or AVX512-BF16 for bf16 (this CPU has "
                 << cpu_bf16_support().describe() << ")";
  }
  const auto options = UpscalerOptions().model_path(path_).device("cpu");
  Upscaler fp32(UpscalerOptions(options).precision(Precision::kFp32));
  Upscaler bf16(UpscalerOptions(options).precision(Precision::kBf16));
  const auto image = at::rand({1, 3, 20, 24});
  // bf16 rounding of the residual only (the skip stays float32), as for PReLU networks.
  EXPECT_LT(max_abs_difference(fp32.upscale_rgb(image), bf16.upscale_rgb(image)), 0.03);
}

}  // namespace
}  // namespace srgan
