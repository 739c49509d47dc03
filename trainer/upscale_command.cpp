#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <ATen/ATen.h>

#include "commands.h"
#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/threads.h"
#include "srgan/training_data.h"
#include "srgan/upscaler.h"

namespace srgan::cli {
namespace {

namespace fs = std::filesystem;

struct UpscaleArguments {
  std::string model;
  std::string input;
  std::string output;
  std::string device = "auto";
  std::string precision = "auto";
  std::string format;  // folders: png or jpg for every output; empty: JPEG stays JPEG, else PNG
  int quality = 95;
  int64_t tile = 0;
  int jobs = 1;  // folders: images upscaled at once
  bool force = false;
};

std::string lower_extension(const fs::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

bool is_jpeg_name(const fs::path& path) {
  const std::string e = lower_extension(path);
  return e == ".jpg" || e == ".jpeg";
}

// One image: read, upscale (alpha with bicubic, as the network sees RGB), write PNG or JPEG by
// OUT's extension. Returns the line that says what was done.
std::string upscale_file(Upscaler& upscaler, const fs::path& input, const fs::path& output,
                         int quality) {
  const auto image = read_image(input.string());
  const auto start = std::chrono::steady_clock::now();
  auto result = upscaler.upscale_rgb(image).to(at::kCPU, at::kFloat);
  const bool jpeg = is_jpeg_name(output);
  // JPEG has no transparency: an alpha channel is dropped there, said in the line.
  const auto alpha = read_alpha(input.string());
  if (alpha && !jpeg) {
    const auto upscaled_alpha =
        at::upsample_bicubic2d(*alpha, {result.size(2), result.size(3)}, false).clamp(0, 1);
    result = at::cat({result, upscaled_alpha}, 1);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (jpeg) {
    write_jpeg(output.string(), result, quality);
  } else {
    write_png(output.string(), result);
  }
  char line[64];
  std::snprintf(line, sizeof(line), ") in %.2f s", seconds);
  return input.string() + " (" + std::to_string(image.size(3)) + "x" +
         std::to_string(image.size(2)) + ") -> " + output.string() + " (" +
         std::to_string(result.size(3)) + "x" + std::to_string(result.size(2)) + line +
         (alpha ? (jpeg ? ", alpha dropped (JPEG has none)" : ", alpha upscaled with bicubic")
                : "");
}

void check_output_name(const fs::path& output) {
  const std::string e = lower_extension(output);
  if (e != ".png" && !is_jpeg_name(output)) {
    throw Error("the output must be a .png or .jpg file (" + output.string() +
                " is neither; other formats are not written)");
  }
}

// On the CPU the images upscaled at once share the cores out (one thread each on 2 cores, where
// the wide models run by Winograd) and the cache (tiles); one network serves them all.
Upscaler make_upscaler(const UpscaleArguments& args, int jobs) {
  auto options = UpscalerOptions()
                     .model_path(args.model)
                     .device(args.device)
                     .precision(precision_from_string(args.precision))
                     .tile_size(args.tile);
  const bool cpu = resolve_device(args.device).is_cpu();
  if (cpu) options.threads(intra_op_threads_per_job(jobs));  // precision=auto times on these
  Upscaler upscaler(options);
  if (cpu && jobs > 1) upscaler.share_cores(jobs);
  return upscaler;
}

// Every image of the INPUT tree into the same tree under OUTPUT: those already done (an output
// newer than its input) are skipped unless --force, a failure is reported and the rest go on.
void upscale_folder(const UpscaleArguments& args) {
  const fs::path in(args.input), out(args.output);
  if (fs::exists(out) && !fs::is_directory(out))
    throw Error("INPUT is a folder, so OUTPUT must be one too: " + args.output + " is a file");
  const fs::path out_abs = fs::weakly_canonical(out);
  std::vector<fs::path> images;
  size_t other_files = 0;
  for (auto it = fs::recursive_directory_iterator(in); it != fs::recursive_directory_iterator();
       ++it) {
    // The output tree may sit inside the input one: its files are not inputs.
    if (it->is_directory() && fs::weakly_canonical(it->path()) == out_abs) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    if (is_image_file_name(it->path().string())) {
      images.push_back(it->path());
    } else {
      ++other_files;
    }
  }
  std::sort(images.begin(), images.end());
  if (images.empty()) {
    throw Error("no images in " + args.input +
                " (PNG, JPEG, BMP, TGA or PNM files, in any subfolder)");
  }
  const int jobs = static_cast<int>(std::min<size_t>(args.jobs, images.size()));
  Upscaler upscaler = make_upscaler(args, jobs);
  std::cerr << "srgan-train: upscaling " << images.size() << " images from " << args.input
            << " into " << args.output << (jobs > 1 ? ", " + std::to_string(jobs) + " at once" : "")
            << "\n  " << upscaler.describe() << std::endl;
  size_t done = 0, skipped = 0;
  std::vector<std::string> failed;
  std::mutex report;  // the counts, the failures and stderr's lines
  std::atomic<size_t> next{0};
  const auto upscale_one = [&](size_t i) {
    const fs::path relative = images[i].lexically_relative(in);
    fs::path target = out / relative;
    const std::string format =
        args.format.empty() ? (is_jpeg_name(relative) ? "jpg" : "png") : args.format;
    if (!(format == "jpg" && is_jpeg_name(relative))) target.replace_extension("." + format);
    const std::string counter =
        "[" + std::to_string(i + 1) + "/" + std::to_string(images.size()) + "] ";
    std::error_code error;
    if (!args.force && fs::exists(target, error) && fs::file_size(target, error) > 0 &&
        fs::last_write_time(target, error) >= fs::last_write_time(images[i], error)) {
      const std::lock_guard<std::mutex> lock(report);
      ++skipped;
      std::cerr << "srgan-train: " << counter << relative.string() << ": already done ("
                << target.string() << ")" << std::endl;
      return;
    }
    try {
      fs::create_directories(target.parent_path());
      const std::string line = upscale_file(upscaler, images[i], target, args.quality);
      const std::lock_guard<std::mutex> lock(report);
      std::cerr << "srgan-train: " << counter << line << std::endl;
      ++done;
    } catch (const std::exception& e) {
      const std::lock_guard<std::mutex> lock(report);
      failed.push_back(relative.string());
      std::cerr << "srgan-train: " << counter << relative.string()
                << ": failed: " << first_line(e.what()) << std::endl;
    }
  };
  // Each worker takes the next image until none is left; this thread is one of them.
  const auto work = [&] {
    for (size_t i = next++; i < images.size(); i = next++) upscale_one(i);
  };
  std::vector<std::thread> workers;
  for (int j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (std::thread& worker : workers) worker.join();
  std::cout << images.size() << " images in " << args.input << ": " << done << " upscaled, "
            << skipped << " already done" << (args.force ? "" : " (--force redoes them)") << ", "
            << failed.size() << " failed" << (failed.empty() ? "" : " (listed above)")
            << "; outputs in " << args.output << "\n";
  if (other_files > 0) {
    std::cout << other_files << " other files in " << args.input
              << " are not images this build reads (e.g. WebP, TIFF: convert them to PNG)\n";
  }
  if (!failed.empty()) throw ExitStatus{1};
}

void upscale(const UpscaleArguments& args) {
  if (args.quality < 1 || args.quality > 100)
    throw CLI::ValidationError("--quality", "takes 1-100, not " + std::to_string(args.quality));
  if (fs::is_directory(args.input)) return upscale_folder(args);
  if (!args.format.empty())
    throw CLI::ValidationError("--format", "is for folders; a file's format is OUTPUT's extension");
  if (args.jobs != 1)
    throw CLI::ValidationError("--jobs", "is for folders; one image is upscaled on every core");
  check_output_name(args.output);
  if (fs::is_directory(args.output))
    throw Error("OUTPUT " + args.output + " is a folder: give a file name (.png or .jpg)");
  Upscaler upscaler = make_upscaler(args, 1);
  std::cout << upscale_file(upscaler, args.input, args.output, args.quality) << "\n  "
            << upscaler.describe() << "\n";
}

}  // namespace

void add_upscale_command(CLI::App& app) {
  auto* command = app.add_subcommand(
      "upscale",
      "Upscale an image, or every image of a folder tree into the same tree under OUTPUT");
  auto args = std::make_shared<UpscaleArguments>();
  add_model_option(command, "--model", args->model)->required();
  command
      ->add_option("INPUT", args->input,
                   "Image to upscale (PNG, JPEG, BMP, ...), or a folder of them (subfolders too)")
      ->required()
      ->check(CLI::ExistingPath);
  command
      ->add_option("OUTPUT", args->output,
                   "PNG or JPEG file to write (by its extension), or the folder for a folder's")
      ->required();
  command->add_option("--quality", args->quality, "JPEG quality of .jpg outputs (1-100)")
      ->capture_default_str();
  command
      ->add_option("--format", args->format,
                   "Folders: write every image as png or jpg (default: JPEG stays JPEG, the "
                   "rest PNG)")
      ->check(CLI::IsMember({"png", "jpg"}));
  command->add_flag("--force", args->force, "Folders: upscale images already done again");
  command
      ->add_option("--jobs", args->jobs,
                   "Folders: images upscaled at once, sharing the cores (on 2 cores 2 jobs "
                   "upscale more images a second, each image's memory twice)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  command->add_option("--device", args->device, "auto, cpu, cuda or cuda:N")->capture_default_str();
  command->add_option("--precision", args->precision, "auto, fp32, fp16 or bf16")
      ->capture_default_str();
  command->add_option("--tile", args->tile, "Tile edge in input pixels (0: from the memory budget)")
      ->capture_default_str();
  command->callback([args] { upscale(*args); });
}

}  // namespace srgan::cli
