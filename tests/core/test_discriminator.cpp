#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "srgan/discriminator.h"
#include "srgan/error.h"
#include "test_support.h"

namespace srgan {
namespace {

TEST(Discriminator, OneLogitPerCrop) {
  for (int64_t crop : {32, 96}) {
    Discriminator discriminator(DiscriminatorOptions().crop_size(crop).channels(8));
    discriminator->to(test::test_device());
    const auto logits = discriminator->forward(at::rand({3, 3, crop, crop}, test::test_device()));
    EXPECT_EQ(logits.sizes(), (at::IntArrayRef{3, 1}));
  }
}

TEST(Discriminator, PaperLayout) {
  Discriminator discriminator{DiscriminatorOptions()};
  ASSERT_EQ(discriminator->downsample->size(), 4u);
  int64_t width = 64;
  for (const auto& stage : *discriminator->downsample) {
    auto* conv = stage.get<DiscriminatorStage>()->conv.get();
    EXPECT_EQ(conv->options.out_channels(), width);
    EXPECT_EQ(conv->options.stride()->at(0), 2);
    width *= 2;
  }
  // Stride-1 stages with varying width and kernel: 3x3 512, 1x1 256, 3x3 128, + 3x3 128.
  EXPECT_EQ(discriminator->refine->size(), 3u);
  EXPECT_EQ(discriminator->dense->options.in_features(), 128 * 6 * 6);
  EXPECT_EQ(discriminator->dense->options.out_features(), 1);
}

TEST(Discriminator, GradientsReachTheInput) {
  Discriminator discriminator(DiscriminatorOptions().crop_size(32).channels(8));
  auto images = at::rand({2, 3, 32, 32}).requires_grad_(true);
  discriminator->forward(images).sum().backward();
  EXPECT_GT(images.grad().abs().sum().item<double>(), 0.0);
}

TEST(Discriminator, WrongCropSizeIsAClearError) {
  Discriminator discriminator(DiscriminatorOptions().crop_size(32).channels(8));
  try {
    discriminator->forward(at::rand({1, 3, 48, 48}));
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("[N, 3, 32, 32]"), std::string::npos) << message;
    EXPECT_NE(message.find("48"), std::string::npos) << message;
  }
  EXPECT_THROW(Discriminator(DiscriminatorOptions().crop_size(40)), Error);
}

}  // namespace
}  // namespace srgan
