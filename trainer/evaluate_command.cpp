#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/evaluation.h"
#include "srgan/upscaler.h"
#include "srgan/video_frames.h"
#include "srgan/video_quality.h"

namespace srgan::cli {
namespace {

struct EvaluateArguments {
  std::string model, data, csv, device = "auto";
  std::string precision = "fp32";  // the reference tables; bf16 to measure what it costs
  std::string degrade = "none";
  uint64_t seed = 1;
  std::vector<std::string> videos;
  int64_t scale = 0, frames = 0;
  std::string crop;
};

void print_row(const EvaluationRow& r) {
  std::printf("| %s | %.2f | %.4f | %.2f | %.4f | %+.2f | %.2f | %.4f | %+.2f |\n", r.image.c_str(),
              r.psnr_y, r.ssim_y, r.bicubic_psnr_y, r.bicubic_ssim_y, r.psnr_y - r.bicubic_psnr_y,
              r.lanczos_psnr_y, r.lanczos_ssim_y, r.psnr_y - r.lanczos_psnr_y);
}

// The rows, then their mean: what the table and the CSV list.
std::vector<const EvaluationRow*> row_pointers(const std::vector<EvaluationRow>& rows,
                                               const EvaluationRow& mean) {
  std::vector<const EvaluationRow*> all;
  for (const auto& r : rows) all.push_back(&r);
  all.push_back(&mean);
  return all;
}

void write_csv_file(const std::string& path, const std::string& text) {
  std::ofstream csv(path);
  if (!csv || !(csv << text) || !csv.flush()) throw Error("cannot write " + path);
}

std::string number(double value, int decimals) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

// What the LR is, as the tables' titles say it.
std::string lr_description(const DegradationSpec& spec) {
  if (spec.empty()) return "antialiased bicubic downscale";
  return "--degrade " + spec.str() +
         (spec.codec_share() > 0 ? " (each photo one intra frame; a clip one stream)" : "");
}

// --video: per clip, PSNR/SSIM (Y) and the temporal error, the model's beside bicubic's.
void evaluate_videos(Upscaler& upscaler, const EvaluateArguments& args,
                     const Degradation* degradation) {
  VideoQualityOptions options;
  options.max_frames(args.frames);
  if (!args.crop.empty()) {
    int64_t w = 0, h = 0;
    char extra = 0;
    if (std::sscanf(args.crop.c_str(), "%ldx%ld%c", &w, &h, &extra) != 2 || w <= 0 || h <= 0)
      throw Error("--crop takes WIDTHxHEIGHT, e.g. 384x288, not '" + args.crop + "'");
    options.crop_width(w).crop_height(h);
  }
  std::vector<VideoQuality> clips;
  const bool interactive = isatty(STDERR_FILENO);
  for (const auto& video : args.videos) {
    VideoFrames frames(video);
    const std::string name = std::filesystem::path(video).filename().string();
    ClipDegradation degrade{degradation, args.seed, [&] { return frames.frame_rate(); }};
    clips.push_back(evaluate_video(
        upscaler, video, [&] { return frames.next(); }, options,
        [&](int64_t frame) {
          // A terminal sees a counter; a log, a line every 25 frames.
          if (interactive) {
            std::cerr << "\rsrgan-train: evaluating " << name << ": frame " << frame << std::flush;
          } else if (frame == 1 || frame % 25 == 0) {
            std::cerr << "srgan-train: evaluating " << name << ": frame " << frame << std::endl;
          }
        },
        degrade));
    if (interactive) std::cerr << "\n";
  }
  std::printf(
      "Video quality, x%lld: %s vs bicubic. Per frame, HR = the centre crop, LR = %s; "
      "PSNR/SSIM on BT.601 Y with a %lld-pixel border, "
      "averaged over the frames; temporal error = mean |(X_t - X_t-1) - (HR_t - HR_t-1)| "
      "on Y (0 = the HR clip's own motion; lower is better).\n\n",
      static_cast<long long>(upscaler.scale()), args.model.c_str(),
      degradation ? lr_description(degradation->spec()).c_str()
                  : "its antialiased bicubic downscale",
      static_cast<long long>(upscaler.scale()));
  std::printf(
      "| clip | frames | crop | PSNR | SSIM | temporal error | bicubic PSNR | bicubic SSIM "
      "| bicubic temporal error |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: "
      "| ---: |\n");
  std::string csv =
      "clip,first_frame,last_frame,source_width,source_height,crop_x,crop_y,crop_width,"
      "crop_height,scale,psnr_y,ssim_y,temporal_error,bicubic_psnr_y,bicubic_ssim_y,"
      "bicubic_temporal_error\n";
  for (const auto& q : clips) {
    const std::string crop = std::to_string(q.width) + "x" + std::to_string(q.height) + " at " +
                             std::to_string(q.crop_x) + "," + std::to_string(q.crop_y) + " of " +
                             std::to_string(q.source_width) + "x" + std::to_string(q.source_height);
    std::printf("| %s | 0-%lld | %s | %.2f | %.4f | %.3f | %.2f | %.4f | %.3f |\n",
                std::filesystem::path(q.clip).filename().string().c_str(),
                static_cast<long long>(q.frames - 1), crop.c_str(), q.psnr_y, q.ssim_y,
                q.temporal_error, q.bicubic_psnr_y, q.bicubic_ssim_y, q.bicubic_temporal_error);
    csv += q.clip + ",0," + std::to_string(q.frames - 1) + "," + std::to_string(q.source_width) +
           "," + std::to_string(q.source_height) + "," + std::to_string(q.crop_x) + "," +
           std::to_string(q.crop_y) + "," + std::to_string(q.width) + "," +
           std::to_string(q.height) + "," + std::to_string(q.scale) + "," + number(q.psnr_y, 6) +
           "," + number(q.ssim_y, 6) + "," + number(q.temporal_error, 6) + "," +
           number(q.bicubic_psnr_y, 6) + "," + number(q.bicubic_ssim_y, 6) + "," +
           number(q.bicubic_temporal_error, 6) + "\n";
  }
  if (!args.csv.empty()) write_csv_file(args.csv, csv);
}

void evaluate(const EvaluateArguments& args) {
  // The chain first: a bad one is a one-line error before the model loads.
  const auto spec = DegradationSpec::parse(args.degrade);
  Upscaler upscaler(UpscalerOptions()
                        .model_path(args.model)
                        .device(args.device)
                        .precision(precision_from_string(args.precision)));
  if (args.scale != 0 && args.scale != upscaler.scale()) {
    throw Error("--scale " + std::to_string(args.scale) +
                " does not match the model, which upscales x" + std::to_string(upscaler.scale()));
  }
  const Degradation degradation(spec, upscaler.scale());
  const Degradation* degrade = spec.empty() ? nullptr : &degradation;
  if (!args.videos.empty()) return evaluate_videos(upscaler, args, degrade);
  // One line per image: a folder of large photos takes minutes on a CPU.
  const auto rows = evaluate_folder(
      upscaler, args.data,
      [](const std::string& m) { std::cerr << "srgan-train: warning: " << m << "\n"; },
      [](size_t index, size_t count, const std::string& file) {
        std::cerr << "srgan-train: evaluating " << index << "/" << count << ": "
                  << std::filesystem::path(file).filename().string() << std::endl;
      },
      degrade, args.seed);
  const auto mean = mean_of(rows);
  std::printf(
      "Y (BT.601) PSNR/SSIM, %lld-pixel border cropped, x%lld: %s vs bicubic and Lanczos-3 on "
      "%s; LR: %s\n\n",
      static_cast<long long>(upscaler.scale()), static_cast<long long>(upscaler.scale()),
      args.model.c_str(), args.data.c_str(), lr_description(spec).c_str());
  std::printf(
      "| image | PSNR | SSIM | bicubic PSNR | bicubic SSIM | gain dB | Lanczos PSNR | Lanczos SSIM "
      "| gain over Lanczos dB |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
      "|\n");
  for (const auto& r : rows) print_row(r);
  print_row(mean);
  if (!args.csv.empty()) {
    std::ofstream csv(args.csv);
    if (!csv) throw Error("cannot write " + args.csv);
    csv << "image,psnr_y,ssim_y,bicubic_psnr_y,bicubic_ssim_y,lanczos_psnr_y,lanczos_ssim_y\n";
    csv.precision(10);
    for (const auto* r : row_pointers(rows, mean)) {
      csv << r->image << "," << r->psnr_y << "," << r->ssim_y << "," << r->bicubic_psnr_y << ","
          << r->bicubic_ssim_y << "," << r->lanczos_psnr_y << "," << r->lanczos_ssim_y << "\n";
    }
  }
}

}  // namespace

void add_evaluate_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("evaluate",
                         "PSNR/SSIM (Y) of a model against bicubic on a folder of photos, or on "
                         "clips (--video) with the temporal error");
  auto args = std::make_shared<EvaluateArguments>();
  add_model_option(cmd, "--model", args->model)->required();
  auto* data = cmd->add_option("--data", args->data, "Folder of HR photos");
  auto* video = cmd->add_option("--video", args->videos,
                                "Clip (a file GStreamer decodes, or a folder of frames): PSNR/SSIM "
                                "and the temporal error per clip; repeat for more clips");
  data->excludes(video);
  video->excludes(data);
  cmd->add_option("--frames", args->frames, "With --video: the first N frames only (0: all)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--crop", args->crop, "With --video: a WIDTHxHEIGHT centre crop of the frames");
  cmd->add_option("--scale", args->scale, "Expected scale (an error if the model's differs)");
  cmd->add_option("--csv", args->csv, "Also write the table as CSV");
  cmd->add_option("--degrade", args->degrade,
                  "The LR through a degradation chain (the --degrade of train): e.g. h264:23, "
                  "h265:28, vp9:35, jpeg:75, noise:5; a photo is encoded as one frame, a clip "
                  "(--video) as one stream")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the chain's random draws (ranges, noise)")
      ->capture_default_str();
  cmd->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  cmd->add_option("--precision", args->precision,
                  "fp32 (the default, as the model cards' tables), bf16, fp16 or auto")
      ->capture_default_str();
  cmd->callback([args, data, video] {
    if (data->count() == 0 && video->count() == 0) throw CLI::RequiredError("--data or --video");
    evaluate(*args);
  });
}

}  // namespace srgan::cli
