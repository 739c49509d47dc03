#pragma once

#include <stdexcept>
#include <string>

namespace srgan {

/// The first line of a message: LibTorch's and GStreamer's errors append stack traces and
/// details that a user-facing one-line error leaves out.
inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

/// The one exception type core throws for anything a user can act on: bad options, bad
/// input frames, bad files. `what()` is a complete sentence meant to be shown as is.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

/// A model or weights file that cannot be used. Front ends map `reason()` to their own error
/// codes (the element: RESOURCE NOT_FOUND / OPEN_READ / SETTINGS).
class ModelFileError : public Error {
 public:
  enum class Reason {
    kNotFound,            ///< no file at that path
    kUnreadable,          ///< exists but cannot be opened or read (permissions, a directory)
    kCorrupt,             ///< truncated or damaged archive, random bytes
    kWrongFormat,         ///< a valid archive that is not a model of ours nor TorchScript
    kUnsupportedVersion,  ///< written by a newer format version
    kWrongContents,       ///< missing tensors, wrong shapes, invalid options
  };

  ModelFileError(std::string path, Reason reason, const std::string& detail)
      : Error(path + ": " + detail), path_(std::move(path)), reason_(reason) {}

  const std::string& path() const { return path_; }
  Reason reason() const { return reason_; }

 private:
  std::string path_;
  Reason reason_;
};

}  // namespace srgan
