#include "memory_check.h"

#include "srgan/available_memory.h"

namespace srgan::gst {

std::string memory_shortfall(const Upscaler& upscaler, const GstVideoInfo* in,
                             const GstVideoInfo* out, int output_frames, int frames_in_flight,
                             bool frames_on_device) {
  const int64_t in_w = GST_VIDEO_INFO_WIDTH(in), in_h = GST_VIDEO_INFO_HEIGHT(in);
  const int64_t frame_bytes = static_cast<int64_t>(GST_VIDEO_INFO_SIZE(in)) +
                              output_frames * static_cast<int64_t>(GST_VIDEO_INFO_SIZE(out));
  const int64_t working = frames_in_flight * upscaler.working_memory_bytes(
                                                 in_w, in_h, GST_VIDEO_INFO_HAS_ALPHA(in) != FALSE);
  const std::string what = "upscaling " + std::to_string(in_w) + "x" + std::to_string(in_h) + " " +
                           GST_VIDEO_INFO_NAME(in) + " to " +
                           std::to_string(GST_VIDEO_INFO_WIDTH(out)) + "x" +
                           std::to_string(GST_VIDEO_INFO_HEIGHT(out));
  const std::string frames = std::to_string(output_frames) + " output frames of " +
                             format_bytes(static_cast<int64_t>(GST_VIDEO_INFO_SIZE(out)));
  const std::string work =
      format_bytes(working) + " of tiles and float input" +
      (frames_in_flight > 1 ? " for " + std::to_string(frames_in_flight) + " frames in flight"
                            : "");
  const c10::Device device = upscaler.device();
  if (device.is_cpu())
    return srgan::memory_shortfall(device, frame_bytes + working, what, frames + ", " + work);
  std::string shortfall =
      srgan::memory_shortfall(device, working + (frames_on_device ? frame_bytes : 0), what,
                              work + (frames_on_device ? ", " + frames : ""));
  if (shortfall.empty() && !frames_on_device)
    shortfall = srgan::memory_shortfall(c10::kCPU, frame_bytes, what, frames);
  return shortfall;
}

}  // namespace srgan::gst
