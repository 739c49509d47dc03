#pragma once

// Whether a negotiated frame size fits in memory, checked in set_caps: before the output pool
// allocates a frame, so that an input the machine cannot upscale is refused in one line
// instead of swapping or being killed.

#include <string>

#include <gst/video/video.h>

#include "srgan/upscaler.h"

namespace srgan::gst {

/// Empty when `output_frames` output frames, one input frame and the upscaler's working memory
/// for each of `frames_in_flight` (each frame upscaled at once has its own tiles) fit in what is
/// available now (system memory, and the device's for a GPU upscaler); otherwise one line naming
/// what is needed and what there is. `frames_on_device`: the frames are CUDA memory, so they
/// count against the device rather than system memory.
std::string memory_shortfall(const Upscaler& upscaler, const GstVideoInfo* in,
                             const GstVideoInfo* out, int output_frames, int frames_in_flight,
                             bool frames_on_device);

}  // namespace srgan::gst
