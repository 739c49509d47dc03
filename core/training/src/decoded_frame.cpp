// Only with GStreamer (the codec round trip and the clip reader are its users).
#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
#include "decoded_frame.h"

#include <ATen/ATen.h>

#include "srgan/color_conversion.h"

namespace srgan {

Colorimetry colorimetry_for_height(int64_t height) {
  return {height >= 720 ? ColorMatrix::kBT709 : ColorMatrix::kBT601, ColorRange::kLimited};
}

at::Tensor rgb_bytes_of_i420(const GstVideoFrame& frame) {
  FrameView view;
  view.format = PixelFormat::kI420;
  view.width = GST_VIDEO_FRAME_WIDTH(&frame);
  view.height = GST_VIDEO_FRAME_HEIGHT(&frame);
  switch (GST_VIDEO_INFO_COLORIMETRY(&frame.info).matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT601:
      view.colorimetry.matrix = ColorMatrix::kBT601;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT709:
      view.colorimetry.matrix = ColorMatrix::kBT709;
      break;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
      view.colorimetry.matrix = ColorMatrix::kBT2020;
      break;
    default:
      view.colorimetry.matrix = colorimetry_for_height(view.height).matrix;
  }
  view.colorimetry.range =
      GST_VIDEO_INFO_COLORIMETRY(&frame.info).range == GST_VIDEO_COLOR_RANGE_0_255
          ? ColorRange::kFull
          : ColorRange::kLimited;
  for (int i = 0; i < 3; ++i) {
    view.planes[i].data = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, i));
    view.planes[i].stride = GST_VIDEO_FRAME_PLANE_STRIDE(&frame, i);
    view.planes[i].size = view.min_plane_size(i);
  }
  // frame_to_rgb returns an inference tensor: out-of-place ops only.
  const auto image = frame_to_rgb(view, c10::Device(c10::kCPU));
  return (image.rgb.squeeze(0) * 255).round().clamp(0, 255).to(at::kByte);
}

}  // namespace srgan
#endif
