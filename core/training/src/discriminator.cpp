#include "srgan/discriminator.h"

#include <torch/nn/init.h>

#include "srgan/error.h"

namespace srgan {

void DiscriminatorOptions::validate() const {
  if (crop_size() < 16 || crop_size() % 16 != 0) {
    throw Error("discriminator crop size must be a positive multiple of 16, got " +
                std::to_string(crop_size()));
  }
  if (channels() < 1) {
    throw Error("discriminator channels must be positive, got " + std::to_string(channels()));
  }
}

DiscriminatorStageImpl::DiscriminatorStageImpl(int64_t in, int64_t out, int64_t kernel,
                                               int64_t stride, double negative_slope)
    : conv(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2)),
      bn(out),
      act(torch::nn::LeakyReLUOptions().negative_slope(negative_slope)) {
  register_module("conv", conv);
  register_module("bn", bn);
  register_module("act", act);
}

torch::Tensor DiscriminatorStageImpl::forward(const torch::Tensor& x) { return act(bn(conv(x))); }

DiscriminatorImpl::DiscriminatorImpl(const DiscriminatorOptions& options) : options_(options) {
  options_.validate();
  const int64_t c = options_.channels();
  const double slope = options_.negative_slope();
  stem = register_module("stem", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, c, 3).padding(1)));
  stem_act = register_module(
      "stem_act", torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(slope)));
  // Four stride-2 stages with rising width: c, 2c, 4c, 8c (64..512 for the paper's c = 64).
  downsample = register_module("downsample", torch::nn::Sequential());
  int64_t width = c;
  for (int64_t i = 0; i < 4; ++i) {
    const int64_t out = c << i;
    downsample->push_back(DiscriminatorStage(width, out, 3, 2, slope));
    width = out;
  }
  // Four stride-1 stages of varying width and kernel; the fourth (refine_residual) is added to
  // the output of the third.
  refine = register_module("refine",
                           torch::nn::Sequential(DiscriminatorStage(8 * c, 8 * c, 3, 1, slope),
                                                 DiscriminatorStage(8 * c, 4 * c, 1, 1, slope),
                                                 DiscriminatorStage(4 * c, 2 * c, 3, 1, slope)));
  refine_residual =
      register_module("refine_residual", DiscriminatorStage(2 * c, 2 * c, 3, 1, slope));
  const int64_t side = options_.crop_size() / 16;
  dense = register_module("dense", torch::nn::Linear(2 * c * side * side, 1));

  torch::NoGradGuard no_grad;
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      torch::nn::init::kaiming_normal_(conv->weight, slope, torch::kFanIn, torch::kLeakyReLU);
      torch::nn::init::zeros_(conv->bias);
    }
  }
}

torch::Tensor DiscriminatorImpl::forward(const torch::Tensor& images) {
  const int64_t crop = options_.crop_size();
  if (images.dim() != 4 || images.size(1) != 3 || images.size(2) != crop ||
      images.size(3) != crop) {
    throw Error("discriminator expects [N, 3, " + std::to_string(crop) + ", " +
                std::to_string(crop) + "] crops (its crop_size option), got " +
                c10::str(images.sizes()));
  }
  auto x = downsample->forward(stem_act(stem(images)));
  x = refine->forward(x);
  x = x + refine_residual(x);
  return dense(x.flatten(1));
}

}  // namespace srgan
