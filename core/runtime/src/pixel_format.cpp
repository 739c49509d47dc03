#include "pixel_format.h"

#include "srgan/error.h"

namespace srgan {
namespace detail {
namespace {

// name, yuv, planes, sample bytes, bits, shift, channels, r, g, b, a, x, chroma x/y shift,
// u_plane, v_plane, u_off, v_off
constexpr PixelLayout kLayouts[] = {
    {"RGB", false, 1, 1, 8, 0, 3, 0, 1, 2, -1, -1, 0, 0, -1, -1, -1, -1},
    {"BGR", false, 1, 1, 8, 0, 3, 2, 1, 0, -1, -1, 0, 0, -1, -1, -1, -1},
    {"RGBA", false, 1, 1, 8, 0, 4, 0, 1, 2, 3, -1, 0, 0, -1, -1, -1, -1},
    {"BGRA", false, 1, 1, 8, 0, 4, 2, 1, 0, 3, -1, 0, 0, -1, -1, -1, -1},
    {"ARGB", false, 1, 1, 8, 0, 4, 1, 2, 3, 0, -1, 0, 0, -1, -1, -1, -1},
    {"ABGR", false, 1, 1, 8, 0, 4, 3, 2, 1, 0, -1, 0, 0, -1, -1, -1, -1},
    {"RGBx", false, 1, 1, 8, 0, 4, 0, 1, 2, -1, 3, 0, 0, -1, -1, -1, -1},
    {"BGRx", false, 1, 1, 8, 0, 4, 2, 1, 0, -1, 3, 0, 0, -1, -1, -1, -1},
    {"xRGB", false, 1, 1, 8, 0, 4, 1, 2, 3, -1, 0, 0, 0, -1, -1, -1, -1},
    {"xBGR", false, 1, 1, 8, 0, 4, 3, 2, 1, -1, 0, 0, 0, -1, -1, -1, -1},
    {"I420", true, 3, 1, 8, 0, 1, -1, -1, -1, -1, -1, 1, 1, 1, 2, 0, 0},
    {"YV12", true, 3, 1, 8, 0, 1, -1, -1, -1, -1, -1, 1, 1, 2, 1, 0, 0},
    {"NV12", true, 2, 1, 8, 0, 1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 0, 1},
    {"NV21", true, 2, 1, 8, 0, 1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 1, 0},
    {"Y444", true, 3, 1, 8, 0, 1, -1, -1, -1, -1, -1, 0, 0, 1, 2, 0, 0},
    {"GRAY8", true, 1, 1, 8, 0, 1, -1, -1, -1, -1, -1, 0, 0, -1, -1, -1, -1},
    // High bit depth: 16-bit little-endian words.
    {"P010_10LE", true, 2, 2, 10, 6, 1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 0, 1},
    {"P016_LE", true, 2, 2, 16, 0, 1, -1, -1, -1, -1, -1, 1, 1, 1, 1, 0, 1},
    {"I420_10LE", true, 3, 2, 10, 0, 1, -1, -1, -1, -1, -1, 1, 1, 1, 2, 0, 0},
    {"I422_10LE", true, 3, 2, 10, 0, 1, -1, -1, -1, -1, -1, 1, 0, 1, 2, 0, 0},
    {"Y444_10LE", true, 3, 2, 10, 0, 1, -1, -1, -1, -1, -1, 0, 0, 1, 2, 0, 0},
    {"Y444_16LE", true, 3, 2, 16, 0, 1, -1, -1, -1, -1, -1, 0, 0, 1, 2, 0, 0},
    {"GRAY16_LE", true, 1, 2, 16, 0, 1, -1, -1, -1, -1, -1, 0, 0, -1, -1, -1, -1},
    {"RGBA64_LE", false, 1, 2, 16, 0, 4, 0, 1, 2, 3, -1, 0, 0, -1, -1, -1, -1},
    // Appended (PixelFormat's values stay): 8 bits again.
    {"Y42B", true, 3, 1, 8, 0, 1, -1, -1, -1, -1, -1, 1, 0, 1, 2, 0, 0},
    {"ABGR64_LE", false, 1, 2, 16, 0, 4, 3, 2, 1, 0, -1, 0, 0, -1, -1, -1, -1},
};

}  // namespace

const PixelLayout& layout_of(PixelFormat format) { return kLayouts[static_cast<int>(format)]; }

}  // namespace detail

const std::vector<PixelFormat>& all_pixel_formats() {
  static const std::vector<PixelFormat> formats = [] {
    std::vector<PixelFormat> all;
    for (int i = 0; i < static_cast<int>(std::size(detail::kLayouts)); ++i) {
      all.push_back(static_cast<PixelFormat>(i));
    }
    return all;
  }();
  return formats;
}

std::string to_string(PixelFormat format) { return detail::layout_of(format).name; }

PixelFormat pixel_format_from_string(const std::string& name) {
  std::string known;
  for (PixelFormat format : all_pixel_formats()) {
    if (name == to_string(format)) return format;
    known += (known.empty() ? "" : ", ") + to_string(format);
  }
  throw Error("unsupported pixel format '" + name + "' (supported: " + known + ")");
}

bool is_yuv(PixelFormat format) { return detail::layout_of(format).yuv; }

}  // namespace srgan
