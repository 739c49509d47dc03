// The compact networks' skip computed before the pixel shuffle (core/runtime/src/skip_phases.cpp)
// against ATen's upsampling after it, and the inference network built on it against the plain
// generator.
#include <gtest/gtest.h>

#include <cstdint>

#include <ATen/ATen.h>

#include "generator_testing.h"
#include "skip_phases.h"
#include "srgan/compact_generator.h"
#include "srgan/generator.h"

namespace srgan {
namespace {

using test::max_abs_difference;

// Phases shuffled into the image equal ATen's upsampling: in float64 to its rounding (the
// weights are the same numbers; only the order of the sums differs), in float32 within a few
// ulps of values in [-1, 1]. Every scale the generator takes, sizes down to
// one pixel (every tap replicated from the edge), both memory layouts.
TEST(SkipPhases, EqualUpsamplingThenShuffle) {
  for (const SkipUpscale skip : {SkipUpscale::kBicubic, SkipUpscale::kNearest}) {
    for (const int64_t scale : {2, 4, 8}) {
      const auto kernel = detail::skip_phase_kernel(detail::skip_phase_taps(skip, scale));
      ASSERT_EQ(kernel.sizes(), (at::IntArrayRef{3 * scale * scale, 3, 5, 5}));
      for (const auto& [h, w] : {std::pair<int64_t, int64_t>{17, 23}, {1, 1}, {2, 3}, {6, 1}}) {
        for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
          at::manual_seed(h * 31 + w);
          const auto lr = at::rand({2, 3, h, w}, at::kDouble) * 2 - 1;
          const auto expected = skip_upscale(lr, skip, scale);
          const auto got = detail::shuffle_to_image(detail::skip_phases(lr, kernel, format), scale);
          ASSERT_EQ(got.sizes(), expected.sizes());
          EXPECT_TRUE(got.is_contiguous());
          EXPECT_LT(max_abs_difference(got, expected), 1e-14)
              << to_string(skip) << " x" << scale << " " << h << "x" << w;
          const auto single = detail::shuffle_to_image(
              detail::skip_phases(lr.to(at::kFloat), kernel, format), scale);
          EXPECT_LT(max_abs_difference(single, skip_upscale(lr.to(at::kFloat), skip, scale)), 1e-6)
              << to_string(skip) << " x" << scale << " " << h << "x" << w << " float32";
        }
      }
    }
  }
  EXPECT_FALSE(detail::skip_phase_kernel(detail::skip_phase_taps(SkipUpscale::kNone, 2)).defined());
}

TEST(SkipPhases, ShuffleToImageIsAtensPixelShuffle) {
  const auto phases = at::rand({1, 48, 7, 9});
  const auto expected = at::pixel_shuffle(phases, 4);
  EXPECT_TRUE(at::equal(detail::shuffle_to_image(phases, 4), expected));
  EXPECT_TRUE(at::equal(
      detail::shuffle_to_image(phases.contiguous(at::MemoryFormat::ChannelsLast), 4), expected));
  EXPECT_ANY_THROW(detail::shuffle_to_image(at::rand({1, 12, 7, 9}), 4));
}

// The rewritten network against the plain generator, in float64 where every rewrite is exact
// algebra: each skip, x2 to x8, odd sizes (the skip's edges).
TEST(SkipPhases, InferenceNetworkMatchesThePlainGenerator) {
  for (const SkipUpscale skip :
       {SkipUpscale::kBicubic, SkipUpscale::kNearest, SkipUpscale::kNone}) {
    for (const int64_t scale : {2, 4, 8}) {
      auto generator = test::trained_looking(test::compact_options(2, 6, scale, skip));
      generator->to(at::kDouble);
      torch::NoGradGuard no_grad;
      const auto lr = at::rand({1, 3, 11, 13}, at::kDouble) * 2 - 1;
      const auto reference = generator->forward(lr);
      const auto network = generator->inference_network();
      EXPECT_LT(max_abs_difference(network->forward(lr), reference), 1e-12)
          << to_string(skip) << " x" << scale;
    }
  }
}

}  // namespace
}  // namespace srgan
