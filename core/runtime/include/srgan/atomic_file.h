#pragma once

#include <string>
#include <string_view>

namespace srgan {

/// Writes `bytes` to `path` so that a reader sees either the old file or the whole new one,
/// never a part: the bytes go to a temporary file in the same directory, are flushed to disk,
/// and the temporary is renamed over `path`. On failure (full disk, no permission) the old file
/// is untouched, the temporary is removed and srgan::Error says what failed.
void write_file_atomically(const std::string& path, std::string_view bytes);

}  // namespace srgan
