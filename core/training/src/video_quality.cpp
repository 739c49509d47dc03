#include "srgan/video_quality.h"

#include <cmath>
#include <limits>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/evaluation.h"
#include "srgan/upscaler.h"

namespace srgan {

void TemporalError::add(const at::Tensor& luma, const at::Tensor& truth_luma) {
  const auto crop = [this](const at::Tensor& y) {
    return y.slice(0, border_, y.size(0) - border_)
        .slice(1, border_, y.size(1) - border_)
        .to(at::kDouble);
  };
  auto current = crop(luma), truth = crop(truth_luma);
  if (previous_.defined()) {
    sum_ += ((current - previous_) - (truth - previous_truth_)).abs().mean().item<double>();
    ++pairs_;
  }
  previous_ = std::move(current);
  previous_truth_ = std::move(truth);
}

double TemporalError::value() const {
  return pairs_ ? sum_ / static_cast<double>(pairs_) : std::numeric_limits<double>::quiet_NaN();
}

namespace {

// The centre crop of a w x h frame: the requested size (0: all of it), a multiple of the scale.
void place_crop(VideoQuality& q, const VideoQualityOptions& o) {
  const int64_t want_w = o.crop_width() > 0 ? o.crop_width() : q.source_width;
  const int64_t want_h = o.crop_height() > 0 ? o.crop_height() : q.source_height;
  if (want_w > q.source_width || want_h > q.source_height) {
    throw Error(q.clip + ": the crop " + std::to_string(want_w) + "x" + std::to_string(want_h) +
                " is larger than its " + std::to_string(q.source_width) + "x" +
                std::to_string(q.source_height) + " frames");
  }
  q.width = want_w / q.scale * q.scale;
  q.height = want_h / q.scale * q.scale;
  if (q.width <= 2 * q.scale || q.height <= 2 * q.scale) {
    throw Error(q.clip + ": frames of " + std::to_string(q.width) + "x" + std::to_string(q.height) +
                " are too small to measure at x" + std::to_string(q.scale));
  }
  q.crop_x = (q.source_width - q.width) / 2;
  q.crop_y = (q.source_height - q.height) / 2;
}

}  // namespace

VideoQuality evaluate_video(const std::function<at::Tensor(const at::Tensor&)>& upscale,
                            int64_t scale, const std::string& clip, const FrameSource& next_frame,
                            const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress) {
  c10::InferenceMode guard;
  VideoQuality q;
  q.clip = clip;
  q.scale = scale;
  TemporalError model_temporal(scale), bicubic_temporal(scale);
  for (at::Tensor frame; options.max_frames() <= 0 || q.frames < options.max_frames();) {
    frame = next_frame();
    if (!frame.defined()) break;
    if (q.frames == 0) {
      q.source_height = frame.size(2), q.source_width = frame.size(3);
      place_crop(q, options);
    } else if (frame.size(2) != q.source_height || frame.size(3) != q.source_width) {
      throw Error(clip + ": frame " + std::to_string(q.frames + 1) + " is " +
                  std::to_string(frame.size(3)) + "x" + std::to_string(frame.size(2)) +
                  ", the first was " + std::to_string(q.source_width) + "x" +
                  std::to_string(q.source_height));
    }
    if (progress) progress(q.frames + 1);
    const auto hr = frame.slice(2, q.crop_y, q.crop_y + q.height)
                        .slice(3, q.crop_x, q.crop_x + q.width)
                        .contiguous();
    const auto m = measure(hr, scale, upscale);
    q.psnr_y += m.row.psnr_y, q.ssim_y += m.row.ssim_y;
    q.bicubic_psnr_y += m.row.bicubic_psnr_y, q.bicubic_ssim_y += m.row.bicubic_ssim_y;
    model_temporal.add(m.luma, m.truth_luma);
    bicubic_temporal.add(m.bicubic_luma, m.truth_luma);
    ++q.frames;
  }
  if (q.frames == 0) throw Error(clip + ": no frames");
  const double n = static_cast<double>(q.frames);
  q.psnr_y /= n, q.ssim_y /= n, q.bicubic_psnr_y /= n, q.bicubic_ssim_y /= n;
  q.temporal_error = model_temporal.value();
  q.bicubic_temporal_error = bicubic_temporal.value();
  return q;
}

VideoQuality evaluate_video(Upscaler& upscaler, const std::string& clip,
                            const FrameSource& next_frame, const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress) {
  return evaluate_video([&](const at::Tensor& lr) { return upscaler.upscale_rgb(lr); },
                        upscaler.scale(), clip, next_frame, options, progress);
}

}  // namespace srgan
