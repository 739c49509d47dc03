/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frames_in_flight.h"

#include <utility>

namespace srgan::gst {

FramesInFlight::FramesInFlight(int capacity, const std::function<void()>& thread_setup)
    : capacity_(capacity) {
  for (int i = 0; i < capacity; ++i)
    workers_.emplace_back([this, thread_setup] { work(thread_setup); });
}

FramesInFlight::~FramesInFlight() {
  discard();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quitting_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void FramesInFlight::submit(GstBuffer* output, Job job) {
  auto frame = std::make_shared<Frame>();
  frame->output = output;
  frame->job = std::move(job);
  std::unique_lock<std::mutex> lock(mutex_);
  // Finished frames wait for pop() (the caller's next step) and do not count.
  changed_.wait(lock, [this] {
    int running = 0;
    for (const auto& f : frames_) running += !f->finished;
    return running < capacity_;
  });
  frames_.push_back(std::move(frame));
  lock.unlock();
  changed_.notify_all();
}

bool FramesInFlight::pop(GstBuffer** output, GstFlowReturn* result, bool wait) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (wait) changed_.wait(lock, [this] { return frames_.empty() || frames_.front()->finished; });
  if (frames_.empty() || !frames_.front()->finished) return false;
  *output = frames_.front()->output;
  *result = frames_.front()->result;
  frames_.pop_front();
  lock.unlock();
  changed_.notify_all();
  return true;
}

void FramesInFlight::discard() {
  GstBuffer* output = nullptr;
  GstFlowReturn result = GST_FLOW_OK;
  while (pop(&output, &result, true)) gst_buffer_unref(output);
}

void FramesInFlight::work(const std::function<void()>& thread_setup) {
  if (thread_setup) thread_setup();
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    std::shared_ptr<Frame> frame;
    changed_.wait(lock, [&] {
      if (quitting_) return true;
      for (const auto& f : frames_) {
        if (!f->started) {
          frame = f;
          return true;
        }
      }
      return false;
    });
    if (!frame) return;  // quitting
    frame->started = true;
    lock.unlock();
    const GstFlowReturn result = frame->job();
    lock.lock();
    frame->result = result;
    frame->finished = true;
    frame->job = nullptr;  // releases what the job holds (the input buffer) now
    changed_.notify_all();
  }
}

int cpu_frames_in_flight(GstPad* sinkpad, int threads, const std::function<bool(int)>& fits) {
  if (threads < 2) return 1;
  GstQuery* query = gst_query_new_latency();
  gboolean live = TRUE;
  if (gst_pad_peer_query(sinkpad, query)) gst_query_parse_latency(query, &live, nullptr, nullptr);
  gst_query_unref(query);
  return !live && fits(2) ? 2 : 1;
}

}  // namespace srgan::gst
