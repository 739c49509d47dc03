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
#include "srgan/video_frames.h"

namespace srgan {
namespace {

at::Tensor to_bytes(const at::Tensor& image) {
  return at::round(image[0] * 255).to(at::kByte).contiguous();
}

}  // namespace

std::vector<std::string> list_images(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw Error("no such folder: " + dir);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && is_image_file_name(entry.path().string()))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool is_image_file_name(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".jpg", ".jpeg", ".png", ".bmp", ".tga", ".ppm", ".pgm", ".pnm"}) {
    if (ext == known) return true;
  }
  return false;
}

bool is_video_file_name(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char* known : {".mp4", ".m4v", ".mkv", ".mov", ".webm", ".avi", ".ts", ".mts", ".m2ts",
                            ".ogv", ".flv", ".wmv", ".3gp", ".mpg", ".mpeg", ".y4m"}) {
    if (ext == known) return true;
  }
  return false;
}

namespace {

// The photos and clips `--data` names: a folder's (by extension, sorted), or one file.
void list_sources(const std::string& path, std::vector<std::string>& photos,
                  std::vector<std::string>& clips) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    (is_image_file_name(path) ? photos : clips).push_back(path);
    return;
  }
  if (!std::filesystem::is_directory(path, ec)) throw Error("no such file or folder: " + path);
  photos = list_images(path);
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.is_regular_file() && is_video_file_name(entry.path().string()))
      clips.push_back(entry.path().string());
  }
  std::sort(clips.begin(), clips.end());
}

// A clip's frames at `fps` frames per second of its time, as [3, H, W] uint8, with their frame
// numbers.
void sample_clip(const std::string& file, double fps, std::vector<at::Tensor>& frames,
                 std::vector<int64_t>& numbers) {
  VideoFrames clip(file);
  double next_time = 0;
  int64_t number = 0;
  for (at::Tensor frame = clip.next(); frame.defined(); frame = clip.next(), ++number) {
    if (clip.timestamp() + 1e-6 < next_time) continue;
    frames.push_back(to_bytes(frame));
    numbers.push_back(number);
    next_time += 1 / fps;
  }
}

// The top-left part of an image whose sides are multiples of `multiple`.
at::Tensor crop_to_multiple(const at::Tensor& image, int64_t multiple) {
  return image.slice(1, 0, image.size(1) / multiple * multiple)
      .slice(2, 0, image.size(2) / multiple * multiple)
      .contiguous();
}

std::string plural(size_t count, const std::string& noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

}  // namespace

TrainingData::TrainingData(const TrainingDataOptions& options, const Report& warn,
                           const Report& info)
    : options_(options) {
  const bool paired = !options.lr_dir().empty();
  const int64_t hr_crop = options.lr_crop() * options.scale();
  if (options.degradation() != "none") {
    degradation_ = std::make_unique<Degradation>(DegradationSpec::parse(options.degradation()),
                                                 options.scale());
    if (degradation_->spec().empty()) degradation_.reset();
  }
  if (degradation_ && paired)
    throw Error("--degrade makes the LR images; it does not go with --lr-dir (paired data)");
  if (!(options.video_fps() > 0)) throw Error("--video-fps must be above 0");
  // Degraded LR images are whole 8-bit (and, through codecs, 4:2:0) images: crop the HR ones to
  // sizes they divide.
  const int64_t multiple = degradation_ ? degradation_->size_multiple() : 1;
  std::vector<std::string> files, clips;
  list_sources(options.hr_dir(), files, clips);
  if (paired && !clips.empty()) {
    warn("skipping " + plural(clips.size(), "clip") + " in " + options.hr_dir() +
         ": paired data (--lr-dir) takes photos only");
    clips.clear();
  }
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
        hr[i] = crop_to_multiple(to_bytes(image), multiple);
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
      sources_.push_back({files[i], false, {hr_.size()}, {}});
      hr_.push_back(hr[i]);
      if (paired) lr_.push_back(lr[i]);
    }
  }
  c10::InferenceMode guard;
  for (const auto& clip : clips) {
    std::vector<at::Tensor> frames;
    TrainingSource source{clip, true, {}, {}};
    try {
      sample_clip(clip, options.video_fps(), frames, source.frame_numbers);
    } catch (const Error& e) {
      warn(std::string("skipping ") + e.what());
      continue;
    }
    if (frames.front().size(1) < hr_crop || frames.front().size(2) < hr_crop) {
      warn("skipping " + clip + ": its " + std::to_string(frames.front().size(2)) + "x" +
           std::to_string(frames.front().size(1)) + " frames are smaller than the " +
           std::to_string(hr_crop) + " px HR crop");
      continue;
    }
    for (const auto& frame : frames) {
      source.images.push_back(hr_.size());
      hr_.push_back(crop_to_multiple(frame, multiple));
    }
    sources_.push_back(std::move(source));
  }
  if (hr_.empty()) {
    throw Error("no usable training image in " + options.hr_dir() + " (" +
                std::to_string(files.size()) + " image file(s) and " +
                plural(clips.size(), "clip") + " found; each must decode and be at least " +
                std::to_string(hr_crop) + " px on each side for --lr-crop " +
                std::to_string(options.lr_crop()) + " at x" + std::to_string(options.scale()) +
                ")");
  }
  if (degradation_ && degradation_->spec().codec_share() > 0) {
    if (options.cache_dir().empty()) throw Error("codec stages need a cache folder");
    CodecCache::Options cache;
    cache.folder = options.cache_dir();
    cache.versions = options.cache_versions();
    cache.seed = options.seed();
    cache.workers = options.workers();
    cache_ = std::make_unique<CodecCache>(*degradation_, hr_, sources_, cache, info ? info : warn);
  }
}

TrainingData::~TrainingData() = default;

std::string TrainingData::describe() const {
  size_t photos = 0, clips = 0, frames = 0;
  for (const auto& source : sources_) {
    if (source.clip) {
      ++clips, frames += source.images.size();
    } else {
      ++photos;
    }
  }
  const std::string from_clips = plural(frames, "frame") + " of " + plural(clips, "clip");
  if (clips == 0) return plural(photos, "photo");
  if (photos == 0) return from_clips;
  return plural(photos, "photo") + " and " + from_clips;
}

// A degraded LR crop at (y, x) of image `index`: from the codec cache by the codec stages'
// share, otherwise the chain without its codecs on the HR crop.
at::Tensor TrainingData::degraded_lr(size_t index, const at::Tensor& hr, int64_t y, int64_t x,
                                     std::mt19937_64& random) const {
  const int64_t crop = options_.lr_crop();
  if (cache_ &&
      std::uniform_real_distribution<double>(0, 1)(random) < degradation_->spec().codec_share()) {
    const auto version = static_cast<size_t>(random() % static_cast<uint64_t>(cache_->versions()));
    return cache_->lr(index, version).slice(1, y, y + crop).slice(2, x, x + crop);
  }
  const auto draw = degradation_->draw(random, Degradation::CodecChoice::kNever);
  const auto lr = degradation_->apply(hr.unsqueeze(0).to(at::kFloat).div_(255), draw, random);
  return at::round(lr[0] * 255).to(at::kByte);
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
    if (degradation_) lr = degraded_lr(index, hr, y, x, random);
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
