#pragma once

// The subcommands of srgan-train. Each registers its options on the CLI11 app and runs from
// the callback; core does the work.

#include <string>

#include <CLI/CLI.hpp>

namespace srgan::cli {

/// A model option or argument: a checkpoint or TorchScript file, or a bundled model by name
/// (x4, x2), resolved to its installed file.
CLI::Option* add_model_option(CLI::App* command, const std::string& name, std::string& model);

/// Thrown by a command that ends without an error message but with this exit status (a
/// training run stopped by a signal: 128 + the signal, as shells expect).
struct ExitStatus {
  int code;
};

void add_info_command(CLI::App& app);
void add_upscale_command(CLI::App& app);
void add_train_command(CLI::App& app, const std::string& command_line);
void add_evaluate_command(CLI::App& app);

}  // namespace srgan::cli
