/* Which video formats srganupscale offers in CUDA memory: those that GStreamer's CUDA allocator
 * can lay out. GStreamer 1.22's gst_cuda_allocator_alloc reaches g_assert_not_reached on any
 * other format (GRAY8, xRGB, RGBA64_LE, ...); 1.24 refuses them. No CUDA library needed here,
 * so a CPU test reaches every line.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <vector>

#include <gst/gst.h>
#include <gst/video/video.h>

namespace srgan::gst {

/// The formats the CUDA allocator of GStreamer `major`.`minor` lays out (1.22's list before
/// 1.24, 1.24's from then on).
std::vector<GstVideoFormat> cuda_allocator_formats(guint major, guint minor);

/// The element's formats (SRGAN_VIDEO_FORMATS) that the running GStreamer's CUDA allocator lays
/// out, in the element's order, as a GstValueList of format strings (`list` is initialised).
void element_cuda_formats(GValue* list);

/// Narrows the "format" field of a CUDA-memory structure to element_cuda_formats(); false when
/// none of its formats is left (the structure must then not be offered in CUDA memory).
bool restrict_to_cuda_formats(GstStructure* structure);

}  // namespace srgan::gst
