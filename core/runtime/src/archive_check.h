#pragma once

// A check of a PyTorch archive's pickles before LibTorch reads them. LibTorch's unpickler
// allocates and zero-fills whatever length a string opcode declares: one damaged length byte in
// a 20 KB model file made it take 4.4 GB of memory (found by fuzz_model_file), enough to get a
// video application killed. Internal to core.

#include <string>

namespace srgan::detail {

/// Throws ModelFileError (kCorrupt) naming `path` when a stored .pkl entry of the zip in
/// `bytes` declares a string, bytes or integer longer than the rest of that pickle. Archives
/// it cannot read (zip64, compressed pickles, not a zip) are left to LibTorch.
void check_archive_pickles(const std::string& path, const std::string& bytes);

}  // namespace srgan::detail
