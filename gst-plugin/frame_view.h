/* Mapping between GStreamer's video types and core's, the only place that knows both.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <optional>

#include <gst/video/video.h>

#include "srgan/frame.h"
#include "video_formats.h"

namespace srgan::gst {

/// Core's format for a GStreamer format, or nullopt when core does not support it.
std::optional<PixelFormat> pixel_format_of(GstVideoFormat format);
/// Core's colorimetry for a video info (matrix, range); unknown values fall back to
/// GStreamer's own defaults for the size (BT.601 for SD, BT.709 for HD).
Colorimetry colorimetry_of(const GstVideoInfo* info);
/// A view of a mapped frame: in system memory, or in CUDA memory of `device` when the frame
/// was mapped with GST_MAP_CUDA (its planes are then device pointers with GStreamer's pitch).
FrameView frame_view_of(const GstVideoFrame* frame, c10::Device device = c10::kCPU);

}  // namespace srgan::gst
