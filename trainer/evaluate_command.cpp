#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "srgan/error.h"
#include "srgan/evaluation.h"
#include "srgan/upscaler.h"

namespace srgan::cli {
namespace {

struct EvaluateArguments {
  std::string model, data, csv, device = "auto";
  int64_t scale = 0;
};

void print_row(const EvaluationRow& r) {
  std::printf("| %s | %.2f | %.4f | %.2f | %.4f | %+.2f |\n", r.image.c_str(), r.psnr_y, r.ssim_y,
              r.bicubic_psnr_y, r.bicubic_ssim_y, r.psnr_y - r.bicubic_psnr_y);
}

void evaluate(const EvaluateArguments& args) {
  Upscaler upscaler(UpscalerOptions().model_path(args.model).device(args.device).precision("fp32"));
  if (args.scale != 0 && args.scale != upscaler.scale()) {
    throw Error("--scale " + std::to_string(args.scale) +
                " does not match the model, which upscales x" + std::to_string(upscaler.scale()));
  }
  // One line per image: a folder of large photos takes minutes on a CPU.
  const auto rows = evaluate_folder(
      upscaler, args.data,
      [](const std::string& m) { std::cerr << "srgan-train: warning: " << m << "\n"; },
      [](size_t index, size_t count, const std::string& file) {
        std::cerr << "srgan-train: evaluating " << index << "/" << count << ": "
                  << std::filesystem::path(file).filename().string() << std::endl;
      });
  const auto mean = mean_of(rows);
  std::printf("Y (BT.601) PSNR/SSIM, %lld-pixel border cropped, x%lld: %s vs bicubic on %s\n\n",
              static_cast<long long>(upscaler.scale()), static_cast<long long>(upscaler.scale()),
              args.model.c_str(), args.data.c_str());
  std::printf(
      "| image | PSNR | SSIM | bicubic PSNR | bicubic SSIM | gain dB |\n| --- | ---: | ---: | ---: "
      "| ---: | ---: |\n");
  for (const auto& r : rows) print_row(r);
  print_row(mean);
  if (!args.csv.empty()) {
    std::ofstream csv(args.csv);
    if (!csv) throw Error("cannot write " + args.csv);
    csv << "image,psnr_y,ssim_y,bicubic_psnr_y,bicubic_ssim_y\n";
    csv.precision(10);
    for (const auto& r : rows) {
      csv << r.image << "," << r.psnr_y << "," << r.ssim_y << "," << r.bicubic_psnr_y << ","
          << r.bicubic_ssim_y << "\n";
    }
    csv << mean.image << "," << mean.psnr_y << "," << mean.ssim_y << "," << mean.bicubic_psnr_y
        << "," << mean.bicubic_ssim_y << "\n";
  }
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("evaluate",
                                 "PSNR/SSIM (Y) of a model against bicubic on a folder of photos");
  auto args = std::make_shared<EvaluateArguments>();
  add_model_option(cmd, "--model", args->model)->required();
  cmd->add_option("--data", args->data, "Folder of HR photos")->required();
  cmd->add_option("--scale", args->scale, "Expected scale (an error if the model's differs)");
  cmd->add_option("--csv", args->csv, "Also write the table as CSV");
  cmd->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  cmd->callback([args] { evaluate(*args); });
}

}  // namespace srgan::cli
