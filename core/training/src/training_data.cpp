#include "srgan/training_data.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/resampling.h"

namespace srgan {
namespace {

bool is_image_name(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".jpg", ".jpeg", ".png", ".bmp", ".tga", ".ppm", ".pgm"}) {
    if (ext == known) return true;
  }
  return false;
}

at::Tensor to_bytes(const at::Tensor& image) {
  return at::round(image[0] * 255).to(at::kByte).contiguous();
}

}  // namespace

std::vector<std::string> list_images(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw Error("no such folder: " + dir);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_image_name(entry.path()))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TrainingData::TrainingData(const TrainingDataOptions& options, const Warn& warn)
    : options_(options) {
  const bool paired = !options.lr_dir().empty();
  const int64_t hr_crop = options.lr_crop() * options.scale();
  const auto files = list_images(options.hr_dir());
  std::vector<at::Tensor> hr(files.size()), lr(files.size());
  std::vector<std::string> problems(files.size());

  // Decode every image once, on worker threads.
  std::atomic<size_t> next{0};
  auto work = [&] {
    c10::InferenceMode guard;
    for (size_t i = next++; i < files.size(); i = next++) {
      try {
        const auto image = read_image(files[i]);
        if (image.size(2) < hr_crop || image.size(3) < hr_crop) {
          problems[i] = files[i] + " is " + std::to_string(image.size(3)) + "x" +
                        std::to_string(image.size(2)) + ", smaller than the " +
                        std::to_string(hr_crop) + " px HR crop";
          continue;
        }
        if (paired) {
          const auto name = std::filesystem::path(files[i]).filename();
          const auto low = read_image((std::filesystem::path(options.lr_dir()) / name).string());
          if (low.size(2) * options.scale() != image.size(2) ||
              low.size(3) * options.scale() != image.size(3)) {
            problems[i] =
                files[i] + ": its LR image is not 1/" + std::to_string(options.scale()) + " of it";
            continue;
          }
          lr[i] = to_bytes(low);
        }
        hr[i] = to_bytes(image);
      } catch (const std::exception& e) {
        problems[i] = e.what();
      }
    }
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < std::max(1, options.workers()); ++t) workers.emplace_back(work);
  for (auto& w : workers) w.join();

  for (size_t i = 0; i < files.size(); ++i) {
    if (!problems[i].empty()) {
      warn("skipping " + problems[i]);
    } else {
      hr_.push_back(hr[i]);
      if (paired) lr_.push_back(lr[i]);
    }
  }
  if (hr_.empty()) {
    throw Error(
        "no usable training image in " + options.hr_dir() + " (" + std::to_string(files.size()) +
        " image file(s) found; each must decode and be at least " + std::to_string(hr_crop) +
        " px on each side for --lr-crop " + std::to_string(options.lr_crop()) + " at x" +
        std::to_string(options.scale()) + ")");
  }
}

Batch TrainingData::batch(int64_t step) const {
  c10::InferenceMode guard;
  const int64_t s = options_.scale();
  const int64_t crop = options_.lr_crop();
  std::seed_seq seq{static_cast<uint64_t>(options_.seed()), static_cast<uint64_t>(step),
                    uint64_t{0x5352}};
  std::mt19937_64 random(seq);
  std::vector<at::Tensor> hr_crops, lr_crops;
  for (int64_t b = 0; b < options_.batch_size(); ++b) {
    const size_t index = random() % hr_.size();
    const auto& image = hr_[index];
    // Positions on the LR grid, so that paired LR/HR crops stay aligned.
    const int64_t y =
        static_cast<int64_t>(random() % static_cast<uint64_t>(image.size(1) / s - crop + 1));
    const int64_t x =
        static_cast<int64_t>(random() % static_cast<uint64_t>(image.size(2) / s - crop + 1));
    auto hr = image.slice(1, y * s, (y + crop) * s).slice(2, x * s, (x + crop) * s);
    at::Tensor lr;
    if (!lr_.empty()) lr = lr_[index].slice(1, y, y + crop).slice(2, x, x + crop);
    if (options_.augment()) {
      const bool flip = random() % 2;
      const auto turns = static_cast<int64_t>(random() % 4);
      if (flip) {
        hr = hr.flip({2});
        if (lr.defined()) lr = lr.flip({2});
      }
      hr = hr.rot90(turns, {1, 2});
      if (lr.defined()) lr = lr.rot90(turns, {1, 2});
    }
    hr_crops.push_back(hr);
    if (lr.defined()) lr_crops.push_back(lr);
  }
  Batch batch;
  batch.hr = at::stack(hr_crops).to(at::kFloat).div_(255);
  batch.lr = lr_crops.empty() ? downscale_bicubic(batch.hr, s)
                              : at::stack(lr_crops).to(at::kFloat).div_(255);
  return batch;
}

std::future<Batch> TrainingData::prefetch(int64_t step) const {
  return std::async(std::launch::async, [this, step] { return batch(step); });
}

}  // namespace srgan
