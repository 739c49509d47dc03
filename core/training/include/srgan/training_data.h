#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

#include "srgan/codec_cache.h"
#include "srgan/degradation.h"

namespace srgan {

/// Where training pairs come from and how they are cut.
struct TrainingDataOptions {
  /// Folder of HR photos (JPEG, PNG, ...) and clips (MP4, MKV, WebM, ...), or one clip: random
  /// HR crops, LR made by `degradation`. A clip's frames are sampled at `video_fps`. In paired
  /// mode, the folder of the HR halves of the pairs (photos only).
  TORCH_ARG(std::string, hr_dir);
  /// Paired mode (the paper's data set): LR images with the same file names as in hr_dir, each
  /// exactly 1/scale of its HR image. Empty: LR images are made from hr_dir.
  TORCH_ARG(std::string, lr_dir);
  TORCH_ARG(int64_t, scale) = 4;
  /// Edge of the LR crops; HR crops are scale times larger.
  TORCH_ARG(int64_t, lr_crop) = 24;
  TORCH_ARG(int64_t, batch_size) = 16;
  /// Random horizontal flips and 90-degree rotations.
  TORCH_ARG(bool, augment) = true;
  TORCH_ARG(uint64_t, seed) = 1;
  /// Threads that decode the images (and encode the codec cache) at start.
  TORCH_ARG(int, workers) = 2;
  /// Frames per second of a clip's time taken as training images (the others are skipped).
  TORCH_ARG(double, video_fps) = 2;
  /// How LR crops are made from HR crops: a DegradationSpec's text; "none" is an antialiased
  /// bicubic downscale (float, not rounded to 8 bits), as before degradations existed.
  TORCH_ARG(std::string, degradation) = "none";
  /// Codec stages: the folder of their cache (CodecCache) and the versions per image.
  TORCH_ARG(std::string, cache_dir);
  TORCH_ARG(int64_t, cache_versions) = 8;
};

/// LR and HR crops as RGB in [0, 1]: [B, 3, c, c] and [B, 3, s*c, s*c].
struct Batch {
  at::Tensor lr;
  at::Tensor hr;
};

/// A folder of training photos and clips, decoded once (in parallel) and kept in memory as
/// 8-bit. Files that cannot be decoded, and images smaller than a crop, are skipped with one
/// warning each; a folder with no usable image is an srgan::Error. With a degradation, each
/// pair's LR is its own draw of the chain: through a codec (by the codec stages' shares) from
/// the CodecCache built here, otherwise made from the HR crop as the batch is made.
class TrainingData {
 public:
  using Report = std::function<void(const std::string&)>;
  TrainingData(const TrainingDataOptions& options, const Report& warn, const Report& info = {});
  ~TrainingData();

  /// The batch for a training step: a pure function of (seed, step), so batches can be made
  /// ahead on another thread and a resumed run sees the same data as an uninterrupted one.
  Batch batch(int64_t step) const;
  /// Starts making batch(step) on a worker thread.
  std::future<Batch> prefetch(int64_t step) const;

  size_t size() const { return hr_.size(); }
  /// "69 photos", "12 frames of 1 clip", "69 photos and 40 frames of 2 clips".
  std::string describe() const;
  const TrainingDataOptions& options() const { return options_; }

 private:
  at::Tensor degraded_lr(size_t index, const at::Tensor& hr, int64_t y, int64_t x,
                         std::mt19937_64& random) const;

  TrainingDataOptions options_;
  std::vector<at::Tensor> hr_;  // [3, H, W] uint8
  std::vector<at::Tensor> lr_;  // paired mode only
  std::vector<TrainingSource> sources_;
  std::unique_ptr<Degradation> degradation_;
  std::unique_ptr<CodecCache> cache_;
};

/// The image files of a folder (by extension), sorted by name.
std::vector<std::string> list_images(const std::string& dir);
/// Whether a file name is an image's that read_image reads (by extension: JPEG, PNG, BMP, TGA,
/// PNM).
bool is_image_file_name(const std::string& path);
/// Whether a file name is a clip's (by extension: MP4, MKV, MOV, WebM, AVI, ...).
bool is_video_file_name(const std::string& path);

}  // namespace srgan
