#pragma once

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pixelshuffle.h>

#include "srgan/generator_options.h"

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

/// The SRGAN generator: RGB in [-1, 1] of shape [N, 3, H, W] to RGB in (-1, 1) of shape
/// [N, 3, scale*H, scale*W]. Layers use 'same' padding (zeros) and He-normal initialisation.
class GeneratorImpl : public torch::nn::Module {
 public:
  explicit GeneratorImpl(const GeneratorOptions& options = {});

  torch::Tensor forward(const torch::Tensor& lr);

  /// The same function as forward(), with the output convolution computed as a 5x5 convolution
  /// on the tensor before the last pixel shuffle (see reparametrize_conv_after_shuffle), its
  /// kernel rebuilt from the 9x9 parameters on every call. Differentiable; about twice as fast
  /// on CPUs, so training uses it.
  torch::Tensor forward_reparametrized(const torch::Tensor& lr);

  const GeneratorOptions& options() const { return options_; }

  /// How far (in input pixels) an output pixel's value depends on its neighbours; tiles that
  /// overlap by at least this much stitch without seams.
  int64_t receptive_field_radius() const;

  /// Re-draws every weight with He-normal (fan-in) and zero biases, BatchNorm to identity.
  void reset_parameters();

  torch::nn::Conv2d head{nullptr};
  torch::nn::PReLU head_act{nullptr};
  torch::nn::Sequential blocks{nullptr};
  torch::nn::Conv2d trunk_conv{nullptr};
  torch::nn::BatchNorm2d trunk_bn{nullptr};
  torch::nn::Sequential upsample{nullptr};
  torch::nn::Conv2d tail{nullptr};

 private:
  GeneratorOptions options_;
};
TORCH_MODULE(Generator);

/// The number of trainable parameters a generator with these options has, from the layer
/// formula (used to check the network against its description).
int64_t generator_parameter_count(const GeneratorOptions& options);

/// Floating-point operations (2 per multiply-add) of the plain generator's convolutions on a
/// height x width input: the useful work, whatever rewrite computes it.
double generator_flops(const GeneratorOptions& options, int64_t height, int64_t width);

}  // namespace srgan
