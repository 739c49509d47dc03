#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <ATen/ATen.h>

#include "commands.h"
#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/upscaler.h"

namespace srgan::cli {
namespace {

struct UpscaleArguments {
  std::string model;
  std::string input;
  std::string output;
  std::string device = "auto";
  std::string precision = "auto";
  int64_t tile = 0;
};

void upscale_image(const UpscaleArguments& args) {
  std::string extension = std::filesystem::path(args.output).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (extension != ".png") throw Error("the output must be a .png file, got " + args.output);
  Upscaler upscaler(UpscalerOptions()
                        .model_path(args.model)
                        .device(args.device)
                        .precision(precision_from_string(args.precision))
                        .tile_size(args.tile));
  const auto image = read_image(args.input);
  const auto start = std::chrono::steady_clock::now();
  auto result = upscaler.upscale_rgb(image);
  // The network sees RGB; transparency is kept, upscaled as bicubic (clamped to [0, 1]).
  const auto alpha = read_alpha(args.input);
  if (alpha) {
    const auto upscaled_alpha =
        at::upsample_bicubic2d(*alpha, {result.size(2), result.size(3)}, false).clamp(0, 1);
    result = at::cat({result.to(at::kCPU, at::kFloat), upscaled_alpha}, 1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_png(args.output, result);
  std::cout << args.input << " (" << image.size(3) << "x" << image.size(2) << ") -> " << args.output
            << " (" << result.size(3) << "x" << result.size(2) << ") in " << seconds << " s"
            << (alpha ? ", alpha upscaled with bicubic" : "") << "\n"
            << "  " << upscaler.describe() << "\n";
}

}  // namespace

void add_upscale_command(CLI::App& app) {
  auto* command = app.add_subcommand("upscale", "Upscale one image with a model (for quick looks)");
  auto args = std::make_shared<UpscaleArguments>();
  add_model_option(command, "--model", args->model)->required();
  command->add_option("INPUT", args->input, "Image to upscale (PNG, JPEG, BMP, ...)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("OUTPUT", args->output, "PNG file to write")->required();
  command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  command->add_option("--precision", args->precision, "auto, fp32, fp16 or bf16")
      ->capture_default_str();
  command->add_option("--tile", args->tile, "Tile edge in input pixels (0: from the memory budget)")
      ->capture_default_str();
  command->callback([args] { upscale_image(*args); });
}

}  // namespace srgan::cli
