#include "cuda_graph_forward.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>

#include "srgan/error.h"

#ifdef SRGAN_WITH_CUDA
#include <ATen/core/CachingHostAllocator.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#endif

namespace srgan::detail {

CudaGraphsSetting cuda_graphs_setting() {
  static const CudaGraphsSetting setting = [] {
    const char* value = std::getenv("SRGAN_CUDA_GRAPHS");
    if (value == nullptr) return CudaGraphsSetting::kOptions;
    if (std::strcmp(value, "1") == 0) return CudaGraphsSetting::kOn;
    if (std::strcmp(value, "0") == 0) return CudaGraphsSetting::kOff;
    return CudaGraphsSetting::kOptions;
  }();
  return setting;
}

bool CudaGraphForward::supported() {
#ifdef SRGAN_WITH_CUDA
  return true;
#else
  return false;
#endif
}

#ifdef SRGAN_WITH_CUDA
namespace {

// A frame's tiles have at most four shapes (inner, right edge, bottom edge, corner); a thread
// that meets more (sizes changing mid-stream) runs the others eagerly rather than keep a graph
// and its static tensors for each.
constexpr size_t kMaxShapesPerStream = 4;
// Frames in flight run on a handful of threads; a bound keeps memory finite whatever calls us.
constexpr size_t kMaxStreams = 16;

// capture_end() failing before or after it handed the pool back: only the graph knows.
struct InspectableGraph : at::cuda::CUDAGraph {
  bool capture_ended() const { return capture_ended_; }
};

struct ShapeGraph {
  std::vector<int64_t> sizes;
  at::ScalarType dtype = at::kFloat;
  bool seen_once = false;  // the first run is eager: cuDNN chooses its algorithms outside capture
  std::unique_ptr<InspectableGraph> graph;
  at::Tensor input, output;  // static: the graph reads and writes these addresses
};

struct StreamGraphs {
  explicit StreamGraphs(c10::DeviceIndex index) : device(index) {
    const c10::cuda::CUDAGuard guard(device);
    C10_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  }
  ~StreamGraphs() {
    shapes.clear();  // the graphs first, then the stream they were captured on
    (void)cudaStreamDestroy(stream);
  }
  StreamGraphs(const StreamGraphs&) = delete;
  StreamGraphs& operator=(const StreamGraphs&) = delete;

  // A stream of its own, not one of LibTorch's pool, which hands the same streams out again
  // (to other frames in flight): whatever another thread queued on a capturing stream would be
  // captured instead of run. One stream for every capture of the pool, too: the caching
  // allocator reuses a freed block only on the stream it was allocated on, so this is what lets
  // the graphs share their memory.
  c10::cuda::CUDAStream capture_stream() const {
    return c10::cuda::getStreamFromExternal(stream, device);
  }

  c10::DeviceIndex device;
  cudaStream_t stream = nullptr;
  c10::MempoolId_t pool = at::cuda::graph_pool_handle();
  std::vector<ShapeGraph> shapes;
};

using StreamKey = std::pair<std::thread::id, cudaStream_t>;

// Ends a capture that failed, if `stream` still captures, and clears the error it left (capture
// errors are not sticky).
void end_failed_capture(cudaStream_t stream) {
  cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(stream, &status) == cudaSuccess &&
      status != cudaStreamCaptureStatusNone) {
    cudaGraph_t partial = nullptr;
    if (cudaStreamEndCapture(stream, &partial) == cudaSuccess && partial != nullptr)
      cudaGraphDestroy(partial);
  }
  (void)cudaGetLastError();
}

// Runs one step of the cleanup after a failed capture. A step that capture_end() already took,
// or that capture_begin() never needed, throws: harmless, and the next step still runs.
template <typename Step>
void tolerating_errors(Step step) {
  try {
    step();
  } catch (const std::exception&) {
  }
}

// Stops both caching allocators routing `pool`'s allocations to it.
void end_allocating_to(c10::DeviceIndex device, c10::MempoolId_t pool) {
  tolerating_errors([&] { c10::cuda::CUDACachingAllocator::endAllocateToPool(device, pool); });
  tolerating_errors([&] { at::getHostAllocator(at::kCUDA)->end_allocate_to_pool(pool); });
}

// After a capture that got past capture_begin() failed: what capture_end() and the graph's reset()
// would have done. capture_begin() took one reference to the pool in each allocator; unless the
// graph ended its capture (its reset() then gives them back), they are given back here.
void abandon_capture(InspectableGraph& graph, cudaStream_t stream, c10::DeviceIndex device,
                     c10::MempoolId_t pool) {
  end_failed_capture(stream);
  if (graph.capture_ended()) return;
  end_allocating_to(device, pool);
  tolerating_errors([&] { c10::cuda::CUDACachingAllocator::releasePool(device, pool); });
  tolerating_errors([&] { at::getHostAllocator(at::kCUDA)->release_pool(pool); });
}

}  // namespace

struct CudaGraphForward::Impl {
  explicit Impl(Forward f) : forward(std::move(f)) {}

  Forward forward;
  std::mutex mutex;  // guards the map; each entry is used by its own thread only
  std::map<StreamKey, std::unique_ptr<StreamGraphs>> streams;
  std::atomic<bool> capturing{true};
  std::atomic<int> made{0};
  std::once_flag warned;

  StreamGraphs* graphs_of(const StreamKey& key, c10::DeviceIndex device) {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = streams.find(key);
    if (found != streams.end()) return found->second.get();
    if (streams.size() >= kMaxStreams) return nullptr;
    return streams.emplace(key, std::make_unique<StreamGraphs>(device)).first->second.get();
  }

  void stop_capturing(const std::exception& why) {
    capturing = false;
    std::call_once(warned, [&] {
      TORCH_WARN(
          "srganupscale: CUDA graphs off, running eagerly: the network could not be "
          "captured (",
          std::string(why.what()).substr(0, std::string(why.what()).find('\n')), ")");
    });
  }

  at::Tensor capture(StreamGraphs& graphs, ShapeGraph& shape, const at::Tensor& input) {
    const auto ambient = c10::cuda::getCurrentCUDAStream();
    const c10::DeviceIndex device = ambient.device_index();
    shape.input = at::empty(input.sizes(), input.options());
    shape.input.copy_(input);
    // Capture runs on the graphs' own stream (never the legacy default one), after what the
    // ambient stream queued; replays run on the ambient stream, as an eager forward would.
    const auto side = graphs.capture_stream();
    at::cuda::CUDAEvent queued;
    queued.record(ambient);
    queued.block(side);
    auto graph = std::make_unique<InspectableGraph>();
    {
      const c10::cuda::CUDAStreamGuard on_side(side);
      // Thread-local: frames in flight on other threads keep calling CUDA while this captures.
      try {
        graph->capture_begin(graphs.pool, cudaStreamCaptureModeThreadLocal);
      } catch (...) {
        // Whether it took its reference to the pool is unknown: leave it (a pool given back too
        // early would hand the other graphs' memory out). No capture follows a failure.
        end_failed_capture(side.stream());
        end_allocating_to(device, graphs.pool);
        throw;
      }
      try {
        shape.output = forward(shape.input);
        graph->capture_end();
      } catch (...) {
        abandon_capture(*graph, side.stream(), device, graphs.pool);
        shape.input = at::Tensor();
        shape.output = at::Tensor();
        throw;
      }
    }
    at::cuda::CUDAEvent captured;
    captured.record(side);
    captured.block(ambient);
    shape.graph = std::move(graph);
    ++made;
    shape.graph->replay();
    return shape.output.clone();
  }

  at::Tensor run(const at::Tensor& input) {
    // Static inputs are written in place at every replay: inference tensors, as the Upscaler's.
    const c10::InferenceMode inference;
    if (!capturing && made == 0) return forward(input);
    const auto stream = c10::cuda::getCurrentCUDAStream(input.device().index());
    const StreamKey key{std::this_thread::get_id(), stream.stream()};
    StreamGraphs* graphs = graphs_of(key, stream.device_index());
    if (graphs == nullptr) return forward(input);
    try {
      return run_on(*graphs, input);
    } catch (const c10::OutOfMemoryError&) {
      // The Upscaler retries with smaller tiles: free what this thread's graphs hold first (their
      // pool goes with them; new graphs get a new one).
      stream.synchronize();
      std::lock_guard<std::mutex> lock(mutex);
      streams.erase(key);
      throw;
    }
  }

  at::Tensor run_on(StreamGraphs& graphs, const at::Tensor& input) {
    ShapeGraph* shape = nullptr;
    for (ShapeGraph& s : graphs.shapes) {
      if (s.dtype == input.scalar_type() && input.sizes().equals(s.sizes)) shape = &s;
    }
    if (shape == nullptr) {
      if (graphs.shapes.size() >= kMaxShapesPerStream || !capturing) return forward(input);
      shape = &graphs.shapes.emplace_back();
      shape->sizes = input.sizes().vec();
      shape->dtype = input.scalar_type();
    }
    if (shape->graph) {
      shape->input.copy_(input);
      shape->graph->replay();
      return shape->output.clone();
    }
    if (!shape->seen_once || !capturing) {
      shape->seen_once = true;
      return forward(input);
    }
    try {
      return capture(graphs, *shape, input);
    } catch (const c10::OutOfMemoryError&) {
      throw;
    } catch (const std::exception& e) {
      stop_capturing(e);
      return forward(input);
    }
  }
};

CudaGraphForward::CudaGraphForward(Forward forward)
    : impl_(std::make_unique<Impl>(std::move(forward))) {}

CudaGraphForward::~CudaGraphForward() {
  // Replays may still run (upscale_rgb returns before its output is computed): the pools'
  // memory goes back to the caching allocator only once they are done.
  if (impl_->made > 0) (void)cudaDeviceSynchronize();
}

at::Tensor CudaGraphForward::operator()(const at::Tensor& input) {
  if (!input.is_cuda()) throw Error("CUDA graphs run CUDA tensors only, got " + input.toString());
  return impl_->run(input);
}

bool CudaGraphForward::capturing() const { return impl_->capturing; }
int CudaGraphForward::graphs_made() const { return impl_->made; }

#else  // no CUDA in this build: never constructed by the Upscaler, which checks supported()

struct CudaGraphForward::Impl {
  Forward forward;
};

CudaGraphForward::CudaGraphForward(Forward forward)
    : impl_(std::make_unique<Impl>(Impl{std::move(forward)})) {}
CudaGraphForward::~CudaGraphForward() = default;
at::Tensor CudaGraphForward::operator()(const at::Tensor& input) {
  throw Error("this build's LibTorch has no CUDA: no CUDA graphs for " + input.toString());
}
bool CudaGraphForward::capturing() const { return false; }
int CudaGraphForward::graphs_made() const { return 0; }

#endif

}  // namespace srgan::detail
