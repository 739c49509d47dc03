// Fuzz target: any bytes as a model file. load_model must either load a model or throw
// srgan::ModelFileError naming the file; any other exception, a crash or a sanitizer report
// is a bug. Inputs are written to a file because users hand us paths, and the loader's own
// file handling (size checks, archive classification) is part of what is fuzzed.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "srgan/error.h"
#include "srgan/model.h"

namespace {

// One file per process, removed at exit (libFuzzer's -fork and -jobs run several processes).
class ScratchFile {
 public:
  ScratchFile() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp != nullptr ? tmp : "/tmp") + "/srgan-fuzz-model-" +
            std::to_string(getpid()) + ".pt";
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  const std::string& write(const uint8_t* data, size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchFile file;
  const std::string& path = file.write(data, size);
  try {
    const srgan::Model model = srgan::load_model(path);
    // What the element and `srgan-train info` do next with a loaded model.
    (void)model.describe();
    if (model.scale() < 1) std::abort();
  } catch (const srgan::ModelFileError& e) {
    if (e.path() != path) std::abort();  // the error must name the file
  }
  return 0;
}
