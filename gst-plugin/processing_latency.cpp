/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "processing_latency.h"

#include <algorithm>

namespace srgan::gst {

namespace {
/// A quarter more than measured: frame times vary with the machine's load.
GstClockTime with_margin(GstClockTime duration) { return duration + duration / 4; }
}  // namespace

bool ProcessingLatency::record(GstClockTime duration) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (duration > reported_) {
    reported_ = with_margin(duration);
    window_max_ = 0;
    window_frames_ = 0;
    return true;
  }
  window_max_ = std::max(window_max_, duration);
  if (++window_frames_ < kWindow) return false;
  const GstClockTime lower = with_margin(window_max_);
  window_max_ = 0;
  window_frames_ = 0;
  if (lower >= reported_ / 2) return false;  // not worth a new latency
  reported_ = lower;
  return true;
}

GstClockTime ProcessingLatency::reported() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reported_;
}

void ProcessingLatency::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  reported_ = 0;
  window_max_ = 0;
  window_frames_ = 0;
}

}  // namespace srgan::gst
