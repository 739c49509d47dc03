#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "srgan/atomic_file.h"
#include "srgan/error.h"
#include "test_support.h"

namespace srgan {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(AtomicFile, WritesAndReplaces) {
  test::TempDir dir;
  const std::string path = dir.file("a.bin");
  write_file_atomically(path, "first");
  EXPECT_EQ(read_all(path), "first");
  write_file_atomically(path, std::string(100000, 'x'));
  EXPECT_EQ(read_all(path), std::string(100000, 'x'));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, MissingDirectoryIsAClearError) {
  try {
    write_file_atomically("/nonexistent-dir/a.bin", "x");
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/a.bin"), std::string::npos);
  }
}

TEST(AtomicFile, FailedWriteKeepsTheOldFile) {
  test::TempDir dir;
  const std::string path = dir.file("keep.bin");
  write_file_atomically(path, "old contents");
  // A file-size limit makes the write fail part-way, as a full disk would.
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  getrlimit(RLIMIT_FSIZE, &old_limit);
  rlimit small = old_limit;
  small.rlim_cur = 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  EXPECT_THROW(write_file_atomically(path, std::string(1 << 20, 'n')), Error);
  setrlimit(RLIMIT_FSIZE, &old_limit);
  EXPECT_EQ(read_all(path), "old contents");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1)
      << "the temporary file was left behind";
}

}  // namespace
}  // namespace srgan
