#pragma once

#include <cstdint>

#include <torch/nn/modules/container/sequential.h>

#include "srgan/generator.h"

namespace srgan {

/// The compact family (Architecture::kCompact): conv 3x3 3->C + act, `blocks` x [conv 3x3
/// C->C + act], conv 3x3 C->3*s*s, (act: PReLU or LeakyReLU, GeneratorOptions::body_activation)
/// pixel shuffle x s, plus the input upscaled by the skip (bicubic, nearest or none). Every
/// convolution runs at the input's resolution. With a skip, the last convolution starts at zero, so
/// a new network is exactly the classic upscale and learns only the detail. Output clamped to [-1,
/// 1] in eval mode (unclamped while training, so that the loss sees how far out of range it is).
class CompactGeneratorImpl : public GeneratorImpl {
 public:
  explicit CompactGeneratorImpl(const GeneratorOptions& options);

  torch::Tensor forward(const torch::Tensor& lr) override;
  /// The convolutions' radii add up (blocks + 2); the bicubic skip reads 2 pixels around.
  int64_t receptive_field_radius() const override;
  /// Every map is at the input's resolution: about six of the wider of C and the 3 x scale^2
  /// output channels (a convolution's input and output, oneDNN's reordered copies, the
  /// pixel-shuffled result) and the bicubic skip and the result at the output's resolution.
  int64_t activation_elements_per_pixel() const override;
  /// The wider of C and the 3 x scale^2 channels before the shuffle.
  int64_t largest_map_elements_per_pixel() const override;
  /// He-normal (fan-in, for the activation's initial slope) weights, zero biases; the last
  /// convolution zero when there is a skip.
  void reset_parameters() override;
  std::unique_ptr<InferenceNetwork> inference_network(
      const InferenceRewrites& rewrites = {}) const override;

  static int64_t parameter_count(const GeneratorOptions& options);
  static double flops(const GeneratorOptions& options, int64_t height, int64_t width);

  /// conv, act, (conv, act) x blocks, conv: named body.0 ... as in SRVGGNetCompact (the
  /// convolutions have the same names with either activation).
  torch::nn::Sequential body{nullptr};
};

/// The classic upscale a compact generator adds its residual to: `lr` [N, C, H, W] to
/// [N, C, sH, sW] (bicubic as PyTorch's, align_corners false; nearest), or an undefined tensor
/// for SkipUpscale::kNone.
at::Tensor skip_upscale(const at::Tensor& lr, SkipUpscale skip, int64_t scale);

}  // namespace srgan
