// Bundled models by name: the list, where each is found (SRGAN_MODEL_PATH, the install, the
// source tree) and what a user is told when a name or a file is wrong.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "srgan/bundled_models.h"
#include "srgan/error.h"
#include "test_support.h"

namespace srgan {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "model";
}

// SRGAN_MODEL_PATH for one test.
class ModelPathEnvironment {
 public:
  explicit ModelPathEnvironment(const std::string& value) {
    setenv("SRGAN_MODEL_PATH", value.c_str(), 1);
  }
  ~ModelPathEnvironment() { unsetenv("SRGAN_MODEL_PATH"); }
};

TEST(BundledModels, X4IsTheDefaultThenX2ThenThePapersX4ThenTheCleanOnes) {
  const auto& models = bundled_models();
  ASSERT_EQ(models.size(), 5u);
  EXPECT_STREQ(models[0].name, "x4");
  EXPECT_EQ(models[0].scale, 4);
  EXPECT_STREQ(models[1].name, "x2");
  EXPECT_EQ(models[1].scale, 2);
  EXPECT_STREQ(models[1].file, "srgan-x2.pt");
  EXPECT_STREQ(models[2].name, "x4-srgan");
  EXPECT_STREQ(models[2].file, "srgan-x4-srgan.pt");
  EXPECT_STREQ(models[3].name, "x4-clean");
  EXPECT_STREQ(models[3].file, "srgan-x4-clean.pt");
  EXPECT_EQ(models[3].scale, 4);
  EXPECT_STREQ(models[4].name, "x2-clean");
  EXPECT_STREQ(models[4].file, "srgan-x2-clean.pt");
  EXPECT_EQ(models[4].scale, 2);
  EXPECT_EQ(bundled_model_names(), "x4, x2, x4-srgan, x4-clean, x2-clean");
  EXPECT_EQ(find_bundled_model("x3"), nullptr);
}

TEST(BundledModels, FoundBesideTheProgramBeforeTheSourceTree) {
  ModelPathEnvironment env("");
  test::TempDir prefix;
  touch(prefix.path() / "share/srganupscale/models/srgan-x2.pt");
  const auto folders = bundled_model_folders((prefix.path() / "bin/srgan-train").string(),
                                             "../share/srganupscale/models");
  ASSERT_EQ(folders.size(), 2u);
  EXPECT_EQ(bundled_model_path("x2", folders),
            (prefix.path() / "share/srganupscale/models/srgan-x2.pt").string());
  // x4 is not in that prefix: the source tree's models/ has it.
  EXPECT_EQ(fs::path(bundled_model_path("x4", folders)).filename(), "srgan-x4.pt");
  EXPECT_NE(bundled_model_path("x4", folders).find(folders[1]), std::string::npos);
}

TEST(BundledModels, ModelPathComesFirst) {
  test::TempDir first, second;
  touch(second.path() / "srgan-x4.pt");
  ModelPathEnvironment env(first.path().string() + ":" + second.path().string());
  const auto folders = bundled_model_folders("", "");
  ASSERT_GE(folders.size(), 3u);
  EXPECT_EQ(folders[0], first.path().string());
  EXPECT_EQ(bundled_model_path("x4", folders), (second.path() / "srgan-x4.pt").string());
}

TEST(BundledModels, AnUnknownNameListsTheNames) {
  try {
    bundled_model_path("x3", {"/nowhere"});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "no bundled model is called 'x3' (bundled: x4, x2, x4-srgan, x4-clean, x2-clean)");
  }
}

TEST(BundledModels, AMissingFileSaysWhereItLooked) {
  try {
    bundled_model_path("x2", {"/nowhere/a", "/nowhere/b"});
    FAIL() << "no error";
  } catch (const ModelFileError& e) {
    EXPECT_EQ(e.reason(), ModelFileError::Reason::kNotFound);
    EXPECT_STREQ(e.what(),
                 "srgan-x2.pt: the bundled model 'x2' is not installed (looked in /nowhere/a, "
                 "/nowhere/b)");
  }
}

TEST(BundledModels, AFileWinsOverANameAndABareWordNamesBoth) {
  test::TempDir dir, models;
  touch(models.path() / "srgan-x2.pt");
  touch(dir.path() / "x2");
  const std::vector<std::string> folders = {models.path().string()};
  const auto cwd = fs::current_path();
  fs::current_path(dir.path());
  EXPECT_EQ(resolve_model_argument("x2", folders), "x2");  // ./x2 exists
  fs::current_path(cwd);
  EXPECT_EQ(resolve_model_argument("x2", folders), (models.path() / "srgan-x2.pt").string());
  EXPECT_EQ(resolve_model_argument("/a/b.pt", folders), "/a/b.pt");  // loading names it
  try {
    resolve_model_argument("x3", folders);
    FAIL() << "no error";
  } catch (const ModelFileError& e) {
    EXPECT_STREQ(
        e.what(),
        "x3: no such file, nor a bundled model (bundled: x4, x2, x4-srgan, x4-clean, x2-clean)");
  }
}

}  // namespace
}  // namespace srgan
