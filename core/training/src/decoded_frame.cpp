// Only with GStreamer (the codec round trip and the clip reader are its users).
#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
#include "decoded_frame.h"

#include <ATen/ATen.h>

#include "frame_view.h"
#include "srgan/color_conversion.h"

namespace srgan {

UntaggedColorimetry untagged_colorimetry(int64_t width, int64_t height) {
  GstVideoInfo info;
  gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, static_cast<guint>(width),
                            static_cast<guint>(height));
  gchar* caps = gst_video_colorimetry_to_string(&info.colorimetry);
  UntaggedColorimetry result{gst::colorimetry_of(&info), caps ? caps : ""};
  g_free(caps);
  return result;
}

at::Tensor rgb_bytes_of(const GstVideoFrame& frame) {
  // frame_to_rgb returns an inference tensor: out-of-place ops only.
  const auto image = frame_to_rgb(gst::frame_view_of(&frame), c10::Device(c10::kCPU));
  return (image.rgb.squeeze(0) * 255).round().clamp(0, 255).to(at::kByte);
}

}  // namespace srgan
#endif
