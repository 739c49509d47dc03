#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include <ATen/core/Tensor.h>
#include <torch/arg.h>

namespace srgan {

class Degradation;
class Upscaler;

/// Temporal faithfulness of an upscaled clip: the mean over frames t >= 1 of
/// mean |(X_t - X_(t-1)) - (HR_t - HR_(t-1))| on luma code values, `border` pixels cropped.
/// Zero for the HR clip itself; flicker and shimmer that the HR clip does not have raise it,
/// which a per-frame PSNR cannot see. Frames are added one at a time (only the last is kept).
class TemporalError {
 public:
  explicit TemporalError(int64_t border) : border_(border) {}
  /// The next frame's luma and the true HR luma ([H, W], the same size every frame).
  void add(const at::Tensor& luma, const at::Tensor& truth_luma);
  /// The mean so far; NaN before the second frame.
  double value() const;

 private:
  int64_t border_;
  at::Tensor previous_, previous_truth_;
  double sum_ = 0;
  int64_t pairs_ = 0;
};

struct VideoQualityOptions {
  /// Frames measured from the start (0: all).
  TORCH_ARG(int64_t, max_frames) = 0;
  /// Centre crop of the HR frames (0: the whole frame), rounded down to a multiple of the scale.
  TORCH_ARG(int64_t, crop_width) = 0;
  TORCH_ARG(int64_t, crop_height) = 0;
};

/// One clip's quality against bicubic: each frame's HR is the centre crop, LR its antialiased
/// bicubic downscale (or its degraded LR); PSNR/SSIM on BT.601 Y (`scale` border pixels cropped)
/// are means over the frames, the temporal errors are TemporalError's.
struct VideoQuality {
  std::string clip;
  int64_t frames = 0, scale = 0;
  int64_t source_width = 0, source_height = 0;            ///< the decoded frames
  int64_t crop_x = 0, crop_y = 0, width = 0, height = 0;  ///< the HR crop measured
  double psnr_y = 0, ssim_y = 0, bicubic_psnr_y = 0, bicubic_ssim_y = 0;
  double temporal_error = 0, bicubic_temporal_error = 0;
};

/// A clip's frames, one per call: [1, 3, H, W] float RGB in [0, 1], an undefined tensor at the
/// end.
using FrameSource = std::function<at::Tensor()>;

/// A clip's LR through a degradation chain: one draw for the whole clip (from `seed`), its
/// stages frame by frame, then, when it has a codec, every frame through it as one stream (at
/// the clip's frame rate, asked for after the first frame is read).
struct ClipDegradation {
  const Degradation* degradation = nullptr;  ///< nullptr: antialiased bicubic, as without one
  uint64_t seed = 1;
  std::function<std::pair<int, int>()> frame_rate;
};

/// Measures `upscale` ([1, 3, h, w] -> [1, 3, h*scale, w*scale], both in [0, 1]) on the frames
/// of `next_frame`. `progress` hears of each frame (1-based). Throws Error when the clip has no
/// frame, frames change size, or the crop does not fit.
VideoQuality evaluate_video(const std::function<at::Tensor(const at::Tensor&)>& upscale,
                            int64_t scale, const std::string& clip, const FrameSource& next_frame,
                            const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress = {},
                            const ClipDegradation& degradation = {});

/// The same with an Upscaler (its scale, on its device).
VideoQuality evaluate_video(Upscaler& upscaler, const std::string& clip,
                            const FrameSource& next_frame, const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress = {},
                            const ClipDegradation& degradation = {});

}  // namespace srgan
