// Fuzz target: the element's mapping of GStreamer frames. A buffer of untrusted length carries
// a GstVideoMeta with untrusted plane offsets and strides (as an upstream element or a
// zero-copy source may attach); what gst_video_frame_map accepts goes through
// srgan::gst::frame_view_of, FrameView::validate() and, when valid, a conversion to RGB and
// back, with AddressSanitizer watching the buffer's bounds.
#include <gst/gst.h>
#include <gst/video/video.h>

#include <cstdint>
#include <cstring>

#include "frame_view.h"
#include "fuzz_input.h"
#include "srgan/color_conversion.h"
#include "srgan/error.h"

namespace {

constexpr GstVideoFormat kFormats[] = {
    GST_VIDEO_FORMAT_RGB,
    GST_VIDEO_FORMAT_BGR,
    GST_VIDEO_FORMAT_RGBA,
    GST_VIDEO_FORMAT_BGRA,
    GST_VIDEO_FORMAT_ARGB,
    GST_VIDEO_FORMAT_ABGR,
    GST_VIDEO_FORMAT_RGBx,
    GST_VIDEO_FORMAT_BGRx,
    GST_VIDEO_FORMAT_xRGB,
    GST_VIDEO_FORMAT_xBGR,
    GST_VIDEO_FORMAT_I420,
    GST_VIDEO_FORMAT_YV12,
    GST_VIDEO_FORMAT_NV12,
    GST_VIDEO_FORMAT_NV21,
    GST_VIDEO_FORMAT_Y444,
    GST_VIDEO_FORMAT_GRAY8,
    // High bit depth (the same order as core's PixelFormat).
    GST_VIDEO_FORMAT_P010_10LE,
    GST_VIDEO_FORMAT_P016_LE,
    GST_VIDEO_FORMAT_I420_10LE,
    GST_VIDEO_FORMAT_I422_10LE,
    GST_VIDEO_FORMAT_Y444_10LE,
    GST_VIDEO_FORMAT_Y444_16LE,
    GST_VIDEO_FORMAT_GRAY16_LE,
    GST_VIDEO_FORMAT_RGBA64_LE,
    GST_VIDEO_FORMAT_Y42B,
    GST_VIDEO_FORMAT_ABGR64_LE,
};

}  // namespace

// Once, before any input: GStreamer's process-lifetime allocations are not an input's leak.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // GStreamer's core and video library only: no plugins, no registry file.
  g_setenv("GST_REGISTRY_DISABLE", "yes", TRUE);
  gst_init(nullptr, nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  srgan::fuzz::FuzzInput input(data, size);
  const GstVideoFormat format = kFormats[input.u8() % G_N_ELEMENTS(kFormats)];
  const guint width = input.u16() % 300 + 1;
  const guint height = input.u16() % 300 + 1;
  GstVideoInfo info;
  if (!gst_video_info_set_format(&info, format, width, height)) return 0;
  const gsize buffer_size = input.bytes(3) % (GST_VIDEO_INFO_SIZE(&info) * 2) + 1;
  // Our own allocation of exactly buffer_size bytes (GStreamer's allocator adds alignment
  // slack), so that AddressSanitizer reports the first byte past it.
  auto* bytes = static_cast<guint8*>(g_malloc(buffer_size));
  memset(bytes, 0x80, buffer_size);
  GstBuffer* buffer = gst_buffer_new_wrapped_full(GstMemoryFlags(0), bytes, buffer_size, 0,
                                                  buffer_size, bytes, g_free);
  gsize offsets[GST_VIDEO_MAX_PLANES] = {};
  gint strides[GST_VIDEO_MAX_PLANES] = {};
  const bool with_meta = (input.u8() & 1) != 0;
  if (with_meta) {
    for (guint i = 0; i < GST_VIDEO_INFO_N_PLANES(&info); ++i) {
      offsets[i] = input.bytes(3) % buffer_size;
      strides[i] = input.i32();
    }
    gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, format, width, height,
                                   GST_VIDEO_INFO_N_PLANES(&info), offsets, strides);
  }
  GstVideoFrame frame;
  if (gst_video_frame_map(&frame, &info, buffer, GST_MAP_READWRITE)) {
    try {
      const srgan::FrameView view = srgan::gst::frame_view_of(&frame);
      view.validate();
      srgan::rgb_to_frame(srgan::frame_to_rgb(view, c10::Device(c10::kCPU)), view);
    } catch (const srgan::Error&) {
      // Refused: what the element turns into a GStreamer error.
    }
    gst_video_frame_unmap(&frame);
  }
  gst_buffer_unref(buffer);
  return 0;
}
