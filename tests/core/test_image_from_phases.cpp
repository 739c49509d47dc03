// The compact networks' last step on the CPU in one pass (core/runtime/src/image_from_phases.cpp)
// against the same step computed another way: ATen's pixel shuffle, ATen's upsampling of the
// input for the skip, a sum and a clamp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "generator_testing.h"
#include "image_from_phases.h"
#include "skip_phases.h"
#include "srgan/compact_generator.h"
#include "srgan/error.h"

namespace srgan {
namespace {

using test::max_abs_difference;

// clamp(pixel_shuffle(residual) + skip_upscale(lr), -1, 1) in `dtype`, by ATen's own ops.
at::Tensor reference(const at::Tensor& residual, const at::Tensor& lr, SkipUpscale skip,
                     int64_t scale, at::ScalarType dtype) {
  auto image = at::pixel_shuffle(residual.to(dtype), scale);
  if (skip != SkipUpscale::kNone) image = image + skip_upscale(lr.to(dtype), skip, scale);
  return image.clamp(-1, 1);
}

// The layouts a residual arrives in: channels-last (oneDNN's), NCHW (Winograd's), and a view
// with strides of its own (a window of a larger tensor).
std::vector<std::pair<std::string, at::Tensor>> layouts(const at::Tensor& residual) {
  const int64_t n = residual.size(0), c = residual.size(1);
  const int64_t h = residual.size(2), w = residual.size(3);
  auto larger = at::zeros({n, c + 2, h + 3, w + 5}, residual.options());
  auto window = larger.narrow(1, 1, c).narrow(2, 2, h).narrow(3, 3, w);
  window.copy_(residual);
  return {{"channels-last", residual.contiguous(at::MemoryFormat::ChannelsLast)},
          {"NCHW", residual.contiguous()},
          {"window", window}};
}

// Every skip and scale the generator takes, sizes down to one pixel (every tap of the skip
// replicated from the edge), a batch of two, residuals large enough that the clamp acts. In
// float64 the two ways differ by the order of the sums only; in float32 by a few ulps of values
// in [-1, 1].
TEST(ImageFromPhases, EqualsShuffleSkipSumAndClamp) {
  for (const SkipUpscale skip :
       {SkipUpscale::kBicubic, SkipUpscale::kNearest, SkipUpscale::kNone}) {
    for (const int64_t scale : {2, 4, 8}) {
      const auto taps = detail::skip_phase_taps(skip, scale);
      for (const auto& [h, w] : {std::pair<int64_t, int64_t>{17, 23}, {1, 1}, {2, 3}, {6, 1}}) {
        at::manual_seed(h * 31 + w + scale);
        const auto lr = at::rand({2, 3, h, w}, at::kDouble) * 2 - 1;
        const auto residual = at::randn({2, 3 * scale * scale, h, w}, at::kDouble) * 0.6;
        const auto expected = reference(residual, lr, skip, scale, at::kDouble);
        const auto expected_float = reference(residual, lr, skip, scale, at::kFloat);
        for (const auto& [layout, phases] : layouts(residual)) {
          const std::string what = to_string(skip) + " x" + std::to_string(scale) + " " +
                                   std::to_string(h) + "x" + std::to_string(w) + " " + layout;
          const auto got = detail::image_from_phases(phases, lr, taps, scale);
          ASSERT_EQ(got.sizes(), expected.sizes()) << what;
          EXPECT_TRUE(got.is_contiguous()) << what;
          EXPECT_EQ(got.scalar_type(), at::kDouble) << what;
          EXPECT_LT(max_abs_difference(got, expected), 1e-14) << what;
          const auto single = detail::image_from_phases(phases.to(at::kFloat), lr, taps, scale);
          EXPECT_EQ(single.scalar_type(), at::kFloat) << what;
          EXPECT_LT(max_abs_difference(single, expected_float), 1e-6) << what << " float32";
        }
      }
    }
  }
}

// A bf16 or fp16 residual (the network's output under reduced precision) gives a float32 image:
// the skip and the sum keep float32, so the image differs from the float32 computation on the
// same (rounded) residual by float32 rounding only, not by bf16's.
TEST(ImageFromPhases, ReducedPrecisionResidualGivesAFloatImage) {
  const int64_t scale = 4;
  const auto taps = detail::skip_phase_taps(SkipUpscale::kBicubic, scale);
  at::manual_seed(5);
  const auto lr = at::rand({1, 3, 19, 29}) * 2 - 1;
  for (const auto dtype : {at::kBFloat16, at::kHalf}) {
    const auto residual = (at::randn({1, 48, 19, 29}) * 0.3).to(dtype);
    const auto expected =
        reference(residual.to(at::kFloat), lr, SkipUpscale::kBicubic, scale, at::kFloat);
    for (const auto& [layout, phases] : layouts(residual)) {
      const auto got = detail::image_from_phases(phases, lr, taps, scale);
      EXPECT_EQ(got.scalar_type(), at::kFloat) << layout;
      EXPECT_LT(max_abs_difference(got, expected), 1e-6) << c10::toString(dtype) << " " << layout;
    }
  }
}

// Rows are split among the intra-op threads; each sample is computed the same way whoever
// computes it, so any thread count gives the same bytes.
TEST(ImageFromPhases, AnyThreadCountGivesTheSameImage) {
  const int64_t scale = 2;
  const auto taps = detail::skip_phase_taps(SkipUpscale::kBicubic, scale);
  const auto lr = at::rand({1, 3, 64, 200}) * 2 - 1;
  const auto residual =
      (at::randn({1, 12, 64, 200}) * 0.3).contiguous(at::MemoryFormat::ChannelsLast);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const auto one = detail::image_from_phases(residual, lr, taps, scale);
  at::set_num_threads(std::max(2, threads));
  const auto several = detail::image_from_phases(residual, lr, taps, scale);
  at::set_num_threads(threads);
  EXPECT_TRUE(at::equal(one, several));
}

TEST(ImageFromPhases, RefusesWhatItCannotTake) {
  const auto taps = detail::skip_phase_taps(SkipUpscale::kBicubic, 2);
  const auto lr = at::rand({1, 3, 5, 6});
  const auto residual = at::rand({1, 12, 5, 6});
  EXPECT_FALSE(detail::image_from_phases_takes(residual.to(at::kInt)));
  EXPECT_THROW(detail::image_from_phases(residual.to(at::kInt), lr, taps, 2), Error);
  EXPECT_THROW(detail::image_from_phases(at::rand({1, 11, 5, 6}), lr, taps, 2), Error);
  EXPECT_THROW(detail::image_from_phases(at::rand({12, 5, 6}), lr, taps, 2), Error);
  EXPECT_THROW(detail::image_from_phases(residual, at::rand({1, 3, 5, 7}), taps, 2), Error);
  EXPECT_THROW(detail::image_from_phases(residual, at::Tensor(), taps, 2), Error);
  EXPECT_THROW(detail::image_from_phases(residual, lr, at::rand({2, 4}, at::kDouble), 2), Error);
  EXPECT_TRUE(detail::image_from_phases(residual, lr, taps, 2).defined());
}

}  // namespace
}  // namespace srgan
