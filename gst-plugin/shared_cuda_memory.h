/* The element's side of GStreamer's CUDA memory, as GstCudaBaseTransform is for nvcodec's
 * filters: the CUDA context shared with LibTorch (opened NULL->READY, closed READY->NULL), the
 * context queries and offers, CUDA buffer pools, mapping frames for the upscaler, and making
 * the shared context current around inference. Without GStreamer's CUDA library
 * (SRGAN_HAVE_GST_CUDA unset) it is an object that never has a context: frames are mapped for
 * the host and no CUDA memory is negotiated.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <mutex>
#include <string>

#include <gst/gst.h>
#include <gst/video/video.h>

#include <c10/core/Device.h>

#ifdef SRGAN_HAVE_GST_CUDA
#include "cuda_memory.h"
#endif

namespace srgan::gst {

class SharedCudaMemory {
 public:
  SharedCudaMemory() = default;
  ~SharedCudaMemory() { close(); }
  SharedCudaMemory(const SharedCudaMemory&) = delete;
  SharedCudaMemory& operator=(const SharedCudaMemory&) = delete;

  /// The element's pad template caps: every format in system memory and, with GStreamer's CUDA
  /// library, first in CUDA memory (preferred where both neighbours can do it).
  static GstCaps* template_caps();

  /// Wraps LibTorch's context when `device_name` is a GPU and announces it to the pipeline
  /// (have-context); nothing when already open. Called at NULL->READY and, earlier, at the first
  /// context query: a bin brings sinks up first, so an encoder downstream asks for a context
  /// before this element leaves NULL. A CPU device, a bad name (start() reports it) or no driver
  /// leave it closed (tried once until close()): system memory only.
  void open(GstElement* element, const std::string& device_name);
  /// READY->NULL (and a failed NULL->READY).
  void close();
  /// Whether CUDA memory can be negotiated: a shared context exists.
  bool usable() const;

  /// Answers a context query from GStreamer's CUDA elements with the shared context, opening
  /// it first (for `device_name`) if the element has not yet.
  bool answer_context_query(GstElement* element, GstQuery* query, const std::string& device_name);
  /// A context offered by the application or another element: logged, never taken, since only
  /// LibTorch's own context gives pointers LibTorch can use.
  void offered(GstElement* element, GstContext* context) const;

  /// decide_allocation for CUDA-memory caps: downstream's pool is kept only if it is a CUDA pool
  /// of the shared context, else replaced by one. False (logged) when none can be made.
  bool decide_allocation(GstElement* element, GstQuery* query, GstCaps* caps) const;
  /// A CUDA pool of the shared context for upstream (its frames then need no copy), or nullptr.
  GstBufferPool* new_pool(GstCaps* caps, guint* size) const;

  /// Maps one side for the upscaler: CUDA memory of the shared context for the device (LibTorch
  /// reads and writes GStreamer's pitched buffers in place), anything else for the host, with
  /// one element warning the first time input comes from another CUDA context. `device` says
  /// where the planes' pointers point.
  bool map(GstElement* element, GstVideoFrame* frame, const GstVideoInfo* info, GstBuffer* buffer,
           GstMapFlags flags, c10::Device* device);

  /// Makes the shared context current on this thread (another element may have left its own
  /// there); true when pop() is due after the inference.
  bool push() const;
  void pop() const;

 private:
  mutable std::mutex mutex_;  // open/close against queries and offers from other threads
  std::mutex opening_;        // one open() at a time: a query and NULL->READY may race
  bool open_failed_ = false;  // guarded by opening_
  bool warned_foreign_ = false;
#ifdef SRGAN_HAVE_GST_CUDA
  GstCudaContext* context_ = nullptr;
  c10::Device device_ = c10::Device(c10::kCUDA, 0);
  /// A new reference to the context, or nullptr.
  GstCudaContext* context() const;
#endif
};

/// Keeps the shared context current on this thread for its lifetime (where there is one):
/// around every CUDA call from a streaming or state-change thread.
class PushedContext {
 public:
  explicit PushedContext(const SharedCudaMemory& memory)
      : memory_(memory), pushed_(memory.push()) {}
  ~PushedContext() {
    if (pushed_) memory_.pop();
  }
  PushedContext(const PushedContext&) = delete;
  PushedContext& operator=(const PushedContext&) = delete;

 private:
  const SharedCudaMemory& memory_;
  const bool pushed_;
};

}  // namespace srgan::gst
