#include "srgan/generator_options.h"

#include <utility>
#include <vector>

#include "srgan/error.h"

namespace srgan {
namespace {

template <typename Enum>
using Names = std::vector<std::pair<Enum, const char*>>;

const Names<Architecture> kArchitectures = {{Architecture::kSrgan, "srgan"},
                                            {Architecture::kCompact, "compact"}};
const Names<UpsampleActivation> kActivations = {{UpsampleActivation::kReLU, "relu"},
                                                {UpsampleActivation::kPReLU, "prelu"}};
const Names<SkipUpscale> kSkips = {{SkipUpscale::kBicubic, "bicubic"},
                                   {SkipUpscale::kNearest, "nearest"},
                                   {SkipUpscale::kNone, "none"}};
const Names<BodyActivation> kBodyActivations = {{BodyActivation::kPReLU, "prelu"},
                                                {BodyActivation::kLeakyReLU, "leakyrelu"}};

template <typename Enum>
std::string name_of(const Names<Enum>& names, Enum value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "?";
}

template <typename Enum>
Enum parse(const Names<Enum>& names, const std::string& text, const char* what) {
  std::string accepted;
  for (const auto& [value, name] : names) {
    if (text == name) return value;
    accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  }
  throw Error("unknown " + std::string(what) + " '" + text + "' (expected " + accepted + ")");
}

}  // namespace

std::string to_string(Architecture architecture) { return name_of(kArchitectures, architecture); }
std::string to_string(UpsampleActivation activation) { return name_of(kActivations, activation); }
std::string to_string(SkipUpscale skip) { return name_of(kSkips, skip); }
std::string to_string(BodyActivation activation) { return name_of(kBodyActivations, activation); }

Architecture architecture_from_string(const std::string& name) {
  return parse(kArchitectures, name, "architecture");
}
UpsampleActivation upsample_activation_from_string(const std::string& name) {
  return parse(kActivations, name, "upsampling activation");
}
SkipUpscale skip_upscale_from_string(const std::string& name) {
  return parse(kSkips, name, "skip upscale");
}
BodyActivation body_activation_from_string(const std::string& name) {
  return parse(kBodyActivations, name, "activation");
}

void GeneratorOptions::validate() const {
  if (scale() != 2 && scale() != 4 && scale() != 8) {
    throw Error("generator scale must be 2, 4 or 8, got " + std::to_string(scale()));
  }
  if (channels() < 1) {
    throw Error("generator channels must be positive, got " + std::to_string(channels()));
  }
  if (blocks() < 0) {
    throw Error("generator blocks must be >= 0, got " + std::to_string(blocks()));
  }
}

int64_t GeneratorOptions::upsample_stages() const {
  int64_t stages = 0;
  for (int64_t s = scale(); s > 1; s /= 2) ++stages;
  return stages;
}

std::string GeneratorOptions::describe() const {
  std::string text = to_string(architecture()) + " x" + std::to_string(scale()) + ", " +
                     std::to_string(blocks()) +
                     (architecture() == Architecture::kSrgan ? " residual blocks, " : " blocks, ") +
                     std::to_string(channels()) + " channels, ";
  return text + (architecture() == Architecture::kSrgan
                     ? to_string(upsample_activation()) + " upsampling"
                     : to_string(skip()) + " skip" +
                           (body_activation() == BodyActivation::kPReLU
                                ? ""
                                : ", " + to_string(body_activation())));
}

}  // namespace srgan
