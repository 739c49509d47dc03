#pragma once

#include <cstdint>
#include <string>

#include <torch/arg.h>

namespace srgan {

/// The activation after each sub-pixel upsampling stage. The paper uses ReLU; PReLU (one slope
/// per channel) is the original SRGAN's choice.
enum class UpsampleActivation { kReLU, kPReLU };

std::string to_string(UpsampleActivation activation);
/// Parses "relu" or "prelu"; throws srgan::Error otherwise.
UpsampleActivation upsample_activation_from_string(const std::string& name);

/// Options of the SRGAN generator, stored in every checkpoint.
struct GeneratorOptions {
  /// Residual blocks [conv3x3, BN, PReLU, conv3x3, BN] + skip (the paper uses 3).
  TORCH_ARG(int64_t, residual_blocks) = 3;
  /// Feature channels of the trunk.
  TORCH_ARG(int64_t, channels) = 64;
  /// Upscaling factor: 2, 4 or 8, one x2 sub-pixel stage per factor of two.
  TORCH_ARG(int64_t, scale) = 4;
  /// Activation after each pixel shuffle.
  TORCH_ARG(UpsampleActivation, upsample_activation) = UpsampleActivation::kReLU;

 public:
  /// Throws srgan::Error naming the first invalid option.
  void validate() const;
  /// Number of x2 sub-pixel stages: log2(scale).
  int64_t upsample_stages() const;
};

}  // namespace srgan
