#include "srgan/inference_network.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/srgan_generator.h"

namespace srgan {
namespace {

using at::indexing::Slice;

at::Tensor copy_of(const at::Tensor& t) { return t.detach().clone(); }

}  // namespace

at::Tensor reparametrize_conv_after_shuffle(const at::Tensor& weight) {
  const int64_t k = weight.size(2);
  if (weight.dim() != 4 || k != weight.size(3) || k % 2 == 0 || k > 9) {
    throw Error("reparametrize_conv_after_shuffle needs a square odd kernel up to 9x9, got " +
                c10::str(weight.sizes()));
  }
  // Output pixel (2p+s, 2q+t) of the conv after the shuffle reads shuffled pixel
  // (2p+s+dy, 2q+t+dx) = pre-shuffle channel c*4 + a*2 + b at (p+m, q+n) where
  // dy = 2m + a - s, dx = 2n + b - t. Pad the kernel to 11x11 so every (m, a, s) in range
  // indexes it; taps outside the original kernel read the zero border.
  const int64_t pad = (11 - k) / 2;
  const auto padded = at::constant_pad_nd(weight, {pad, pad, pad, pad});
  const auto options = at::TensorOptions().dtype(at::kLong).device(weight.device());
  const auto s = at::arange(2, options).view({2, 1, 1, 1, 1, 1});
  const auto t = at::arange(2, options).view({1, 2, 1, 1, 1, 1});
  const auto a = at::arange(2, options).view({1, 1, 2, 1, 1, 1});
  const auto b = at::arange(2, options).view({1, 1, 1, 2, 1, 1});
  const auto m = at::arange(-2, 3, options).view({1, 1, 1, 1, 5, 1});
  const auto n = at::arange(-2, 3, options).view({1, 1, 1, 1, 1, 5});
  const auto rows = 2 * m + a - s + 5;  // [2, 1, 2, 1, 5, 1]
  const auto cols = 2 * n + b - t + 5;  // [1, 2, 1, 2, 1, 5]
  // [O, C, s, t, a, b, m, n] -> [O, s, t, C, a, b, m, n] -> [4O, 4C, 5, 5]
  const auto gathered = padded.index({Slice(), Slice(), rows, cols});
  const int64_t out = weight.size(0);
  const int64_t in = weight.size(1);
  return gathered.permute({0, 2, 3, 1, 4, 5, 6, 7}).reshape({4 * out, 4 * in, 5, 5});
}

at::Tensor repeat_bias_for_shuffle(const at::Tensor& bias) { return bias.repeat_interleave(4); }

SrganInferenceNetwork::SrganInferenceNetwork(const SrganGeneratorImpl& g,
                                             const InferenceRewrites& rewrites)
    : InferenceNetwork(g.options().scale(), rewrites) {
  if (g.is_training()) throw Error("InferenceNetwork needs a generator in eval mode");
  c10::InferenceMode guard;
  // Every generator conv is 'same'-padded with an odd kernel.
  auto plain = [](const torch::nn::Conv2d& c) {
    return Conv{copy_of(c->weight), copy_of(c->bias), c->weight.size(2) / 2, {}, {}};
  };
  auto with_bn = [&](const torch::nn::Conv2d& c, const torch::nn::BatchNorm2d& bn) {
    Conv result = plain(c);
    const auto scale = bn->weight / at::sqrt(bn->running_var + bn->options.eps());
    const auto shift = bn->bias - bn->running_mean * scale;
    if (rewrites_.fold_batch_norm()) {
      result.weight = result.weight * scale.view({-1, 1, 1, 1});
      result.bias = result.bias * scale + shift;
    } else {
      result.bn_scale = scale.detach().clone().view({1, -1, 1, 1});
      result.bn_shift = shift.detach().clone().view({1, -1, 1, 1});
    }
    return result;
  };

  head_ = plain(g.head);
  head_act_ = copy_of(g.head_act->weight);
  for (const auto& module : *g.blocks) {
    const auto& block = *module.get<srgan::ResidualBlock>();
    blocks_.push_back({with_bn(block.conv1, block.bn1), copy_of(block.act->weight),
                       with_bn(block.conv2, block.bn2)});
  }
  trunk_ = with_bn(g.trunk_conv, g.trunk_bn);
  for (const auto& module : *g.upsample) {
    const auto& stage = *module.get<srgan::UpsampleStage>();
    stages_.push_back(
        {plain(stage.conv), stage.prelu ? copy_of(stage.prelu->weight) : at::Tensor(), false});
  }
  tail_ = plain(g.tail);
  if (rewrites_.reparametrize_tail()) {
    // The last stage's activation acts per element (ReLU) or per channel (PReLU): before the
    // shuffle, channel c*4+k feeds output channel c, so PReLU slopes repeat 4 times.
    auto& last = stages_.back();
    last.act_before_shuffle = true;
    if (last.prelu.defined()) last.prelu = last.prelu.repeat_interleave(4);
    tail_.weight = reparametrize_conv_after_shuffle(tail_.weight);
    tail_.bias = repeat_bias_for_shuffle(tail_.bias);
    tail_.padding = 2;
  }
  // Folding and re-indexing ran in the generator's dtype; only the memory format changes here.
  to(head_.weight.device(), head_.weight.scalar_type());
}

std::vector<at::Tensor*> SrganInferenceNetwork::tensors() {
  std::vector<at::Tensor*> all;
  auto add_conv = [&](Conv& c) {
    for (auto* t : {&c.weight, &c.bias, &c.bn_scale, &c.bn_shift}) all.push_back(t);
  };
  add_conv(head_);
  all.push_back(&head_act_);
  for (auto& block : blocks_) {
    add_conv(block.conv1);
    all.push_back(&block.act);
    add_conv(block.conv2);
  }
  add_conv(trunk_);
  for (auto& stage : stages_) {
    add_conv(stage.conv);
    all.push_back(&stage.prelu);
  }
  add_conv(tail_);
  return all;
}

at::Tensor SrganInferenceNetwork::conv(const at::Tensor& x, const Conv& c) const {
  auto y =
      c.padding == 1 ? conv3x3(x, c.weight, c.bias) : at::conv2d(x, c.weight, c.bias, 1, c.padding);
  if (c.bn_scale.defined()) y = y * c.bn_scale + c.bn_shift;
  return y;
}

at::Tensor SrganInferenceNetwork::forward(const at::Tensor& lr) const {
  c10::InferenceMode guard;
  const auto x = prepared_input(lr, head_.weight);
  const auto features = at::prelu(conv(x, head_), head_act_);
  auto trunk = features;
  for (const auto& block : blocks_) {
    trunk = trunk + conv(at::prelu(conv(trunk, block.conv1), block.act), block.conv2);
  }
  auto y = conv(trunk, trunk_).add_(features);
  for (const auto& stage : stages_) {
    y = conv(y, stage.conv);
    auto activate = [&](at::Tensor v) {
      return stage.prelu.defined() ? at::prelu(v, stage.prelu) : at::relu_(v);
    };
    if (stage.act_before_shuffle) {
      y = activate(y);  // the tail's shuffle follows the reparametrised convolution
    } else {
      y = activate(at::pixel_shuffle(y, 2));
    }
  }
  y = conv(y, tail_);
  if (rewrites_.reparametrize_tail()) y = at::pixel_shuffle(y, 2);
  return at::tanh_(y).contiguous();
}

}  // namespace srgan
