#pragma once

// A network's forward on CUDA replayed as CUDA graphs: one launch a tile instead of one per
// operation (the compact x2 queues about 40 kernels a tile, each also a trip through LibTorch's
// dispatcher on the CPU). Internal to the runtime library.
//
// A graph is made for an input shape the second time the calling thread meets it on its current
// stream (the first run is eager: it warms cuDNN's algorithm choice up and returns its result),
// and replayed from then on. Each thread-and-stream pair has graphs and a memory pool of its
// own, so frames in flight never replay one graph at once; its graphs share the pool, which is
// safe because one stream runs them one after another and each result is copied out before the
// next replay is queued. Where a capture fails (an operation that cannot be captured), this
// forward warns once and runs eagerly from then on; running out of memory frees the thread's
// graphs and is rethrown, for the Upscaler to make its tiles smaller.

#include <functional>
#include <memory>

#include <ATen/core/Tensor.h>

namespace srgan::detail {

class CudaGraphForward {
 public:
  using Forward = std::function<at::Tensor(const at::Tensor&)>;

  /// `forward` must not synchronise with the host and must depend only on its input's shape
  /// and values (the weights it reads must outlive this object).
  explicit CudaGraphForward(Forward forward);
  ~CudaGraphForward();
  CudaGraphForward(const CudaGraphForward&) = delete;
  CudaGraphForward& operator=(const CudaGraphForward&) = delete;

  /// forward(input) for a CUDA `input` on the current device, by a graph where one was made for
  /// its shape and dtype on this thread and stream. The result is a tensor of its own.
  at::Tensor operator()(const at::Tensor& input);

  /// Whether graphs are still made (false after a capture failed).
  bool capturing() const;
  /// Graphs made so far, on every thread (for tests and the bench).
  int graphs_made() const;

  /// Whether this build can make CUDA graphs (LibTorch with CUDA).
  static bool supported();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The SRGAN_CUDA_GRAPHS setting: 1 turns CUDA graphs on, 0 off, whatever the options say;
/// unset (or anything else) leaves the options' choice. Read once.
enum class CudaGraphsSetting { kOptions, kOn, kOff };
CudaGraphsSetting cuda_graphs_setting();

}  // namespace srgan::detail
