/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "output_pool.h"

namespace srgan::gst {

GstFlowReturn make_room_in_pool(GstBufferPool* pool, FramesInFlight& in_flight,
                                const PushFinished& push) {
  if (pool == nullptr) return GST_FLOW_OK;
  for (;;) {
    GstBufferPoolAcquireParams params = {};
    params.flags = GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT;
    GstBuffer* free_buffer = nullptr;
    const GstFlowReturn acquired = gst_buffer_pool_acquire_buffer(pool, &free_buffer, &params);
    if (acquired == GST_FLOW_OK) {
      // Back into the pool untouched: only this streaming thread acquires from it, so the
      // acquire that follows gets a buffer without waiting.
      gst_buffer_unref(free_buffer);
      return GST_FLOW_OK;
    }
    // EOS is "no free buffer now"; anything else (flushing) the real acquire reports.
    if (acquired != GST_FLOW_EOS) return GST_FLOW_OK;
    GstBuffer* output = nullptr;
    GstFlowReturn result = GST_FLOW_OK;
    if (!in_flight.pop(&output, &result, true)) return GST_FLOW_OK;
    const GstFlowReturn pushed = push(output, result);
    if (pushed != GST_FLOW_OK) return pushed;
  }
}

}  // namespace srgan::gst
