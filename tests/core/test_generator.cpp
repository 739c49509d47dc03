#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/srgan_generator.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::test_device;

GeneratorOptions small(int64_t scale) {
  return GeneratorOptions().blocks(1).channels(8).scale(scale);
}

class GeneratorScale : public ::testing::TestWithParam<int64_t> {};

TEST_P(GeneratorScale, OutputIsScaleTimesInputForOddSizes) {
  const int64_t scale = GetParam();
  Generator generator(small(scale));
  generator->to(test_device());
  torch::NoGradGuard no_grad;
  for (auto [h, w] : {std::pair<int64_t, int64_t>{7, 5}, {13, 9}, {1, 1}, {16, 11}}) {
    const auto out = generator->forward(at::rand({2, 3, h, w}, test_device()) * 2 - 1);
    EXPECT_EQ(out.sizes(), (at::IntArrayRef{2, 3, scale * h, scale * w}));
  }
}

TEST_P(GeneratorScale, ParameterCountMatchesFormula) {
  for (auto activation : {UpsampleActivation::kReLU, UpsampleActivation::kPReLU}) {
    const auto options =
        GeneratorOptions().blocks(3).channels(64).scale(GetParam()).upsample_activation(activation);
    Generator generator(options);
    int64_t count = 0;
    for (const auto& p : generator->parameters()) count += p.numel();
    EXPECT_EQ(count, generator_parameter_count(options));
  }
}

INSTANTIATE_TEST_SUITE_P(Scales, GeneratorScale, ::testing::Values(2, 4, 8));

TEST(Generator, PaperModelHasTheKnownParameterCount) {
  // Hand count for 3 blocks, 64 channels, x4, ReLU upsampling:
  // head 15552+64+64, blocks 3*(2*(36864+64)+256+64), trunk 36864+64+128,
  // upsampling 2*(147456+256), tail 15552+3.
  EXPECT_EQ(generator_parameter_count(GeneratorOptions()), 15680 + 222528 + 37056 + 295424 + 15555);
}

// tanh keeps the output in [-1, 1]; in float32 it reaches exactly 1 for inputs above about 9,
// which a random network may give depending on the reduction order of its convolutions (seen
// once in a full parallel ctest run), so the bound is closed, and the output must not be flat.
TEST(Generator, OutputStaysInsideUnitInterval) {
  torch::manual_seed(1);
  Generator generator(small(4));
  generator->to(test_device());
  torch::NoGradGuard no_grad;
  const auto out = generator->forward(at::rand({1, 3, 12, 12}, test_device()) * 2 - 1);
  EXPECT_LE(out.max().item<float>(), 1.0f);
  EXPECT_GE(out.min().item<float>(), -1.0f);
  EXPECT_GT(out.std().item<float>(), 0.0f);
}

TEST(Generator, SameSeedGivesSameOutput) {
  auto run = [] {
    torch::manual_seed(42);
    Generator generator(small(2));
    generator->eval();
    torch::NoGradGuard no_grad;
    return generator->forward(at::linspace(-1, 1, 3 * 10 * 10).view({1, 3, 10, 10}));
  };
  const auto a = run();
  const auto b = run();
  EXPECT_TRUE(at::equal(a, b));
  torch::manual_seed(43);
  Generator other(small(2));
  other->eval();
  torch::NoGradGuard no_grad;
  EXPECT_FALSE(at::equal(a, other->forward(at::linspace(-1, 1, 300).view({1, 3, 10, 10}))));
}

TEST(Generator, HeNormalInitialisation) {
  torch::manual_seed(3);
  Generator generator{GeneratorOptions()};
  // The trunk conv has fan-in 64*9 = 576: He-normal std is sqrt(2/576).
  const auto w = generator->as<SrganGeneratorImpl>()->trunk_conv->weight;
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / 576.0), 0.002);
  EXPECT_NEAR(w.mean().item<double>(), 0.0, 0.002);
  EXPECT_EQ(generator->as<SrganGeneratorImpl>()->trunk_conv->bias.abs().sum().item<double>(), 0.0);
}

TEST(Generator, ReceptiveFieldCoversEveryInfluence) {
  // Perturbing one input pixel changes outputs only within the receptive-field radius.
  torch::manual_seed(5);
  Generator generator(small(4));
  generator->eval();
  torch::NoGradGuard no_grad;
  const int64_t radius = generator->receptive_field_radius();
  const int64_t size = 2 * radius + 9;
  const auto input = at::rand({1, 3, size, size}) * 2 - 1;
  auto changed = input.clone();
  changed[0][0][size / 2][size / 2] += 0.5;
  const auto diff = (generator->forward(changed) - generator->forward(input)).abs().sum(1)[0];
  // Above float noise: some GPU convolution algorithms spread rounding over the whole image.
  const auto where = at::nonzero(diff > 1e-5);
  ASSERT_GT(where.size(0), 0);
  // In input pixels: output pixel o comes from input pixel o / 4.
  const int64_t reach = (at::floor_divide(where, 4) - size / 2).abs().max().item<int64_t>();
  EXPECT_LE(reach, radius);
  EXPECT_GE(reach, radius - 1);  // the bound is tight, not a loose guess
}

TEST(Generator, InvalidOptionsAreRejected) {
  EXPECT_THROW(Generator(GeneratorOptions().scale(3)), Error);
  EXPECT_THROW(Generator(GeneratorOptions().channels(0)), Error);
  EXPECT_THROW(Generator(GeneratorOptions().blocks(-1)), Error);
  EXPECT_THROW(upsample_activation_from_string("gelu"), Error);
}

TEST(Generator, WrongInputShapeIsAClearError) {
  Generator generator(small(2));
  torch::NoGradGuard no_grad;
  try {
    generator->forward(at::zeros({1, 4, 8, 8}));
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[N, 3, H, W]"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace srgan
