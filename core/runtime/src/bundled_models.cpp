#include "srgan/bundled_models.h"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "srgan/error.h"
#include "srgan_config.h"

namespace srgan {

const std::vector<BundledModel>& bundled_models() {
  static const std::vector<BundledModel> models = {
      {"x4", "srgan-x4.pt", 4,
       "x4 for real (compressed) video and photos, compact: 12 blocks of 48 channels "
       "(models/README.md)"},
      {"x2", "srgan-x2.pt", 2,
       "x2 for 1080p -> 4K of real (compressed) video, compact: 12 blocks of 32 channels"},
      {"x4-srgan", "srgan-x4-srgan.pt", 4,
       "x4, the paper's SRGAN generator: 3 residual blocks of 64 channels (4.6x the x4's cost)"},
      // Added after x4-srgan, so that the enum values apps stored (0, 1, 2) keep their models.
      {"x4-clean", "srgan-x4-clean.pt", 4,
       "x4 for pristine sources (trained on clean downscales only; sharpens compression too)"},
      {"x2-clean", "srgan-x2-clean.pt", 2,
       "x2 for pristine sources (trained on clean downscales only; sharpens compression too)"},
  };
  return models;
}

std::string bundled_model_names() {
  std::string names;
  for (const auto& model : bundled_models())
    names += (names.empty() ? "" : ", ") + std::string(model.name);
  return names;
}

const BundledModel* find_bundled_model(const std::string& name) {
  for (const auto& model : bundled_models()) {
    if (name == model.name) return &model;
  }
  return nullptr;
}

std::vector<std::string> bundled_model_folders(const std::string& binary,
                                               const std::string& models_dir_from_binary) {
  std::vector<std::string> folders;
  // SRGAN_MODEL_PATH (folders separated by ':') first: models kept elsewhere, and the tests.
  if (const char* path = std::getenv("SRGAN_MODEL_PATH")) {
    std::stringstream list(path);
    for (std::string folder; std::getline(list, folder, ':');) {
      if (!folder.empty()) folders.push_back(folder);
    }
  }
  if (!binary.empty()) {
    const auto installed = std::filesystem::path(binary).parent_path() / models_dir_from_binary;
    folders.push_back(installed.lexically_normal().string());
  }
  folders.push_back(SRGAN_SOURCE_MODELS_DIR);
  return folders;
}

std::vector<std::string> bundled_model_folders_of_program() {
  std::error_code error;
  const auto program = std::filesystem::read_symlink("/proc/self/exe", error);
  return bundled_model_folders(error ? "" : program.string(), SRGAN_MODEL_DIR_FROM_BINARY);
}

std::string bundled_model_path(const std::string& name, const std::vector<std::string>& folders) {
  const BundledModel* model = find_bundled_model(name);
  if (!model) {
    throw Error("no bundled model is called '" + name + "' (bundled: " + bundled_model_names() +
                ")");
  }
  std::string looked_in;
  for (const auto& folder : folders) {
    const auto path = std::filesystem::path(folder) / model->file;
    std::error_code error;
    if (std::filesystem::is_regular_file(path, error)) return path.string();
    looked_in += (looked_in.empty() ? "" : ", ") + folder;
  }
  throw ModelFileError(
      model->file, ModelFileError::Reason::kNotFound,
      "the bundled model '" + name + "' is not installed (looked in " + looked_in + ")");
}

std::string resolve_model_argument(const std::string& argument,
                                   const std::vector<std::string>& folders) {
  std::error_code error;
  if (std::filesystem::exists(argument, error)) return argument;
  if (find_bundled_model(argument)) return bundled_model_path(argument, folders);
  // A bare word that is neither a file nor a name: say both.
  if (argument.find_first_of("/.") == std::string::npos) {
    throw ModelFileError(
        argument, ModelFileError::Reason::kNotFound,
        "no such file, nor a bundled model (bundled: " + bundled_model_names() + ")");
  }
  return argument;
}

}  // namespace srgan
