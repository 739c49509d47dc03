// Video quality: the temporal error (zero for the HR clip itself, raised by per-frame noise, by
// hand on a tiny clip) and evaluate_video's crops, frame limits and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include <ATen/ATen.h>

#include "srgan/error.h"
#include "srgan/quality_metrics.h"
#include "srgan/resampling.h"
#include "srgan/video_quality.h"

namespace srgan {
namespace {

// A moving gradient with texture: frame t is shifted t pixels to the right.
std::vector<at::Tensor> moving_clip(int64_t frames, int64_t h, int64_t w) {
  at::manual_seed(3);
  const auto texture = at::rand({1, 3, h, w + frames});
  std::vector<at::Tensor> clip;
  for (int64_t t = 0; t < frames; ++t) clip.push_back(texture.slice(3, t, t + w).contiguous());
  return clip;
}

FrameSource source_of(const std::vector<at::Tensor>& frames) {
  auto index = std::make_shared<size_t>(0);
  return [frames, index] { return *index < frames.size() ? frames[(*index)++] : at::Tensor(); };
}

TEST(TemporalError, IsZeroForTheTruthItself) {
  TemporalError error(2);
  for (const auto& frame : moving_clip(5, 24, 32)) {
    const auto y = luma_bt601(frame);
    error.add(y, y);
  }
  EXPECT_EQ(error.value(), 0.0);
}

TEST(TemporalError, IsNaNBeforeTwoFrames) {
  TemporalError error(0);
  EXPECT_TRUE(std::isnan(error.value()));
  error.add(at::zeros({4, 4}), at::zeros({4, 4}));
  EXPECT_TRUE(std::isnan(error.value()));
}

// The definition by hand: frames of constant luma a_t against truth b_t, no border.
TEST(TemporalError, MatchesTheDefinitionByHand) {
  const std::vector<double> a = {10, 14, 11}, b = {10, 12, 12};
  TemporalError error(0);
  for (size_t t = 0; t < a.size(); ++t) {
    error.add(at::full({3, 3}, a[t], at::kFloat), at::full({3, 3}, b[t], at::kFloat));
  }
  // |(14-10)-(12-10)| = 2, |(11-14)-(12-12)| = 3: mean 2.5.
  EXPECT_DOUBLE_EQ(error.value(), 2.5);
}

// Per-frame noise (flicker) raises it; a constant offset, which does not change from frame to
// frame, does not.
TEST(TemporalError, RisesWithPerFrameNoiseNotWithAConstantOffset) {
  TemporalError clean(2), noisy(2), offset(2);
  at::manual_seed(7);
  for (const auto& frame : moving_clip(6, 24, 32)) {
    const auto truth = luma_bt601(frame);
    clean.add(truth, truth);
    noisy.add(truth + at::randn_like(truth) * 3, truth);
    offset.add(truth + 5, truth);
  }
  EXPECT_GT(noisy.value(), 1.0);
  EXPECT_NEAR(offset.value(), 0.0, 1e-9);
  EXPECT_EQ(clean.value(), 0.0);
}

// Bicubic as the "model": both columns must agree exactly.
TEST(EvaluateVideo, BicubicAsTheModelEqualsTheBicubicColumns) {
  const auto clip = moving_clip(4, 32, 48);
  const auto q = evaluate_video([](const at::Tensor& lr) { return upscale_bicubic(lr, 2); }, 2,
                                "moving", source_of(clip), VideoQualityOptions());
  EXPECT_EQ(q.frames, 4);
  EXPECT_EQ(q.width, 48);
  EXPECT_EQ(q.height, 32);
  EXPECT_DOUBLE_EQ(q.psnr_y, q.bicubic_psnr_y);
  EXPECT_DOUBLE_EQ(q.ssim_y, q.bicubic_ssim_y);
  EXPECT_DOUBLE_EQ(q.temporal_error, q.bicubic_temporal_error);
  EXPECT_GT(q.temporal_error, 0.0);
}

TEST(EvaluateVideo, CropsTheCentreToAMultipleOfTheScaleAndStopsAtMaxFrames) {
  const auto clip = moving_clip(6, 40, 50);
  const auto q = evaluate_video([](const at::Tensor& lr) { return upscale_bicubic(lr, 4); }, 4,
                                "moving", source_of(clip),
                                VideoQualityOptions().max_frames(3).crop_width(30).crop_height(27));
  EXPECT_EQ(q.frames, 3);
  EXPECT_EQ(q.width, 28);
  EXPECT_EQ(q.height, 24);
  EXPECT_EQ(q.crop_x, 11);
  EXPECT_EQ(q.crop_y, 8);
  EXPECT_EQ(q.source_width, 50);
  EXPECT_EQ(q.source_height, 40);
}

TEST(EvaluateVideo, BadClipsAreNamed) {
  auto bicubic = [](const at::Tensor& lr) { return upscale_bicubic(lr, 2); };
  try {
    evaluate_video(bicubic, 2, "empty", source_of({}), VideoQualityOptions());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "empty: no frames");
  }
  try {
    evaluate_video(bicubic, 2, "big", source_of(moving_clip(2, 20, 20)),
                   VideoQualityOptions().crop_width(40).crop_height(10));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "big: the crop 40x10 is larger than its 20x20 frames");
  }
  try {
    evaluate_video(bicubic, 2, "mixed",
                   source_of({at::rand({1, 3, 20, 20}), at::rand({1, 3, 20, 22})}),
                   VideoQualityOptions());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "mixed: frame 2 is 22x20, the first was 20x20");
  }
}

}  // namespace
}  // namespace srgan
