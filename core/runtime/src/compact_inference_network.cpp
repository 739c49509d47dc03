#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>

#include "fused_convolution.h"
#include "image_from_phases.h"
#include "skip_phases.h"
#include "srgan/compact_generator.h"
#include "srgan/error.h"
#include "srgan/inference_network.h"
#include "winograd_body.h"
#include "winograd_convolution.h"

namespace srgan {

CompactInferenceNetwork::CompactInferenceNetwork(const CompactGeneratorImpl& g,
                                                 const InferenceRewrites& rewrites)
    : InferenceNetwork(g.options().scale(), rewrites),
      skip_taps_(detail::skip_phase_taps(g.options().skip(), g.options().scale())),
      body_activation_(g.options().body_activation()) {
  if (g.is_training()) throw Error("InferenceNetwork needs a generator in eval mode");
  c10::InferenceMode guard;
  for (const auto& module : g.body->children()) {
    if (auto* conv = module->as<torch::nn::Conv2d>()) {
      weights_.push_back(conv->weight.detach().clone());
      biases_.push_back(conv->bias.detach().clone());
    } else if (auto* prelu = module->as<torch::nn::PReLU>()) {
      slopes_.push_back(prelu->weight.detach().clone());
    }
  }
  to(weights_.front().device(), weights_.front().scalar_type());
}

CompactInferenceNetwork::~CompactInferenceNetwork() = default;

const char* CompactInferenceNetwork::winograd_library() const {
  return winograd_body_ ? detail::to_string(winograd_body_->library())
                        : InferenceNetwork::winograd_library();
}

std::vector<at::Tensor*> CompactInferenceNetwork::tensors() {
  std::vector<at::Tensor*> all;
  for (auto* list : {&weights_, &biases_, &slopes_})
    for (auto& t : *list) all.push_back(&t);
  return all;
}

CompactInferenceNetwork::Body CompactInferenceNetwork::winograd_body_layers(
    c10::Device device, c10::ScalarType dtype) const {
  Body body;
  const auto library = detail::WinogradBody::chosen();
  if (!device.is_cpu() || dtype != at::kFloat || !rewrites_.winograd() || !library ||
      weights_.size() < 3) {
    return body;
  }
  // Every layer between the first (3 channels in) and the last, with its activation; the last
  // too where it is as wide (the x4's 48 -> 3 x 4^2), without one.
  body.weights.assign(weights_.begin() + 1, weights_.end() - 1);
  body.biases.assign(biases_.begin() + 1, biases_.end() - 1);
  for (size_t i = 1; i + 1 < weights_.size(); ++i) {
    body.slopes.push_back(body_activation_ == BodyActivation::kPReLU
                              ? slopes_[i]
                              : at::full({weights_[i].size(0)}, kCompactLeakySlope));
  }
  body.weights.push_back(weights_.back());
  body.takes_last = detail::WinogradBody::fits(*library, body.weights);
  if (body.takes_last) {
    body.biases.push_back(biases_.back());
    body.slopes.emplace_back();
  } else {
    body.weights.pop_back();
  }
  if (detail::WinogradBody::fits(*library, body.weights)) body.library = library;
  return body;
}

bool CompactInferenceNetwork::runs_own_winograd(c10::Device device, c10::ScalarType dtype) const {
  return winograd_body_layers(device, dtype).library.has_value();
}

void CompactInferenceNetwork::moved_to(c10::Device device, c10::ScalarType dtype) {
  winograd_body_.reset();
  winograd_takes_last_ = false;
  const auto body = winograd_body_layers(device, dtype);
  if (body.library) {
    winograd_body_ = std::make_shared<const detail::WinogradBody>(*body.library, body.weights,
                                                                  body.biases, body.slopes);
    winograd_takes_last_ = body.takes_last;
  }
  skip_kernel_on_device_ = at::Tensor();
  if (!skip_taps_.defined() || device.is_cpu()) return;  // the CPU reads skip_taps_
  const bool reduced = dtype == at::kBFloat16 || dtype == at::kHalf;
  skip_kernel_on_device_ = detail::skip_phase_kernel(skip_taps_)
                               .to(device, reduced ? at::kFloat : dtype)
                               .contiguous(channels_last() ? at::MemoryFormat::ChannelsLast
                                                           : at::MemoryFormat::Contiguous);
}

at::Tensor CompactInferenceNetwork::activation(size_t layer, at::Tensor x) const {
  return body_activation_ == BodyActivation::kPReLU ? at::prelu(x, slopes_[layer])
                                                    : at::leaky_relu_(x, kCompactLeakySlope);
}

at::Tensor CompactInferenceNetwork::forward(const at::Tensor& lr) const {
  c10::InferenceMode guard;
  const auto x = prepared_input(lr, weights_.front());
  const size_t last = weights_.size() - 1;
  // NNPACK's layers run NCHW, where oneDNN's fused convolution is slower than the two passes
  // (the 3-channel first layer: 19 against 8 ms at 270x480).
  const bool fuse =
      body_activation_ == BodyActivation::kLeakyReLU && rewrites_.fuse_activation() && !winograd_;
  // The Winograd body takes every layer after the first (3 channels in), or all but the last.
  const size_t direct_layers = winograd_body_ ? 1 : last;
  auto y = x;
  for (size_t i = 0; i < direct_layers; ++i) {
    y = fuse ? detail::conv3x3_leaky_relu(y, weights_[i], biases_[i], kCompactLeakySlope)
             : activation(i, conv3x3(y, weights_[i], biases_[i]));
  }
  if (winograd_body_) y = winograd_body_->forward(std::move(y));
  if (!winograd_takes_last_) y = conv3x3(y, weights_[last], biases_[last]);
  // On the CPU the skip, the sum, the clamp and the shuffle are one pass over memory.
  if (y.device().is_cpu()) return detail::image_from_phases(y, lr, skip_taps_, scale());
  // The skip carries the whole image: in bf16 (8-bit mantissa) it alone would cost about as much
  // PSNR as the network adds, so it and the sum stay in float32 (the residual is small, its
  // rounding negligible). Both are computed before the shuffle (skip_phases.h): bicubic there is
  // a convolution, the sum and the clamp run on the same tensor, and one copy shuffles it.
  if (skip_kernel_on_device_.defined()) {
    const bool reduced = x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kHalf;
    const auto full = lr.to(x.device(), reduced ? at::kFloat : x.scalar_type());
    y = detail::skip_phases(full, skip_kernel_on_device_, y.suggest_memory_format()).add_(y);
  }
  return detail::shuffle_to_image(y.clamp_(-1, 1), scale());
}

}  // namespace srgan
