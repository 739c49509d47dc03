#include "srgan/srgan_generator.h"

#include <cmath>

#include <torch/nn/init.h>

#include "srgan/error.h"
#include "srgan/inference_network.h"

namespace srgan {
namespace {

torch::nn::Conv2d same_conv(int64_t in, int64_t out, int64_t kernel) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2));
}

torch::nn::PReLU per_channel_prelu(int64_t channels) {
  return torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(channels).init(0.25));
}

}  // namespace

ResidualBlockImpl::ResidualBlockImpl(int64_t channels)
    : conv1(same_conv(channels, channels, 3)),
      bn1(channels),
      act(per_channel_prelu(channels)),
      conv2(same_conv(channels, channels, 3)),
      bn2(channels) {
  register_module("conv1", conv1);
  register_module("bn1", bn1);
  register_module("act", act);
  register_module("conv2", conv2);
  register_module("bn2", bn2);
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  return x + bn2(conv2(act(bn1(conv1(x)))));
}

UpsampleStageImpl::UpsampleStageImpl(int64_t channels, UpsampleActivation activation)
    : conv(same_conv(channels, 4 * channels, 3)), shuffle(torch::nn::PixelShuffleOptions(2)) {
  register_module("conv", conv);
  register_module("shuffle", shuffle);
  if (activation == UpsampleActivation::kPReLU) {
    prelu = register_module("prelu", per_channel_prelu(channels));
  } else {
    relu = register_module("relu", torch::nn::ReLU());
  }
}

torch::Tensor UpsampleStageImpl::forward(const torch::Tensor& x) {
  auto y = shuffle(conv(x));
  return prelu ? prelu(y) : relu(y);
}

SrganGeneratorImpl::SrganGeneratorImpl(const GeneratorOptions& options) : GeneratorImpl(options) {
  const int64_t c = options.channels();
  head = register_module("head", same_conv(3, c, 9));
  head_act = register_module("head_act", per_channel_prelu(c));
  blocks = register_module("blocks", torch::nn::Sequential());
  for (int64_t i = 0; i < options.blocks(); ++i) blocks->push_back(ResidualBlock(c));
  trunk_conv = register_module("trunk_conv", same_conv(c, c, 3));
  trunk_bn = register_module("trunk_bn", torch::nn::BatchNorm2d(c));
  upsample = register_module("upsample", torch::nn::Sequential());
  for (int64_t i = 0; i < options.upsample_stages(); ++i) {
    upsample->push_back(UpsampleStage(c, options.upsample_activation()));
  }
  tail = register_module("tail", same_conv(c, 3, 9));
  reset_parameters();
}

torch::Tensor SrganGeneratorImpl::forward(const torch::Tensor& lr) {
  check_input(lr);
  auto features = head_act(head(lr));
  auto trunk = trunk_bn(trunk_conv(blocks->forward(features)));
  return torch::tanh(tail(upsample->forward(features + trunk)));
}

torch::Tensor SrganGeneratorImpl::forward_for_training(const torch::Tensor& lr) {
  check_input(lr);
  auto features = head_act(head(lr));
  auto y = features + trunk_bn(trunk_conv(blocks->forward(features)));
  const size_t stages = upsample->size();
  for (size_t i = 0; i + 1 < stages; ++i) y = upsample[i]->as<UpsampleStage>()->forward(y);
  // The last stage without its shuffle; its activation acts per channel, so it moves before
  // the shuffle with PReLU slopes repeated for the 4 sub-pixel channels of each channel.
  auto* last = upsample[stages - 1]->as<UpsampleStage>();
  y = last->conv(y);
  y = last->prelu ? at::prelu(y, last->prelu->weight.repeat_interleave(4)) : at::relu(y);
  y = at::conv2d(y, reparametrize_conv_after_shuffle(tail->weight),
                 repeat_bias_for_shuffle(tail->bias), 1, 2);
  return torch::tanh(at::pixel_shuffle(y, 2));
}

int64_t SrganGeneratorImpl::activation_elements_per_pixel(int64_t channels, int64_t scale) {
  return (scale * scale / 4) * 12 * channels;
}

int64_t SrganGeneratorImpl::largest_map_elements_per_pixel(int64_t channels, int64_t scale) {
  return (scale * scale / 4) * 4 * channels;
}

int64_t SrganGeneratorImpl::largest_map_elements_per_pixel() const {
  return largest_map_elements_per_pixel(options().channels(), options().scale());
}

int64_t SrganGeneratorImpl::activation_elements_per_pixel() const {
  return activation_elements_per_pixel(options().channels(), options().scale());
}

int64_t SrganGeneratorImpl::receptive_field_radius() const {
  const auto& o = options();
  // Sum of kernel radii, each in input pixels: layers after the k-th pixel shuffle work at
  // 2^k times the input resolution, so their radius counts 2^-k.
  double radius = 4.0 + 2.0 * o.blocks() + 1.0;
  double resolution = 1.0;
  for (int64_t i = 0; i < o.upsample_stages(); ++i) {
    radius += 1.0 / resolution;
    resolution *= 2.0;
  }
  radius += 4.0 / resolution;
  return static_cast<int64_t>(std::ceil(radius));
}

void SrganGeneratorImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, 0.0, torch::kFanIn, torch::kReLU);
      torch::nn::init::zeros_(conv->bias);
    } else if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      bn->reset_parameters();
    }
  }
}

int64_t SrganGeneratorImpl::parameter_count(const GeneratorOptions& options) {
  const int64_t c = options.channels();
  const int64_t head = 3 * c * 81 + c + c;                    // conv 9x9 + bias, PReLU slopes
  const int64_t block = 2 * (c * c * 9 + c) + 2 * 2 * c + c;  // 2 convs, 2 BN (gamma, beta), PReLU
  const int64_t trunk = c * c * 9 + c + 2 * c;                // conv 3x3 + BN
  const int64_t stage =
      c * 4 * c * 9 + 4 * c + (options.upsample_activation() == UpsampleActivation::kPReLU ? c : 0);
  const int64_t tail = c * 3 * 81 + 3;
  return head + options.blocks() * block + trunk + options.upsample_stages() * stage + tail;
}

double SrganGeneratorImpl::flops(const GeneratorOptions& options, int64_t height, int64_t width) {
  const double c = static_cast<double>(options.channels());
  double macs = 3 * c * 81 + options.blocks() * 2 * c * c * 9 + c * c * 9;
  double resolution = 1.0;  // pixels per input pixel at this stage
  for (int64_t i = 0; i < options.upsample_stages(); ++i) {
    macs += c * 4 * c * 9 * resolution;
    resolution *= 4.0;
  }
  macs += c * 3 * 81 * resolution;
  return 2.0 * macs * static_cast<double>(height * width);
}

std::unique_ptr<InferenceNetwork> SrganGeneratorImpl::inference_network(
    const InferenceRewrites& rewrites) const {
  return std::make_unique<SrganInferenceNetwork>(*this, rewrites);
}

}  // namespace srgan
