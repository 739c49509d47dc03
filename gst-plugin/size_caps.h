/* Caps of the other pad for srganupscale: width and height scaled by the model's factor, and the
 * memory the frames may be in. No element state here, so it is tested without a GPU.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

namespace srgan::gst {

/// Multiplies (up, towards the source pad) or divides (towards the sink pad) a width or height
/// field: a fixed int, a range or a list. Returns false when nothing has a pre-image (a fixed
/// size that is not a multiple of the scale, an empty range).
bool scale_dimension(GValue* out, const GValue* in, gint scale, bool up);

/// What `caps` on one pad allow on the other: sizes scaled (`up` from sink to source; a scale of
/// 0 means no model yet, any size), every other field kept. With `cuda_memory` each structure is
/// offered in CUDA memory (in the formats GStreamer's CUDA allocator lays out) and in system
/// memory, since the element maps each side on its own;
/// without it CUDA-memory structures are dropped. Returns new caps.
GstCaps* scale_caps(const GstCaps* caps, gint scale, bool up, bool cuda_memory);

/// `caps` with the structures in CUDA memory moved in front, each group in its order: the
/// element's preference wherever a neighbour offers both (cudaupload in GStreamer 1.22 lists
/// system memory first, so a plain intersection negotiates system memory and copies every
/// frame to the host and back). Takes `caps`, returns new caps.
GstCaps* cuda_memory_first(GstCaps* caps);

/// Whether the caps structure at `index` is in CUDA memory.
bool has_cuda_memory_feature(const GstCaps* caps, guint index = 0);

}  // namespace srgan::gst
