#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "srgan/color_conversion.h"
#include "srgan/error.h"
#include "srgan/image_io.h"
#include "test_support.h"

namespace srgan {
namespace {

using test::test_device;

// A smooth, saturated but in-gamut test card: gradients in every channel.
at::Tensor test_card(int64_t height, int64_t width) {
  const auto y = at::linspace(0, 1, height).view({height, 1}).expand({height, width});
  const auto x = at::linspace(0, 1, width).view({1, width}).expand({height, width});
  return at::stack({0.1 + 0.8 * x, 0.15 + 0.7 * y, 0.9 - 0.6 * (x + y) / 2}).unsqueeze(0);
}

int64_t max_byte_difference(const FrameBuffer& a, const FrameBuffer& b) {
  int64_t worst = 0;
  const FrameView& va = a.view();
  const FrameView& vb = b.view();
  for (int p = 0; p < va.plane_count(); ++p) {
    for (int64_t row = 0; row < va.plane_height(p); ++row) {
      for (int64_t i = 0; i < va.min_stride(p); ++i) {
        const int64_t d = std::abs(int64_t{va.planes[p].data[row * va.planes[p].stride + i]} -
                                   int64_t{vb.planes[p].data[row * vb.planes[p].stride + i]});
        worst = std::max(worst, d);
      }
    }
  }
  return worst;
}

void fill_random(FrameBuffer& frame, unsigned seed) {
  std::mt19937 random(seed);
  for (auto& b : frame.bytes()) b = static_cast<uint8_t>(random());
}

struct RoundTripCase {
  PixelFormat format;
  Colorimetry colorimetry;
};

class RoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(RoundTrip, FrameToRgbAndBack) {
  const auto [format, colorimetry] = GetParam();
  for (auto [w, h] : {std::pair<int64_t, int64_t>{32, 24}, {7, 5}, {1, 1}, {33, 17}}) {
    FrameBuffer original(format, w, h, colorimetry);
    if (is_yuv(format)) {
      // A known pattern made in Y'CbCr by writing the test card.
      rgb_to_frame({test_card(h, w), at::Tensor()}, original.view());
    } else {
      fill_random(original, 3);  // every byte value, alpha included
    }
    FrameBuffer back(format, w, h, colorimetry);
    rgb_to_frame(frame_to_rgb(original.view(), test_device()), back.view());
    if (is_yuv(format)) {
      // Limited range comes back within 1 code value. Full range within 2: its chroma steps
      // are finer than an 8-bit RGB step, and videoconvert's integer matrix truncates.
      const int64_t bound = colorimetry.range == ColorRange::kLimited ? 1 : 2;
      EXPECT_LE(max_byte_difference(original, back), bound)
          << to_string(format) << " " << w << "x" << h;
    } else if (format == PixelFormat::kRGBx || format == PixelFormat::kBGRx ||
               format == PixelFormat::kxRGB || format == PixelFormat::kxBGR) {
      // Colour bytes exact; the unused byte is written as 255.
      const int x = (format == PixelFormat::kRGBx || format == PixelFormat::kBGRx) ? 3 : 0;
      for (int64_t row = 0; row < h; ++row) {
        for (int64_t col = 0; col < w; ++col) {
          for (int c = 0; c < 4; ++c) {
            const auto offset = row * original.view().planes[0].stride + col * 4 + c;
            EXPECT_EQ(back.bytes()[offset], c == x ? 255 : original.bytes()[offset]);
          }
        }
      }
    } else {
      EXPECT_EQ(max_byte_difference(original, back), 0) << to_string(format);
    }
  }
}

std::vector<RoundTripCase> round_trip_cases() {
  std::vector<RoundTripCase> cases;
  for (PixelFormat format : all_pixel_formats()) {
    cases.push_back({format, {ColorMatrix::kBT709, ColorRange::kLimited}});
    if (is_yuv(format)) {
      cases.push_back({format, {ColorMatrix::kBT601, ColorRange::kLimited}});
      cases.push_back({format, {ColorMatrix::kBT2020, ColorRange::kLimited}});
      cases.push_back({format, {ColorMatrix::kBT709, ColorRange::kFull}});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, RoundTrip, ::testing::ValuesIn(round_trip_cases()),
                         [](const auto& info) {
                           const auto& c = info.param.colorimetry;
                           return to_string(info.param.format) + "_" +
                                  std::to_string(static_cast<int>(c.matrix)) +
                                  (c.range == ColorRange::kFull ? "_full" : "_limited");
                         });

TEST(ColorConversion, KnownValuesBt601Limited) {
  // Pure red, green, blue, white and black in BT.601 limited range, as videoconvert writes them
  // (gst-launch-1.0 ... ! videoconvert ! video/x-raw,format=Y444,colorimetry=bt601): the ITU
  // values 81/145/41, 240 and 110 come out one lower through its truncating integer matrix.
  FrameBuffer frame(PixelFormat::kY444, 5, 1, {ColorMatrix::kBT601, ColorRange::kLimited});
  const auto rgb = at::tensor({1., 0., 0., 1., 0., 0., 1., 0., 1., 0., 0., 0., 1., 1., 0.})
                       .view({3, 1, 5})
                       .unsqueeze(0);
  rgb_to_frame({rgb, at::Tensor()}, frame.view());
  const auto& v = frame.view();
  const uint8_t expected_y[] = {81, 144, 40, 235, 16};
  const uint8_t expected_u[] = {90, 54, 239, 128, 128};
  const uint8_t expected_v[] = {239, 34, 110, 128, 128};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(v.planes[0].data[i], expected_y[i]) << i;
    EXPECT_EQ(v.planes[1].data[i], expected_u[i]) << i;
    EXPECT_EQ(v.planes[2].data[i], expected_v[i]) << i;
  }
}

TEST(ColorConversion, StridedEqualsPacked) {
  for (PixelFormat format : all_pixel_formats()) {
    FrameBuffer packed(format, 13, 9);
    FrameBuffer strided(format, 13, 9, {}, /*extra_row_padding=*/37);
    fill_random(packed, 9);
    fill_random(strided, 10);  // padding bytes hold garbage
    for (int p = 0; p < packed.view().plane_count(); ++p) {
      for (int64_t row = 0; row < packed.view().plane_height(p); ++row) {
        std::memcpy(strided.view().planes[p].data + row * strided.view().planes[p].stride,
                    packed.view().planes[p].data + row * packed.view().planes[p].stride,
                    packed.view().min_stride(p));
      }
    }
    const auto a = frame_to_rgb(packed.view(), test_device());
    const auto b = frame_to_rgb(strided.view(), test_device());
    EXPECT_TRUE(at::equal(a.rgb, b.rgb)) << to_string(format);
    FrameBuffer out_packed(format, 13, 9), out_strided(format, 13, 9, {}, 37);
    rgb_to_frame(a, out_packed.view());
    rgb_to_frame(a, out_strided.view());
    EXPECT_EQ(max_byte_difference(out_packed, out_strided), 0) << to_string(format);
  }
}

TEST(ColorConversion, PaddingBytesNeverLeakIntoColour) {
  for (PixelFormat format :
       {PixelFormat::kRGBx, PixelFormat::kBGRx, PixelFormat::kxRGB, PixelFormat::kxBGR}) {
    FrameBuffer clean(format, 8, 4), dirty(format, 8, 4);
    fill_random(clean, 1);
    dirty.bytes() = clean.bytes();
    const int x = (format == PixelFormat::kRGBx || format == PixelFormat::kBGRx) ? 3 : 0;
    for (int64_t i = 0; i < 8 * 4; ++i) {
      clean.bytes()[i * 4 + x] = 0;
      dirty.bytes()[i * 4 + x] = static_cast<uint8_t>(i * 37 + 11);
    }
    const auto a = frame_to_rgb(clean.view(), test_device());
    const auto b = frame_to_rgb(dirty.view(), test_device());
    EXPECT_TRUE(at::equal(a.rgb, b.rgb)) << to_string(format);
    EXPECT_FALSE(a.alpha.defined());
  }
}

TEST(ColorConversion, InvalidViewsAreClearErrors) {
  FrameBuffer frame(PixelFormat::kI420, 16, 8);
  FrameView view = frame.view();
  view.planes[1].stride = 4;
  EXPECT_THROW(frame_to_rgb(view, test_device()), Error);
  view = frame.view();
  view.planes[2].data = nullptr;
  EXPECT_THROW(frame_to_rgb(view, test_device()), Error);
  view = frame.view();
  view.planes[2].size = view.min_plane_size(2) - 1;  // the last chroma row is one byte short
  EXPECT_THROW(frame_to_rgb(view, test_device()), Error);
  view.planes[2].size += 1;
  EXPECT_NO_THROW(frame_to_rgb(view, test_device()));
  view = frame.view();
  view.planes[0].stride = int64_t{1} << 40;  // would reach far past any buffer
  EXPECT_THROW(frame_to_rgb(view, test_device()), Error);
  view = frame.view();
  view.width = 0;
  EXPECT_THROW(frame_to_rgb(view, test_device()), Error);
  try {
    rgb_to_frame({at::zeros({1, 3, 4, 4}), at::Tensor()}, frame.view());
    FAIL() << "expected srgan::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("16x8 I420"), std::string::npos) << e.what();
  }
  EXPECT_THROW(pixel_format_from_string("YUY2"), Error);
}

#ifdef SRGAN_GST_LAUNCH
// Our RGB -> 4:2:0 against GStreamer's videoconvert on a real photo, for the same colorimetry.
// The element of rawvideoparse and videoconvert that this GStreamer lacks, or "".
std::string missing_conversion_element() {
  const std::string launch = SRGAN_GST_LAUNCH;
  const std::string inspect = launch.substr(0, launch.rfind('/') + 1) + "gst-inspect-1.0";
  for (const char* element : {"rawvideoparse", "videoconvert"}) {
    const std::string check = std::string("GST_REGISTRY_1_0=") + SRGAN_GST_REGISTRY + " " +
                              inspect + " --exists " + element;
    if (std::system(check.c_str()) != 0) return element;
  }
  return "";
}

struct VideoconvertCase {
  const char* photo;
  int64_t crop_width, crop_height;
  PixelFormat format;
  Colorimetry colorimetry;
  const char* gst_colorimetry;
};

class MatchesVideoconvert : public ::testing::TestWithParam<VideoconvertCase> {};

TEST_P(MatchesVideoconvert, BitExactAndWithinOneOn999Permille) {
  const std::string missing = missing_conversion_element();
  if (!missing.empty())
    GTEST_SKIP() << "needs " << missing << " (GStreamer element not installed here)";
  const auto c = GetParam();
  const auto photo = read_image(test::fixture(c.photo));
  const int64_t h = c.crop_height, w = c.crop_width;
  const auto rgb = photo.index({at::indexing::Slice(), at::indexing::Slice(),
                                at::indexing::Slice(0, h), at::indexing::Slice(0, w)});
  test::TempDir dir;
  FrameBuffer packed(PixelFormat::kRGB, w, h);
  rgb_to_frame({rgb, at::Tensor()}, packed.view());
  // rawvideoparse expects GStreamer's default layout, which FrameBuffer has (rows padded to 4).
  std::ofstream(dir.file("in.rgb"), std::ios::binary)
      .write(reinterpret_cast<const char*>(packed.bytes().data()), packed.bytes().size());
  const std::string command =
      std::string("GST_REGISTRY_1_0=") + SRGAN_GST_REGISTRY + " " + SRGAN_GST_LAUNCH +
      " -q filesrc location=" + dir.file("in.rgb") +
      " ! rawvideoparse format=rgb width=" + std::to_string(w) + " height=" + std::to_string(h) +
      " framerate=1/1 ! videoconvert ! video/x-raw,format=" + to_string(c.format) +
      ",colorimetry=" + c.gst_colorimetry + " ! filesink location=" + dir.file("out.yuv");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(dir.file("out.yuv"), std::ios::binary);
  const std::string theirs((std::istreambuf_iterator<char>(in)), {});

  FrameBuffer ours(c.format, w, h, c.colorimetry);
  rgb_to_frame({rgb, at::Tensor()}, ours.view());
  // videoconvert writes GStreamer's default layout, which FrameBuffer reproduces.
  ASSERT_EQ(theirs.size(), ours.bytes().size());
  int64_t total = 0, off_by_more = 0, worst = 0;
  const FrameView& v = ours.view();
  for (int p = 0; p < v.plane_count(); ++p) {
    const int64_t offset = v.planes[p].data - ours.bytes().data();
    for (int64_t row = 0; row < v.plane_height(p); ++row) {
      for (int64_t i = 0; i < v.min_stride(p); ++i) {
        const int64_t at = offset + row * v.planes[p].stride + i;
        const int64_t d = std::abs(int64_t{ours.bytes()[at]} - int64_t{uint8_t(theirs[at])});
        worst = std::max(worst, d);
        off_by_more += d > 1;
        ++total;
      }
    }
  }
  RecordProperty("worst_difference", std::to_string(worst));
  // Our integer path follows videoconvert's arithmetic: with GStreamer 1.22 it is bit-exact.
  EXPECT_EQ(worst, 0);
  EXPECT_LE(off_by_more * 1000, total)
      << off_by_more << " of " << total << " values differ by more than 1 (worst " << worst << ")";
}

INSTANTIATE_TEST_SUITE_P(
    Photos, MatchesVideoconvert,
    ::testing::Values(VideoconvertCase{"photo-citrus-64x48.png",
                                       64,
                                       48,
                                       PixelFormat::kI420,
                                       {ColorMatrix::kBT601, ColorRange::kLimited},
                                       "bt601"},
                      VideoconvertCase{"photo-citrus-64x48.png",
                                       64,
                                       48,
                                       PixelFormat::kNV12,
                                       {ColorMatrix::kBT709, ColorRange::kLimited},
                                       "bt709"},
                      VideoconvertCase{"photo-boats-96x64.png",
                                       96,
                                       64,
                                       PixelFormat::kI420,
                                       {ColorMatrix::kBT709, ColorRange::kLimited},
                                       "bt709"},
                      VideoconvertCase{"photo-boats-96x64.png",
                                       96,
                                       64,
                                       PixelFormat::kNV12,
                                       {ColorMatrix::kBT601, ColorRange::kLimited},
                                       "bt601"},
                      VideoconvertCase{"photo-citrus-64x48.png",
                                       63,
                                       47,
                                       PixelFormat::kI420,
                                       {ColorMatrix::kBT709, ColorRange::kLimited},
                                       "bt709"},
                      VideoconvertCase{"photo-citrus-64x48.png",
                                       64,
                                       48,
                                       PixelFormat::kI420,
                                       {ColorMatrix::kBT709, ColorRange::kFull},
                                       "1:3:5:1"},
                      VideoconvertCase{"photo-citrus-64x48.png",
                                       64,
                                       48,
                                       PixelFormat::kNV12,
                                       {ColorMatrix::kBT2020, ColorRange::kLimited},
                                       "bt2020"},
                      VideoconvertCase{"photo-boats-96x64.png",
                                       95,
                                       63,
                                       PixelFormat::kY42B,
                                       {ColorMatrix::kBT709, ColorRange::kLimited},
                                       "bt709"}));

// High bit depth against videoconvert, both ways, on a real photo (a 16-bit RGB intermediate
// on GStreamer's side, so that neither direction passes through 8 bits there):
//  - RGB -> FORMAT: our samples against videoconvert's, in code values of the format;
//  - FORMAT -> RGB: our frame_to_rgb against videoconvert's RGBA64_LE, in 1/65535.
// videoconvert works in 16-bit integers and truncates; we compute in floating point and round.
// Chroma is resampled as ours is (see videoconvert() below).
// Stated tolerance: every value within 1/250 of full scale (4 codes at 10 bits) and the mean
// difference within 1/500 (2 codes). Measured with GStreamer 1.22: worst 4 codes (I422_10LE),
// mean at most 1.1 codes at 10 bits; at 16 bits, where videoconvert's matrix has 8-bit
// coefficients, worst 243 of 65535.
struct DeepCase {
  const char* photo;
  int64_t width, height;
  PixelFormat format;
  Colorimetry colorimetry;
  const char* gst_colorimetry;
};

std::string gst_format_nick(PixelFormat format) {  // rawvideoparse's enum: "p010-10le"
  std::string nick = to_string(format);
  for (char& c : nick) c = c == '_' ? '-' : static_cast<char>(std::tolower(c));
  return nick;
}

// The colorimetry of `format`'s side of a conversion: RGB is full-range sRGB (an RGB format
// given a Y'CbCr colorimetry would be read as limited-range RGB).
const char* side_colorimetry(PixelFormat format, const char* yuv) {
  return is_yuv(format) ? yuv : "sRGB";
}

// Runs videoconvert from raw `in` (FORMAT_IN) to FORMAT_OUT, the Y'CbCr side in `colorimetry`;
// returns the bytes.
std::string videoconvert(const test::TempDir& dir, const std::string& in_bytes,
                         PixelFormat format_in, PixelFormat format_out, int64_t w, int64_t h,
                         const char* colorimetry) {
  // Our chroma resampling: the mean of each 2x2 (2x1) block down, as videoconvert's filter for
  // centred (jpeg) siting; repetition up, as videoconvert without its upsampling filter.
  const std::string resampling = is_yuv(format_in) ? "chroma-mode=downsample-only" : "";
  std::ofstream(dir.file("in.raw"), std::ios::binary) << in_bytes;
  const std::string command = std::string("GST_REGISTRY_1_0=") + SRGAN_GST_REGISTRY + " " +
                              SRGAN_GST_LAUNCH + " -q filesrc location=" + dir.file("in.raw") +
                              " ! rawvideoparse format=" + gst_format_nick(format_in) +
                              " width=" + std::to_string(w) + " height=" + std::to_string(h) +
                              " colorimetry=" + side_colorimetry(format_in, colorimetry) +
                              " framerate=1/1 ! videoconvert dither=none " + resampling +
                              " ! video/x-raw,format=" + to_string(format_out) +
                              ",colorimetry=" + side_colorimetry(format_out, colorimetry) +
                              (is_yuv(format_out) ? ",chroma-site=jpeg" : "") +
                              " ! filesink location=" + dir.file("out.raw");
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(dir.file("out.raw"), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Every sample of a frame, as unsigned code values (16-bit words shifted down).
std::vector<int64_t> sample_codes(const FrameBuffer& frame, const uint8_t* bytes, int bits,
                                  int shift, int sample_bytes) {
  std::vector<int64_t> values;
  const FrameView& v = frame.view();
  for (int p = 0; p < v.plane_count(); ++p) {
    const int64_t offset = v.planes[p].data - frame.bytes().data();
    for (int64_t row = 0; row < v.plane_height(p); ++row) {
      for (int64_t i = 0; i < v.min_stride(p); i += sample_bytes) {
        const uint8_t* at = bytes + offset + row * v.planes[p].stride + i;
        const int64_t word = sample_bytes == 2 ? at[0] | (at[1] << 8) : at[0];
        values.push_back((word >> shift) & ((1 << bits) - 1));
      }
    }
  }
  return values;
}

struct Agreement {
  double worst = 0, mean = 0;  // absolute differences, in units of full scale
};

Agreement compare(const std::vector<int64_t>& a, const std::vector<int64_t>& b, double full) {
  Agreement r;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(static_cast<double>(a[i] - b[i])) / full;
    r.worst = std::max(r.worst, d);
    r.mean += d;
  }
  r.mean /= static_cast<double>(a.size());
  return r;
}

class MatchesVideoconvertDeep : public ::testing::TestWithParam<DeepCase> {};

TEST_P(MatchesVideoconvertDeep, BothWaysWithinTheStatedTolerance) {
  const std::string missing = missing_conversion_element();
  if (!missing.empty())
    GTEST_SKIP() << "needs " << missing << " (GStreamer element not installed here)";
  const auto c = GetParam();
  const auto rgb = read_image(test::fixture(c.photo))
                       .index({at::indexing::Slice(), at::indexing::Slice(),
                               at::indexing::Slice(0, c.height), at::indexing::Slice(0, c.width)})
                       .contiguous();
  test::TempDir dir;
  // RGB -> FORMAT, from the same 16-bit RGB on both sides.
  FrameBuffer rgb64(PixelFormat::kRGBA64_LE, c.width, c.height);
  rgb_to_frame({rgb, at::Tensor()}, rgb64.view());
  const std::string rgb64_bytes(rgb64.bytes().begin(), rgb64.bytes().end());
  const std::string theirs = videoconvert(dir, rgb64_bytes, PixelFormat::kRGBA64_LE, c.format,
                                          c.width, c.height, c.gst_colorimetry);
  FrameBuffer ours(c.format, c.width, c.height, c.colorimetry);
  rgb_to_frame({rgb, at::Tensor()}, ours.view());
  ASSERT_EQ(theirs.size(), ours.bytes().size()) << "layouts differ";
  const bool deep8 = c.format == PixelFormat::kRGBA64_LE || c.format == PixelFormat::kY444_16LE ||
                     c.format == PixelFormat::kP016_LE || c.format == PixelFormat::kGRAY16_LE;
  const int bits = deep8 ? 16 : 10, shift = c.format == PixelFormat::kP010_10LE ? 6 : 0;
  const double full = (1 << bits) - 1;
  const auto forward = compare(
      sample_codes(ours, ours.bytes().data(), bits, shift, 2),
      sample_codes(ours, reinterpret_cast<const uint8_t*>(theirs.data()), bits, shift, 2), full);
  RecordProperty("to_format_worst_codes", std::to_string(forward.worst * full));
  RecordProperty("to_format_mean_codes", std::to_string(forward.mean * full));
  EXPECT_LE(forward.worst, 1.0 / 250)
      << to_string(c.format) << ": worst " << forward.worst * full << " codes";
  EXPECT_LE(forward.mean, 1.0 / 500) << to_string(c.format) << ": mean " << forward.mean * full;

  // FORMAT -> RGB, from videoconvert's own samples of that format.
  FrameBuffer input(c.format, c.width, c.height, c.colorimetry);
  std::memcpy(input.bytes().data(), theirs.data(), theirs.size());
  const auto rgb_theirs = videoconvert(dir, theirs, c.format, PixelFormat::kRGBA64_LE, c.width,
                                       c.height, c.gst_colorimetry);
  FrameBuffer rgb_ours(PixelFormat::kRGBA64_LE, c.width, c.height);
  rgb_to_frame(frame_to_rgb(input.view(), at::kCPU), rgb_ours.view());
  ASSERT_EQ(rgb_theirs.size(), rgb_ours.bytes().size());
  const auto backward = compare(
      sample_codes(rgb_ours, rgb_ours.bytes().data(), 16, 0, 2),
      sample_codes(rgb_ours, reinterpret_cast<const uint8_t*>(rgb_theirs.data()), 16, 0, 2), 65535);
  RecordProperty("to_rgb_worst_16bit", std::to_string(backward.worst * 65535));
  EXPECT_LE(backward.worst, 1.0 / 250)
      << to_string(c.format) << ": worst " << backward.worst * 65535 << " / 65535";
  EXPECT_LE(backward.mean, 1.0 / 500) << to_string(c.format) << ": mean " << backward.mean * 65535;
}

INSTANTIATE_TEST_SUITE_P(HighBitDepth, MatchesVideoconvertDeep,
                         ::testing::Values(DeepCase{"photo-citrus-64x48.png",
                                                    64,
                                                    48,
                                                    PixelFormat::kP010_10LE,
                                                    {ColorMatrix::kBT2020, ColorRange::kLimited},
                                                    "bt2020"},
                                           DeepCase{"photo-boats-96x64.png",
                                                    96,
                                                    64,
                                                    PixelFormat::kP016_LE,
                                                    {ColorMatrix::kBT709, ColorRange::kLimited},
                                                    "bt709"},
                                           DeepCase{"photo-citrus-64x48.png",
                                                    63,
                                                    47,
                                                    PixelFormat::kI420_10LE,
                                                    {ColorMatrix::kBT601, ColorRange::kLimited},
                                                    "bt601"},
                                           DeepCase{"photo-boats-96x64.png",
                                                    95,
                                                    63,
                                                    PixelFormat::kI422_10LE,
                                                    {ColorMatrix::kBT709, ColorRange::kLimited},
                                                    "bt709"},
                                           DeepCase{"photo-citrus-64x48.png",
                                                    64,
                                                    48,
                                                    PixelFormat::kY444_10LE,
                                                    {ColorMatrix::kBT2020, ColorRange::kLimited},
                                                    "bt2020"},
                                           DeepCase{"photo-boats-96x64.png",
                                                    96,
                                                    64,
                                                    PixelFormat::kY444_16LE,
                                                    {ColorMatrix::kBT709, ColorRange::kFull},
                                                    "1:3:5:1"},
                                           DeepCase{"photo-citrus-64x48.png",
                                                    64,
                                                    48,
                                                    PixelFormat::kGRAY16_LE,
                                                    {ColorMatrix::kBT601, ColorRange::kLimited},
                                                    "bt601"},
                                           DeepCase{"photo-boats-96x64.png",
                                                    96,
                                                    64,
                                                    PixelFormat::kRGBA64_LE,
                                                    {ColorMatrix::kBT709, ColorRange::kLimited},
                                                    "sRGB"},
                                           DeepCase{"photo-citrus-64x48.png",
                                                    63,
                                                    47,
                                                    PixelFormat::kABGR64_LE,
                                                    {ColorMatrix::kBT709, ColorRange::kLimited},
                                                    "sRGB"}),
                         [](const auto& info) { return to_string(info.param.format); });
#endif

}  // namespace
}  // namespace srgan
