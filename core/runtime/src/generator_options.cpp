#include "srgan/generator_options.h"

#include "srgan/error.h"

namespace srgan {

std::string to_string(UpsampleActivation activation) {
  return activation == UpsampleActivation::kPReLU ? "prelu" : "relu";
}

UpsampleActivation upsample_activation_from_string(const std::string& name) {
  if (name == "relu") return UpsampleActivation::kReLU;
  if (name == "prelu") return UpsampleActivation::kPReLU;
  throw Error("unknown upsampling activation '" + name + "' (expected relu or prelu)");
}

void GeneratorOptions::validate() const {
  if (scale() != 2 && scale() != 4 && scale() != 8) {
    throw Error("generator scale must be 2, 4 or 8, got " + std::to_string(scale()));
  }
  if (channels() < 1) {
    throw Error("generator channels must be positive, got " + std::to_string(channels()));
  }
  if (residual_blocks() < 0) {
    throw Error("generator residual blocks must be >= 0, got " + std::to_string(residual_blocks()));
  }
}

int64_t GeneratorOptions::upsample_stages() const {
  int64_t stages = 0;
  for (int64_t s = scale(); s > 1; s /= 2) ++stages;
  return stages;
}

}  // namespace srgan
