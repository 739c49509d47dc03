#include "commands.h"
#include "srgan/bundled_models.h"

namespace srgan::cli {

CLI::Option* add_model_option(CLI::App* command, const std::string& name, std::string& model) {
  return command
      ->add_option(name, model,
                   "Checkpoint or TorchScript file, or a bundled model: " + bundled_model_names())
      ->transform(
          [](std::string value) {
            return resolve_model_argument(value, bundled_model_folders_of_program());
          },
          "", "MODEL");
}

}  // namespace srgan::cli
