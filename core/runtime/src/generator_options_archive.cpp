#include "generator_options_archive.h"

namespace srgan::detail {

void write_generator_options(torch::serialize::OutputArchive& archive,
                             const GeneratorOptions& options) {
  // "residual_blocks" is the key of version 1 files; it holds either family's block count.
  archive.write("residual_blocks", c10::IValue(options.blocks()));
  archive.write("channels", c10::IValue(options.channels()));
  archive.write("scale", c10::IValue(options.scale()));
  archive.write("upsample_activation", c10::IValue(to_string(options.upsample_activation())));
  if (options.architecture() != Architecture::kSrgan) {
    archive.write("architecture", c10::IValue(to_string(options.architecture())));
    archive.write("skip", c10::IValue(to_string(options.skip())));
    // Absent from version 2 files, whose compact networks all use PReLU.
    if (options.body_activation() != BodyActivation::kPReLU) {
      archive.write("body_activation", c10::IValue(to_string(options.body_activation())));
    }
  }
}

GeneratorOptions read_generator_options(const std::function<int64_t(const std::string&)>& integer,
                                        const std::function<std::string(const std::string&)>& text,
                                        const std::function<bool(const std::string&)>& has) {
  auto options =
      GeneratorOptions()
          .blocks(integer("residual_blocks"))
          .channels(integer("channels"))
          .scale(integer("scale"))
          .upsample_activation(upsample_activation_from_string(text("upsample_activation")));
  if (has("architecture")) {
    options.architecture(architecture_from_string(text("architecture")))
        .skip(skip_upscale_from_string(text("skip")));
    if (has("body_activation")) {
      options.body_activation(body_activation_from_string(text("body_activation")));
    }
  }
  return options;
}

bool same_generator_options(const GeneratorOptions& a, const GeneratorOptions& b) {
  return a.architecture() == b.architecture() && a.blocks() == b.blocks() &&
         a.channels() == b.channels() && a.scale() == b.scale() &&
         a.upsample_activation() == b.upsample_activation() && a.skip() == b.skip() &&
         a.body_activation() == b.body_activation();
}

int64_t checkpoint_version_for(const GeneratorOptions& options) {
  if (options.architecture() == Architecture::kSrgan) return 1;
  // A version 2 reader would build PReLU in place of the LeakyReLU it does not know of.
  return options.body_activation() == BodyActivation::kPReLU ? 2 : 3;
}

}  // namespace srgan::detail
