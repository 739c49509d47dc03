#include <sys/resource.h>

#include <random>
#include <thread>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include "srgan/checkpoint.h"
#include "srgan/color_conversion.h"
#include "srgan/cpu_precision.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/generator_options.h"
#include "srgan/threads.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::test_device;

double max_abs_difference(const at::Tensor& a, const at::Tensor& b) {
  return (a.cpu() - b.cpu()).abs().max().item<double>();
}

class UpscalerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    at::globalContext().setAllowTF32CuDNN(false);  // compare true float32 on GPUs too
    torch::manual_seed(31);
    generator_ = Generator(GeneratorOptions().blocks(1).channels(8).scale(4));
    generator_->eval();
    path_ = dir_.file("tiny.pt");
    save_checkpoint(path_, *generator_, {});
  }
  UpscalerOptions options() const {
    return UpscalerOptions()
        .model_path(path_)
        .device(test_device().str())
        .precision(Precision::kFp32);
  }
  test::TempDir dir_;
  Generator generator_{nullptr};
  std::string path_;
};

TEST_F(UpscalerTest, ExposesScaleDeviceAndPrecision) {
  Upscaler upscaler(options());
  EXPECT_EQ(upscaler.scale(), 4);
  EXPECT_EQ(upscaler.device(), test_device());
  EXPECT_EQ(upscaler.dtype(), at::kFloat);
  EXPECT_EQ(upscaler.tile_overlap(), generator_->receptive_field_radius());
  EXPECT_NE(upscaler.describe().find("fp32"), std::string::npos) << upscaler.describe();
}

TEST_F(UpscalerTest, TiledEqualsUntiled) {
  const auto image = at::rand({1, 3, 37, 45});
  Upscaler whole(options().tile_size(64));
  ASSERT_EQ(whole.plan(45, 37).size(), 1u);
  Upscaler tiled(options().tile_size(12));
  ASSERT_EQ(tiled.plan(45, 37).size(), 16u);
  const auto a = whole.upscale_rgb(image);
  const auto b = tiled.upscale_rgb(image);
  EXPECT_EQ(b.sizes(), (at::IntArrayRef{1, 3, 148, 180}));
  EXPECT_LT(max_abs_difference(a, b), 1e-5);
}

TEST_F(UpscalerTest, TooLittleOverlapShowsSeams) {
  // The same comparison fails when tiles do not see enough context: the test above can fail.
  const auto image = at::rand({1, 3, 37, 45});
  Upscaler whole(options().tile_size(64));
  Upscaler starved(options().tile_size(12).tile_overlap(1));
  EXPECT_GT(max_abs_difference(whole.upscale_rgb(image), starved.upscale_rgb(image)), 1e-3);
}

TEST_F(UpscalerTest, PlanCoversEveryPixelOnce) {
  Upscaler upscaler(options().tile_size(20));
  for (auto [w, h] : {std::pair<int64_t, int64_t>{101, 53}, {20, 20}, {1, 1}, {41, 7}}) {
    auto covered = at::zeros({h, w}, at::kInt);
    for (const Tile& t : upscaler.plan(w, h)) {
      EXPECT_LE(t.width, 20);
      EXPECT_LE(t.height, 20);
      covered.narrow(0, t.y, t.height).narrow(1, t.x, t.width).add_(1);
      EXPECT_LE(t.read_x, t.x);
      EXPECT_LE(t.read_y, t.y);
      EXPECT_GE(t.read_x, 0);
      EXPECT_LE(t.read_x + t.read_width, w);
      EXPECT_LE(t.read_y + t.read_height, h);
      EXPECT_EQ(t.x - t.read_x, std::min(t.x, upscaler.tile_overlap()));
    }
    EXPECT_TRUE(at::equal(covered, at::ones_like(covered))) << w << "x" << h;
  }
}

TEST_F(UpscalerTest, DefaultTilesFollowTheMemoryBudget) {
  Upscaler small_budget(options().memory_budget_mb(64));
  Upscaler large_budget(options().memory_budget_mb(4096));
  EXPECT_LT(small_budget.tile_size_for(960, 540), large_budget.tile_size_for(960, 540));
  EXPECT_GT(small_budget.plan(960, 540).size(), 1u);
  EXPECT_EQ(large_budget.plan(64, 48).size(), 1u);  // small frames are one tile
}

TEST_F(UpscalerTest, CpuTilesKeepEveryTensorUnderGlibcsThreadHeap) {
  if (!test_device().is_cpu()) GTEST_SKIP() << "glibc's arenas: the CPU's memory";
  // The paper network's last stage: 4 x 8 channels at twice the input's resolution, 128
  // floats (512 bytes) per input pixel: a 960x540 tile would be 253 MiB in one map.
  Upscaler upscaler(options().memory_budget_mb(4096));
  const auto tiles = upscaler.plan(960, 540);
  EXPECT_GT(tiles.size(), 3u);
  for (const Tile& t : tiles) EXPECT_LT(t.read_width * t.read_height * 512, int64_t{64} << 20);
  // A tile size the user chose is kept.
  Upscaler chosen(options().memory_budget_mb(4096).tile_size(960));
  EXPECT_EQ(chosen.plan(960, 540).size(), 1u);
}

TEST_F(UpscalerTest, RgbFrameMatchesThePlainGeneratorQuantised) {
  // Reference computed another way: the plain (unrewritten) generator, mapped and rounded by
  // hand, against the optimised Upscaler with its tiles.
  FrameBuffer in(PixelFormat::kRGB, 21, 13);
  std::mt19937 random(4);
  for (auto& b : in.bytes()) b = static_cast<uint8_t>(random());
  FrameBuffer out(PixelFormat::kRGB, 84, 52);
  Upscaler upscaler(options().tile_size(8));
  upscaler.upscale(in.view(), out.view());

  const auto rgb = frame_to_rgb(in.view(), at::kCPU).rgb;
  torch::NoGradGuard no_grad;
  const auto expected =
      at::round((generator_->forward(rgb * 2 - 1) + 1) / 2 * 255).clamp(0, 255).to(at::kInt)[0];
  const auto actual = frame_to_rgb(out.view(), at::kCPU).rgb;
  const auto actual_codes = at::round(actual[0] * 255).to(at::kInt);
  // Float rounding may move a value across a .5 boundary: never by more than one code.
  EXPECT_LE((actual_codes - expected).abs().max().item<int>(), 1);
  EXPECT_LT((actual_codes != expected).sum().item<int64_t>(), actual_codes.numel() / 100);
}

TEST_F(UpscalerTest, EveryFormatAtOddSizes) {
  Upscaler upscaler(options());
  for (PixelFormat format : all_pixel_formats()) {
    FrameBuffer in(format, 7, 5);
    rgb_to_frame({at::rand({1, 3, 5, 7}), at::full({1, 1, 5, 7}, 0.5)}, in.view());
    FrameBuffer out(format, 28, 20);
    upscaler.upscale(in.view(), out.view());
    // The output decodes to a [1, 3, 20, 28] image with values the network could produce.
    const auto back = frame_to_rgb(out.view(), at::kCPU);
    EXPECT_EQ(back.rgb.sizes(), (at::IntArrayRef{1, 3, 20, 28})) << to_string(format);
  }
}

// Each tile goes straight into its part of the output frame (no whole output frame in float):
// the bytes equal the whole-frame path's (the frame as float RGB, upscale_rgb, one conversion),
// for 4:2:0 at odd sizes, semi-planar, 10-bit and alpha, with many tiles.
TEST_F(UpscalerTest, FramesWrittenTileByTileEqualTheWholeFrameConversion) {
  Upscaler upscaler(UpscalerOptions(options()).tile_size(9));
  for (PixelFormat format : {PixelFormat::kI420, PixelFormat::kNV12, PixelFormat::kP010_10LE,
                             PixelFormat::kRGBA, PixelFormat::kY444}) {
    FrameBuffer in(format, 31, 19);
    rgb_to_frame({at::rand({1, 3, 19, 31}), at::rand({1, 1, 19, 31})}, in.view());
    ASSERT_GT(upscaler.plan(31, 19).size(), 4u);
    FrameBuffer tiled(format, 124, 76), whole(format, 124, 76);
    upscaler.upscale(in.view(), tiled.view());
    const RgbImage image = frame_to_rgb(in.view(), test_device());
    RgbImage result{upscaler.upscale_rgb(image.rgb), at::Tensor()};
    if (image.alpha.defined()) {
      result.alpha = at::upsample_bicubic2d(image.alpha, {76, 124}, false).clamp(0, 1);
    }
    rgb_to_frame(result, whole.view());
    EXPECT_EQ(tiled.bytes(), whole.bytes()) << to_string(format);
  }
}

#if defined(__GLIBC__)
// The second frame reuses the first one's activation memory: 32-channel maps of a 512x640 tile
// (42 MB each, above glibc's largest mmap threshold) come from the heap instead of fresh pages
// per layer. Measured on this frame: 77,000 minor page faults without (SRGAN_HEAP_REUSE=0),
// 10,000 to 41,000 with it (oneDNN's own scratch buffers, the heap's growth and, when earlier
// tests ran in the same process as meson runs them, other threads' arenas remain): the bound
// sits between the two.
TEST(UpscalerMemory, TheNextFrameReusesTheActivationMemory) {
  if (test_device().is_cuda()) GTEST_SKIP() << "CPU memory";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer's allocator replaces glibc's: mallopt has no effect and freed memory waits
  // in quarantine, so every frame faults fresh pages by design there.
  GTEST_SKIP() << "glibc's allocator (this is an AddressSanitizer build)";
#endif
  test::TempDir dir;
  torch::manual_seed(3);
  Generator generator(
      GeneratorOptions().architecture(Architecture::kCompact).blocks(2).channels(32).scale(2));
  generator->eval();
  save_checkpoint(dir.file("c.pt"), *generator, {});
  Upscaler upscaler(UpscalerOptions()
                        .model_path(dir.file("c.pt"))
                        .device("cpu")
                        .precision(Precision::kFp32)
                        .tile_size(640));
  const auto image = at::rand({1, 3, 512, 640});
  upscaler.upscale_rgb(image);  // the first frame grows the heap
  rusage before{}, after{};
  getrusage(RUSAGE_SELF, &before);
  upscaler.upscale_rgb(image);
  getrusage(RUSAGE_SELF, &after);
  const long faults = after.ru_minflt - before.ru_minflt;
  RecordProperty("minor_page_faults", std::to_string(faults));
  EXPECT_LT(faults, 55000) << "activation maps were page-faulted in again";
}
#endif

TEST_F(UpscalerTest, ConstantAlphaIsKept) {
  Upscaler upscaler(options());
  for (PixelFormat format :
       {PixelFormat::kRGBA, PixelFormat::kBGRA, PixelFormat::kARGB, PixelFormat::kABGR}) {
    FrameBuffer in(format, 9, 6);
    rgb_to_frame({at::rand({1, 3, 6, 9}), at::full({1, 1, 6, 9}, 200.0 / 255)}, in.view());
    FrameBuffer out(format, 36, 24);
    upscaler.upscale(in.view(), out.view());
    const auto alpha = frame_to_rgb(out.view(), at::kCPU).alpha;
    ASSERT_TRUE(alpha.defined());
    EXPECT_TRUE(
        at::equal(at::round(alpha * 255).to(at::kInt), at::full({1, 1, 24, 36}, 200, at::kInt)))
        << to_string(format);
  }
}

TEST_F(UpscalerTest, MismatchedFramesAreClearErrors) {
  Upscaler upscaler(options());
  FrameBuffer in(PixelFormat::kI420, 16, 8);
  FrameBuffer wrong_size(PixelFormat::kI420, 32, 16);
  FrameBuffer wrong_format(PixelFormat::kNV12, 64, 32);
  try {
    upscaler.upscale(in.view(), wrong_size.view());
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs I420 64x32, got I420 32x16"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(upscaler.upscale(in.view(), wrong_format.view()), Error);
  EXPECT_THROW(upscaler.upscale_rgb(at::zeros({3, 8, 8})), Error);
}

TEST_F(UpscalerTest, InvalidOptionsSayWhatIsAvailable) {
  auto message_of = [&](const UpscalerOptions& o) -> std::string {
    try {
      Upscaler upscaler(o);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message_of(options().device("tpu")).find("expected auto, cpu, cuda or cuda:N"),
            std::string::npos);
  try {
    precision_from_string("fp64");
    ADD_FAILURE() << "fp64 was parsed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("expected auto, fp32, fp16 or bf16"), std::string::npos);
  }
  EXPECT_NE(message_of(options().tile_size(3)).find("tile size"), std::string::npos);
  EXPECT_NE(message_of(options().model_path(dir_.file("none.pt"))).find("no such file"),
            std::string::npos);
  if (!torch::cuda::is_available()) {
    EXPECT_NE(message_of(options().device("cuda")).find("available devices: cpu"),
              std::string::npos);
    EXPECT_NE(message_of(options().device("cuda:1")).find("no CUDA device is visible"),
              std::string::npos);
    // What is true, not "built without CUDA", when LibTorch has CUDA (#26): here the reason.
    if (at::hasCUDA()) {
      const std::string message = message_of(options().device("cuda"));
      EXPECT_EQ(message.find("without CUDA"), std::string::npos) << message;
      EXPECT_EQ(message.find("has no CUDA"), std::string::npos) << message;
      EXPECT_NE(message.find("auto or cpu runs on the CPU"), std::string::npos) << message;
    }
    const char* saved = std::getenv("CUDA_VISIBLE_DEVICES");
    const std::string before = saved ? saved : "";
    setenv("CUDA_VISIBLE_DEVICES", "", 1);
    const std::string hidden = message_of(options().device("cuda"));
    if (saved) {
      setenv("CUDA_VISIBLE_DEVICES", before.c_str(), 1);
    } else {
      unsetenv("CUDA_VISIBLE_DEVICES");
    }
    if (at::hasCUDA()) {
      EXPECT_NE(hidden.find("CUDA_VISIBLE_DEVICES='' hides every GPU"), std::string::npos)
          << hidden;
    }
  } else {
    EXPECT_NE(message_of(options().device("cuda:99")).find("does not exist"), std::string::npos);
  }
}

TEST_F(UpscalerTest, AutoPrecisionOnTheCpuSaysWhatItChoseAndWhy) {
  Upscaler upscaler(options().device("cpu").precision(Precision::kAuto));
  const std::string& reason = upscaler.precision_reason();
  const std::string chosen = upscaler.dtype() == at::kBFloat16 ? "bf16: " : "fp32: ";
  EXPECT_EQ(reason.rfind(chosen, 0), 0u) << reason;
  EXPECT_NE(upscaler.describe().find("(auto: " + reason + ")"), std::string::npos);
  if (!cpu_bf16_support().any()) {
    EXPECT_EQ(upscaler.dtype(), at::kFloat) << "no bf16 instructions: bf16 would be emulated";
    EXPECT_NE(reason.find("no AMX-BF16 or AVX512-BF16"), std::string::npos) << reason;
  }
  EXPECT_TRUE(
      Upscaler(options().device("cpu").precision(Precision::kFp32)).precision_reason().empty());
}

// The choice itself, with timings made up: no bf16 instructions means fp32 without timing;
// otherwise the measured speed-up decides.
TEST(CpuPrecision, ChoiceFollowsTheInstructionsAndTheMeasurement) {
  int timed = 0;
  auto timer = [&](double fp32_ms, double bf16_ms) {
    return [&timed, fp32_ms, bf16_ms](at::ScalarType t) {
      ++timed;
      return t == at::kBFloat16 ? bf16_ms : fp32_ms;
    };
  };
  auto none = choose_cpu_precision({}, timer(10, 1));
  EXPECT_EQ(none.dtype, at::kFloat);
  EXPECT_EQ(timed, 0);
  EXPECT_EQ(none.reason, "fp32: this CPU has no AMX-BF16 or AVX512-BF16 (bf16 would be emulated)");
  CpuBf16Support amx;
  amx.amx_bf16 = true;
  const auto fast = choose_cpu_precision(amx, timer(30, 10));
  EXPECT_EQ(fast.dtype, at::kBFloat16);
  EXPECT_EQ(fast.reason, "bf16: AMX-BF16, measured 3.00x faster than fp32 on this network");
  CpuBf16Support avx512;
  avx512.avx512_bf16 = true;
  const auto slow = choose_cpu_precision(avx512, timer(10, 9));
  EXPECT_EQ(slow.dtype, at::kFloat);
  EXPECT_NE(slow.reason.find("only 1.11x"), std::string::npos) << slow.reason;
}

TEST_F(UpscalerTest, Bf16IsCloseToFp32) {
  const auto image = at::rand({1, 3, 16, 16});
  Upscaler fp32(options());
  Upscaler bf16(options().precision(Precision::kBf16));
  EXPECT_EQ(bf16.dtype(), at::kBFloat16);
  EXPECT_LT(max_abs_difference(fp32.upscale_rgb(image), bf16.upscale_rgb(image)), 0.05);
}

TEST(UpscalerTorchScript, UpscalesWithAProbedScale) {
  Upscaler upscaler(UpscalerOptions()
                        .model_path(test::fixture("tiny_x4_traced.pt"))
                        .device(test_device().str())
                        .precision(Precision::kFp32)
                        .tile_size(8));
  EXPECT_EQ(upscaler.scale(), 4);
  EXPECT_EQ(upscaler.tile_overlap(), 16);
  FrameBuffer in(PixelFormat::kNV12, 10, 6), out(PixelFormat::kNV12, 40, 24);
  upscaler.upscale(in.view(), out.view());
  // conv3x3 + shuffle: one pixel of context suffices, so tiles must equal the whole image.
  const auto image = at::rand({1, 3, 19, 23});
  Upscaler whole(UpscalerOptions()
                     .model_path(test::fixture("tiny_x4_traced.pt"))
                     .device(test_device().str())
                     .precision(Precision::kFp32));
  EXPECT_LT(max_abs_difference(upscaler.upscale_rgb(image), whole.upscale_rgb(image)), 1e-5);
}

}  // namespace

TEST_F(UpscalerTest, HalfPrecisionOnTheCpuIsRefusedNamingTheAlternatives) {
  std::string message;
  try {
    Upscaler upscaler(options().device("cpu").precision(Precision::kFp16));
  } catch (const Error& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("fp16 is for CUDA GPUs; on the CPU use fp32 (the default) or bf16"),
            std::string::npos)
      << message;
}

TEST_F(UpscalerTest, TilingChangesFromTheNextFrameAndStaysSeamless) {
  Upscaler upscaler(options());
  EXPECT_EQ(upscaler.plan(40, 24).size(), 1u);
  const auto rgb = at::rand({1, 3, 24, 40});
  const auto whole = upscaler.upscale_rgb(rgb);
  upscaler.set_tiling(8, -1);
  EXPECT_EQ(upscaler.plan(40, 24).size(), 5u * 3u);
  EXPECT_LT(max_abs_difference(upscaler.upscale_rgb(rgb), whole), 1e-4);
  EXPECT_THROW(upscaler.set_tiling(7, -1), Error);
  upscaler.set_tiling(0, 2);
  EXPECT_EQ(upscaler.tile_overlap(), 2);
}

// LibTorch's intra-op count is per thread, and a thread that never set one takes the last
// count any thread set. GStreamer pools its streaming threads: one that an element with two
// frames in flight set to one thread (share_cores) streams the next pipeline, whose element
// then ran every frame on one core of two. A frame runs on its upscaler's count, whichever
// thread calls it and whatever that thread ran before.
TEST_F(UpscalerTest, AFrameRunsOnItsUpscalersThreadsWhateverItsThreadRanBefore) {
  if (!test_device().is_cpu()) GTEST_SKIP() << "intra-op threads are the CPU's";
  setenv("OMP_NUM_THREADS", "2", 1);
  Upscaler whole(options());  // both threads on each frame
  Upscaler shared(options());
  const auto rgb = at::rand({1, 3, 6, 8});
  FrameBuffer in(PixelFormat::kI420, 8, 6), out(PixelFormat::kI420, 32, 24);
  rgb_to_frame({rgb, at::Tensor()}, in.view());
  std::thread([&] {
    EXPECT_EQ(shared.share_cores(2), 1);  // this thread now at one
    whole.upscale_rgb(rgb);
    EXPECT_EQ(at::get_num_threads(), 2) << "upscale_rgb after share_cores(2) on this thread";
    shared.upscale(in.view(), out.view());
    EXPECT_EQ(at::get_num_threads(), 1) << "the shared upscaler";
    whole.upscale(in.view(), out.view());
    EXPECT_EQ(at::get_num_threads(), 2) << "upscale after the shared upscaler";
    shared.upscale_rgb(rgb);  // the last count set: one
  }).join();
  std::thread([&] {
    whole.upscale(in.view(), out.view());
    EXPECT_EQ(at::get_num_threads(), 2) << "a new thread";
  }).join();
  unsetenv("OMP_NUM_THREADS");
  configure_intra_op_threads();
}
}  // namespace srgan
