/* What an application shows of a running srganupscale: frames upscaled, frames QoS dropped,
 * and the mean time per frame, read through read-only properties; thread-safe (the streaming
 * thread, frame workers and the application's thread).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <cstdint>
#include <mutex>

#include <gst/gst.h>

namespace srgan::gst {

class ElementStatistics {
 public:
  /// A frame upscaled in `duration` (nanoseconds of the element's own work).
  void frame_upscaled(GstClockTime duration);
  /// A frame the base class dropped for QoS (late for a live sink).
  void frame_dropped();
  guint64 frames_upscaled() const;
  guint64 frames_dropped() const;
  /// Mean milliseconds per upscaled frame; 0 before the first.
  double mean_milliseconds() const;
  /// Back to zero: a new start.
  void reset();

 private:
  mutable std::mutex mutex_;
  guint64 upscaled_ = 0, dropped_ = 0;
  GstClockTime total_ = 0;
};

}  // namespace srgan::gst
