#include "srgan/compact_generator.h"

#include <algorithm>
#include <cmath>

#include <ATen/ATen.h>
#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>

namespace srgan {
namespace {

constexpr double kInitialSlope = 0.25;  // PReLU's default

torch::nn::Conv2d conv3x3(int64_t in, int64_t out) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).padding(1));
}

torch::nn::AnyModule activation(BodyActivation kind, int64_t channels) {
  if (kind == BodyActivation::kLeakyReLU) {
    return torch::nn::AnyModule(
        torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kCompactLeakySlope)));
  }
  return torch::nn::AnyModule(torch::nn::PReLU(torch::nn::PReLUOptions().num_parameters(channels)));
}

// The negative slope the weights' He initialisation assumes.
double negative_slope(BodyActivation kind) {
  return kind == BodyActivation::kLeakyReLU ? kCompactLeakySlope : kInitialSlope;
}

}  // namespace

at::Tensor skip_upscale(const at::Tensor& lr, SkipUpscale skip, int64_t scale) {
  const std::vector<int64_t> size = {lr.size(2) * scale, lr.size(3) * scale};
  switch (skip) {
    case SkipUpscale::kBicubic:
      return at::upsample_bicubic2d(lr, size, /*align_corners=*/false);
    case SkipUpscale::kNearest:
      return at::upsample_nearest2d(lr, size);
    case SkipUpscale::kNone:
      break;
  }
  return {};
}

CompactGeneratorImpl::CompactGeneratorImpl(const GeneratorOptions& options)
    : GeneratorImpl(options) {
  const int64_t c = options.channels(), s = options.scale();
  body = register_module("body", torch::nn::Sequential());
  body->push_back(conv3x3(3, c));
  body->push_back(activation(options.body_activation(), c));
  for (int64_t i = 0; i < options.blocks(); ++i) {
    body->push_back(conv3x3(c, c));
    body->push_back(activation(options.body_activation(), c));
  }
  body->push_back(conv3x3(c, 3 * s * s));
  reset_parameters();
}

torch::Tensor CompactGeneratorImpl::forward(const torch::Tensor& lr) {
  check_input(lr);
  auto out = at::pixel_shuffle(body->forward(lr), options().scale());
  const auto base = skip_upscale(lr, options().skip(), options().scale());
  if (base.defined()) out = out + base;
  return is_training() ? out : out.clamp(-1, 1);
}

int64_t CompactGeneratorImpl::receptive_field_radius() const {
  const int64_t convolutions = options().blocks() + 2;
  return std::max<int64_t>(convolutions, options().skip() == SkipUpscale::kBicubic ? 2 : 0);
}

int64_t CompactGeneratorImpl::largest_map_elements_per_pixel() const {
  return std::max(options().channels(), 3 * options().scale() * options().scale());
}

int64_t CompactGeneratorImpl::activation_elements_per_pixel() const {
  // Measured on the CPU in fp32: LibTorch's allocator holds at most 588 bytes per input pixel
  // for the x4's shape (48 channels), 396 for the x2's (32; test_compact_generator), the
  // process's peak RSS against the tile edge up to 845 for the x4; this gives 1536 and 864.
  const int64_t output = 3 * options().scale() * options().scale();
  return 6 * std::max(options().channels(), output) + 2 * output;
}

void CompactGeneratorImpl::reset_parameters() {
  torch::NoGradGuard no_grad;
  const auto last = body->size() - 1;
  for (size_t i = 0; i < body->size(); ++i) {
    if (auto* conv = body[i]->as<torch::nn::Conv2d>()) {
      if (i == last && options().skip() != SkipUpscale::kNone) {
        torch::nn::init::zeros_(conv->weight);
      } else {
        torch::nn::init::kaiming_normal_(conv->weight, negative_slope(options().body_activation()),
                                         torch::kFanIn, torch::kLeakyReLU);
      }
      torch::nn::init::zeros_(conv->bias);
    } else if (auto* prelu = body[i]->as<torch::nn::PReLU>()) {
      torch::nn::init::constant_(prelu->weight, kInitialSlope);
    }
  }
}

std::unique_ptr<InferenceNetwork> CompactGeneratorImpl::inference_network(
    const InferenceRewrites& rewrites) const {
  return std::make_unique<CompactInferenceNetwork>(*this, rewrites);
}

int64_t CompactGeneratorImpl::parameter_count(const GeneratorOptions& options) {
  const int64_t c = options.channels(), out = 3 * options.scale() * options.scale();
  const int64_t slopes = options.body_activation() == BodyActivation::kPReLU ? c : 0;
  const int64_t first = 3 * c * 9 + c + slopes;  // conv + bias, PReLU slopes
  const int64_t block = c * c * 9 + c + slopes;  // conv + bias, PReLU slopes
  const int64_t last = c * out * 9 + out;        // conv + bias
  return first + options.blocks() * block + last;
}

double CompactGeneratorImpl::flops(const GeneratorOptions& options, int64_t height, int64_t width) {
  const double c = static_cast<double>(options.channels());
  const double out = 3.0 * static_cast<double>(options.scale() * options.scale());
  const double macs = 9 * (3 * c + static_cast<double>(options.blocks()) * c * c + c * out);
  return 2.0 * macs * static_cast<double>(height * width);
}

}  // namespace srgan
