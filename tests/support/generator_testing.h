#pragma once

// Helpers the generator suites share: compact network options, weights that look trained, the
// largest difference between two outputs, and a generator saved to a checkpoint file.

#include <cstdint>
#include <string>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "srgan/checkpoint.h"
#include "srgan/generator.h"
#include "srgan/generator_options.h"
#include "test_support.h"

namespace srgan::test {

inline GeneratorOptions compact_options(int64_t blocks, int64_t channels, int64_t scale,
                                        SkipUpscale skip = SkipUpscale::kBicubic,
                                        BodyActivation activation = BodyActivation::kPReLU) {
  return GeneratorOptions()
      .architecture(Architecture::kCompact)
      .blocks(blocks)
      .channels(channels)
      .scale(scale)
      .skip(skip)
      .body_activation(activation);
}

// Every weight random (the last convolution too, which starts at zero), as after training.
inline Generator trained_looking(const GeneratorOptions& options, uint64_t seed = 3) {
  torch::manual_seed(seed);
  Generator generator(options);
  torch::NoGradGuard no_grad;
  for (auto& p : generator->parameters()) p.uniform_(-0.3, 0.3);
  generator->eval();
  return generator;
}

// Every PReLU slope of a compact network set to `slope` (LeakyReLU's 0.2: the network then
// computes what its LeakyReLU twin with the same convolutions does).
inline void set_prelu_slopes(GeneratorImpl& generator, double slope) {
  torch::NoGradGuard no_grad;
  for (auto& item : generator.named_parameters()) {
    if (item.value().dim() == 1 && item.key().find("weight") != std::string::npos) {
      item.value().fill_(slope);
    }
  }
}

// In double, wherever the tensors live and whatever their precision.
inline double max_abs_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.cpu().to(at::kDouble) - b.cpu().to(at::kDouble)).abs().max().item<double>();
}

// A trained-looking generator and its checkpoint file, for the suites that load models.
class SavedGeneratorTest : public ::testing::Test {
 protected:
  void save(const GeneratorOptions& options, const std::string& name, uint64_t seed = 3) {
    at::globalContext().setAllowTF32CuDNN(false);  // compare true float32 on GPUs too
    generator_ = trained_looking(options, seed);
    path_ = dir_.file(name);
    save_checkpoint(path_, *generator_, {});
  }
  TempDir dir_;
  Generator generator_{nullptr};
  std::string path_;
};

}  // namespace srgan::test
