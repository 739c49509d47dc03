#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "srgan/degradation.h"

namespace srgan {

/// What the training images came from: one photo, or the frames sampled from one clip.
struct TrainingSource {
  std::string path;
  bool clip = false;
  /// Indices of this source's images in the data set (one for a photo).
  std::vector<size_t> images;
  /// Clips: the decoded frame number of each image (0 = the first frame).
  std::vector<int64_t> frame_numbers;
};

/// The training images' LR through a chain with its codec stages, made ahead because encoders
/// are slow: `versions` per image, each its own draw of the whole chain (codec and CRF chosen by
/// the codec stages' shares). A photo is encoded as one frame; a clip as one real stream of all
/// its frames (I, P and B frames, at its frame rate), of which the sampled frames are kept.
/// Kept as PNG files in a folder with a key naming the chain, seed, scale, versions and sources
/// (size and time of each file); rebuilt when the key differs, reused otherwise.
class CodecCache {
 public:
  struct Options {
    std::string folder;
    int64_t versions = 8;
    uint64_t seed = 1;
    int workers = 2;
  };
  using Report = std::function<void(const std::string&)>;

  /// `hr`: the data set's images, [3, H, W] uint8, H and W multiples of the chain's
  /// size_multiple(). Throws srgan::Error when an encoder fails or a clip cannot be read again.
  CodecCache(const Degradation& degradation, const std::vector<at::Tensor>& hr,
             const std::vector<TrainingSource>& sources, const Options& options,
             const Report& info);

  /// Version `version` of image `image`'s LR: [3, H/s, W/s] uint8.
  const at::Tensor& lr(size_t image, size_t version) const {
    return lr_[image * static_cast<size_t>(versions_) + version];
  }
  int64_t versions() const { return versions_; }
  /// True when the cache was read from its folder rather than built.
  bool reused() const { return reused_; }

 private:
  int64_t versions_;
  std::vector<at::Tensor> lr_;
  bool reused_ = false;
};

}  // namespace srgan
