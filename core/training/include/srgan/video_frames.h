#pragma once

// The frames of a clip (`srgan-train evaluate --video`, `train --val-video`, video files in
// `train --data`): a folder of images (in name order), or any file GStreamer decodes where the
// training library is built with it.

#include <memory>
#include <string>
#include <utility>

#include <ATen/core/Tensor.h>

namespace srgan {

class VideoFrames {
 public:
  /// Opens `path`; throws srgan::Error with one line when it cannot be read.
  explicit VideoFrames(const std::string& path);
  ~VideoFrames();
  VideoFrames(const VideoFrames&) = delete;
  VideoFrames& operator=(const VideoFrames&) = delete;

  /// The next frame, [1, 3, H, W] float RGB in [0, 1]; an undefined tensor after the last.
  at::Tensor next();
  /// The presentation time of the frame next() gave last, in seconds from the first frame (a
  /// folder's frames: index / 25).
  double timestamp() const;
  /// The clip's frame rate (numerator, denominator); 25/1 when the file does not say or for a
  /// folder.
  std::pair<int, int> frame_rate() const;

  class Source;

 private:
  std::unique_ptr<Source> source_;
};

}  // namespace srgan
