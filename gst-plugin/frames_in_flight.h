/* Frames in flight for srganupscale: upscaling jobs run on worker threads (on a GPU each with
 * a CUDA stream of its own, so one frame's upload, compute and download overlap the others')
 * and their output buffers come back in the order the frames came in.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gst/gst.h>

namespace srgan::gst {

class FramesInFlight {
 public:
  /// Upscales one frame into the output buffer it was submitted with.
  using Job = std::function<GstFlowReturn()>;

  /// `capacity` frames at most, each on a worker thread of its own; `thread_setup` runs once on
  /// each worker before its first job (e.g. to give it its own CUDA stream).
  FramesInFlight(int capacity, const std::function<void()>& thread_setup);
  /// Waits for the jobs that run, drops the outputs nobody took, ends the workers.
  ~FramesInFlight();
  FramesInFlight(const FramesInFlight&) = delete;
  FramesInFlight& operator=(const FramesInFlight&) = delete;

  /// Queues `job`, which fills `output` (taken). Blocks while `capacity` frames are unfinished.
  void submit(GstBuffer* output, Job job);

  /// The oldest frame's output and result if it has finished (or, with `wait`, once it has);
  /// false when no frame is in flight or (without `wait`) the oldest is still running.
  bool pop(GstBuffer** output, GstFlowReturn* result, bool wait);

  /// Waits for every frame in flight and drops their outputs (a flush, a stop).
  void discard();

 private:
  struct Frame {
    GstBuffer* output = nullptr;
    Job job;
    bool started = false;
    bool finished = false;
    GstFlowReturn result = GST_FLOW_OK;
  };
  void work(const std::function<void()>& thread_setup);

  const int capacity_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::shared_ptr<Frame>> frames_;  // in input order
  bool quitting_ = false;
  std::vector<std::thread> workers_;
};

/// What frames-in-flight=0 means on the CPU, chosen at the first caps: 2 frames, each on half
/// the cores, where the stream is not live (files: more frames a second for a frame of latency),
/// `threads` (the intra-op threads one frame would get) can be shared and `fits(2)`; otherwise 1.
/// Liveness is the answer of the latency query upstream of `sinkpad` (as gst-libav's decoders
/// ask it before they choose frame threading); a query nobody answers counts as live.
int cpu_frames_in_flight(GstPad* sinkpad, int threads, const std::function<bool(int)>& fits);

}  // namespace srgan::gst
