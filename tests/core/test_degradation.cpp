// Degradations: each stage against a reference made another way (libjpeg-turbo's own tools, a
// direct summation, the codec's size order), the chain's grammar and determinism, the codec
// cache's reuse and rebuild, and training data from a clip.

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "srgan/degradation.h"
#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/jpeg_codec.h"
#include "srgan/training_data.h"
#include "srgan/video_codec.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::fixture;
using test::TempDir;

at::Tensor photo_bytes() {  // [3, 64, 96] uint8: a real photo
  return at::round(read_image(fixture("photo-boats-96x64.png"))[0] * 255).to(at::kByte);
}

double psnr_of(const at::Tensor& a, const at::Tensor& b) {
  const double mse = (a.to(at::kDouble) - b.to(at::kDouble)).pow(2).mean().item<double>();
  return 10 * std::log10(255.0 * 255.0 / mse);
}

std::string run(const std::string& command) {
  return std::system(command.c_str()) == 0 ? "" : "failed: " + command;
}

// Binary PPM (P6), as cjpeg reads and djpeg writes.
void write_ppm(const std::string& path, const at::Tensor& rgb) {
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << rgb.size(2) << " " << rgb.size(1) << "\n255\n";
  const auto packed = rgb.permute({1, 2, 0}).contiguous();
  out.write(reinterpret_cast<const char*>(packed.data_ptr<uint8_t>()), packed.numel());
}

at::Tensor read_ppm(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int64_t w = 0, h = 0, max = 0;
  in >> magic >> w >> h >> max;
  in.get();
  std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(magic, "P6");
  EXPECT_EQ(static_cast<int64_t>(data.size()), w * h * 3);
  return at::from_blob(data.data(), {h, w, 3}, at::kByte).permute({2, 0, 1}).clone();
}

// x264, x265 and VP9, those this machine can run; each missing one named on stdout.
std::vector<VideoCodec> codecs_here() {
  std::vector<VideoCodec> here;
  for (VideoCodec codec : {VideoCodec::kH264, VideoCodec::kH265, VideoCodec::kVp9}) {
    const std::string missing = codec_unavailable_reason(codec);
    if (missing.empty()) {
      here.push_back(codec);
    } else {
      std::printf("skipping %s: %s\n", to_string(codec).c_str(), missing.c_str());
    }
  }
  return here;
}

TEST(JpegRoundTrip, DecodesToTheBytesOfLibjpegTurbosOwnTools) {
  if (std::system("command -v cjpeg >/dev/null && command -v djpeg >/dev/null") != 0)
    GTEST_SKIP() << "needs cjpeg and djpeg (Debian package libjpeg-turbo-progs)";
  TempDir dir;
  const auto rgb = photo_bytes();
  write_ppm(dir.file("in.ppm"), rgb);
  for (int quality : {30, 75, 95}) {
    const std::string jpg = dir.file("q" + std::to_string(quality) + ".jpg");
    const std::string out = dir.file("q" + std::to_string(quality) + ".ppm");
    ASSERT_EQ(run("cjpeg -quality " + std::to_string(quality) + " -outfile " + jpg + " " +
                  dir.file("in.ppm")),
              "");
    ASSERT_EQ(run("djpeg -ppm -outfile " + out + " " + jpg), "");
    int64_t bytes = 0;
    const auto ours = jpeg_round_trip(rgb, quality, &bytes);
    EXPECT_TRUE(at::equal(ours, read_ppm(out))) << "quality " << quality;
    std::ifstream file(jpg, std::ios::binary | std::ios::ate);
    EXPECT_EQ(bytes, static_cast<int64_t>(file.tellg())) << "quality " << quality;
  }
  EXPECT_THROW(jpeg_round_trip(rgb, 0), Error);
  EXPECT_THROW(jpeg_round_trip(rgb, 101), Error);
}

TEST(CodecRoundTrip, X264OutputHasTheCrfsSizeOrder) {
  const std::string missing = codec_unavailable_reason(VideoCodec::kH264);
  if (!missing.empty()) GTEST_SKIP() << missing;
  const auto rgb = photo_bytes();
  int64_t previous_bytes = std::numeric_limits<int64_t>::max();
  double previous_psnr = 1e9;
  for (int crf : {18, 23, 28, 35}) {
    CodecRoundTrip::Settings s;
    s.codec = VideoCodec::kH264, s.crf = crf, s.width = 96, s.height = 64;
    int64_t bytes = 0;
    const auto out = encode_and_decode({rgb}, s, &bytes);
    ASSERT_EQ(out.size(), 1u);
    ASSERT_EQ(out[0].sizes(), rgb.sizes());
    const double quality = psnr_of(out[0], rgb);
    EXPECT_LT(bytes, previous_bytes) << "CRF " << crf;
    EXPECT_LT(quality, previous_psnr) << "CRF " << crf;
    // A real encoder: far smaller than the 18,432 raw bytes, close to the photo, not equal.
    EXPECT_LT(bytes, 96 * 64 * 3 / 4);
    EXPECT_GT(quality, 25);
    EXPECT_LT(quality, 60);
    previous_bytes = bytes, previous_psnr = quality;
  }
}

TEST(CodecRoundTrip, EveryCodecStreamsEveryFrameBackInOrder) {
  // Five frames of a pan across the photo: one stream with P (and B) frames.
  const auto rgb = photo_bytes();
  std::vector<at::Tensor> frames;
  for (int64_t t = 0; t < 5; ++t) frames.push_back(rgb.slice(2, 2 * t, 2 * t + 80).contiguous());
  for (VideoCodec codec : codecs_here()) {
    CodecRoundTrip::Settings s;
    s.codec = codec, s.crf = 20, s.width = 80, s.height = 64;
    int64_t bytes = 0;
    const auto out = encode_and_decode(frames, s, &bytes);
    ASSERT_EQ(out.size(), frames.size()) << to_string(codec);
    for (size_t t = 0; t < frames.size(); ++t) {
      // Each frame is closest to its own source: none dropped, none reordered.
      const double own = psnr_of(out[t], frames[t]);
      EXPECT_GT(own, 28) << to_string(codec) << " frame " << t;
      if (t > 0) {
        EXPECT_GT(own, psnr_of(out[t], frames[t - 1]) + 3) << to_string(codec);
      }
    }
    EXPECT_GT(bytes, 0);
    EXPECT_LT(bytes, 80 * 64 * 3 * 5 / 8) << to_string(codec);
  }
  CodecRoundTrip::Settings odd;
  odd.width = 81, odd.height = 64;
  EXPECT_THROW(CodecRoundTrip{odd}, Error);
}

// A codec changes detail, not levels: grey steps from black to white (flat 16 x 16 patches,
// which every codec keeps at a low CRF) come back within a level of what went in, per patch, and
// the photo's mean per channel within half a level. GStreamer 1.22's videoconvert made grey 128
// 126 and white 253 on its way back to RGB (2 levels dark on average), which the round trip
// no longer uses.
TEST(CodecRoundTrip, KeepsTheLevels) {
  auto steps = at::empty({3, 32, 128}, at::kByte);
  for (int64_t i = 0; i < 8; ++i) {
    steps.slice(2, 16 * i, 16 * (i + 1)).fill_(static_cast<int>(i * 255 / 7));
  }
  const auto photo = photo_bytes();
  for (VideoCodec codec : codecs_here()) {
    CodecRoundTrip::Settings s;
    s.codec = codec, s.crf = 10, s.width = 128, s.height = 32;
    const auto grey = encode_and_decode({steps}, s).at(0).to(at::kDouble);
    for (int64_t i = 0; i < 8; ++i) {
      const auto patch = grey.slice(1, 4, 28).slice(2, 16 * i + 4, 16 * i + 12);
      EXPECT_NEAR(patch.mean().item<double>(), static_cast<double>(i * 255 / 7), 1.0)
          << to_string(codec) << ", grey " << i * 255 / 7;
    }
    s.width = 96, s.height = 64, s.crf = 18;
    const auto out = encode_and_decode({photo}, s).at(0).to(at::kDouble);
    const auto shift = out.mean({1, 2}) - photo.to(at::kDouble).mean({1, 2});
    EXPECT_LT(shift.abs().max().item<double>(), 0.5)
        << to_string(codec) << ": channel means moved by " << shift;
  }
}

TEST(DegradationSpec, ParsesTheGrammarAndWritesItBack) {
  const auto spec = DegradationSpec::parse(
      "blur:0.2-1.5@0.3,downscale:bicubic/area,noise:2@0.5,poisson,jpeg:40-95@0.4,"
      "h264:18-32@0.3,vp9:30@0.2");
  ASSERT_EQ(spec.stages.size(), 7u);
  EXPECT_EQ(spec.str(),
            "blur:0.2-1.5@0.3,downscale:bicubic/area,noise:2@0.5,poisson:0.05-1,jpeg:40-95@0.4,"
            "h264:18-32@0.3,vp9:30@0.2");
  EXPECT_EQ(DegradationSpec::parse(spec.str()).str(), spec.str());
  EXPECT_NEAR(spec.codec_share(), 0.5, 1e-12);
  EXPECT_TRUE(DegradationSpec::parse("none").empty());
  EXPECT_EQ(DegradationSpec::parse("h264:23").str(), "h264:23");
  EXPECT_EQ(DegradationSpec::parse("downscale").str(), "downscale:bicubic/bilinear/area/lanczos");
}

TEST(DegradationSpec, RefusesWhatItCannotRunInOneLine) {
  const std::pair<const char*, const char*> bad[] = {
      {"sharpen:2", "unknown stage 'sharpen'"},
      {"jpeg:0-80", "whole numbers from 1 to 100"},
      {"jpeg:75.5", "whole numbers"},
      {"h264:60", "from 0 to 51"},
      {"noise:5-2", "(a value or LOW-HIGH)"},
      {"noise:x", "is not a number"},
      {"jpeg:75@1.5", "must be in (0, 1]"},
      {"h264:23,jpeg:75", "codecs come last"},
      {"h264:23@0.7,vp9:30@0.5", "add up to 1.2"},
      {"downscale:area,downscale:bicubic", "more than one downscale"},
      {"downscale:cubic", "unknown kernel 'cubic'"},
      {"jpeg:75,,noise:2", "an empty stage"},
      {"none,jpeg:75", "'none' stands alone"},
  };
  for (const auto& [text, expected] : bad) {
    try {
      DegradationSpec::parse(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find(expected), std::string::npos) << text << ": " << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
  }
}

at::Tensor photo() { return read_image(fixture("photo-boats-96x64.png")); }

TEST(Degradation, TheChainIsAFunctionOfItsSeed) {
  const Degradation chain(
      DegradationSpec::parse("blur:0.5-2@0.5,downscale,noise:1-8@0.5,poisson:0.1-1@0.5,"
                             "jpeg:30-90@0.5"),
      2);
  const auto hr = photo();
  const auto once = [&](uint64_t seed) {
    std::mt19937_64 random(seed);
    return chain.degrade_image(hr, random);
  };
  const auto a = once(7), b = once(7);
  EXPECT_TRUE(at::equal(a, b));
  ASSERT_EQ(a.sizes(), (std::vector<int64_t>{1, 3, 32, 48}));
  int differing = 0;
  for (uint64_t seed = 8; seed < 12; ++seed) differing += !at::equal(once(seed), a);
  EXPECT_GE(differing, 3);
  // Degraded LR is 8-bit.
  EXPECT_TRUE(at::equal(a, at::round(a * 255) / 255));
}

TEST(Degradation, NoneIsTheAntialiasedBicubicDownscale) {
  const Degradation none(DegradationSpec::parse("none"), 2);
  std::mt19937_64 random(1);
  const auto hr = photo();
  EXPECT_TRUE(at::equal(none.degrade_image(hr, random), downscale_bicubic(hr, 2)));
}

// A Gaussian blur summed directly in double, with reflected edges, for one output sample.
double blurred_at(const at::Tensor& image, int64_t c, int64_t y, int64_t x, double sx, double sy,
                  double angle) {
  const int64_t r = static_cast<int64_t>(std::ceil(3 * std::max(sx, sy)));
  const int64_t h = image.size(2), w = image.size(3);
  const auto reflect = [](int64_t i, int64_t n) {
    return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i);
  };
  double sum = 0, weights = 0;
  for (int64_t dy = -r; dy <= r; ++dy) {
    for (int64_t dx = -r; dx <= r; ++dx) {
      // Rotate the offset into the kernel's axes.
      const double u = std::cos(angle) * dx + std::sin(angle) * dy;
      const double v = -std::sin(angle) * dx + std::cos(angle) * dy;
      const double k = std::exp(-0.5 * (u * u / (sx * sx) + v * v / (sy * sy)));
      sum += k * image[0][c][reflect(y + dy, h)][reflect(x + dx, w)].item<double>();
      weights += k;
    }
  }
  return sum / weights;
}

TEST(Degradation, BlurIsTheGaussianSummedDirectly) {
  const auto hr = photo();
  for (const auto& [sx, sy, angle] :
       std::vector<std::tuple<double, double, double>>{{1.2, 1.2, 0.0}, {2.0, 0.6, 0.7}}) {
    DegradationDraw draw;
    DegradationDraw::Step blur{DegradationStage::Kind::kBlur};
    blur.value = sx, blur.sigma_y = sy, blur.angle = angle;
    // Blur at the LR size (after the downscale): the output is the blurred LR itself.
    draw.steps = {{DegradationStage::Kind::kDownscale}, blur};
    const Degradation chain(DegradationSpec::parse("downscale:bicubic,blur:1"), 2);
    std::mt19937_64 random(1);
    const auto lr = downscale_bicubic(hr, 2);
    const auto out = chain.apply(hr, draw, random);
    for (const auto& [y, x] :
         std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {16, 20}, {31, 47}, {5, 40}}) {
      for (int64_t c = 0; c < 3; ++c) {
        // The output is rounded to 8 bits: half a code value.
        EXPECT_NEAR(out[0][c][y][x].item<double>(), blurred_at(lr, c, y, x, sx, sy, angle),
                    0.5 / 255 + 1e-6)
            << sx << " " << sy << " at " << y << "," << x;
      }
    }
  }
}

TEST(Degradation, DownscaleKernelsMatchTheirDefinitions) {
  const auto hr = photo();
  // Area: the mean of each 2x2 block.
  const auto area = downscale(hr, 2, ResizeKernel::kArea);
  EXPECT_LT((area - hr.view({1, 3, 32, 2, 48, 2}).mean({3, 5})).abs().max().item<double>(), 1e-6);
  // Lanczos-3 at x2: a 12-tap kernel stretched by 2, summed directly at a few samples.
  const auto lanczos = downscale(hr, 2, ResizeKernel::kLanczos);
  const auto l3 = [](double t) {
    if (t == 0) return 1.0;
    if (std::abs(t) >= 3) return 0.0;
    return 3 * std::sin(M_PI * t) * std::sin(M_PI * t / 3) / (M_PI * M_PI * t * t);
  };
  for (const auto& [y, x] : std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {10, 17}, {31, 47}}) {
    double sum = 0, weights = 0;
    for (int64_t j = 2 * y - 6; j <= 2 * y + 7; ++j) {
      for (int64_t i = 2 * x - 6; i <= 2 * x + 7; ++i) {
        const double k = l3((2 * y + 0.5 - j) / 2) * l3((2 * x + 0.5 - i) / 2);
        sum +=
            k *
            hr[0][1][std::clamp<int64_t>(j, 0, 63)][std::clamp<int64_t>(i, 0, 95)].item<double>();
        weights += k;
      }
    }
    EXPECT_NEAR(lanczos[0][1][y][x].item<double>(), std::clamp(sum / weights, 0.0, 1.0), 1e-5);
  }
  for (ResizeKernel k : {ResizeKernel::kBicubic, ResizeKernel::kBilinear}) {
    const auto out = downscale(hr, 2, k);
    ASSERT_EQ(out.sizes(), (std::vector<int64_t>{1, 3, 32, 48}));
    EXPECT_GT(psnr_of(out * 255, area * 255), 30) << to_string(k);  // the same picture
  }
}

TEST(Degradation, NoiseHasItsSigmaAndGreyNoiseIsTheSameInEveryChannel) {
  const auto grey = at::full({1, 3, 128, 128}, 0.5);
  const Degradation chain(DegradationSpec::parse("downscale:area,noise:6"), 1);
  int seen_grey = 0, seen_colour = 0;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    std::mt19937_64 random(seed);
    const auto draw = chain.draw(random);
    const auto noise = (chain.apply(grey, draw, random) - grey) * 255;
    // sigma 6, measured on 49,152 samples (and rounded to whole codes: +1/12 variance).
    EXPECT_NEAR(noise.std().item<double>(), std::sqrt(36 + 1.0 / 12), 0.25);
    const bool same = at::equal(noise[0][0], noise[0][1]) && at::equal(noise[0][1], noise[0][2]);
    EXPECT_EQ(same, draw.steps.back().grey);
    (same ? seen_grey : seen_colour)++;
  }
  EXPECT_GT(seen_grey, 0);
  EXPECT_GT(seen_colour, 0);
}

TEST(Degradation, PoissonNoiseGrowsWithTheSignal) {
  const Degradation chain(DegradationSpec::parse("downscale:area,poisson:1"), 1);
  std::mt19937_64 random(3);
  auto draw = chain.draw(random);
  draw.steps.back().grey = false;
  const auto dark = at::full({1, 3, 128, 128}, 16.0 / 255),
             bright = at::full({1, 3, 128, 128}, 200.0 / 255);
  const double dark_sd = ((chain.apply(dark, draw, random) - dark) * 255).std().item<double>();
  const double bright_sd =
      ((chain.apply(bright, draw, random) - bright) * 255).std().item<double>();
  // Shot noise of N counts has sigma sqrt(N): 4 and 14.1 codes.
  EXPECT_NEAR(dark_sd, 4.0, 0.4);
  EXPECT_NEAR(bright_sd, std::sqrt(200.0), 0.6);
}

TEST(Degradation, ACodecStageEncodesTheLr) {
  const std::string missing = codec_unavailable_reason(VideoCodec::kH264);
  if (!missing.empty()) GTEST_SKIP() << missing;
  const Degradation chain(DegradationSpec::parse("h264:30"), 2);
  EXPECT_EQ(chain.size_multiple(), 4);
  std::mt19937_64 random(1);
  const auto hr = photo();
  const auto lr = chain.degrade_image(hr, random);
  const auto clean = downscale_bicubic(hr, 2);
  ASSERT_EQ(lr.sizes(), clean.sizes());
  const double quality = psnr_of(lr * 255, clean * 255);
  EXPECT_GT(quality, 25);
  EXPECT_LT(quality, 45);  // really compressed
}

TrainingDataOptions codec_data(const std::string& data, const std::string& cache,
                               const std::string& spec) {
  return TrainingDataOptions()
      .hr_dir(data)
      .scale(2)
      .lr_crop(12)
      .batch_size(4)
      .degradation(spec)
      .cache_dir(cache)
      .cache_versions(2);
}

TEST(TrainingData, TheCodecCacheIsReusedAndRebuiltWhenTheChainChanges) {
  if (!codec_unavailable_reason(VideoCodec::kH264).empty()) GTEST_SKIP() << "needs x264enc";
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "photos");
  std::filesystem::copy(fixture("photo-boats-96x64.png"), dir.path() / "photos");
  std::filesystem::copy(fixture("photo-citrus-64x48.png"), dir.path() / "photos");
  std::vector<std::string> messages;
  const auto info = [&](const std::string& m) { messages.push_back(m); };
  const auto warn = [](const std::string& m) { ADD_FAILURE() << m; };
  const auto cache = dir.file("cache");
  const auto build = [&](const std::string& spec) {
    messages.clear();
    return TrainingData(codec_data(dir.file("photos"), cache, spec), warn, info).batch(3);
  };
  const auto first = build("jpeg:60@0.5,h264:26@0.5");
  ASSERT_FALSE(messages.empty());
  EXPECT_NE(messages.back().find("4 encoded LR images in"), std::string::npos) << messages.back();
  const auto again = build("jpeg:60@0.5,h264:26@0.5");
  EXPECT_NE(messages.back().find("4 encoded LR images reused"), std::string::npos)
      << messages.back();
  EXPECT_TRUE(at::equal(first.lr, again.lr));
  EXPECT_TRUE(at::equal(first.hr, again.hr));
  ASSERT_EQ(first.lr.sizes(), (std::vector<int64_t>{4, 3, 12, 12}));
  build("jpeg:60@0.5,h264:34@0.5");
  EXPECT_NE(messages.back().find("encoded LR images in"), std::string::npos) << messages.back();
}

TEST(TrainingData, AClipGivesFramesAtTheRateAsked) {
  if (!codec_unavailable_reason(VideoCodec::kH264).empty()) GTEST_SKIP() << "needs GStreamer";
  TempDir dir;
  const auto clip = fixture("clip-1s-64x36.webm");  // 1 s at 24 frames/s
  const auto warn = [](const std::string& m) { ADD_FAILURE() << m; };
  TrainingData four(
      TrainingDataOptions().hr_dir(clip).scale(2).lr_crop(8).batch_size(2).video_fps(4), warn);
  EXPECT_EQ(four.describe(), "4 frames of 1 clip");
  TrainingData all(
      TrainingDataOptions().hr_dir(clip).scale(2).lr_crop(8).batch_size(2).video_fps(100), warn);
  EXPECT_EQ(all.describe(), "24 frames of 1 clip");
  // Through a codec, the clip is one stream; its kept frames are in the cache.
  TrainingData coded(codec_data(clip, dir.file("cache"), "h264:28").lr_crop(8).video_fps(4), warn,
                     [](const std::string&) {});
  const auto batch = coded.batch(0);
  EXPECT_EQ(batch.lr.sizes(), (std::vector<int64_t>{4, 3, 8, 8}));
  EXPECT_EQ(batch.hr.sizes(), (std::vector<int64_t>{4, 3, 16, 16}));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("cache")),
                          std::filesystem::directory_iterator()),
            4 * 2 + 1);  // 4 frames x 2 versions, and the key
}

TEST(TrainingData, ADegradationDoesNotGoWithPairedData) {
  TempDir dir;
  EXPECT_THROW(
      TrainingData(
          TrainingDataOptions().hr_dir(fixture("")).lr_dir(fixture("")).degradation("jpeg:75"),
          [](const std::string&) {}),
      Error);
}

}  // namespace
}  // namespace srgan
