#pragma once

#include <cstdint>

#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace srgan {

/// Options of the SRGAN discriminator.
struct DiscriminatorOptions {
  /// Edge of the square HR crops it judges. The flatten before the dense layer fixes it; it must
  /// be a multiple of 16 (four stride-2 convolutions).
  TORCH_ARG(int64_t, crop_size) = 96;
  /// Width of the first convolution; the stride-2 stages use 1x, 2x, 4x and 8x this.
  TORCH_ARG(int64_t, channels) = 64;
  /// Slope of LeakyReLU for negative inputs.
  TORCH_ARG(double, negative_slope) = 0.2;

 public:
  /// Throws srgan::Error naming the first invalid option.
  void validate() const;
};

/// [conv, BN, LeakyReLU] with a given kernel and stride.
class DiscriminatorStageImpl : public torch::nn::Module {
 public:
  DiscriminatorStageImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                         double negative_slope);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
  torch::nn::LeakyReLU act{nullptr};
};
TORCH_MODULE(DiscriminatorStage);

/// The paper's discriminator: conv3x3 + LeakyReLU; four stride-2 stages of rising width; four
/// stride-1 stages of varying width and kernel size, the last added to the one before it;
/// flatten; dense to one logit. Input: RGB in [-1, 1], [N, 3, crop, crop]. Output: [N, 1]
/// logits (the sigmoid lives in the loss, BCE-with-logits, for numerical stability).
class DiscriminatorImpl : public torch::nn::Module {
 public:
  explicit DiscriminatorImpl(const DiscriminatorOptions& options = {});

  torch::Tensor forward(const torch::Tensor& images);

  const DiscriminatorOptions& options() const { return options_; }

  torch::nn::Conv2d stem{nullptr};
  torch::nn::LeakyReLU stem_act{nullptr};
  torch::nn::Sequential downsample{nullptr};
  torch::nn::Sequential refine{nullptr};
  DiscriminatorStage refine_residual{nullptr};
  torch::nn::Linear dense{nullptr};

 private:
  DiscriminatorOptions options_;
};
TORCH_MODULE(Discriminator);

}  // namespace srgan
