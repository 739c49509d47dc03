#include <cmath>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "srgan/generator.h"
#include "srgan/model.h"
#include "srgan/upscaler.h"

namespace srgan::cli {
namespace {

void print_metric(const char* name, double value) {
  if (!std::isnan(value)) std::cout << "  " << name << ": " << value << "\n";
}

void print_info(const std::string& path) {
  const Model model = load_model(path);
  std::cout << path << "\n";
  std::cout << "  kind: "
            << (model.kind() == Model::Kind::kCheckpoint ? "checkpoint" : "torchscript") << "\n";
  std::cout << "  scale: " << model.scale() << "\n";
  std::cout << "  input range: [" << model.input_range().min << ", " << model.input_range().max
            << "], output range: [" << model.output_range().min << ", " << model.output_range().max
            << "]\n";
  if (!model.warning().empty()) std::cout << "  warning: " << model.warning() << "\n";
  if (const auto& options = model.generator_options()) {
    const bool srgan = options->architecture() == Architecture::kSrgan;
    std::cout << "  architecture: " << to_string(options->architecture()) << "\n"
              << (srgan ? "  residual blocks: " : "  blocks: ") << options->blocks() << "\n"
              << "  channels: " << options->channels() << "\n"
              << "  parameters: " << generator_parameter_count(*options) << "\n";
    if (srgan) {
      std::cout << "  upsampling activation: " << to_string(options->upsample_activation()) << "\n";
    } else {
      std::cout << "  skip: " << to_string(options->skip()) << "\n";
    }
    const auto& p = model.provenance();
    std::cout << "  steps: " << p.steps << "\n";
    if (!p.dataset.empty()) std::cout << "  dataset: " << p.dataset << "\n";
    std::cout << "  LR: "
              << (p.degradation.empty() || p.degradation == "none"
                      ? std::string("clean (antialiased bicubic)")
                      : "degraded by " + p.degradation)
              << "\n";
    if (!p.command.empty()) std::cout << "  command: " << p.command << "\n";
    if (!p.created_at.empty()) std::cout << "  created: " << p.created_at << "\n";
    if (!p.trainer_version.empty()) std::cout << "  trainer version: " << p.trainer_version << "\n";
    print_metric("PSNR (Y)", p.psnr_y);
    print_metric("SSIM (Y)", p.ssim_y);
    print_metric("bicubic PSNR (Y)", p.bicubic_psnr_y);
    print_metric("bicubic SSIM (Y)", p.bicubic_ssim_y);
  }
  // What the element's and upscale's default precision would run on this machine's CPU.
  const Upscaler upscaler(UpscalerOptions().model_path(path).device("cpu"));
  std::cout << "  precision auto on this CPU: " << upscaler.precision_reason() << "\n";
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto* command =
      app.add_subcommand("info", "Print a model file's kind, scale, options and provenance");
  auto path = std::make_shared<std::string>();
  add_model_option(command, "MODEL", *path)->required();
  command->callback([path] { print_info(*path); });
}

}  // namespace srgan::cli
