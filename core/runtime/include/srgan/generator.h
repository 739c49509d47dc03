#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "srgan/generator_options.h"
#include "srgan/inference_network.h"

namespace srgan {

/// What the Upscaler, the element, srgan-bench and the trainer use of a generator, whatever its
/// family (GeneratorOptions::architecture): RGB in [-1, 1] of shape [N, 3, H, W] to RGB of shape
/// [N, 3, scale*H, scale*W], in (-1, 1) in eval mode. Each family is one subclass
/// (SrganGeneratorImpl, CompactGeneratorImpl); Generator(options) builds the one the options name.
class GeneratorImpl : public torch::nn::Module {
 public:
  const GeneratorOptions& options() const { return options_; }

  virtual torch::Tensor forward(const torch::Tensor& lr) = 0;
  /// The same function as forward(), in its fastest differentiable form (training uses it).
  virtual torch::Tensor forward_for_training(const torch::Tensor& lr) { return forward(lr); }

  /// How far (in input pixels) an output pixel's value depends on its neighbours; tiles that
  /// overlap by at least this much stitch without seams.
  virtual int64_t receptive_field_radius() const = 0;

  /// Activation elements alive at once per input pixel of a tile, at most: with the element size
  /// of the dtype it runs in, what a tile costs (the Upscaler sizes tiles from it).
  virtual int64_t activation_elements_per_pixel() const = 0;

  /// Elements per input pixel of a tile of the largest single map the network allocates (the
  /// Upscaler keeps each under the size glibc would serve by mmap on the CPU).
  virtual int64_t largest_map_elements_per_pixel() const = 0;

  /// Re-draws every weight as a new network of this family starts.
  virtual void reset_parameters() = 0;

  /// The network rewritten for inference (needs eval mode), on this generator's device and dtype.
  virtual std::unique_ptr<InferenceNetwork> inference_network(
      const InferenceRewrites& rewrites = {}) const = 0;

 protected:
  /// Validates the options (srgan::Error names the first invalid one).
  explicit GeneratorImpl(const GeneratorOptions& options);
  /// Throws srgan::Error unless `lr` is [N, 3, H, W].
  static void check_input(const torch::Tensor& lr);

 private:
  GeneratorOptions options_;
};

/// A shared handle to a generator of either family, as TORCH_MODULE makes for one class.
class Generator : public torch::nn::ModuleHolder<GeneratorImpl> {
 public:
  /// An empty handle.
  Generator(std::nullptr_t) : ModuleHolder(nullptr) {}
  explicit Generator(std::shared_ptr<GeneratorImpl> generator)
      : ModuleHolder(std::move(generator)) {}
  /// A new network of the family the options name, freshly initialised.
  explicit Generator(const GeneratorOptions& options = {});
};

/// The number of trainable parameters a generator with these options has, from the layer
/// formula (used to check the network against its description).
int64_t generator_parameter_count(const GeneratorOptions& options);

/// Floating-point operations (2 per multiply-add) of the generator's convolutions on a
/// height x width input: the useful work, whatever rewrite computes it.
double generator_flops(const GeneratorOptions& options, int64_t height, int64_t width);

}  // namespace srgan
