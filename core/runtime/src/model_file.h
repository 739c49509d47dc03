#pragma once

// Reading model and weights files and turning LibTorch's archive errors into messages that
// name the file and say what is wrong with it. Internal to core.

#include <cstddef>
#include <optional>
#include <string>

#include "srgan/error.h"

namespace srgan::detail {

/// The whole file, or ModelFileError kNotFound / kUnreadable.
std::string read_model_file(const std::string& path);

/// Where the zip end-of-central-directory record starts: it sits in the last 22 bytes plus at
/// most 64 KiB of comment, and a truncated zip has lost it (nullopt).
std::optional<size_t> zip_end_record(const std::string& bytes);

/// Classifies a failure to open `bytes` as a PyTorch archive: a zip whose end record is
/// missing is truncated (kCorrupt), a complete zip that LibTorch refuses is kWrongFormat, and
/// anything else is not an archive at all (kCorrupt).
ModelFileError archive_error(const std::string& path, const std::string& bytes,
                             const std::string& libtorch_message);

}  // namespace srgan::detail
