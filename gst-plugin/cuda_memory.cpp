/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cuda_memory.h"

#ifdef SRGAN_HAVE_GST_CUDA

#include <gst/cuda/gstcudaloader.h>

#include "srgan/cuda_device.h"
#include "srgan/error.h"

namespace srgan::gst {

bool cuda_library_loaded() {
  static const bool loaded = gst_cuda_load_library();
  return loaded;
}

namespace {

/// Gives back the primary context's retain when the GstCudaContext wrapping it is finalized:
/// other elements may keep our context after the element has let it go.
void release_primary_context_of(gpointer data) {
  auto* device = static_cast<c10::Device*>(data);
  srgan::release_primary_context(*device);
  delete device;
}

}  // namespace

GstCudaContext* wrap_libtorch_context(c10::Device device, std::string* error) {
  if (!cuda_library_loaded()) {
    *error = "GStreamer's CUDA library found no driver";
    return nullptr;
  }
  // Creates GStreamer's CUDA allocator, which pools and memory checks need. nvcodec's plugin does
  // this when it loads; an application whose CUDA frames come from elsewhere may not load it.
  gst_cuda_memory_init_once();
  // The device's primary context, named explicitly (not whatever is current on this thread)
  // and retained for as long as the GstCudaContext lives.
  void* primary = nullptr;
  try {
    primary = srgan::retain_primary_context(device);
  } catch (const srgan::Error& e) {
    *error = e.what();
    return nullptr;
  }
  GstCudaContext* context =
      gst_cuda_context_new_wrapped(static_cast<CUcontext>(primary), device.index());
  if (context == nullptr) {
    srgan::release_primary_context(device);
    *error = "gst_cuda_context_new_wrapped failed for " + device.str();
    return nullptr;
  }
  static const GQuark retained = g_quark_from_static_string("srgan-retained-primary-context");
  g_object_set_qdata_full(G_OBJECT(context), retained, new c10::Device(device),
                          release_primary_context_of);
  return context;
}

GstBufferPool* new_cuda_pool(GstCudaContext* context, GstCaps* caps, guint* size) {
  GstVideoInfo info;
  if (!gst_video_info_from_caps(&info, caps)) return nullptr;
  GstBufferPool* pool = gst_cuda_buffer_pool_new(context);
  GstStructure* config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
  gst_buffer_pool_config_set_params(config, caps, GST_VIDEO_INFO_SIZE(&info), 0, 0);
  if (!gst_buffer_pool_set_config(pool, config)) {
    gst_object_unref(pool);
    return nullptr;
  }
  // The pool pitches rows for the device, which may change the buffer size.
  config = gst_buffer_pool_get_config(pool);
  gst_buffer_pool_config_get_params(config, nullptr, size, nullptr, nullptr);
  gst_structure_free(config);
  return pool;
}

bool is_cuda_pool_of(GstBufferPool* pool, GstCudaContext* context) {
  return pool != nullptr && GST_IS_CUDA_BUFFER_POOL(pool) &&
         GST_CUDA_BUFFER_POOL(pool)->context != nullptr &&
         gst_cuda_context_get_handle(GST_CUDA_BUFFER_POOL(pool)->context) ==
             gst_cuda_context_get_handle(context);
}

BufferMemory buffer_memory(GstBuffer* buffer, GstCudaContext* context) {
  const guint count = gst_buffer_n_memory(buffer);
  if (count == 0 || context == nullptr) return BufferMemory::kSystem;
  BufferMemory kind = BufferMemory::kSharedCuda;
  for (guint i = 0; i < count; ++i) {
    GstMemory* memory = gst_buffer_peek_memory(buffer, i);
    if (!gst_is_cuda_memory(memory)) return BufferMemory::kSystem;
    GstCudaContext* owner = GST_CUDA_MEMORY_CAST(memory)->context;
    if (gst_cuda_context_get_handle(owner) != gst_cuda_context_get_handle(context))
      kind = BufferMemory::kOtherCudaContext;
  }
  return kind;
}

bool map_frame(GstVideoFrame* frame, const GstVideoInfo* info, GstBuffer* buffer, GstMapFlags flags,
               GstCudaContext* context, c10::Device cuda_device, c10::Device* device) {
  const bool on_device = buffer_memory(buffer, context) == BufferMemory::kSharedCuda;
  *device = on_device ? cuda_device : c10::Device(c10::kCPU);
  return gst_video_frame_map(frame, info, buffer,
                             static_cast<GstMapFlags>(on_device ? flags | GST_MAP_CUDA : flags));
}

}  // namespace srgan::gst

#endif  // SRGAN_HAVE_GST_CUDA
