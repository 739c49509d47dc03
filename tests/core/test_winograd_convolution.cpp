// Winograd's 3x3 convolution (NNPACK) against direct convolutions, and where the inference
// networks choose it.

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/utils.h>

#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/cpu_precision.h"
#include "srgan/generator.h"
#include "srgan/inference_network.h"
#include "srgan/upscaler.h"
#include "winograd_convolution.h"
#include "winograd_testing.h"

namespace srgan {
namespace {

using test::compact_options;
using test::max_abs_difference;
using test::trained_looking;

bool cpu_has_avx512() { return cpu_has_capability("avx512_f"); }

#define SKIP_WITHOUT_NNPACK() \
  if (!detail::winograd_available()) GTEST_SKIP() << "needs NNPACK, which needs AVX2 and FMA"

TEST(WinogradConvolution, MatchesADirectConvolutionComputedInFloat64) {
  SKIP_WITHOUT_NNPACK();
  torch::manual_seed(4);
  // Sizes that are not multiples of NNPACK's 6x6 output tiles, so partial tiles at the right
  // and bottom edges are checked too; 48 in, 64 out, weights and activations of trained scale.
  const auto x = at::rand({1, 48, 23, 29}) * 2 - 1;
  const auto w = (at::rand({64, 48, 3, 3}) * 2 - 1) * 0.05;
  const auto b = at::rand({64}) * 0.2 - 0.1;
  c10::InferenceMode guard;
  const auto reference = at::conv2d(x.to(at::kDouble), w.to(at::kDouble), b.to(at::kDouble), 1, 1);
  const auto winograd = detail::conv3x3_winograd(x, w, b);
  ASSERT_EQ(winograd.sizes(), reference.sizes());
  ASSERT_EQ(winograd.scalar_type(), at::kFloat);
  const double direct_error = max_abs_difference(at::conv2d(x, w, b, 1, 1), reference);
  const double winograd_error = max_abs_difference(winograd, reference);
  // F(6x6, 3x3) transforms multiply by constants up to 32 and sum 8x8 terms before the
  // inverse transform divides them back: its float32 rounding is some ten to a hundred times
  // a direct convolution's (measured 4.5e-5 at outputs of 6). The bound, 1e-4 of the largest
  // output, is far below a grey level and far below any indexing mistake (a wrong tap or
  // edge moves outputs by their own size, ~1).
  const double scale = reference.abs().max().item<double>();
  EXPECT_LT(winograd_error, 1e-4 * scale) << "direct float32 error " << direct_error;
  EXPECT_GT(scale, 0.5);
  // Channels-last input gives the same values (the wrapper makes it NCHW first).
  EXPECT_LT(
      max_abs_difference(
          detail::conv3x3_winograd(x.contiguous(at::MemoryFormat::ChannelsLast), w, b), winograd),
      1e-6);
}

TEST(WinogradConvolution, PaysOnlyForWideFloat32LayersOnCpusWithoutAvx512) {
  const char* setting = std::getenv("SRGAN_WINOGRAD");
  const bool turned_off = setting != nullptr && std::string(setting) == "0";
  const bool expected_on_cpu = detail::winograd_available() && !cpu_has_avx512() && !turned_off;
  const int threads = at::get_num_threads();
  at::set_num_threads(2);  // measured slower than oneDNN with two threads
  EXPECT_FALSE(detail::winograd_pays(c10::kCPU, at::kFloat, 64));
  at::set_num_threads(1);
  EXPECT_EQ(detail::winograd_pays(c10::kCPU, at::kFloat, 48), expected_on_cpu);
  EXPECT_EQ(detail::winograd_pays(c10::kCPU, at::kFloat, 64), expected_on_cpu);
  EXPECT_FALSE(detail::winograd_pays(c10::kCPU, at::kFloat, 32));  // measured: no faster
  EXPECT_FALSE(detail::winograd_pays(c10::kCPU, at::kBFloat16, 64));
  EXPECT_FALSE(detail::winograd_pays(c10::Device(c10::kCUDA, 0), at::kFloat, 64));
  EXPECT_TRUE(detail::winograd_fits(at::empty({48, 48, 3, 3})));
  EXPECT_TRUE(detail::winograd_fits(at::empty({256, 64, 3, 3})));
  EXPECT_FALSE(detail::winograd_fits(at::empty({12, 48, 3, 3})));  // the x2's output layer
  EXPECT_FALSE(detail::winograd_fits(at::empty({48, 3, 3, 3})));   // the first layer
  EXPECT_FALSE(detail::winograd_fits(at::empty({64, 64, 5, 5})));
  at::set_num_threads(threads);
}

// The networks as the Upscaler builds them: every rewrite on, against the plain generator in
// float64, on one thread. Runs where NNPACK's Winograd is chosen (CPUs with NNPACK and without
// AVX-512): the paper's network, and compact ones whose width no Winograd body takes (52
// channels: not whole blocks of 8); the compact networks of 48 and 32 channels run a Winograd
// body instead, which test_winograd_body.cpp checks.
class WinogradNetwork : public ::testing::Test {
 protected:
  void SetUp() override {
    threads_ = at::get_num_threads();
    at::set_num_threads(1);
    if (!detail::winograd_pays(c10::kCPU, at::kFloat, detail::kWinogradMinChannels)) {
      GTEST_SKIP() << "Winograd is chosen only on CPUs with NNPACK (AVX2, FMA) and without "
                      "AVX-512 (this one: "
                   << (cpu_has_avx512()                ? "has AVX-512"
                       : !detail::winograd_available() ? "no NNPACK"
                                                       : "SRGAN_WINOGRAD=0 is set")
                   << ")";
    }
  }
  void TearDown() override { at::set_num_threads(threads_); }
  int threads_ = 1;

  static Generator make(const GeneratorOptions& options) { return test::scale_keeping(options); }
  static void compare(const GeneratorOptions& options, const at::Tensor& lr, double bound) {
    test::expect_winograd_matches_the_plain_generator(options, lr, bound, "NNPACK");
  }
  static GeneratorOptions odd_x4() {
    return compact_options(4, 52, 4, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU);
  }
};

TEST_F(WinogradNetwork, CompactX4WithLeakyReLUMatchesThePlainGenerator) {
  torch::manual_seed(5);
  const auto lr = at::rand({1, 3, 19, 26}) * 2 - 1;
  // A tenth of a grey level is 4e-4 in [-1, 1]; float32 Winograd rounding is far below it,
  // a wrong tap or tile edge far above.
  compare(odd_x4(), lr, 4e-4);
}

TEST_F(WinogradNetwork, CompactWithPReLUMatchesThePlainGenerator) {
  torch::manual_seed(6);
  const auto lr = at::rand({1, 3, 15, 13}) * 2 - 1;
  compare(compact_options(3, 52, 2), lr, 4e-4);
}

TEST_F(WinogradNetwork, SrganMatchesThePlainGenerator) {
  torch::manual_seed(7);
  const auto lr = at::rand({1, 3, 14, 17}) * 2 - 1;
  compare(GeneratorOptions().blocks(2).channels(64).scale(4), lr, 4e-4);
}

TEST_F(WinogradNetwork, UpscalerTilesEqualTheWholeImage) {
  torch::manual_seed(8);
  test::expect_tiles_equal_the_whole_image(UpscalerOptions().threads(1), "Winograd 3x3 (NNPACK)",
                                           odd_x4());
}

// An Upscaler built for both of two threads runs oneDNN; told it is one of two upscales at once
// (the element's frames in flight), it runs on one thread and chooses Winograd, and back.
TEST_F(WinogradNetwork, SharingTheCoresChoosesWinogradAgain) {
  test::TempDir dir;
  const auto path = dir.file("wide-x4.pt");
  save_checkpoint(path, *make(odd_x4()), {});
  setenv("OMP_NUM_THREADS", "2", 1);
  Upscaler upscaler(UpscalerOptions().model_path(path).device("cpu").precision(Precision::kFp32));
  EXPECT_EQ(upscaler.describe().find("Winograd"), std::string::npos) << upscaler.describe();
  torch::manual_seed(9);
  const auto image = at::rand({1, 3, 29, 33});
  const auto both_cores = upscaler.upscale_rgb(image);
  EXPECT_EQ(upscaler.share_cores(2), 1);
  EXPECT_EQ(at::get_num_threads(), 1);
  EXPECT_NE(upscaler.describe().find("(1 thread), fp32, Winograd 3x3 (NNPACK)"), std::string::npos)
      << upscaler.describe();
  // [0, 1] output: Winograd's rounding against oneDNN's, far below a tenth of a grey level.
  EXPECT_LT(max_abs_difference(upscaler.upscale_rgb(image), both_cores), 4e-4);
  EXPECT_EQ(upscaler.share_cores(1), 2);
  EXPECT_EQ(upscaler.describe().find("Winograd"), std::string::npos) << upscaler.describe();
  unsetenv("OMP_NUM_THREADS");
}

TEST_F(WinogradNetwork, NarrowNetworksAndBf16KeepOneDnn) {
  auto narrow = trained_looking(GeneratorOptions().blocks(1).channels(32).scale(2));
  EXPECT_FALSE(narrow->inference_network()->runs_winograd());
  auto wide = trained_looking(compact_options(2, 52, 2));
  wide->to(at::kBFloat16);
  EXPECT_FALSE(wide->inference_network()->runs_winograd());
}

}  // namespace
}  // namespace srgan
