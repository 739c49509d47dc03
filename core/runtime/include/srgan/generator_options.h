#pragma once

#include <cstdint>
#include <string>

#include <torch/arg.h>

namespace srgan {

/// The generator family.
/// - kSrgan: the paper's network (conv 9x9, residual blocks with BatchNorm, x2 sub-pixel stages
///   that run the upsampling convolutions at 2x and 4x the input's resolution, conv 9x9, tanh).
/// - kCompact: every convolution at the input's resolution (conv 3x3 3->C + PReLU, `blocks` x
///   [conv 3x3 C->C + PReLU], conv 3x3 C->3*s*s, one pixel shuffle), added to a classic upscale
///   of the input (the skip), as Real-ESRGAN's SRVGGNetCompact: several times cheaper per output
///   pixel, and it starts from the classic upscale's quality. The activation may be LeakyReLU
///   (body_activation).
enum class Architecture { kSrgan, kCompact };

/// The activation after each sub-pixel upsampling stage (SRGAN family). The paper uses ReLU;
/// PReLU (one slope per channel) is the original SRGAN's choice.
enum class UpsampleActivation { kReLU, kPReLU };

/// The activation after each of the compact family's convolutions but the last.
/// - kPReLU: one learned slope per channel (SRVGGNetCompact's choice).
/// - kLeakyReLU: one fixed slope (kCompactLeakySlope), which oneDNN applies inside the convolution
///   that precedes it (a post-op) where PReLU needs a pass of its own over every feature map: the
///   fast choice on the CPU.
enum class BodyActivation { kPReLU, kLeakyReLU };

/// The slope of the compact family's LeakyReLU for negative inputs (ESRGAN's).
inline constexpr double kCompactLeakySlope = 0.2;

/// The classic upscale the compact family adds its learned residual to.
enum class SkipUpscale { kNone, kBicubic, kNearest };

std::string to_string(Architecture architecture);
std::string to_string(UpsampleActivation activation);
std::string to_string(SkipUpscale skip);
std::string to_string(BodyActivation activation);
/// Parse the names to_string gives; throw srgan::Error listing the accepted names otherwise.
Architecture architecture_from_string(const std::string& name);
UpsampleActivation upsample_activation_from_string(const std::string& name);
SkipUpscale skip_upscale_from_string(const std::string& name);
BodyActivation body_activation_from_string(const std::string& name);

/// Options of a generator, stored in every checkpoint.
struct GeneratorOptions {
  TORCH_ARG(Architecture, architecture) = Architecture::kSrgan;
  /// SRGAN: residual blocks [conv3x3, BN, PReLU, conv3x3, BN] + skip (the paper uses 3).
  /// Compact: [conv 3x3 C->C + activation] layers between the first and the last convolution.
  TORCH_ARG(int64_t, blocks) = 3;
  /// Feature channels of the trunk.
  TORCH_ARG(int64_t, channels) = 64;
  /// Upscaling factor: 2, 4 or 8.
  TORCH_ARG(int64_t, scale) = 4;
  /// SRGAN: the activation after each pixel shuffle.
  TORCH_ARG(UpsampleActivation, upsample_activation) = UpsampleActivation::kReLU;
  /// Compact: the classic upscale the network's output is added to.
  TORCH_ARG(SkipUpscale, skip) = SkipUpscale::kBicubic;
  /// Compact: the activation between the convolutions.
  TORCH_ARG(BodyActivation, body_activation) = BodyActivation::kPReLU;

 public:
  /// Throws srgan::Error naming the first invalid option.
  void validate() const;
  /// Number of x2 sub-pixel stages of the SRGAN family: log2(scale).
  int64_t upsample_stages() const;
  /// One line: family, blocks, channels, scale and the family's own options.
  std::string describe() const;
};

}  // namespace srgan
