/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared_cuda_memory.h"

#include "cuda_formats.h"
#include "frame_view.h"
#include "srgan/upscaler.h"

/* The element's debug category (gstsrganupscale.cpp): these are its messages. */
GST_DEBUG_CATEGORY_EXTERN(gst_srgan_upscale_debug);
#define GST_CAT_DEFAULT gst_srgan_upscale_debug

namespace srgan::gst {

GstCaps* SharedCudaMemory::template_caps() {
  GstCaps* system = gst_caps_from_string(GST_VIDEO_CAPS_MAKE(SRGAN_VIDEO_FORMATS));
#ifdef SRGAN_HAVE_GST_CUDA
  GstStructure* on_device = gst_structure_copy(gst_caps_get_structure(system, 0));
  restrict_to_cuda_formats(on_device);
  GstCaps* caps = gst_caps_new_empty();
  gst_caps_append_structure_full(caps, on_device,
                                 gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_CUDA_MEMORY, NULL));
  gst_caps_append(caps, system);
  return caps;
#else
  return system;
#endif
}

#ifdef SRGAN_HAVE_GST_CUDA

GstCudaContext* SharedCudaMemory::context() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return context_ ? GST_CUDA_CONTEXT(gst_object_ref(context_)) : nullptr;
}

void SharedCudaMemory::open(GstElement* element, const std::string& device_name) {
  std::lock_guard<std::mutex> opening(opening_);
  if (usable() || open_failed_) return;
  c10::Device device = c10::kCPU;
  try {
    device = srgan::resolve_device(device_name);
  } catch (const std::exception&) {
    return; /* start() reports the bad device */
  }
  if (!device.is_cuda()) return;
  std::string error;
  GstCudaContext* context = wrap_libtorch_context(device, &error);
  if (!context) {
    open_failed_ = true;
    GST_WARNING_OBJECT(element, "no CUDA memory support (%s): frames go through system memory",
                       error.c_str());
    return;
  }
  GST_INFO_OBJECT(element, "sharing LibTorch's CUDA context on %s", device.str().c_str());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    context_ = context;
    device_ = device;
  }
  gst_element_post_message(
      element,
      gst_message_new_have_context(GST_OBJECT(element), gst_context_new_cuda_context(context)));
}

void SharedCudaMemory::close() {
  GstCudaContext* context = nullptr;
  {
    std::lock_guard<std::mutex> opening(opening_);
    open_failed_ = false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    context = context_;
    context_ = nullptr;
    warned_foreign_ = false;
  }
  if (context) gst_object_unref(context);
}

bool SharedCudaMemory::usable() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return context_ != nullptr;
}

bool SharedCudaMemory::answer_context_query(GstElement* element, GstQuery* query,
                                            const std::string& device_name) {
  const gchar* type = nullptr;
  if (!gst_query_parse_context_type(query, &type) || g_strcmp0(type, GST_CUDA_CONTEXT_TYPE) != 0)
    return false;
  open(element, device_name);
  GstCudaContext* shared = context();
  const bool answered = shared && gst_cuda_handle_context_query(element, query, shared);
  if (shared) gst_object_unref(shared);
  return answered;
}

void SharedCudaMemory::offered(GstElement* element, GstContext* context) const {
  GstCudaContext* shared = this->context();
  if (!shared) return;
  gint device_id = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    device_id = device_.index();
  }
  GstCudaContext* offered = nullptr;
  if (gst_cuda_handle_set_context(element, context, device_id, &offered) && offered) {
    if (gst_cuda_context_get_handle(offered) != gst_cuda_context_get_handle(shared)) {
      GST_INFO_OBJECT(element, "keeping LibTorch's CUDA context instead of %" GST_PTR_FORMAT,
                      offered);
    }
    gst_object_unref(offered);
  }
  gst_object_unref(shared);
}

bool SharedCudaMemory::decide_allocation(GstElement* element, GstQuery* query,
                                         GstCaps* caps) const {
  GstCudaContext* shared = context();
  GstBufferPool* pool = nullptr;
  guint size = 0, min = 0, max = 0;
  const bool update = gst_query_get_n_allocation_pools(query) > 0;
  if (update) gst_query_parse_nth_allocation_pool(query, 0, &pool, &size, &min, &max);
  if (!shared || !is_cuda_pool_of(pool, shared)) {
    if (pool) gst_object_unref(pool);
    pool = shared ? new_cuda_pool(shared, caps, &size) : nullptr;
    if (!pool) {
      if (shared) gst_object_unref(shared);
      GST_ERROR_OBJECT(element, "could not create a CUDA buffer pool for %" GST_PTR_FORMAT, caps);
      return false;
    }
    min = max = 0;
  }
  if (update) {
    gst_query_set_nth_allocation_pool(query, 0, pool, size, min, max);
  } else {
    gst_query_add_allocation_pool(query, pool, size, min, max);
  }
  gst_object_unref(pool);
  gst_object_unref(shared);
  return true;
}

GstBufferPool* SharedCudaMemory::new_pool(GstCaps* caps, guint* size) const {
  GstCudaContext* shared = context();
  GstBufferPool* pool = shared ? new_cuda_pool(shared, caps, size) : nullptr;
  if (shared) gst_object_unref(shared);
  return pool;
}

bool SharedCudaMemory::map(GstElement* element, GstVideoFrame* frame, const GstVideoInfo* info,
                           GstBuffer* buffer, GstMapFlags flags, c10::Device* device) {
  // One lock per side of a frame: the context (a reference), its device, the warning flag.
  GstCudaContext* shared = nullptr;
  c10::Device cuda_device = c10::kCPU;
  bool warn = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (context_) shared = GST_CUDA_CONTEXT(gst_object_ref(context_));
    cuda_device = device_;
    warn = !(flags & GST_MAP_WRITE) && !warned_foreign_ &&
           buffer_memory(buffer, shared) == BufferMemory::kOtherCudaContext;
    if (warn) warned_foreign_ = true;
  }
  if (warn) {
    GST_ELEMENT_WARNING(element, RESOURCE, READ,
                        ("Input frames are in another CUDA context: copying them through the host"),
                        ("%" GST_PTR_FORMAT " is not CUDA memory of the context shared with "
                         "LibTorch",
                         buffer));
  }
  const bool mapped = map_frame(frame, info, buffer, flags, shared, cuda_device, device);
  if (shared) gst_object_unref(shared);
  return mapped;
}

bool SharedCudaMemory::push() const {
  GstCudaContext* shared = context();
  const bool pushed = shared && gst_cuda_context_push(shared);
  if (shared) gst_object_unref(shared);
  return pushed;
}

void SharedCudaMemory::pop() const { gst_cuda_context_pop(nullptr); }

#else  // without GStreamer's CUDA library: never a context, frames mapped for the host

void SharedCudaMemory::open(GstElement*, const std::string&) {}
void SharedCudaMemory::close() {}
bool SharedCudaMemory::usable() const { return false; }
bool SharedCudaMemory::answer_context_query(GstElement*, GstQuery*, const std::string&) {
  return false;
}
void SharedCudaMemory::offered(GstElement*, GstContext*) const {}
bool SharedCudaMemory::decide_allocation(GstElement* element, GstQuery*, GstCaps* caps) const {
  GST_ERROR_OBJECT(element, "CUDA memory %" GST_PTR_FORMAT " without CUDA support", caps);
  return false;
}
GstBufferPool* SharedCudaMemory::new_pool(GstCaps*, guint*) const { return nullptr; }
bool SharedCudaMemory::map(GstElement*, GstVideoFrame* frame, const GstVideoInfo* info,
                           GstBuffer* buffer, GstMapFlags flags, c10::Device* device) {
  *device = c10::kCPU;
  return gst_video_frame_map(frame, info, buffer, flags);
}
bool SharedCudaMemory::push() const { return false; }
void SharedCudaMemory::pop() const {}

#endif  // SRGAN_HAVE_GST_CUDA

}  // namespace srgan::gst
