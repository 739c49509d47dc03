/* GStreamer CUDA memory for srganupscale: the context shared with LibTorch, buffer pools and
 * frame mapping. Built only with GStreamer's CUDA library (SRGAN_HAVE_GST_CUDA).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#ifdef SRGAN_HAVE_GST_CUDA

#include <string>

#include <gst/cuda/gstcudabufferpool.h>
#include <gst/cuda/gstcudacontext.h>
#include <gst/cuda/gstcudamemory.h>
#include <gst/cuda/gstcudautils.h>
#include <gst/video/video.h>

#include <c10/core/Device.h>

namespace srgan::gst {

/// Whether GStreamer's CUDA library could load the driver. Without a driver every other
/// gst_cuda_* call would fail (gst_cuda_context_new asserts), so this comes first.
bool cuda_library_loaded();

/// A GstCudaContext wrapping the primary context of `device`, the one LibTorch runs in, so
/// that GStreamer's CUDA elements and LibTorch share memory without copies. Returns a new
/// reference, or nullptr with the reason in `error`.
GstCudaContext* wrap_libtorch_context(c10::Device device, std::string* error);

/// Whether the caps structure at `index` asks for CUDA memory.
bool has_cuda_memory_feature(const GstCaps* caps, guint index = 0);

/// A CUDA buffer pool of `context` for `caps`, configured with video meta (GStreamer's CUDA
/// frames are pitched); `size` is updated to the pool's buffer size. nullptr on failure.
GstBufferPool* new_cuda_pool(GstCudaContext* context, GstCaps* caps, guint* size);

/// Whether `pool` is a CUDA pool of exactly `context`.
bool is_cuda_pool_of(GstBufferPool* pool, GstCudaContext* context);

/// Maps `buffer` for device access when all of its memory is CUDA memory of `context` (so the
/// pointers are valid in LibTorch's context); returns false, leaving nothing mapped, otherwise.
bool map_cuda_frame(GstVideoFrame* frame, const GstVideoInfo* info, GstBuffer* buffer,
                    GstMapFlags flags, GstCudaContext* context);

}  // namespace srgan::gst

#endif  // SRGAN_HAVE_GST_CUDA
