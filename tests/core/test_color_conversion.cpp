#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>

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
struct VideoconvertCase {
  const char* photo;
  int64_t crop_width, crop_height;
  PixelFormat format;
  Colorimetry colorimetry;
  const char* gst_colorimetry;
};

class MatchesVideoconvert : public ::testing::TestWithParam<VideoconvertCase> {};

TEST_P(MatchesVideoconvert, BitExactAndWithinOneOn999Permille) {
  const std::string launch = SRGAN_GST_LAUNCH;
  const std::string inspect = launch.substr(0, launch.rfind('/') + 1) + "gst-inspect-1.0";
  for (const char* element : {"rawvideoparse", "videoconvert"}) {
    const std::string check = std::string("GST_REGISTRY_1_0=") + SRGAN_GST_REGISTRY + " " +
                              inspect + " --exists " + element;
    if (std::system(check.c_str()) != 0) {
      GTEST_SKIP() << "needs " << element << " (GStreamer element not installed here)";
    }
  }
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
                                       "bt2020"}));
#endif

}  // namespace
}  // namespace srgan
