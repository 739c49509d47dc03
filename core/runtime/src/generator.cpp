#include "srgan/generator.h"

#include "srgan/compact_generator.h"
#include "srgan/error.h"
#include "srgan/srgan_generator.h"

namespace srgan {

GeneratorImpl::GeneratorImpl(const GeneratorOptions& options) : options_(options) {
  options_.validate();
}

void GeneratorImpl::check_input(const torch::Tensor& lr) {
  if (lr.dim() != 4 || lr.size(1) != 3) {
    throw Error("generator input must be [N, 3, H, W] RGB, got " + c10::str(lr.sizes()));
  }
}

// The one place that maps a family's name to its class.
Generator::Generator(const GeneratorOptions& options)
    : ModuleHolder(
          options.architecture() == Architecture::kCompact
              ? std::shared_ptr<GeneratorImpl>(std::make_shared<CompactGeneratorImpl>(options))
              : std::make_shared<SrganGeneratorImpl>(options)) {}

int64_t generator_parameter_count(const GeneratorOptions& options) {
  return options.architecture() == Architecture::kCompact
             ? CompactGeneratorImpl::parameter_count(options)
             : SrganGeneratorImpl::parameter_count(options);
}

double generator_flops(const GeneratorOptions& options, int64_t height, int64_t width) {
  return options.architecture() == Architecture::kCompact
             ? CompactGeneratorImpl::flops(options, height, width)
             : SrganGeneratorImpl::flops(options, height, width);
}

}  // namespace srgan
