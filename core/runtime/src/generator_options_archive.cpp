#include "generator_options_archive.h"

namespace srgan::detail {

void write_generator_options(torch::serialize::OutputArchive& archive,
                             const GeneratorOptions& options) {
  archive.write("residual_blocks", c10::IValue(options.residual_blocks()));
  archive.write("channels", c10::IValue(options.channels()));
  archive.write("scale", c10::IValue(options.scale()));
  archive.write("upsample_activation", c10::IValue(to_string(options.upsample_activation())));
}

GeneratorOptions read_generator_options(
    const std::function<int64_t(const std::string&)>& integer,
    const std::function<std::string(const std::string&)>& text) {
  return GeneratorOptions()
      .residual_blocks(integer("residual_blocks"))
      .channels(integer("channels"))
      .scale(integer("scale"))
      .upsample_activation(upsample_activation_from_string(text("upsample_activation")));
}

bool same_generator_options(const GeneratorOptions& a, const GeneratorOptions& b) {
  return a.residual_blocks() == b.residual_blocks() && a.channels() == b.channels() &&
         a.scale() == b.scale() && a.upsample_activation() == b.upsample_activation();
}

}  // namespace srgan::detail
