#pragma once

// Reading our checkpoint format; load_model dispatches here. Internal to core.

#include <optional>
#include <string>

#include "srgan/checkpoint.h"
#include "srgan/generator.h"

namespace srgan::detail {

struct CheckpointContents {
  Generator generator{nullptr};
  Provenance provenance;
  ValueRange input_range;
  ValueRange output_range;
};

/// Parses `bytes` (the contents of `path`). Returns nullopt for a PyTorch archive without our
/// format tag (possibly TorchScript); throws ModelFileError for everything else that is wrong.
std::optional<CheckpointContents> read_checkpoint(const std::string& path,
                                                  const std::string& bytes);

}  // namespace srgan::detail
