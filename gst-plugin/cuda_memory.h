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
/// that GStreamer's CUDA elements and LibTorch share memory without copies; the primary context
/// is retained until the GstCudaContext is finalized. Returns a new reference, or nullptr with
/// the reason in `error`.
GstCudaContext* wrap_libtorch_context(c10::Device device, std::string* error);

/// A CUDA buffer pool of `context` for `caps`, configured with video meta (GStreamer's CUDA
/// frames are pitched); `size` is updated to the pool's buffer size. nullptr on failure.
GstBufferPool* new_cuda_pool(GstCudaContext* context, GstCaps* caps, guint* size);

/// Whether `pool` is a CUDA pool of exactly `context`.
bool is_cuda_pool_of(GstBufferPool* pool, GstCudaContext* context);

/// How a buffer's memory relates to the shared context.
enum class BufferMemory {
  kSystem,            ///< host memory (or anything that is not CUDA memory)
  kSharedCuda,        ///< CUDA memory of the shared context: LibTorch can use its pointers
  kOtherCudaContext,  ///< CUDA memory of another context: only reachable through the host
};
BufferMemory buffer_memory(GstBuffer* buffer, GstCudaContext* context);

/// Maps `buffer` as a video frame: for device access (GST_MAP_CUDA) when it is CUDA memory of
/// `context`, for host access otherwise. `device` is set to where the planes' pointers point.
bool map_frame(GstVideoFrame* frame, const GstVideoInfo* info, GstBuffer* buffer, GstMapFlags flags,
               GstCudaContext* context, c10::Device cuda_device, c10::Device* device);

}  // namespace srgan::gst

#endif  // SRGAN_HAVE_GST_CUDA
