// CUDA graphs (core/runtime/src/cuda_graph_forward.h, UpscalerOptions::cuda_graphs): replays
// against eager launches on new inputs, the bound on shapes, a forward that cannot be captured,
// the Upscaler's tiles and frames in flight on their own streams. All but the CPU tests need a
// CUDA GPU: tests/gpu/device-check.sh runs the suites with SRGAN_TEST_DEVICE=cuda.

#include <array>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/utils.h>

#include "cuda_graph_forward.h"
#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/cuda_device.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/generator_options.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::max_abs_difference;
using test::test_device;

#define SKIP_WITHOUT_CUDA()                                                              \
  if (!test_device().is_cuda())                                                          \
  GTEST_SKIP() << "needs a CUDA GPU: the suites run on one with SRGAN_TEST_DEVICE=cuda " \
                  "(tests/gpu/device-check.sh)"

at::TensorOptions on_device() { return at::TensorOptions().device(test_device()); }

// The same convolution in and out of a graph: cuDNN may choose another algorithm for the
// capture, whose TF32 rounding differs by about 1e-3 of values of order one.
constexpr double kSameConvolution = 5e-3;

class CudaGraphForwardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(5);
    weight_ = at::randn({8, 3, 3, 3}, on_device()) * 0.3;
  }
  at::Tensor layer(const at::Tensor& x) const {
    return at::conv2d(x, weight_, {}, 1, 1).relu_() + 1;
  }
  at::Tensor weight_;
};

TEST_F(CudaGraphForwardTest, CapturesAtTheSecondUseAndReplaysNewInputs) {
  SKIP_WITHOUT_CUDA();
  int calls = 0;
  detail::CudaGraphForward forward([&](const at::Tensor& x) {
    ++calls;
    return layer(x);
  });
  for (int i = 0; i < 5; ++i) {
    const auto x = at::randn({1, 3, 20, 24}, on_device());
    EXPECT_LT(max_abs_difference(forward(x), layer(x)), kSameConvolution) << "call " << i;
  }
  EXPECT_EQ(forward.graphs_made(), 1);
  EXPECT_TRUE(forward.capturing());
  // Eager once (the warm-up), once more while capturing; the three replays never call it.
  EXPECT_EQ(calls, 2);
}

TEST_F(CudaGraphForwardTest, EachResultIsATensorOfItsOwn) {
  SKIP_WITHOUT_CUDA();
  detail::CudaGraphForward forward([&](const at::Tensor& x) { return layer(x); });
  const auto a = at::randn({1, 3, 16, 16}, on_device());
  const auto b = at::randn({1, 3, 16, 16}, on_device());
  forward(a);
  const auto first = forward(a);  // captured
  const auto kept = forward(a);   // replayed
  const auto later = forward(b);  // replayed again: must not overwrite `kept`
  EXPECT_EQ(forward.graphs_made(), 1);
  EXPECT_LT(max_abs_difference(kept, layer(a)), kSameConvolution);
  EXPECT_LT(max_abs_difference(first, layer(a)), kSameConvolution);
  EXPECT_LT(max_abs_difference(later, layer(b)), kSameConvolution);
  EXPECT_GT(max_abs_difference(kept, later), 0.1);
}

TEST_F(CudaGraphForwardTest, ShapesPastTheBoundRunEagerly) {
  SKIP_WITHOUT_CUDA();
  detail::CudaGraphForward forward([&](const at::Tensor& x) { return layer(x); });
  for (int64_t width = 10; width < 16; ++width) {  // six shapes, each three times
    for (int i = 0; i < 3; ++i) {
      const auto x = at::randn({1, 3, 9, width}, on_device());
      ASSERT_LT(max_abs_difference(forward(x), layer(x)), kSameConvolution) << width;
    }
  }
  EXPECT_EQ(forward.graphs_made(), 4);  // a frame's tiles have at most four shapes
}

TEST_F(CudaGraphForwardTest, AForwardThatCannotBeCapturedRunsEagerly) {
  SKIP_WITHOUT_CUDA();
  // .item() copies to the host and waits: not allowed while a stream captures.
  auto normalised = [&](const at::Tensor& x) { return layer(x) / layer(x).max().item<float>(); };
  detail::CudaGraphForward forward(normalised);
  for (int i = 0; i < 4; ++i) {
    const auto x = at::randn({1, 3, 12, 12}, on_device());
    EXPECT_LT(max_abs_difference(forward(x), normalised(x)), kSameConvolution) << "call " << i;
  }
  EXPECT_FALSE(forward.capturing());
  EXPECT_EQ(forward.graphs_made(), 0);
  // The failed capture left the caching allocator and the device usable: a new one captures.
  detail::CudaGraphForward plain([&](const at::Tensor& x) { return layer(x); });
  for (int i = 0; i < 3; ++i) {
    const auto x = at::randn({1, 3, 12, 12}, on_device());
    EXPECT_LT(max_abs_difference(plain(x), layer(x)), kSameConvolution);
  }
  EXPECT_EQ(plain.graphs_made(), 1);
  const auto big = at::ones({64, 1 << 20}, on_device());  // ordinary allocations still work
  EXPECT_EQ(big.sum().item<double>(), 64.0 * (1 << 20));
}

TEST(CudaGraphForwardOnTheCpu, RefusesCpuTensors) {
  detail::CudaGraphForward forward([](const at::Tensor& x) { return x; });
  try {
    forward(at::zeros({1, 3, 4, 4}));
    FAIL() << "a CPU tensor was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA"), std::string::npos) << e.what();
  }
}

class UpscalerCudaGraphsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::manual_seed(11);
    auto generator = Generator(GeneratorOptions()
                                   .architecture(Architecture::kCompact)
                                   .body_activation(BodyActivation::kLeakyReLU)
                                   .blocks(3)
                                   .channels(16)
                                   .scale(2));
    generator->eval();
    path_ = dir_.file("compact.pt");
    save_checkpoint(path_, *generator, {});
  }
  UpscalerOptions options(bool graphs) const {
    // fp16 as on a GPU by default; 50 px tiles cut 100x70 into four tiles of two shapes.
    return UpscalerOptions()
        .model_path(path_)
        .device(test_device().str())
        .precision(test_device().is_cuda() ? Precision::kFp16 : Precision::kFp32)
        .tile_size(50)
        .cuda_graphs(graphs);
  }
  test::TempDir dir_;
  std::string path_;
};

// The same fp16 kernels in and out of graphs (cuDNN may pick another algorithm for a capture):
// fp16 rounding of the network's residual, under one 8-bit level (1/255 = 3.9e-3).
constexpr double kSameNetworkFp16 = 2e-3;

TEST_F(UpscalerCudaGraphsTest, TilesMatchEagerLaunchesOnNewFrames) {
  SKIP_WITHOUT_CUDA();
  if (detail::cuda_graphs_setting() != detail::CudaGraphsSetting::kOptions)
    GTEST_SKIP() << "SRGAN_CUDA_GRAPHS is set: it overrides the options compared here";
  Upscaler eager(options(false)), graphed(options(true));
  EXPECT_EQ(graphed.plan(100, 70).size(), 4u);
  EXPECT_NE(graphed.describe().find("CUDA graphs"), std::string::npos) << graphed.describe();
  EXPECT_EQ(eager.describe().find("CUDA graphs"), std::string::npos) << eager.describe();
  for (int i = 0; i < 4; ++i) {  // eager, captured, replayed twice: each on a new frame
    const auto image = at::rand({1, 3, 70, 100});
    const auto expected = eager.upscale_rgb(image);
    const auto got = graphed.upscale_rgb(image);
    ASSERT_EQ(got.sizes(), (at::IntArrayRef{1, 3, 140, 200}));
    EXPECT_LT(max_abs_difference(got, expected), kSameNetworkFp16) << "frame " << i;
  }
  EXPECT_EQ(graphed.describe().find("off"), std::string::npos) << graphed.describe();
}

TEST_F(UpscalerCudaGraphsTest, FramesInFlightReplayOnTheirOwnStreams) {
  SKIP_WITHOUT_CUDA();
  if (detail::cuda_graphs_setting() != detail::CudaGraphsSetting::kOptions)
    GTEST_SKIP() << "SRGAN_CUDA_GRAPHS is set: it overrides the options compared here";
  Upscaler eager(options(false)), graphed(options(true));
  constexpr int kThreads = 3, kFrames = 4;
  std::vector<at::Tensor> images, expected;
  for (int i = 0; i < kThreads * kFrames; ++i) {
    images.push_back(at::rand({1, 3, 70, 100}));
    expected.push_back(eager.upscale_rgb(images.back()).cpu());
  }
  std::array<std::vector<double>, kThreads> differences;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      use_own_cuda_stream(test_device());  // as the element's frames in flight do
      for (int f = 0; f < kFrames; ++f) {
        const int i = t * kFrames + f;
        differences[t].push_back(max_abs_difference(graphed.upscale_rgb(images[i]), expected[i]));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(differences[t].size(), static_cast<size_t>(kFrames));
    for (int f = 0; f < kFrames; ++f)
      EXPECT_LT(differences[t][f], kSameNetworkFp16) << "thread " << t << ", frame " << f;
  }
}

TEST_F(UpscalerCudaGraphsTest, OnTheCpuTheOptionChangesNothing) {
  if (test_device().is_cuda()) GTEST_SKIP() << "the CPU's behaviour";
  Upscaler with(options(true)), without(options(false));
  EXPECT_EQ(with.describe().find("CUDA graphs"), std::string::npos) << with.describe();
  const auto image = at::rand({1, 3, 70, 100});
  // The same computation on both: only thread scheduling could tell them apart.
  EXPECT_LT(max_abs_difference(with.upscale_rgb(image), without.upscale_rgb(image)), 1e-6);
}

}  // namespace
}  // namespace srgan
