/* The element's own processing time, for latency queries: live sinks must wait that long past
 * the source's latency, or they drop the upscaled frames as late (with one frame in flight a
 * CPU frame takes 70-150 ms against a 30 fps source's 33 ms).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <mutex>

#include <gst/gst.h>

namespace srgan::gst {

class ProcessingLatency {
 public:
  /// Records how long one frame (or the warm-up) took. Returns true when the latency to report
  /// changed, and a latency message is due: raised at once to a margin over a frame that took
  /// longer; lowered when a window of frames all stayed well under it.
  bool record(GstClockTime duration);
  /// What to add to the latency (0 before any frame).
  GstClockTime reported() const;
  /// Forgets everything (a stop, a new model).
  void reset();

 private:
  static constexpr int kWindow = 30;  // frames before the latency may go down
  mutable std::mutex mutex_;
  GstClockTime reported_ = 0;
  GstClockTime window_max_ = 0;
  int window_frames_ = 0;
};

}  // namespace srgan::gst
