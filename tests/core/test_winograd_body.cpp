// The compact networks' body by Winograd (winograd_body.h), oneDNN's and our kernels in AVX2
// and AVX-512, each where this CPU runs it, against direct convolutions computed in float64, and
// where the inference networks and the Upscaler choose it.

#include <cmath>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/utils.h>

#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/inference_network.h"
#include "srgan/upscaler.h"
#include "winograd_body.h"
#include "winograd_convolution.h"
#include "winograd_kernels.h"
#include "winograd_testing.h"

namespace srgan {
namespace detail {
// gtest names the parameter in failures.
void PrintTo(WinogradLibrary library, std::ostream* out) { *out << to_string(library); }
}  // namespace detail
namespace {

using test::compact_options;
using test::max_abs_difference;
using test::trained_looking;

constexpr double kSlope = 0.2;

using detail::WinogradLibrary;

constexpr const char* kOneDnnNeeds =
    "needs oneDNN's Winograd: a CPU with AVX-512 and a build with the system's oneDNN 2.x "
    "(libdnnl-dev)";

const char* needs(WinogradLibrary library) {
  switch (library) {
    case WinogradLibrary::kOneDnn:
      return kOneDnnNeeds;
    case WinogradLibrary::kAvx2:
      return "needs a CPU with AVX2 and FMA";
    default:
      return "needs a CPU with AVX-512";
  }
}

const auto kLibraries =
    ::testing::Values(WinogradLibrary::kOneDnn, WinogradLibrary::kAvx2, WinogradLibrary::kAvx512);
std::string library_name(const ::testing::TestParamInfo<WinogradLibrary>& info) {
  return info.param == WinogradLibrary::kAvx512 ? "AVX512" : to_string(info.param);
}

#define SKIP_WITHOUT(library) \
  if (!detail::WinogradBody::available(library)) GTEST_SKIP() << needs(library)
#define SKIP_WITHOUT_ONEDNN_WINOGRAD() SKIP_WITHOUT(WinogradLibrary::kOneDnn)

// He-uniform weights (each layer's output at its input's scale through its activation, as
// trained layers keep it), biases +-0.1, and each layer's activation: LeakyReLU's slope in every
// channel, PReLU's own slope per channel, or none.
struct Layers {
  enum class Activation { kLeakyReLU, kPReLU, kNone };
  std::vector<at::Tensor> weights, biases, slopes;
  Layers(const std::vector<Activation>& activations, int64_t channels) {
    const double bound = std::sqrt(6.0 / (9.0 * static_cast<double>(channels)));
    for (const auto activation : activations) {
      weights.push_back((at::rand({channels, channels, 3, 3}) * 2 - 1) * bound);
      biases.push_back(at::rand({channels}) * 0.2 - 0.1);
      slopes.push_back(activation == Activation::kLeakyReLU ? at::full({channels}, kSlope)
                       : activation == Activation::kPReLU   ? at::rand({channels}) * 0.5
                                                            : at::Tensor());
    }
  }
  Layers(int64_t layers, int64_t channels)
      : Layers(std::vector<Activation>(layers, Activation::kLeakyReLU), channels) {}
  detail::WinogradBody body(WinogradLibrary library) const {
    return detail::WinogradBody(library, weights, biases, slopes);
  }
  at::Tensor run(const at::Tensor& x, at::ScalarType dtype) const {
    auto y = x.to(dtype);
    for (size_t i = 0; i < weights.size(); ++i) {
      y = at::conv2d(y, weights[i].to(dtype), biases[i].to(dtype), 1, 1);
      if (slopes[i].defined()) y = at::prelu(y, slopes[i].to(dtype));
    }
    return y;
  }
  at::Tensor reference(const at::Tensor& x) const { return run(x, at::kDouble); }
  at::Tensor direct(const at::Tensor& x) const { return run(x, at::kFloat); }
};

// Each test of this suite runs once for each library, where this CPU runs it.
class WinogradBodyTest : public ::testing::TestWithParam<WinogradLibrary> {
 protected:
  void SetUp() override { SKIP_WITHOUT(GetParam()); }
};

INSTANTIATE_TEST_SUITE_P(Libraries, WinogradBodyTest, kLibraries, library_name);

TEST_P(WinogradBodyTest, MatchesDirectLayersComputedInFloat64) {
  torch::manual_seed(11);
  const Layers layers(3, 48);
  const auto body = layers.body(GetParam());
  c10::InferenceMode guard;
  // Sizes that are not multiples of the 4x4 output tiles, a batch of two, and maps smaller
  // than one tile (which oneDNN may decline: the direct convolutions run them, same bound).
  for (const auto& size : std::vector<std::vector<int64_t>>{
           {1, 48, 23, 29}, {2, 48, 9, 7}, {1, 48, 64, 70}, {1, 48, 3, 5}, {1, 48, 1, 1}}) {
    const auto x = at::rand(size) * 2 - 1;
    const auto reference = layers.reference(x);
    const auto out = body.forward(x.clone());
    ASSERT_EQ(out.sizes(), reference.sizes());
    ASSERT_EQ(out.scalar_type(), at::kFloat);
    EXPECT_TRUE(out.is_contiguous(at::MemoryFormat::ChannelsLast));
    const double scale = reference.abs().max().item<double>();
    // (A 1x1 map sees only the centre taps and fades; it checks the edges alone.)
    if (size[2] >= 3) {
      EXPECT_GT(scale, 0.5) << "the layers must not have faded the map out";
    }
    // F(4x4, 3x3)'s transforms round in float32 some ten times more than a direct
    // convolution (measured 1.6e-5 at outputs of 8 for one layer). 1e-4 of the largest output
    // is far below a grey level and far below any indexing mistake (a wrong tap, tile edge or
    // channel block moves outputs by their own size).
    const double direct_error = max_abs_difference(layers.direct(x), reference);
    EXPECT_LT(max_abs_difference(out, reference), 1e-4 * scale)
        << "size " << c10::str(size) << ", direct float32 error " << direct_error;
  }
}

// The compact PReLU networks' activations, and the x4's last layer (no activation).
TEST_P(WinogradBodyTest, PReLUAndNoActivationMatchFloat64) {
  torch::manual_seed(18);
  using A = Layers::Activation;
  const Layers layers({A::kPReLU, A::kPReLU, A::kNone}, 32);
  const auto body = layers.body(GetParam());
  c10::InferenceMode guard;
  const auto x = at::rand({1, 32, 30, 41}) * 2 - 1;
  const auto reference = layers.reference(x);
  const double scale = reference.abs().max().item<double>();
  EXPECT_GT(scale, 0.5);
  EXPECT_GT((reference < 0).to(at::kDouble).mean().item<double>(), 0.2);  // no ReLU after the last
  EXPECT_LT(max_abs_difference(body.forward(x.clone()), reference), 1e-4 * scale);
}

// oneDNN's F(4x4, 3x3) keeps as many tiles in registers as the largest divisor of the tile count
// below 32, and runs slower than a direct convolution with fewer than 7: the rows are padded
// until there are 7 or more (at most 31 rows; a multiple of 8 tiles comes within 8).
TEST(WinogradBody, PadsRowsOnlyWhereTheTilesBlockPoorly) {
  SKIP_WITHOUT_ONEDNN_WINOGRAD();
  auto in_registers = [](int64_t tiles) {
    int64_t best = 1;
    for (int64_t d = 1; d < 32 && d <= tiles; ++d) best = tiles % d == 0 ? d : best;
    return best;
  };
  auto tiles = [](int64_t n, int64_t h, int64_t w) { return n * ((h + 3) / 4) * ((w + 3) / 4); };
  EXPECT_EQ(detail::WinogradBody::padded_height(1, 284, 268), 288);  // 71 x 67 -> 72 x 67
  EXPECT_EQ(detail::WinogradBody::padded_height(1, 283, 268), 288);
  EXPECT_EQ(detail::WinogradBody::padded_height(1, 540, 960), 540);  // 135 x 240: 30
  EXPECT_EQ(detail::WinogradBody::padded_height(2, 284, 268), 288);  // 2 x 71 x 67: 2
  for (int64_t n : {1, 2}) {
    for (int64_t h = 1; h < 300; h += 3) {
      for (int64_t w = 1; w < 300; w += 11) {
        const int64_t padded = detail::WinogradBody::padded_height(n, h, w);
        if (in_registers(tiles(n, h, w)) >= 7) {
          ASSERT_EQ(padded, h) << n << " x " << h << " x " << w;
        } else {
          ASSERT_GT(padded, h) << n << " x " << h << " x " << w;
          ASSERT_LT(padded, h + 32);
          ASSERT_EQ(padded % 4, 0);
          ASSERT_GE(in_registers(tiles(n, padded, w)), 7) << n << " x " << h << " x " << w;
          ASSERT_LT(in_registers(tiles(n, padded - 4, w)), 7) << "not the fewest rows";
        }
      }
    }
  }
}

// A map whose tiles block poorly runs on padded rows: the rows below it must be zero for every
// layer, or the last rows of the result take what the layers wrote there (1.35 off, measured).
TEST(WinogradBody, PaddedRowsLeaveTheResultAsItWas) {
  SKIP_WITHOUT_ONEDNN_WINOGRAD();
  torch::manual_seed(21);
  using A = Layers::Activation;
  const Layers layers({A::kLeakyReLU, A::kPReLU, A::kNone}, 32);
  const auto body = layers.body(WinogradLibrary::kOneDnn);
  ASSERT_EQ(detail::WinogradBody::padded_height(1, 283, 268), 288);
  c10::InferenceMode guard;
  const auto x = at::rand({1, 32, 283, 268}) * 2 - 1;
  const auto reference = layers.reference(x);
  const auto out = body.forward(x.clone());
  ASSERT_EQ(out.sizes(), reference.sizes());
  EXPECT_TRUE(out.is_contiguous(at::MemoryFormat::ChannelsLast));
  const double scale = reference.abs().max().item<double>();
  EXPECT_GT(scale, 0.5);
  EXPECT_LT(max_abs_difference(out, reference), 1e-4 * scale);
  // It ran Winograd, not the direct convolution.
  EXPECT_GT(max_abs_difference(out, layers.direct(x)), 1e-7);
}

TEST_P(WinogradBodyTest, RunsWinogradNotTheDirectConvolution) {
  torch::manual_seed(12);
  const Layers layers(2, 32);
  const auto body = layers.body(GetParam());
  const auto x = at::rand({1, 32, 40, 52}) * 2 - 1;
  c10::InferenceMode guard;
  // Winograd's rounding differs from the direct convolution's; the fallback would match it to
  // float32 rounding of the same kernels (a few 1e-8 here).
  const auto direct = layers.direct(x.contiguous(at::MemoryFormat::ChannelsLast));
  EXPECT_GT(max_abs_difference(body.forward(x.clone()), direct), 1e-7);
}

TEST_P(WinogradBodyTest, LeavesAnInputItHadToConvertAlone) {
  torch::manual_seed(13);
  const Layers layers(2, 16);
  const auto body = layers.body(GetParam());
  const auto x = at::rand({1, 16, 20, 24});  // NCHW: forward converts it, into a new map
  const auto kept = x.clone();
  c10::InferenceMode guard;
  auto input = x;
  body.forward(std::move(input));
  EXPECT_TRUE(at::equal(x, kept));
}

// Frames in flight: one body, several threads at once, new shapes met by both at the same time.
TEST_P(WinogradBodyTest, ThreadsRunItAtOnce) {
  torch::manual_seed(14);
  const Layers layers(3, 32);
  const auto body = layers.body(GetParam());
  std::vector<at::Tensor> inputs;
  for (int64_t i = 0; i < 6; ++i) inputs.push_back(at::rand({1, 32, 17 + 4 * (i % 3), 30}));
  std::vector<at::Tensor> alone;
  {
    c10::InferenceMode guard;
    for (const auto& x : inputs) alone.push_back(body.forward(x.clone()));
  }
  std::vector<at::Tensor> together(inputs.size());
  std::vector<std::thread> threads;
  for (size_t t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      c10::InferenceMode guard;
      for (size_t i = t; i < inputs.size(); i += 2) together[i] = body.forward(inputs[i].clone());
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_TRUE(together[i].defined());
    // Another thread's team may split the work differently: float32 rounding only, where a
    // buffer shared between threads would show whole wrong values (~1).
    EXPECT_LT(max_abs_difference(together[i], alone[i]), 1e-5) << "input " << i;
  }
}

TEST_P(WinogradBodyTest, RefusesWhatItCannotRun) {
  const auto library = GetParam();
  const Layers layers(2, 32);
  const auto body = layers.body(library);
  c10::InferenceMode guard;
  EXPECT_THROW(body.forward(at::rand({1, 16, 8, 8})), Error);
  EXPECT_THROW(body.forward(at::rand({1, 32, 8, 8}, at::kDouble)), Error);
  EXPECT_THROW(body.forward(at::rand({32, 8, 8})), Error);
  using detail::WinogradBody;
  // Whole channel blocks: 8 for AVX2's registers, 16 for AVX-512's (and oneDNN's layouts).
  EXPECT_EQ(WinogradBody::fits(library, {at::empty({24, 24, 3, 3})}),
            library == WinogradLibrary::kAvx2);
  EXPECT_FALSE(WinogradBody::fits(library, {at::empty({20, 20, 3, 3})}));
  EXPECT_FALSE(WinogradBody::fits(library, {at::empty({32, 32, 3, 3}), at::empty({48, 32, 3, 3})}));
  EXPECT_FALSE(WinogradBody::fits(library, {at::empty({32, 32, 3, 3}, at::kBFloat16)}));
  EXPECT_FALSE(WinogradBody::fits(library, {at::empty({32, 32, 5, 5})}));
  EXPECT_FALSE(WinogradBody::fits(library, {}));
  EXPECT_TRUE(WinogradBody::fits(library, {at::empty({32, 32, 3, 3}), at::empty({32, 32, 3, 3})}));
  EXPECT_THROW(
      WinogradBody(library, {at::empty({20, 20, 3, 3})}, {at::empty({20})}, {at::Tensor()}), Error);
  EXPECT_THROW(  // a slope per layer
      WinogradBody(library, {at::empty({32, 32, 3, 3})}, {at::empty({32})}, {}), Error);
}

// Our kernels' convolution alone, of unequal widths (the body runs equal ones), in each
// instruction set this CPU runs: against float64 on sizes around the 4x4 tiles and the 12-tile
// blocks (49 columns: 13 tiles, one more than a block), a batch of two, and without an
// activation.
class WinogradKernels : public ::testing::TestWithParam<detail::winograd::Isa> {};

INSTANTIATE_TEST_SUITE_P(Isas, WinogradKernels,
                         ::testing::Values(detail::winograd::Isa::kAvx2,
                                           detail::winograd::Isa::kAvx512),
                         [](const auto& info) {
                           return info.param == detail::winograd::Isa::kAvx2 ? "AVX2" : "AVX512";
                         });

TEST_P(WinogradKernels, ConvolutionOfUnequalWidthsMatchesFloat64) {
  const auto isa = GetParam();
  if (!detail::winograd::available(isa)) {
    GTEST_SKIP() << "needs a CPU with " << detail::winograd::to_string(isa);
  }
  torch::manual_seed(22);
  c10::InferenceMode guard;
  for (const bool activation : {true, false}) {
    const auto weight = (at::rand({48, 16, 3, 3}) * 2 - 1) * std::sqrt(6.0 / (9.0 * 16));
    const auto bias = at::rand({48}) * 0.2 - 0.1;
    const auto slopes = at::rand({48}) * 0.5;
    const detail::winograd::Convolution convolution(
        isa, 16, 48, weight.data_ptr<float>(), bias.data_ptr<float>(),
        activation ? slopes.data_ptr<float>() : nullptr);
    for (const auto& size : std::vector<std::vector<int64_t>>{
             {1, 16, 1, 1}, {2, 16, 5, 7}, {1, 16, 17, 49}, {1, 16, 8, 48}}) {
      const auto x = (at::rand(size) * 2 - 1).contiguous(at::MemoryFormat::ChannelsLast);
      auto y =
          at::empty({size[0], 48, size[2], size[3]}).contiguous(at::MemoryFormat::ChannelsLast);
      convolution.run(size[0], size[2], size[3], x.data_ptr<float>(), y.data_ptr<float>());
      auto reference =
          at::conv2d(x.to(at::kDouble), weight.to(at::kDouble), bias.to(at::kDouble), 1, 1);
      if (activation) reference = at::prelu(reference, slopes.to(at::kDouble));
      const double scale = reference.abs().max().item<double>();
      EXPECT_GT(scale, 0.3);
      // As in MatchesDirectLayersComputedInFloat64: 1e-4 of the largest output.
      EXPECT_LT(max_abs_difference(y, reference), 1e-4 * scale)
          << "size " << c10::str(size) << (activation ? ", PReLU" : ", no activation");
    }
  }
  // Channels must be whole registers (8 floats in AVX2, 16 in AVX-512).
  EXPECT_THROW(detail::winograd::Convolution(isa, 12, 16, nullptr, nullptr, nullptr), Error);
  EXPECT_THROW(detail::winograd::Convolution(isa, 16, detail::winograd::lanes(isa) * 3 / 2, nullptr,
                                             nullptr, nullptr),
               Error);
}

// The networks as the Upscaler builds them, every rewrite on, against the plain generator in
// float64: the x4's and the x2's shapes (48 and 32 channels, LeakyReLU), by each library this
// CPU runs, chosen through SRGAN_WINOGRAD as a user would.
class WinogradNetwork : public ::testing::TestWithParam<WinogradLibrary> {
 protected:
  void SetUp() override {
    SKIP_WITHOUT(GetParam());
    if (detail::winograd_turned_off()) GTEST_SKIP() << "SRGAN_WINOGRAD=0 is set";
    const char* setting = std::getenv("SRGAN_WINOGRAD");
    if (setting) kept_setting_ = setting;
    setenv("SRGAN_WINOGRAD",
           GetParam() == WinogradLibrary::kAvx2     ? "avx2"
           : GetParam() == WinogradLibrary::kAvx512 ? "avx512"
                                                    : "onednn",
           1);
    ASSERT_EQ(detail::WinogradBody::chosen(), GetParam());
  }
  void TearDown() override {
    if (kept_setting_) {
      setenv("SRGAN_WINOGRAD", kept_setting_->c_str(), 1);
    } else {
      unsetenv("SRGAN_WINOGRAD");
    }
  }
  std::optional<std::string> kept_setting_;

  static Generator make(const GeneratorOptions& options) { return test::scale_keeping(options); }
  // A tenth of a grey level is 4e-4 in [-1, 1]; float32 Winograd rounding is far below it, a
  // wrong tap, tile edge or layer far above.
  void compare(const GeneratorOptions& options, const at::Tensor& lr) const {
    test::expect_winograd_matches_the_plain_generator(options, lr, 4e-4, to_string(GetParam()));
  }
};

INSTANTIATE_TEST_SUITE_P(Libraries, WinogradNetwork, kLibraries, library_name);

TEST_P(WinogradNetwork, CompactX4MatchesThePlainGenerator) {
  torch::manual_seed(15);
  compare(compact_options(4, 48, 4, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU),
          at::rand({1, 3, 19, 26}) * 2 - 1);
}

TEST_P(WinogradNetwork, CompactX2MatchesThePlainGenerator) {
  torch::manual_seed(16);
  compare(compact_options(3, 32, 2, SkipUpscale::kNearest, BodyActivation::kLeakyReLU),
          at::rand({2, 3, 21, 17}) * 2 - 1);
}

TEST_P(WinogradNetwork, CompactWithPReLUMatchesThePlainGenerator) {
  torch::manual_seed(19);
  compare(compact_options(3, 48, 2), at::rand({1, 3, 15, 13}) * 2 - 1);
}

TEST_P(WinogradNetwork, OnlyFloat32BodiesOfWholeChannelBlocks) {
  // 24 channels are whole blocks of AVX2's 8, not of AVX-512's 16; 20 are neither.
  auto narrow = make(compact_options(3, 24, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU));
  EXPECT_EQ(narrow->inference_network()->runs_winograd(), GetParam() == WinogradLibrary::kAvx2);
  auto odd = make(compact_options(3, 20, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU));
  EXPECT_FALSE(odd->inference_network()->runs_winograd());
  auto bf16 = make(compact_options(3, 32, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU));
  bf16->to(at::kBFloat16);
  EXPECT_FALSE(bf16->inference_network()->runs_winograd());
  auto float32 = make(compact_options(3, 32, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU));
  auto network = float32->inference_network();
  EXPECT_TRUE(network->runs_winograd());
  network->to(c10::kCPU, at::kBFloat16);  // moved: chosen again for the new dtype
  EXPECT_FALSE(network->runs_winograd());
  network->to(c10::kCPU, at::kFloat);
  EXPECT_TRUE(network->runs_winograd());
}

// Where the compact network runs a Winograd body, it never runs NNPACK's as well (which the
// network's NCHW layers would need), on any thread count. It bites on CPUs without AVX-512,
// where NNPACK is chosen for 48 channels on one thread (checked there under emulation).
TEST_P(WinogradNetwork, TheBodyTakesPrecedenceOverNnpack) {
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto wide = make(compact_options(3, 48, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU));
  EXPECT_EQ(wide->inference_network()->winograd_library(), std::string(to_string(GetParam())));
  at::set_num_threads(threads);
}

// The Winograd body runs faster on tiles whose maps fit the cache (upscaler.cpp): tiles from the
// budget keep each 32-channel fp32 map within 16 MiB where the body runs, and a frame that
// fits the budget stays whole where it does not (bf16).
TEST_P(WinogradNetwork, UpscalerTilesKeepEachMapWithinTheCache) {
  test::TempDir dir;
  const auto path = dir.file("x2.pt");
  save_checkpoint(
      path, *make(compact_options(3, 32, 2, SkipUpscale::kBicubic, BodyActivation::kLeakyReLU)),
      {});
  const auto options = UpscalerOptions().model_path(path).device("cpu");
  Upscaler fp32(UpscalerOptions(options).precision(Precision::kFp32));
  ASSERT_NE(fp32.describe().find("Winograd 3x3"), std::string::npos) << fp32.describe();
  const auto tiles = fp32.plan(640, 360);
  EXPECT_GT(tiles.size(), 1u);
  for (const Tile& t : tiles) EXPECT_LE(t.read_width * t.read_height * 32 * 4, 16 << 20);
  // Not cut smaller than it needs: the largest tile's map fills more than a quarter of it.
  int64_t largest = 0;
  for (const Tile& t : tiles) largest = std::max(largest, t.read_width * t.read_height);
  EXPECT_GT(largest * 32 * 4, (16 << 20) / 4);
  // Two frames in flight share the cache: each keeps to half of it.
  fp32.share_cores(2);
  int64_t largest_shared = 0;
  for (const Tile& t : fp32.plan(640, 360)) {
    EXPECT_LE(t.read_width * t.read_height * 32 * 4, 8 << 20);
    largest_shared = std::max(largest_shared, t.read_width * t.read_height);
  }
  EXPECT_GT(largest_shared * 32 * 4, (8 << 20) / 4);
  fp32.share_cores(1);
  EXPECT_EQ(fp32.plan(640, 360).size(), tiles.size());
  Upscaler bf16(UpscalerOptions(options).precision(Precision::kBf16));
  EXPECT_EQ(bf16.plan(640, 360).size(), 1u);
  bf16.share_cores(2);
  EXPECT_EQ(bf16.plan(640, 360).size(), 1u);
  bf16.share_cores(1);
}

TEST_P(WinogradNetwork, UpscalerTilesEqualTheWholeImage) {
  torch::manual_seed(17);
  test::expect_tiles_equal_the_whole_image(
      UpscalerOptions(), std::string("fp32, Winograd 3x3 (") + to_string(GetParam()) + ")");
}

}  // namespace
}  // namespace srgan
