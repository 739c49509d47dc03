#pragma once

// The generator's options inside an archive: the one place their keys are written and read,
// for model checkpoints (checkpoint.cpp) and the trainer's checkpoints alike. Internal to the
// libraries.

#include <cstdint>
#include <functional>
#include <string>

#include <torch/serialize/output-archive.h>

#include "srgan/generator_options.h"

namespace srgan::detail {

/// Files written before the compact family have no "architecture" and "skip" keys: they are
/// SRGAN generators and read unchanged.
void write_generator_options(torch::serialize::OutputArchive& archive,
                             const GeneratorOptions& options);

/// `integer` and `text` read one key each (and throw what the caller's format calls for when it
/// is missing or of another type); `has` says whether an optional key is present. Not validated.
GeneratorOptions read_generator_options(const std::function<int64_t(const std::string&)>& integer,
                                        const std::function<std::string(const std::string&)>& text,
                                        const std::function<bool(const std::string&)>& has);

bool same_generator_options(const GeneratorOptions& a, const GeneratorOptions& b);

/// The checkpoint format version a generator needs: 1 for SRGAN (readable by every release),
/// 2 for the compact family with PReLU, 3 with LeakyReLU.
int64_t checkpoint_version_for(const GeneratorOptions& options);

}  // namespace srgan::detail
