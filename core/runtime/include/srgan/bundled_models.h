#pragma once

#include <string>
#include <vector>

namespace srgan {

/// A model that ships with srganupscale, chosen by a short name (`x4`, `x2`) in the element's
/// `model` property, srgan-train's `--model` and the pipeline scripts' `--model`.
struct BundledModel {
  const char* name;     ///< "x4"
  const char* file;     ///< "srgan-x4.pt", in the models folder
  int scale;            ///< upscaling factor
  const char* summary;  ///< one line for gst-inspect and --help
};

/// Every bundled model, the default (x4) first.
const std::vector<BundledModel>& bundled_models();

/// "x4, x2": for help texts and errors.
std::string bundled_model_names();

/// The bundled model called `name`, or nullptr.
const BundledModel* find_bundled_model(const std::string& name);

/// Where bundled models are looked for, in order: the folders in SRGAN_MODEL_PATH (separated
/// by ':'), `<prefix>/share/srganupscale/models` of the
/// install that `binary` (a path to a file in `<prefix>/<binary_subdir>`) belongs to, then the
/// source tree's models/ folder that this build was configured from (a build tree runs there).
std::vector<std::string> bundled_model_folders(const std::string& binary,
                                               const std::string& models_dir_from_binary);

/// bundled_model_folders() for the running program (srgan-train, srgan-bench), installed in
/// <prefix>/bin.
std::vector<std::string> bundled_model_folders_of_program();

/// The file of the bundled model `name`: the first of `folders` that has it. Throws Error when
/// the name is unknown (listing the names) and ModelFileError(kNotFound) when no folder has the
/// file (naming where it was looked for).
std::string bundled_model_path(const std::string& name, const std::vector<std::string>& folders);

/// A model argument as users give it: a file that exists is used as is; otherwise a bundled
/// model's name is resolved in `folders`; a bare word that is neither is an error naming the
/// bundled models; anything else is returned unchanged, so that loading it reports the missing
/// file.
std::string resolve_model_argument(const std::string& argument,
                                   const std::vector<std::string>& folders);

}  // namespace srgan
