/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "element_statistics.h"

namespace srgan::gst {

void ElementStatistics::frame_upscaled(GstClockTime duration) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++upscaled_;
  total_ += duration;
}

void ElementStatistics::frame_dropped() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++dropped_;
}

guint64 ElementStatistics::frames_upscaled() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return upscaled_;
}

guint64 ElementStatistics::frames_dropped() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dropped_;
}

double ElementStatistics::mean_milliseconds() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return upscaled_ ? static_cast<double>(total_) / static_cast<double>(upscaled_) / GST_MSECOND
                   : 0.0;
}

void ElementStatistics::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  upscaled_ = dropped_ = 0;
  total_ = 0;
}

}  // namespace srgan::gst
