#pragma once

#include <cstdint>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pixelshuffle.h>

#include "srgan/generator.h"

namespace srgan {

/// [conv3x3, BN, PReLU, conv3x3, BN] + identity.
class ResidualBlockImpl : public torch::nn::Module {
 public:
  explicit ResidualBlockImpl(int64_t channels);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::PReLU act{nullptr};
  torch::nn::Conv2d conv2{nullptr};
  torch::nn::BatchNorm2d bn2{nullptr};
};
TORCH_MODULE(ResidualBlock);

/// [conv3x3 C->4C, pixel shuffle x2, activation]: the paper's SubPixelConv2D stage.
class UpsampleStageImpl : public torch::nn::Module {
 public:
  UpsampleStageImpl(int64_t channels, UpsampleActivation activation);
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2d conv{nullptr};
  torch::nn::PixelShuffle shuffle{nullptr};
  /// Exactly one of these is set, following the options.
  torch::nn::ReLU relu{nullptr};
  torch::nn::PReLU prelu{nullptr};
};
TORCH_MODULE(UpsampleStage);

/// The paper's SRGAN generator (Architecture::kSrgan). Layers use 'same' padding (zeros) and
/// He-normal initialisation; the output is tanh's, in (-1, 1).
class SrganGeneratorImpl : public GeneratorImpl {
 public:
  explicit SrganGeneratorImpl(const GeneratorOptions& options = {});

  torch::Tensor forward(const torch::Tensor& lr) override;

  /// The same function as forward(), with the output convolution computed as a 5x5 convolution
  /// on the tensor before the last pixel shuffle (see reparametrize_conv_after_shuffle), its
  /// kernel rebuilt from the 9x9 parameters on every call. Differentiable; about twice as fast
  /// on CPUs, so training uses it.
  torch::Tensor forward_for_training(const torch::Tensor& lr) override;

  int64_t receptive_field_radius() const override;
  int64_t activation_elements_per_pixel() const override;
  int64_t largest_map_elements_per_pixel() const override;
  /// He-normal (fan-in) weights, zero biases, BatchNorm to identity.
  void reset_parameters() override;
  std::unique_ptr<InferenceNetwork> inference_network(
      const InferenceRewrites& rewrites = {}) const override;

  static int64_t parameter_count(const GeneratorOptions& options);
  static double flops(const GeneratorOptions& options, int64_t height, int64_t width);
  /// The largest tensors alive at once: the last upsampling stage works at (scale/2)^2 times the
  /// input resolution with C and 4C channels (plus LibTorch's convolution workspace). Calibrated
  /// with srgan-bench's peak-RSS measurement; also the estimate for TorchScript modules.
  static int64_t activation_elements_per_pixel(int64_t channels, int64_t scale);
  /// The last upsampling stage's 4C channels before its shuffle, at (scale/2)^2 times the
  /// input's resolution; also the estimate for TorchScript modules.
  static int64_t largest_map_elements_per_pixel(int64_t channels, int64_t scale);

  torch::nn::Conv2d head{nullptr};
  torch::nn::PReLU head_act{nullptr};
  torch::nn::Sequential blocks{nullptr};
  torch::nn::Conv2d trunk_conv{nullptr};
  torch::nn::BatchNorm2d trunk_bn{nullptr};
  torch::nn::Sequential upsample{nullptr};
  torch::nn::Conv2d tail{nullptr};
};

}  // namespace srgan
