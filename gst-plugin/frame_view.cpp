/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frame_view.h"

namespace srgan::gst {
namespace {

struct FormatPair {
  GstVideoFormat gst;
  PixelFormat core;
};

constexpr FormatPair kFormats[] = {
    {GST_VIDEO_FORMAT_RGB, PixelFormat::kRGB},
    {GST_VIDEO_FORMAT_BGR, PixelFormat::kBGR},
    {GST_VIDEO_FORMAT_RGBA, PixelFormat::kRGBA},
    {GST_VIDEO_FORMAT_BGRA, PixelFormat::kBGRA},
    {GST_VIDEO_FORMAT_ARGB, PixelFormat::kARGB},
    {GST_VIDEO_FORMAT_ABGR, PixelFormat::kABGR},
    {GST_VIDEO_FORMAT_RGBx, PixelFormat::kRGBx},
    {GST_VIDEO_FORMAT_BGRx, PixelFormat::kBGRx},
    {GST_VIDEO_FORMAT_xRGB, PixelFormat::kxRGB},
    {GST_VIDEO_FORMAT_xBGR, PixelFormat::kxBGR},
    {GST_VIDEO_FORMAT_I420, PixelFormat::kI420},
    {GST_VIDEO_FORMAT_YV12, PixelFormat::kYV12},
    {GST_VIDEO_FORMAT_NV12, PixelFormat::kNV12},
    {GST_VIDEO_FORMAT_NV21, PixelFormat::kNV21},
    {GST_VIDEO_FORMAT_Y444, PixelFormat::kY444},
    {GST_VIDEO_FORMAT_Y42B, PixelFormat::kY42B},
    {GST_VIDEO_FORMAT_GRAY8, PixelFormat::kGRAY8},
    // High bit depth (HEVC Main10, AV1 10-bit decoders; 16-bit intermediates).
    {GST_VIDEO_FORMAT_P010_10LE, PixelFormat::kP010_10LE},
    {GST_VIDEO_FORMAT_P016_LE, PixelFormat::kP016_LE},
    {GST_VIDEO_FORMAT_I420_10LE, PixelFormat::kI420_10LE},
    {GST_VIDEO_FORMAT_I422_10LE, PixelFormat::kI422_10LE},
    {GST_VIDEO_FORMAT_Y444_10LE, PixelFormat::kY444_10LE},
    {GST_VIDEO_FORMAT_Y444_16LE, PixelFormat::kY444_16LE},
    {GST_VIDEO_FORMAT_GRAY16_LE, PixelFormat::kGRAY16_LE},
    {GST_VIDEO_FORMAT_RGBA64_LE, PixelFormat::kRGBA64_LE},
    {GST_VIDEO_FORMAT_ABGR64_LE, PixelFormat::kABGR64_LE},
};

// Bytes from `data` to the end of the mapped memory it lies in: the whole buffer when it was
// mapped in one piece, or the plane's own memory when a GstVideoMeta mapped planes one by one.
int64_t bytes_from(const GstVideoFrame* frame, const guint8* data) {
  for (const GstMapInfo& map : frame->map) {
    if (map.data != nullptr && data >= map.data && data < map.data + map.size) {
      return static_cast<int64_t>(map.data + map.size - data);
    }
  }
  return 0;  // outside every mapping: FrameView::validate() refuses it
}

}  // namespace

std::optional<PixelFormat> pixel_format_of(GstVideoFormat format) {
  for (const auto& pair : kFormats) {
    if (pair.gst == format) return pair.core;
  }
  return std::nullopt;
}

Colorimetry colorimetry_of(const GstVideoInfo* info) {
  const GstVideoColorimetry& c = GST_VIDEO_INFO_COLORIMETRY(info);
  Colorimetry result;
  const bool hd = GST_VIDEO_INFO_HEIGHT(info) > 576;
  switch (c.matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT601:
    case GST_VIDEO_COLOR_MATRIX_FCC:  // FCC differs from BT.601 in the 4th decimal
      result.matrix = ColorMatrix::kBT601;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT709:
    case GST_VIDEO_COLOR_MATRIX_SMPTE240M:  // close to BT.709
      result.matrix = ColorMatrix::kBT709;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      result.matrix = ColorMatrix::kBT2020;
      break;
    default:
      result.matrix = hd ? ColorMatrix::kBT709 : ColorMatrix::kBT601;
  }
  result.range = c.range == GST_VIDEO_COLOR_RANGE_0_255 ? ColorRange::kFull : ColorRange::kLimited;
  return result;
}

FrameView frame_view_of(const GstVideoFrame* frame, c10::Device device) {
  FrameView view;
  view.device = device;
  view.format = *pixel_format_of(GST_VIDEO_FRAME_FORMAT(frame));
  view.width = GST_VIDEO_FRAME_WIDTH(frame);
  view.height = GST_VIDEO_FRAME_HEIGHT(frame);
  view.colorimetry = colorimetry_of(&frame->info);
  for (guint i = 0; i < GST_VIDEO_FRAME_N_PLANES(frame) && i < view.planes.size(); ++i) {
    auto* data = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(frame, i));
    view.planes[i] = {data, GST_VIDEO_FRAME_PLANE_STRIDE(frame, i), bytes_from(frame, data)};
  }
  return view;
}

}  // namespace srgan::gst
