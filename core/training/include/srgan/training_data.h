#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

namespace srgan {

/// Where training pairs come from and how they are cut.
struct TrainingDataOptions {
  /// Folder of HR photos (JPEG, PNG, ...): random HR crops, LR made by antialiased bicubic
  /// downscaling. In paired mode, the HR half of the pairs.
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
  /// Threads that decode the images at start.
  TORCH_ARG(int, workers) = 2;
};

/// LR and HR crops as RGB in [0, 1]: [B, 3, c, c] and [B, 3, s*c, s*c].
struct Batch {
  at::Tensor lr;
  at::Tensor hr;
};

/// A folder of training images, decoded once (in parallel) and kept in memory as 8-bit. Files
/// that cannot be decoded, and images smaller than a crop, are skipped with one warning each;
/// a folder with no usable image is an srgan::Error.
class TrainingData {
 public:
  using Warn = std::function<void(const std::string&)>;
  TrainingData(const TrainingDataOptions& options, const Warn& warn);

  /// The batch for a training step: a pure function of (seed, step), so batches can be made
  /// ahead on another thread and a resumed run sees the same data as an uninterrupted one.
  Batch batch(int64_t step) const;
  /// Starts making batch(step) on a worker thread.
  std::future<Batch> prefetch(int64_t step) const;

  size_t size() const { return hr_.size(); }
  const TrainingDataOptions& options() const { return options_; }

 private:
  TrainingDataOptions options_;
  std::vector<at::Tensor> hr_;  // [3, H, W] uint8
  std::vector<at::Tensor> lr_;  // paired mode only
};

/// The image files of a folder (by extension), sorted by name.
std::vector<std::string> list_images(const std::string& dir);

}  // namespace srgan
