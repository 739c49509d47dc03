// The compact generator family: against a reference computed by hand, its exact receptive
// field, tiles, checkpoints and reduced precision.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <c10/core/CPUAllocator.h>
#include <c10/core/InferenceMode.h>
#include <c10/core/impl/alloc_cpu.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/utils.h>

#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/compact_generator.h"
#include "srgan/error.h"
#include "srgan/model.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::test_device;

using test::max_abs_difference;
using test::trained_looking;

GeneratorOptions compact(int64_t blocks, int64_t channels, int64_t scale,
                         SkipUpscale skip = SkipUpscale::kBicubic) {
  return test::compact_options(blocks, channels, scale, skip);
}

// Plain loops over plain vectors: a 'same' 3x3 convolution, PReLU, the pixel shuffle and the
// nearest skip, as the compact family is described, sharing no code with the library.
using Image = std::vector<std::vector<std::vector<double>>>;  // [channel][y][x]

Image image_of(const at::Tensor& t) {  // [1, C, H, W]
  const auto a = t.to(at::kDouble).contiguous();
  Image image(a.size(1),
              std::vector<std::vector<double>>(a.size(2), std::vector<double>(a.size(3))));
  for (int64_t c = 0; c < a.size(1); ++c)
    for (int64_t y = 0; y < a.size(2); ++y)
      for (int64_t x = 0; x < a.size(3); ++x) image[c][y][x] = a[0][c][y][x].item<double>();
  return image;
}

Image conv3x3(const Image& in, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t h = in[0].size(), w = in[0][0].size();
  Image out(weight.size(0), std::vector<std::vector<double>>(h, std::vector<double>(w)));
  for (int64_t o = 0; o < weight.size(0); ++o)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x) {
        double sum = bias[o].item<double>();
        for (size_t c = 0; c < in.size(); ++c)
          for (int64_t dy = -1; dy <= 1; ++dy)
            for (int64_t dx = -1; dx <= 1; ++dx) {
              const int64_t yy = y + dy, xx = x + dx;
              if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;  // zero padding
              sum += weight[o][c][dy + 1][dx + 1].item<double>() * in[c][yy][xx];
            }
        out[o][y][x] = sum;
      }
  return out;
}

void prelu(Image& image, const at::Tensor& slopes) {
  for (size_t c = 0; c < image.size(); ++c)
    for (auto& row : image[c])
      for (double& v : row) v = v >= 0 ? v : slopes[c].item<double>() * v;
}

TEST(CompactGenerator, MatchesAReferenceComputedByHand) {
  const int64_t s = 2;
  auto generator = trained_looking(compact(1, 3, s, SkipUpscale::kNearest));
  generator->to(at::kDouble);
  auto& body = generator->as<CompactGeneratorImpl>()->body;
  const auto lr = at::rand({1, 3, 5, 4}, at::kDouble) * 2 - 1;
  Image x = image_of(lr);
  std::vector<at::Tensor> weights, biases, slopes;
  for (const auto& m : body->children()) {
    if (auto* conv = m->as<torch::nn::Conv2d>())
      weights.push_back(conv->weight), biases.push_back(conv->bias);
    if (auto* act = m->as<torch::nn::PReLU>()) slopes.push_back(act->weight);
  }
  ASSERT_EQ(weights.size(), 3u);
  ASSERT_EQ(slopes.size(), 2u);
  torch::NoGradGuard no_grad;
  Image y = x;
  for (size_t i = 0; i < weights.size(); ++i) {
    y = conv3x3(y, weights[i], biases[i]);
    if (i < slopes.size()) prelu(y, slopes[i]);
  }
  // Pixel shuffle: channel c*s*s + i*s + j at (p, q) -> channel c at (s*p + i, s*q + j); the
  // nearest skip repeats each input pixel s x s; the sum is clamped to [-1, 1] in eval mode.
  const auto out = generator->forward(lr);
  const auto network = generator->inference_network();
  const auto fast = network->forward(lr);
  ASSERT_EQ(out.sizes(), (at::IntArrayRef{1, 3, 10, 8}));
  for (int64_t c = 0; c < 3; ++c)
    for (int64_t oy = 0; oy < 10; ++oy)
      for (int64_t ox = 0; ox < 8; ++ox) {
        const double residual = y[c * s * s + (oy % s) * s + ox % s][oy / s][ox / s];
        const double expected = std::clamp(residual + x[c][oy / s][ox / s], -1.0, 1.0);
        EXPECT_NEAR(out[0][c][oy][ox].item<double>(), expected, 1e-12)
            << c << " " << oy << " " << ox;
        EXPECT_NEAR(fast[0][c][oy][ox].item<double>(), expected, 1e-12);
      }
}

TEST(CompactGenerator, ANewNetworkIsExactlyTheClassicUpscale) {
  torch::manual_seed(1);
  Generator generator(compact(4, 8, 2));
  generator->eval();
  torch::NoGradGuard no_grad;
  const auto lr = at::rand({1, 3, 9, 7}) * 2 - 1;
  const auto bicubic = at::upsample_bicubic2d(lr, {18, 14}, false).clamp(-1, 1);
  EXPECT_EQ(max_abs_difference(generator->forward(lr), bicubic), 0.0);
}

TEST(CompactGenerator, ParameterCountMatchesFormula) {
  for (int64_t scale : {2, 4}) {
    const auto options = compact(8, 32, scale);
    Generator generator(options);
    int64_t count = 0;
    for (const auto& p : generator->parameters()) count += p.numel();
    EXPECT_EQ(count, generator_parameter_count(options));
  }
  // By hand, 8 x 32 at x2: first 864+32+32, 8 x (9216+32+32), last 32*12*9+12.
  EXPECT_EQ(generator_parameter_count(compact(8, 32, 2)), 928 + 8 * 9280 + 3468);
}

TEST(CompactGenerator, ReceptiveFieldIsExact) {
  for (int64_t scale : {2, 4}) {
    auto generator = trained_looking(compact(3, 8, scale));
    torch::NoGradGuard no_grad;
    const int64_t radius = generator->receptive_field_radius();
    EXPECT_EQ(radius, 5);
    const int64_t size = 2 * radius + 9;
    const auto input = at::rand({1, 3, size, size}) * 0.2;  // away from the clamp
    auto changed = input.clone();
    changed[0][0][size / 2][size / 2] += 0.1;
    const auto diff = (generator->forward(changed) - generator->forward(input)).abs().sum(1)[0];
    const auto where = at::nonzero(diff > 1e-7);
    ASSERT_GT(where.size(0), 0);
    const int64_t reach = (at::floor_divide(where, scale) - size / 2).abs().max().item<int64_t>();
    EXPECT_EQ(reach, radius) << "scale " << scale;
  }
}

// Counts the bytes LibTorch holds on the CPU (oneDNN's scratch memory comes through it too):
// installed in place of the default allocator for one scope, the high-water mark of a forward.
class PeakCpuBytes final : public c10::Allocator {
 public:
  PeakCpuBytes() : previous_(c10::GetCPUAllocator()) { c10::SetCPUAllocator(this, kPriority); }
  ~PeakCpuBytes() override { c10::SetCPUAllocator(previous_, kPriority); }
  c10::DataPtr allocate(size_t n) override {
    void* data = c10::alloc_cpu(n);
    std::lock_guard<std::mutex> lock(mutex_);
    sizes_[data] = n;
    held_ += n;
    peak_ = std::max(peak_, held_);
    return {data, data, &release, c10::Device(c10::kCPU)};
  }
  c10::DeleterFnPtr raw_deleter() const override { return &release; }
  void copy_data(void* dest, const void* src, std::size_t count) const override {
    default_copy_data(dest, src, count);
  }
  // From now on, above what is held now.
  void reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    base_ = peak_ = held_;
  }
  size_t peak() {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_ - base_;
  }

 private:
  static constexpr uint8_t kPriority = 200;
  static PeakCpuBytes* current() { return static_cast<PeakCpuBytes*>(c10::GetCPUAllocator()); }
  static void release(void* data) {
    // Blocks allocated before this allocator was installed are not in the map: not counted.
    auto* self = current();
    {
      std::lock_guard<std::mutex> lock(self->mutex_);
      const auto found = self->sizes_.find(data);
      if (found != self->sizes_.end()) {
        self->held_ -= found->second;
        self->sizes_.erase(found);
      }
    }
    c10::free_cpu(data);
  }
  c10::Allocator* previous_;
  std::mutex mutex_;
  std::unordered_map<void*, size_t> sizes_;
  size_t held_ = 0, peak_ = 0, base_ = 0;
};

// The Upscaler sizes its tiles from activation_elements_per_pixel(): it must bound what a tile
// really allocates (or tiles would overrun the memory budget) without wasting the budget (or
// tiles would be needlessly small, and each tile's overlap is computed twice).
TEST(CompactGenerator, ActivationEstimateBoundsWhatATileAllocatesOnTheCpu) {
  if (!test_device().is_cpu()) GTEST_SKIP() << "measures LibTorch's CPU allocator";
  for (const auto& [channels, scale] : {std::pair<int64_t, int64_t>{32, 2}, {48, 4}}) {
    auto generator = trained_looking(compact(2, channels, scale));
    const auto network = generator->inference_network();
    const auto lr = at::rand({1, 3, 120, 160}) * 2 - 1;
    c10::InferenceMode guard;
    network->forward(lr);  // weights reordered and cached once, as in the Upscaler
    size_t peak = 0;
    {
      PeakCpuBytes counting;
      counting.reset();
      const auto out = network->forward(lr);
      peak = counting.peak();
    }
    const double estimate =
        static_cast<double>(generator->activation_elements_per_pixel()) * sizeof(float) * 120 * 160;
    EXPECT_LE(static_cast<double>(peak), estimate) << channels << " channels, x" << scale;
    EXPECT_GE(static_cast<double>(peak), estimate / 4) << channels << " channels, x" << scale;
  }
}

TEST(CompactGenerator, TrainingModeIsUnclampedEvalModeClamped) {
  auto generator = trained_looking(compact(1, 4, 2));
  torch::NoGradGuard no_grad;
  const auto lr = at::ones({1, 3, 6, 6}) * 0.99;
  generator->train();
  const auto raw = generator->forward(lr);
  generator->eval();
  const auto clamped = generator->forward(lr);
  EXPECT_GT(raw.abs().max().item<double>(), 1.0);
  EXPECT_LE(clamped.abs().max().item<double>(), 1.0);
  EXPECT_EQ(max_abs_difference(clamped, raw.clamp(-1, 1)), 0.0);
}

class CompactModelFile : public test::SavedGeneratorTest {
 protected:
  void SetUp() override { save(compact(2, 8, 2), "compact.pt"); }
};

TEST_F(CompactModelFile, RoundTripKeepsFamilyOptionsAndOutput) {
  const Model model = load_model(path_);
  ASSERT_TRUE(model.generator_options());
  EXPECT_EQ(model.generator_options()->architecture(), Architecture::kCompact);
  EXPECT_EQ(model.generator_options()->skip(), SkipUpscale::kBicubic);
  EXPECT_EQ(model.generator_options()->blocks(), 2);
  EXPECT_EQ(model.scale(), 2);
  const auto lr = at::rand({1, 3, 11, 13}) * 2 - 1;
  torch::NoGradGuard no_grad;
  EXPECT_EQ(max_abs_difference(model.forward(lr), generator_->forward(lr)), 0.0);
  EXPECT_NE(model.describe().find("compact x2, 2 blocks, 8 channels, bicubic skip"),
            std::string::npos)
      << model.describe();
}

TEST_F(CompactModelFile, TiledEqualsUntiled) {
  const auto options =
      UpscalerOptions().model_path(path_).device(test_device().str()).precision(Precision::kFp32);
  Upscaler whole(UpscalerOptions(options).tile_size(64));
  Upscaler tiled(UpscalerOptions(options).tile_size(10));
  EXPECT_EQ(tiled.tile_overlap(), 4);
  ASSERT_GT(tiled.plan(45, 37).size(), 8u);
  const auto image = at::rand({1, 3, 37, 45});
  const auto a = whole.upscale_rgb(image), b = tiled.upscale_rgb(image);
  EXPECT_EQ(b.sizes(), (at::IntArrayRef{1, 3, 74, 90}));
  EXPECT_LT(max_abs_difference(a, b), 1e-5);
  // One pixel less than the receptive field shows seams: the comparison above can fail.
  Upscaler starved(UpscalerOptions(options).tile_size(10).tile_overlap(3));
  EXPECT_GT(max_abs_difference(a, starved.upscale_rgb(image)), 1e-4);
}

TEST_F(CompactModelFile, Bf16KeepsTheSkipAtFullPrecision) {
  if (!test_device().is_cpu()) GTEST_SKIP() << "bf16 on the CPU";
  const auto options = UpscalerOptions().model_path(path_).device("cpu");
  // A network whose residual is zero gives exactly the bicubic upscale in any precision.
  Generator zero(compact(2, 8, 2));
  zero->eval();
  const std::string zero_path = dir_.file("zero.pt");
  save_checkpoint(zero_path, *zero, {});
  const auto image = at::rand({1, 3, 20, 24});
  Upscaler bf16_zero(UpscalerOptions(options).model_path(zero_path).precision(Precision::kBf16));
  const auto bicubic = at::upsample_bicubic2d(image, {40, 48}, false).clamp(0, 1);
  EXPECT_LT(max_abs_difference(bf16_zero.upscale_rgb(image), bicubic), 1e-6);
  // With weights, bf16 stays within bf16 rounding of fp32 on the residual.
  Upscaler fp32(UpscalerOptions(options).precision(Precision::kFp32));
  Upscaler bf16(UpscalerOptions(options).precision(Precision::kBf16));
  EXPECT_LT(max_abs_difference(fp32.upscale_rgb(image), bf16.upscale_rgb(image)), 0.03);
}

TEST_F(CompactModelFile, AnSrganCheckpointStaysVersionOne) {
  // Files of the SRGAN family keep the version every release reads; compact ones are version 2.
  auto version_of = [](const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    torch::serialize::InputArchive archive;
    archive.load_from(bytes.data(), bytes.size());
    c10::IValue version;
    archive.read("version", version);
    return version.toInt();
  };
  Generator srgan(GeneratorOptions().blocks(1).channels(4).scale(2));
  srgan->eval();
  const std::string srgan_path = dir_.file("srgan.pt");
  save_checkpoint(srgan_path, *srgan, {});
  EXPECT_EQ(version_of(srgan_path), 1);
  EXPECT_EQ(version_of(path_), 2);
}

TEST(CompactGenerator, InvalidNamesAreClearErrors) {
  EXPECT_THROW(architecture_from_string("esrgan"), Error);
  EXPECT_THROW(skip_upscale_from_string("lanczos"), Error);
  EXPECT_THROW(Generator(compact(-1, 8, 2)), Error);
  EXPECT_THROW(Generator(compact(2, 8, 3)), Error);
}

}  // namespace
}  // namespace srgan
