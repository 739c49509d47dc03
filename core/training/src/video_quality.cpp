#include "srgan/video_quality.h"

#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <tuple>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/evaluation.h"
#include "srgan/resampling.h"
#include "srgan/upscaler.h"
#include "srgan/video_codec.h"

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

// The centre crop of a w x h frame: the requested size (0: all of it), a multiple of `multiple`
// (the scale, or twice it where the LR goes through a 4:2:0 codec).
void place_crop(VideoQuality& q, const VideoQualityOptions& o, int64_t multiple) {
  const int64_t want_w = o.crop_width() > 0 ? o.crop_width() : q.source_width;
  const int64_t want_h = o.crop_height() > 0 ? o.crop_height() : q.source_height;
  if (want_w > q.source_width || want_h > q.source_height) {
    throw Error(q.clip + ": the crop " + std::to_string(want_w) + "x" + std::to_string(want_h) +
                " is larger than its " + std::to_string(q.source_width) + "x" +
                std::to_string(q.source_height) + " frames");
  }
  q.width = want_w / multiple * multiple;
  q.height = want_h / multiple * multiple;
  if (q.width <= 2 * q.scale || q.height <= 2 * q.scale) {
    throw Error(q.clip + ": frames of " + std::to_string(q.width) + "x" + std::to_string(q.height) +
                " are too small to measure at x" + std::to_string(q.scale));
  }
  q.crop_x = (q.source_width - q.width) / 2;
  q.crop_y = (q.source_height - q.height) / 2;
}

}  // namespace

namespace {

// The frames measured in order: each HR crop waits for its LR, which a codec gives later.
class ClipMeasurement {
 public:
  ClipMeasurement(VideoQuality& q, const std::function<at::Tensor(const at::Tensor&)>& upscale)
      : q_(q), upscale_(upscale), model_(q.scale), bicubic_(q.scale) {}

  void add_hr(at::Tensor hr) { waiting_.push_back(std::move(hr)); }
  void add_lr(const at::Tensor& lr) {
    const auto m = measure(waiting_.front(), lr, q_.scale, upscale_);
    waiting_.pop_front();
    q_.psnr_y += m.row.psnr_y, q_.ssim_y += m.row.ssim_y;
    q_.bicubic_psnr_y += m.row.bicubic_psnr_y, q_.bicubic_ssim_y += m.row.bicubic_ssim_y;
    model_.add(m.luma, m.truth_luma);
    bicubic_.add(m.bicubic_luma, m.truth_luma);
  }
  void finish() {
    const double n = static_cast<double>(q_.frames);
    q_.psnr_y /= n, q_.ssim_y /= n, q_.bicubic_psnr_y /= n, q_.bicubic_ssim_y /= n;
    q_.temporal_error = model_.value();
    q_.bicubic_temporal_error = bicubic_.value();
  }

 private:
  VideoQuality& q_;
  const std::function<at::Tensor(const at::Tensor&)>& upscale_;
  std::deque<at::Tensor> waiting_;
  TemporalError model_, bicubic_;
};

at::Tensor to_bytes(const at::Tensor& image) {
  return at::round(image[0].clamp(0, 1) * 255).to(at::kByte).contiguous();
}

}  // namespace

VideoQuality evaluate_video(const std::function<at::Tensor(const at::Tensor&)>& upscale,
                            int64_t scale, const std::string& clip, const FrameSource& next_frame,
                            const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress,
                            const ClipDegradation& degrade) {
  c10::InferenceMode guard;
  VideoQuality q;
  q.clip = clip;
  q.scale = scale;
  ClipMeasurement measured(q, upscale);
  const Degradation* degradation = degrade.degradation;
  std::seed_seq seq{static_cast<uint64_t>(degrade.seed), uint64_t{0xC11B}};
  std::mt19937_64 random(seq);
  std::optional<DegradationDraw> draw;
  if (degradation) draw = degradation->draw(random);
  std::unique_ptr<CodecRoundTrip> codec;
  const auto pull_decoded = [&] {
    while (auto lr = codec->pull()) measured.add_lr(lr->unsqueeze(0).to(at::kFloat).div_(255));
  };
  for (at::Tensor frame; options.max_frames() <= 0 || q.frames < options.max_frames();) {
    frame = next_frame();
    if (!frame.defined()) break;
    if (q.frames == 0) {
      q.source_height = frame.size(2), q.source_width = frame.size(3);
      place_crop(q, options, degradation ? degradation->size_multiple() : scale);
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
    ++q.frames;
    measured.add_hr(hr);
    if (!degradation) {
      measured.add_lr(downscale_bicubic(hr, scale));
      continue;
    }
    const auto lr = degradation->apply(hr, *draw, random);
    if (!draw->codec) {
      measured.add_lr(lr);
      continue;
    }
    if (!codec) {
      CodecRoundTrip::Settings settings;
      settings.codec = draw->codec->codec;
      settings.crf = draw->codec->crf;
      settings.height = lr.size(2), settings.width = lr.size(3);
      if (degrade.frame_rate) {
        std::tie(settings.fps_numerator, settings.fps_denominator) = degrade.frame_rate();
      }
      codec = std::make_unique<CodecRoundTrip>(settings);
    }
    codec->push(to_bytes(lr));
    pull_decoded();
  }
  if (q.frames == 0) throw Error(clip + ": no frames");
  if (codec) {
    codec->finish();
    pull_decoded();
  }
  measured.finish();
  return q;
}

VideoQuality evaluate_video(Upscaler& upscaler, const std::string& clip,
                            const FrameSource& next_frame, const VideoQualityOptions& options,
                            const std::function<void(int64_t)>& progress,
                            const ClipDegradation& degradation) {
  return evaluate_video([&](const at::Tensor& lr) { return upscaler.upscale_rgb(lr); },
                        upscaler.scale(), clip, next_frame, options, progress, degradation);
}

}  // namespace srgan
