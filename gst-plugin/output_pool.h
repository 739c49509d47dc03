/* Output buffers for frames in flight: each frame in flight holds an output buffer until it is
 * pushed, so a downstream pool of fewer buffers than frames in flight would block the next
 * acquire for ever (the buffers it waits for are ours, and they leave only after it returns).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <functional>

#include <gst/gst.h>

#include "frames_in_flight.h"

namespace srgan::gst {

/// Hands a finished frame (its output and result) downstream; returns the flow.
using PushFinished = std::function<GstFlowReturn(GstBuffer* output, GstFlowReturn result)>;

/// Makes sure the next acquire from `pool` (nullptr: none, nothing to do) cannot wait on a
/// buffer that a frame in flight holds: while the pool has no free buffer, the oldest frame in
/// flight is finished and pushed. Once nothing is in flight, a wait is downstream's own
/// back-pressure and is left to the acquire. Returns the first failed push's flow, else OK.
GstFlowReturn make_room_in_pool(GstBufferPool* pool, FramesInFlight& in_flight,
                                const PushFinished& push);

}  // namespace srgan::gst
