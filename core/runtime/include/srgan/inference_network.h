#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/arg.h>

#include "srgan/generator_options.h"

namespace srgan {

namespace detail {
class WinogradBody;
enum class WinogradLibrary;
}  // namespace detail
class SrganGeneratorImpl;
class CompactGeneratorImpl;

/// Which exact load-time rewrites an InferenceNetwork applies. All on is the fast path; tests
/// turn them off one by one to check each against the plain generator. The SRGAN family uses
/// the first three and winograd; the compact family has no BatchNorm and no convolution after its
/// shuffle, so channels_last, fuse_activation and winograd apply to it.
struct InferenceRewrites {
  /// Fold every BatchNorm (eval statistics) into the convolution before it.
  TORCH_ARG(bool, fold_batch_norm) = true;
  /// Replace conv9x9(PixelShuffle(v)) at the output by PixelShuffle(conv5x5'(v)) on the
  /// 4C-channel tensor before the last shuffle, moving that stage's activation before the
  /// shuffle. It saves the largest copy in the network and runs the costliest convolution on a
  /// 256-channel input instead of a 64-channel one.
  TORCH_ARG(bool, reparametrize_tail) = true;
  /// Run in channels-last memory format (faster with oneDNN and cuDNN, measured).
  TORCH_ARG(bool, channels_last) = true;
  /// Compact networks with LeakyReLU: run each convolution and its activation as one oneDNN
  /// primitive on the CPU (fp32; bf16 where the CPU has bf16 instructions).
  TORCH_ARG(bool, fuse_activation) = true;
  /// Run 3x3 layers by Winograd's algorithm where it is faster than oneDNN's direct convolution,
  /// in float32 on the CPU: on a CPU with AVX-512, the compact networks' body by oneDNN's
  /// Winograd (where the build has the system's oneDNN; channels a multiple of 16);
  /// without AVX-512, on one thread, layers of 48 channels or more by NNPACK's, the network then
  /// NCHW (NNPACK's layout) with its activations as passes of their own. Not exact: float32
  /// rounding of the transforms.
  TORCH_ARG(bool, winograd) = true;
};

/// A generator rewritten for inference: a flat list of weights and the ops between them, with
/// no autograd and no module dispatch. Same input/output contract as the generator, output
/// clamped to [-1, 1]. Made by GeneratorImpl::inference_network().
class InferenceNetwork {
 public:
  virtual ~InferenceNetwork() = default;

  /// [N, 3, H, W] in [-1, 1] to [N, 3, sH, sW] in [-1, 1], on the network's device and dtype
  /// (compact networks in bf16 or fp16 give float32: their skip is added at full precision).
  virtual at::Tensor forward(const at::Tensor& lr) const = 0;

  /// Moves every weight (and to channels-last where the rewrites say so), and decides whether
  /// the wide layers run by Winograd on that device and dtype.
  void to(c10::Device device, c10::ScalarType dtype);
  int64_t scale() const { return scale_; }
  /// Whether forward() runs 3x3 layers by Winograd (InferenceRewrites::winograd).
  bool runs_winograd() const { return winograd_library() != nullptr; }
  /// Whose Winograd forward() runs ("NNPACK", "AVX-512", "AVX2", "oneDNN"); nullptr where it
  /// runs none.
  virtual const char* winograd_library() const { return winograd_ ? "NNPACK" : nullptr; }
  /// Whether the layers run by Winograd kernels that keep each block of tiles in cache (not
  /// NNPACK's), which then run faster on tiles whose maps fit the cache too.
  virtual bool runs_cache_blocked_winograd() const { return false; }

 protected:
  InferenceNetwork(int64_t scale, const InferenceRewrites& rewrites)
      : rewrites_(rewrites), scale_(scale) {}
  /// Every weight tensor, for to(); undefined ones are skipped.
  virtual std::vector<at::Tensor*> tensors() = 0;
  /// Called by to() after the weights moved, for what does not take the weights' dtype.
  virtual void moved_to(c10::Device /*device*/, c10::ScalarType /*dtype*/) {}
  /// Whether the network runs a Winograd of its own on that device and dtype, in which case
  /// to() does not choose NNPACK's.
  virtual bool runs_own_winograd(c10::Device /*device*/, c10::ScalarType /*dtype*/) const {
    return false;
  }
  /// The channels of the network's body, the width that decides Winograd.
  virtual int64_t width() const = 0;
  /// conv2d(x, weight, bias, stride 1, padding 1): by Winograd where runs_winograd() and the
  /// layer is wide enough, by ATen's convolution otherwise.
  at::Tensor conv3x3(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) const;
  /// Checks the shape and brings `lr` to the weights' device, dtype and memory format.
  at::Tensor prepared_input(const at::Tensor& lr, const at::Tensor& any_weight) const;

  /// Channels-last unless NNPACK's Winograd, which reads NCHW, runs the wide layers.
  bool channels_last() const { return rewrites_.channels_last() && !winograd_; }

  InferenceRewrites rewrites_;
  bool winograd_ = false;  // NNPACK's, chosen by to()

 private:
  int64_t scale_ = 0;
};

/// The SRGAN family for inference: BatchNorm folded, the output convolution reparametrised.
class SrganInferenceNetwork final : public InferenceNetwork {
 public:
  SrganInferenceNetwork(const SrganGeneratorImpl& generator, const InferenceRewrites& rewrites);
  at::Tensor forward(const at::Tensor& lr) const override;

 private:
  struct Conv {
    at::Tensor weight;
    at::Tensor bias;
    int64_t padding = 0;
    // A BatchNorm left unfolded, as per-channel scale and shift; undefined when folded or absent.
    at::Tensor bn_scale;
    at::Tensor bn_shift;
  };
  struct ResidualBlock {
    Conv conv1;
    at::Tensor act;  // PReLU slopes
    Conv conv2;
  };
  struct UpsampleStage {
    Conv conv;
    at::Tensor prelu;                 // PReLU slopes; undefined for ReLU
    bool act_before_shuffle = false;  // the last stage when the tail is reparametrised
  };

  at::Tensor conv(const at::Tensor& x, const Conv& c) const;
  std::vector<at::Tensor*> tensors() override;
  int64_t width() const override { return head_.weight.size(0); }

  Conv head_;
  at::Tensor head_act_;
  std::vector<ResidualBlock> blocks_;
  Conv trunk_;
  std::vector<UpsampleStage> stages_;
  Conv tail_;
};

/// The compact family for inference: its convolutions and PReLU slopes as plain tensors; with
/// LeakyReLU, each convolution and its activation fused where the device allows; in float32 on
/// the CPU, the body by Winograd (our AVX-512 or AVX2 kernels; oneDNN's where asked).
class CompactInferenceNetwork final : public InferenceNetwork {
 public:
  CompactInferenceNetwork(const CompactGeneratorImpl& generator, const InferenceRewrites& rewrites);
  ~CompactInferenceNetwork() override;
  at::Tensor forward(const at::Tensor& lr) const override;
  const char* winograd_library() const override;
  bool runs_cache_blocked_winograd() const override { return winograd_body_ != nullptr; }

 private:
  std::vector<at::Tensor*> tensors() override;
  int64_t width() const override { return weights_.front().size(0); }

  at::Tensor activation(size_t layer, at::Tensor x) const;

  std::vector<at::Tensor> weights_, biases_, slopes_;  // PReLU slopes_: one per layer but the last
  void moved_to(c10::Device device, c10::ScalarType dtype) override;
  bool runs_own_winograd(c10::Device device, c10::ScalarType dtype) const override;

  // The layers the Winograd body would take on that device and dtype, and by whose Winograd
  // (none: no library, or the layers do not fit it).
  struct Body {
    std::optional<detail::WinogradLibrary> library;
    std::vector<at::Tensor> weights, biases, slopes;
    bool takes_last = false;
  };
  Body winograd_body_layers(c10::Device device, c10::ScalarType dtype) const;

  // The skip's taps along one axis (float64, on the CPU), which the CPU's one pass after the
  // last convolution reads (image_from_phases.h); on other devices the skip as a convolution
  // before the shuffle (skip_phases.h), made from them in the skip's dtype on that device
  // (float32 under bf16 and fp16) when the network moves there, so that no tile copies it.
  at::Tensor skip_taps_, skip_kernel_on_device_;
  BodyActivation body_activation_;
  // Every layer but the first (and the last, unless winograd_takes_last_), by Winograd; null
  // where it does not run.
  std::shared_ptr<const detail::WinogradBody> winograd_body_;
  bool winograd_takes_last_ = false;
};

/// The 5x5 kernel on the pre-shuffle tensor that equals a (2r+1)x(2r+1) kernel, r <= 4, after a
/// x2 pixel shuffle: weight [O, C, k, k] -> [4*O, 4*C, 5, 5], bias [O] -> [4*O]. Differentiable,
/// so training can build it from the 9x9 parameters at every step.
at::Tensor reparametrize_conv_after_shuffle(const at::Tensor& weight);
at::Tensor repeat_bias_for_shuffle(const at::Tensor& bias);

}  // namespace srgan
