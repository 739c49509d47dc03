#pragma once

// Helpers shared by the test suites: the device under test and temporary folders.

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include <c10/core/Device.h>
#include <gtest/gtest.h>

namespace srgan::test {

/// The device the suites run on: SRGAN_TEST_DEVICE (e.g. "cuda") or the CPU. "cuda" means
/// cuda:0, as tensors report it.
inline c10::Device test_device() {
  const char* name = std::getenv("SRGAN_TEST_DEVICE");
  c10::Device device(name && *name ? name : "cpu");
  if (device.is_cuda() && !device.has_index()) device.set_index(0);
  return device;
}

inline std::string fixture(const std::string& name) {
  return std::string(SRGAN_FIXTURES_DIR) + "/" + name;
}

/// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("srgan-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace srgan::test
