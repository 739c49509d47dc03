#include "model_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace srgan::detail {
namespace {

using Reason = ModelFileError::Reason;

bool starts_with_zip_header(const std::string& bytes) { return bytes.rfind("PK\x03\x04", 0) == 0; }

// LibTorch's messages carry a C++ backtrace after the first line; users need only that line.
}  // namespace

std::optional<size_t> zip_end_record(const std::string& bytes) {
  const size_t window = std::min<size_t>(bytes.size(), 22 + 65535);
  const size_t at = bytes.rfind("PK\x05\x06");
  if (at == std::string::npos || at < bytes.size() - window) return std::nullopt;
  return at;
}

std::string read_model_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    throw ModelFileError(path, Reason::kNotFound, "no such file");
  }
  if (std::filesystem::is_directory(status)) {
    throw ModelFileError(path, Reason::kUnreadable, "is a directory, not a model file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ModelFileError(path, Reason::kUnreadable,
                         std::string("cannot open for reading: ") + std::strerror(errno));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw ModelFileError(path, Reason::kUnreadable, "read error");
  std::string bytes = contents.str();
  if (bytes.empty()) throw ModelFileError(path, Reason::kCorrupt, "the file is empty");
  return bytes;
}

ModelFileError archive_error(const std::string& path, const std::string& bytes,
                             const std::string& libtorch_message) {
  if (!starts_with_zip_header(bytes)) {
    return ModelFileError(path, Reason::kCorrupt,
                          "not a PyTorch archive (no zip header): the file is damaged or is not "
                          "a model file");
  }
  if (!zip_end_record(bytes)) {
    return ModelFileError(path, Reason::kCorrupt,
                          "the archive is truncated (its zip directory is missing); the file "
                          "was cut short, copy or download it again");
  }
  // torch.save() archives (a state_dict, a pickled nn.Module) hold data.pkl but no code/.
  if (bytes.find("data.pkl") != std::string::npos && bytes.find("/code/") == std::string::npos) {
    return ModelFileError(path, Reason::kWrongFormat,
                          "data saved with torch.save (a state_dict?), not a model: export the "
                          "network with torch.jit.script or torch.jit.trace and save that "
                          "(models/README.md)");
  }
  return ModelFileError(path, Reason::kWrongFormat,
                        "a complete archive, but not a TorchScript module or srganupscale "
                        "checkpoint (" +
                            first_line(libtorch_message) + ")");
}

}  // namespace srgan::detail
