// The host frame writer (one pass per row, core/runtime/src/host_frame_writer.cpp) against the
// tensor-op conversion it replaces on the CPU, which test_color_conversion checks against
// GStreamer's videoconvert.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "frame_conversion.h"
#include "host_frame_writer.h"
#include "pixel_format.h"
#include "srgan/color_conversion.h"
#include "srgan/frame.h"

namespace srgan {
namespace {

// Values on and between the 8-bit and 10-bit code grids, exact halves (ties for the rounding),
// and a few outside [0, 1] (clamped): what a network's output holds, and its edge cases.
at::Tensor test_values(int64_t height, int64_t width, uint64_t seed) {
  at::manual_seed(seed);
  auto values = at::rand({1, 3, height, width}) * 1.2 - 0.1;
  const auto grid = at::randint(0, 256, {1, 3, height, width}).to(at::kFloat) / 255;
  const auto ties = (at::randint(0, 255, {1, 3, height, width}).to(at::kFloat) + 0.5) / 255;
  const auto pick = at::randint(0, 3, {1, 3, height, width});
  values = at::where(pick == 0, grid, at::where(pick == 1, ties, values));
  return values;
}

void fill_random(FrameBuffer& frame, unsigned seed) {
  std::mt19937 random(seed);
  for (auto& b : frame.bytes()) b = static_cast<uint8_t>(random());
}

// Every sample of two buffers of the same layout as code values: the largest difference and
// how many samples differ. Padding and bytes outside the written region count too.
struct Difference {
  int64_t worst = 0, count = 0, samples = 0;
};

Difference compare(const FrameBuffer& a, const FrameBuffer& b, int sample_bytes) {
  Difference d;
  const auto& x = a.bytes();
  const auto& y = b.bytes();
  for (size_t i = 0; i + sample_bytes <= x.size(); i += sample_bytes) {
    int64_t u = x[i], v = y[i];
    if (sample_bytes == 2) u |= int64_t{x[i + 1]} << 8, v |= int64_t{y[i + 1]} << 8;
    d.worst = std::max(d.worst, std::abs(u - v));
    d.count += u != v;
    ++d.samples;
  }
  return d;
}

struct Case {
  PixelFormat format;
  Colorimetry colorimetry;
};

class HostFrameWriter : public ::testing::TestWithParam<Case> {};

// Both ways into the same frame (rows padded, bytes around it random): 8-bit formats byte for
// byte (videoconvert's integer matrix on the same rounded RGB); 10- and 16-bit ones within one
// code value, on at most 1 sample in 1,000: both compute the float matrix in the same order,
// and a one-ulp difference in how ATen's vector code divides could move a value sitting on a
// rounding boundary. Odd sizes (last row and column paired with themselves), one pixel, and a
// region of a larger frame, as the Upscaler writes its tiles.
TEST_P(HostFrameWriter, WritesWhatTheTensorOpsWrite) {
  const auto [format, colorimetry] = GetParam();
  const auto& layout = detail::layout_of(format);
  const int sample_bytes = layout.sample_bytes;
  const bool eight_bit = sample_bytes == 1;
  struct Size {
    int64_t width, height;
    bool region;
  };
  for (const Size size : {Size{67, 35, false}, Size{1, 1, false}, Size{64, 48, true},
                          Size{33, 17, true}, Size{640, 37, false}}) {
    const int64_t frame_w = size.region ? size.width + 6 : size.width;
    const int64_t frame_h = size.region ? size.height + 4 : size.height;
    FrameBuffer by_ops(format, frame_w, frame_h, colorimetry, /*extra_row_padding=*/5);
    fill_random(by_ops, 7);
    FrameBuffer by_rows(format, frame_w, frame_h, colorimetry, 5);
    by_rows.bytes() = by_ops.bytes();
    const auto target = [&](FrameBuffer& frame) {
      return size.region ? frame.view().region(2, 2, size.width, size.height) : frame.view();
    };
    RgbImage image{test_values(size.height, size.width, 3), at::Tensor()};
    if (layout.alpha >= 0) image.alpha = test_values(size.height, size.width, 4).narrow(1, 0, 1);
    ASSERT_TRUE(detail::host_frame_writable(image, target(by_rows)));
    detail::convert_rgb_to_frame_by_tensor_ops(image, target(by_ops));
    detail::write_host_frame(image, target(by_rows));
    const auto d = compare(by_ops, by_rows, sample_bytes);
    const std::string what =
        to_string(format) + " " + std::to_string(size.width) + "x" + std::to_string(size.height);
    if (eight_bit) {
      EXPECT_EQ(d.count, 0) << what << ": " << d.count << " bytes differ, by up to " << d.worst;
    } else {
      EXPECT_LE(d.worst, 1) << what;
      EXPECT_LE(d.count * 1000, d.samples) << what << ": " << d.count << " samples differ";
    }
  }
}

std::vector<Case> cases() {
  std::vector<Case> all;
  for (PixelFormat format : all_pixel_formats()) {
    all.push_back({format, {ColorMatrix::kBT709, ColorRange::kLimited}});
    if (is_yuv(format)) {
      all.push_back({format, {ColorMatrix::kBT601, ColorRange::kLimited}});
      all.push_back({format, {ColorMatrix::kBT2020, ColorRange::kFull}});
    }
  }
  return all;
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, HostFrameWriter, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           const auto& c = info.param.colorimetry;
                           return to_string(info.param.format) + "_" +
                                  std::to_string(static_cast<int>(c.matrix)) +
                                  (c.range == ColorRange::kFull ? "_full" : "_limited");
                         });

TEST(HostFrameWriterInput, StridedTilesAndThreadCountsGiveTheSameBytes) {
  // A tile as the Upscaler hands it over: a view into a larger map, rows not contiguous.
  const auto map = test_values(80, 120, 5);
  const auto tile = map.narrow(2, 10, 50).narrow(3, 20, 70);
  for (PixelFormat format : {PixelFormat::kI420, PixelFormat::kNV12, PixelFormat::kP010_10LE,
                             PixelFormat::kBGRx, PixelFormat::kRGBA64_LE}) {
    FrameBuffer from_view(format, 70, 50), from_copy(format, 70, 50), one_thread(format, 70, 50);
    rgb_to_frame({tile, at::Tensor()}, from_view.view());
    rgb_to_frame({tile.contiguous(), at::Tensor()}, from_copy.view());
    const int threads = at::get_num_threads();
    at::set_num_threads(1);
    rgb_to_frame({tile, at::Tensor()}, one_thread.view());
    at::set_num_threads(threads);
    EXPECT_EQ(from_view.bytes(), from_copy.bytes()) << to_string(format);
    EXPECT_EQ(from_view.bytes(), one_thread.bytes()) << to_string(format);
  }
}

TEST(HostFrameWriterInput, OtherDtypesAndChannelsLastTakeTheirOwnPaths) {
  FrameBuffer frame(PixelFormat::kI420, 8, 8);
  const auto rgb = test_values(8, 8, 6);
  EXPECT_TRUE(detail::host_frame_writable({rgb, at::Tensor()}, frame.view()));
  // Double (a caller's reference image) goes through the tensor ops, which take any dtype.
  EXPECT_FALSE(detail::host_frame_writable({rgb.to(at::kDouble), at::Tensor()}, frame.view()));
  FrameBuffer from_double(PixelFormat::kI420, 8, 8), from_float(PixelFormat::kI420, 8, 8);
  rgb_to_frame({rgb.to(at::kDouble), at::Tensor()}, from_double.view());
  rgb_to_frame({rgb, at::Tensor()}, from_float.view());
  EXPECT_LE(compare(from_double, from_float, 1).worst, 1);
  // Channels-last float (columns not contiguous): copied to rows first, same bytes.
  FrameBuffer channels_last(PixelFormat::kI420, 8, 8);
  rgb_to_frame({rgb.contiguous(at::MemoryFormat::ChannelsLast), at::Tensor()},
               channels_last.view());
  EXPECT_EQ(channels_last.bytes(), from_float.bytes());
}

}  // namespace
}  // namespace srgan
