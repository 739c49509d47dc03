#pragma once

// The frames of a clip for `srgan-train evaluate --video` and `train --val-video`: a folder of
// images (in name order), or any file GStreamer decodes where srgan-train is built with it.

#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

namespace srgan::cli {

class VideoFrames {
 public:
  /// Opens `path`; throws srgan::Error with one line when it cannot be read.
  explicit VideoFrames(const std::string& path);
  ~VideoFrames();
  VideoFrames(const VideoFrames&) = delete;
  VideoFrames& operator=(const VideoFrames&) = delete;

  /// The next frame, [1, 3, H, W] float RGB in [0, 1]; an undefined tensor after the last.
  at::Tensor next();

  class Source;

 private:
  std::unique_ptr<Source> source_;
};

}  // namespace srgan::cli
