#include <gtest/gtest.h>

#include <algorithm>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/utils.h>

#include "generator_testing.h"
#include "srgan/generator.h"
#include "srgan/inference_network.h"
#include "srgan/srgan_generator.h"
#include "test_support.h"

namespace srgan {
namespace {

// A generator with non-trivial BatchNorm statistics and affine parameters, as after training.
Generator trained_looking(const GeneratorOptions& options) {
  torch::manual_seed(17);
  Generator generator(options);
  torch::NoGradGuard no_grad;
  for (auto& module : generator->modules(false)) {
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      bn->running_mean.uniform_(-0.2, 0.2);
      bn->running_var.uniform_(0.5, 2.0);
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.uniform_(-0.1, 0.1);
    }
    if (auto* prelu = module->as<torch::nn::PReLU>()) prelu->weight.uniform_(0.05, 0.4);
  }
  generator->eval();
  return generator;
}

using test::max_abs_difference;

struct Case {
  int64_t scale;
  UpsampleActivation activation;
};

class Rewrites : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override {
    // cuDNN computes float32 convolutions in TF32 by default (10-bit mantissa): these tests
    // check the algebra of the rewrites, so they ask for true float32.
    at::globalContext().setAllowTF32CuDNN(false);
    generator_ = trained_looking(GeneratorOptions()
                                     .blocks(2)
                                     .channels(16)
                                     .scale(GetParam().scale)
                                     .upsample_activation(GetParam().activation));
    input_ = at::rand({1, 3, 13, 11}) * 2 - 1;
    // The reference is the plain generator in float64, so that float32 rounding in the
    // reference does not hide or fake a difference.
    auto reference_generator = trained_looking(generator_->options());
    reference_generator->to(at::kDouble);
    torch::NoGradGuard no_grad;
    reference_ = reference_generator->forward(input_.to(at::kDouble));
    // The yardstick for float32: the unmodified generator's own rounding error.
    plain_float32_error_ = max_abs_difference(generator_->forward(input_), reference_);
    float32_bound_ = std::max(1e-5, 1.5 * plain_float32_error_);
  }
  double error_of(const InferenceRewrites& rewrites, at::ScalarType dtype) {
    // The rewrites run in the generator's dtype: build from a generator in the dtype under test.
    auto generator = trained_looking(generator_->options());
    generator->to(dtype);
    auto network = generator->inference_network(rewrites);
    network->to(test::test_device(), dtype);
    const auto out = network->forward(input_.to(dtype));
    EXPECT_EQ(out.sizes(), reference_.sizes());
    EXPECT_EQ(out.scalar_type(), dtype);
    return max_abs_difference(out, reference_);
  }
  Generator generator_{nullptr};
  at::Tensor input_;
  at::Tensor reference_;
  double plain_float32_error_ = 0;
  double float32_bound_ = 0;
};

// In float64 each rewrite must reproduce the plain network to rounding (~1e-15): any mistake
// in the algebra shows up many orders of magnitude above that.
constexpr double kExact = 1e-10;
// In float32 the rewritten network must stay within 1e-5 of the exact result, or within 1.5x
// the plain generator's own float32 error where that is larger (random He-initialised weights
// give pre-tanh values of several units, where float32 sums of ~1000 terms round at ~1e-5).

TEST_P(Rewrites, NoRewriteEqualsPlain) {
  const auto none =
      InferenceRewrites().fold_batch_norm(false).reparametrize_tail(false).channels_last(false);
  EXPECT_LT(error_of(none, at::kDouble), kExact);
}

TEST_P(Rewrites, FoldedEqualsPlain) {
  const auto folded = InferenceRewrites().reparametrize_tail(false).channels_last(false);
  EXPECT_LT(error_of(folded, at::kDouble), kExact);
  EXPECT_LT(error_of(folded, at::kFloat), float32_bound_);
}

TEST_P(Rewrites, ReparametrisedEqualsPlain) {
  const auto reparametrised = InferenceRewrites().fold_batch_norm(false).channels_last(false);
  EXPECT_LT(error_of(reparametrised, at::kDouble), kExact);
  EXPECT_LT(error_of(reparametrised, at::kFloat), float32_bound_);
}

TEST_P(Rewrites, AllRewritesChannelsLastEqualsPlain) {
  EXPECT_LT(error_of(InferenceRewrites(), at::kDouble), kExact);
  EXPECT_LT(error_of(InferenceRewrites(), at::kFloat), float32_bound_);
}

TEST_P(Rewrites, PlainFloat32ErrorIsRoundingSized) {
  // Keeps the yardstick honest: float32 rounding, not a broken reference.
  EXPECT_LT(plain_float32_error_, 5e-5);
  RecordProperty("plain_float32_error", std::to_string(plain_float32_error_));
}

INSTANTIATE_TEST_SUITE_P(ScalesAndActivations, Rewrites,
                         ::testing::Values(Case{2, UpsampleActivation::kReLU},
                                           Case{4, UpsampleActivation::kReLU},
                                           Case{4, UpsampleActivation::kPReLU},
                                           Case{8, UpsampleActivation::kPReLU}));

TEST(Reparametrisation, KernelMatchesConvAfterShuffleForEveryOddSize) {
  torch::manual_seed(2);
  for (int64_t k : {1, 3, 5, 7, 9}) {
    const auto weight = at::randn({3, 4, k, k});
    const auto bias = at::randn({3});
    const auto v = at::randn({1, 16, 6, 7});
    const auto expected = at::conv2d(at::pixel_shuffle(v, 2), weight, bias, 1, k / 2);
    const auto actual = at::pixel_shuffle(at::conv2d(v, reparametrize_conv_after_shuffle(weight),
                                                     repeat_bias_for_shuffle(bias), 1, 2),
                                          2);
    EXPECT_LT(max_abs_difference(actual, expected), 1e-4) << "kernel " << k;
  }
}

TEST(Reparametrisation, IsDifferentiable) {
  auto weight = at::randn({3, 4, 9, 9}).requires_grad_(true);
  reparametrize_conv_after_shuffle(weight).sum().backward();
  // Every 9x9 tap appears in the 5x5' kernel exactly 4 times (once per output phase s, t and
  // its matching input phase a, b... per row and column: 2 x 2).
  EXPECT_TRUE(at::allclose(weight.grad(), at::full_like(weight, 4.0)));
}

}  // namespace
}  // namespace srgan
