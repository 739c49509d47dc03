#include "srgan/upscaler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <c10/util/Exception.h>
#include <torch/cuda.h>

#include "cuda_graph_forward.h"
#include "frame_conversion.h"
#include "srgan/color_conversion.h"
#include "srgan/cpu_precision.h"
#include "srgan/cuda_device.h"
#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/heap_reuse.h"
#include "srgan/inference_network.h"
#include "srgan/model.h"
#include "srgan/srgan_generator.h"
#include "srgan/threads.h"

namespace srgan {
namespace {

using at::indexing::Slice;

constexpr int64_t kDefaultTorchScriptOverlap = 16;
constexpr int64_t kMinTileSize = 32;

void check_tile_size(int64_t tile_size) {
  if (tile_size < 0 || (tile_size > 0 && tile_size < 8)) {
    throw Error("tile size must be 0 (automatic) or at least 8 pixels, got " +
                std::to_string(tile_size));
  }
}

}  // namespace

c10::Device resolve_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::kCPU;
  std::optional<c10::Device> device;
  try {
    device = c10::Device(name);
  } catch (const c10::Error&) {
  }
  if (!device || (device->type() != c10::kCPU && device->type() != c10::kCUDA)) {
    throw Error("unknown device '" + name + "' (expected auto, cpu, cuda or cuda:N)");
  }
  if (device->is_cpu()) return c10::kCPU;
  const int64_t count = torch::cuda::is_available() ? torch::cuda::device_count() : 0;
  if (count == 0) {
    throw Error("device '" + name + "' was requested but no CUDA device is visible here (" +
                why_no_cuda_device() +
                "); available devices: cpu (device auto or cpu runs on the CPU)");
  }
  const int64_t index = device->has_index() ? device->index() : 0;
  if (index >= count) {
    std::string available = "cpu";
    for (int64_t i = 0; i < count; ++i) available += ", cuda:" + std::to_string(i);
    throw Error("device '" + name + "' does not exist: this machine has " + std::to_string(count) +
                " CUDA device(s); available devices: " + available);
  }
  return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index));
}

struct Upscaler::State {
  State(UpscalerOptions upscaler_options, Model loaded, c10::Device on, at::ScalarType type)
      : options(std::move(upscaler_options)), model(std::move(loaded)), device(on), dtype(type) {}
  ~State() {
    if (device.is_cpu()) release_heap_reuse();
  }
  UpscalerOptions options;
  Model model;
  std::shared_ptr<InferenceNetwork> network;  // checkpoints; TorchScript runs through `model`
  // The network's forward as CUDA graphs, where they are on (it holds the network it replays).
  std::shared_ptr<detail::CudaGraphForward> graphs;
  c10::Device device = c10::kCPU;
  at::ScalarType dtype = at::kFloat;
  // Tiling may change between frames (set_tiling) while frames run on other threads.
  std::atomic<int64_t> tile_size{0};
  std::atomic<int64_t> overlap{0};
  int64_t model_overlap = 0;  // the generator's receptive field (or the TorchScript default)
  // The generator's estimate of a tile's activations; a TorchScript module's is the paper
  // network's at 64 channels (its shape is unknown).
  int64_t activation_elements_per_pixel = 0;
  int64_t activation_bytes_per_pixel() const {
    return activation_elements_per_pixel * static_cast<int64_t>(c10::elementSize(dtype));
  }
  // The largest single tensor of a tile per input pixel: the network's widest map, or the
  // tile's float result (3 x scale^2 floats), whichever is larger.
  int64_t largest_map_elements_per_pixel = 0;
  int64_t largest_tensor_bytes_per_pixel() const {
    const int64_t s = model.scale();
    return std::max(largest_map_elements_per_pixel * static_cast<int64_t>(c10::elementSize(dtype)),
                    3 * s * s * static_cast<int64_t>(sizeof(float)));
  }
  std::atomic<int64_t> tile_override{0};  // a smaller tile after running out of memory
  int jobs = 1;     // upscales at once on the CPU (share_cores): they share the cache
  int threads = 0;  // intra-op threads of each of them
  // LibTorch's count is the calling thread's (OpenMP's), and a thread that never set one takes
  // the last count set by any thread. A frame may run on a thread that another upscaler set
  // (GStreamer's pooled streaming threads: a live stream after a file ran on one core of two).
  void use_own_threads() const {
    if (device.is_cpu()) configure_intra_op_threads(threads);
  }
  int64_t default_budget_mb = 1024;  // activation memory for tiles when the options set none

  std::string precision_reason;  // why precision=auto chose what it did; empty otherwise

  // A checkpoint's network is rebuilt from the generator's float32 weights, so that trying one
  // dtype never rounds the weights another runs with.
  void move_to(at::ScalarType new_dtype) {
    graphs.reset();  // they replay the weights about to be replaced
    if (auto generator = model.generator()) {
      network = generator->inference_network();
      network->to(device, new_dtype);
      if (cuda_graphs_wanted()) {
        graphs =
            std::make_shared<detail::CudaGraphForward>([network = network](const at::Tensor& x) {
              return network->forward(x).to(at::kFloat);
            });
      }
    } else {
      model.to(device, new_dtype);
    }
    dtype = new_dtype;
  }

  bool cuda_graphs_wanted() const {
    if (!device.is_cuda() || !detail::CudaGraphForward::supported()) return false;
    switch (detail::cuda_graphs_setting()) {
      case detail::CudaGraphsSetting::kOn:
        return true;
      case detail::CudaGraphsSetting::kOff:
        return false;
      case detail::CudaGraphsSetting::kOptions:
        break;
    }
    return options.cuda_graphs();
  }

  // The fastest probe inference in `candidate`, after a warm-up (oneDNN builds its kernels on
  // the first). A small network runs a probe in well under a millisecond, where one preemption
  // flips the choice: probes repeat until 20 ms were timed (at least 3, at most 200).
  double probe_milliseconds(at::ScalarType candidate) {
    constexpr int64_t kProbeSize = 64;
    constexpr double kTimedMilliseconds = 20;
    move_to(candidate);
    c10::InferenceMode guard;
    const auto probe = at::rand({1, 3, kProbeSize, kProbeSize}) * 2 - 1;
    run(probe);
    double best = std::numeric_limits<double>::infinity();
    double timed = 0;
    for (int i = 0; i < 200 && (i < 3 || timed < kTimedMilliseconds); ++i) {
      const auto start = std::chrono::steady_clock::now();
      run(probe);
      const double took =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      best = std::min(best, took);
      timed += took;
    }
    return best;
  }

  // The networks convert to their dtype themselves: a compact one keeps its skip in float32.
  at::Tensor run(const at::Tensor& x) const {
    const auto input = x.to(device);
    if (graphs) return (*graphs)(input);
    return (network ? network->forward(input) : model.forward(input)).to(at::kFloat);
  }
};

Upscaler::Upscaler(const UpscalerOptions& options) {
  const int threads = configure_intra_op_threads(options.threads());
  const c10::Device device = resolve_device(options.device());
  const at::ScalarType dtype = resolve_precision(options.precision(), device);
  check_tile_size(options.tile_size());
  if (options.memory_budget_mb() < 0) throw Error("memory budget must be >= 0 MiB");
  Model model = load_model(options.model_path());
  if (device.is_cpu()) begin_heap_reuse();  // the State's destructor releases it
  state_ = std::make_unique<State>(options, model, device, dtype);
  state_->threads = threads;
  state_->tile_size = options.tile_size();
  if (auto generator = model.generator()) {
    state_->model_overlap = generator->receptive_field_radius();
    state_->activation_elements_per_pixel = generator->activation_elements_per_pixel();
    state_->largest_map_elements_per_pixel = generator->largest_map_elements_per_pixel();
  } else {
    state_->model_overlap = kDefaultTorchScriptOverlap;
    state_->activation_elements_per_pixel =
        SrganGeneratorImpl::activation_elements_per_pixel(64, model.scale());
    state_->largest_map_elements_per_pixel =
        SrganGeneratorImpl::largest_map_elements_per_pixel(64, model.scale());
  }
  // TorchScript modules are not timed: converting one to bf16 and back would round its weights.
  if (options.precision() == Precision::kAuto && device.is_cpu() && model.generator()) {
    const auto choice = choose_cpu_precision(
        cpu_bf16_support(), [this](at::ScalarType t) { return state_->probe_milliseconds(t); });
    state_->precision_reason = choice.reason;
    state_->move_to(choice.dtype);
  } else {
    if (options.precision() == Precision::kAuto && device.is_cpu())
      state_->precision_reason = "fp32: TorchScript models are not timed (bf16 would round them)";
    state_->move_to(dtype);
  }
  state_->overlap = options.tile_overlap() >= 0 ? options.tile_overlap() : state_->model_overlap;
  if (device.is_cuda()) {
    // The weights were copied in on the legacy default stream; frames run on non-blocking
    // streams (frames in flight), which do not wait for it: finish the copies first.
    synchronize_device(device);
    at::globalContext().setBenchmarkCuDNN(true);
    // Half of what is free when the model loads: a frame that fits runs untiled, and cuDNN's
    // workspaces and the frames of the pipeline keep the rest.
    state_->default_budget_mb = std::max<int64_t>(256, free_device_memory(device) / 2 / (1 << 20));
  }
}

Upscaler::~Upscaler() = default;
Upscaler::Upscaler(Upscaler&&) noexcept = default;
Upscaler& Upscaler::operator=(Upscaler&&) noexcept = default;

int64_t Upscaler::scale() const { return state_->model.scale(); }
c10::Device Upscaler::device() const { return state_->device; }
at::ScalarType Upscaler::dtype() const { return state_->dtype; }
int64_t Upscaler::tile_overlap() const { return state_->overlap; }
const std::string& Upscaler::precision_reason() const { return state_->precision_reason; }

void Upscaler::set_tiling(int64_t tile_size, int64_t tile_overlap) {
  check_tile_size(tile_size);
  state_->tile_size = tile_size;
  state_->overlap = tile_overlap >= 0 ? tile_overlap : state_->model_overlap;
  state_->tile_override = 0;
}

int Upscaler::share_cores(int jobs) {
  if (!state_->device.is_cpu()) return at::get_num_threads();
  const int threads = configure_intra_op_threads(intra_op_threads_per_job(jobs));
  state_->jobs = std::max(1, jobs);
  state_->threads = threads;
  state_->move_to(state_->dtype);  // the network again, with the choices for this thread count
  return threads;
}

int64_t Upscaler::tile_size_for(int64_t width, int64_t height) const {
  if (state_->tile_override > 0) return state_->tile_override;
  if (state_->tile_size > 0) return state_->tile_size;
  int64_t budget_mb = state_->options.memory_budget_mb();
  if (budget_mb == 0) budget_mb = state_->default_budget_mb;
  const double pixels = static_cast<double>(budget_mb) * 1024 * 1024 /
                        static_cast<double>(state_->activation_bytes_per_pixel());
  const int64_t edge = static_cast<int64_t>(std::sqrt(pixels)) - 2 * state_->overlap;
  return std::min(std::max(edge, kMinTileSize), std::max(width, height));
}

namespace {

// Each side split into equal parts no larger than the tile, so no sliver tile is left over.
std::vector<Tile> split_into_tiles(int64_t width, int64_t height, int64_t tile, int64_t overlap) {
  auto split = [tile](int64_t length) {
    const int64_t parts = (length + tile - 1) / tile;
    std::vector<std::pair<int64_t, int64_t>> spans;
    for (int64_t i = 0; i < parts; ++i) {
      const int64_t begin = length * i / parts;
      spans.emplace_back(begin, length * (i + 1) / parts - begin);
    }
    return spans;
  };
  std::vector<Tile> tiles;
  for (const auto& [y, h] : split(height)) {
    for (const auto& [x, w] : split(width)) {
      const int64_t rx = std::max<int64_t>(0, x - overlap);
      const int64_t ry = std::max<int64_t>(0, y - overlap);
      tiles.push_back({x, y, w, h, rx, ry, std::min(width, x + w + overlap) - rx,
                       std::min(height, y + h + overlap) - ry});
    }
  }
  return tiles;
}

int64_t largest_read_area(const std::vector<Tile>& tiles) {
  int64_t largest = 0;
  for (const Tile& t : tiles) largest = std::max(largest, t.read_width * t.read_height);
  return largest;
}

// glibc serves a thread's requests of 64 MiB or more (the size of a thread arena's heap) by
// mmap and unmaps them when freed, whatever M_MMAP_THRESHOLD says: in the element's streaming
// and worker threads each such map of every frame was page-faulted in anew (x4 in bf16,
// 960x540 -> 4K in one tile: 97 k faults a frame, the element at 76-85% of the bare Upscaler
// on the main thread). Tiles sized from the budget keep every tensor under it on the CPU.
constexpr int64_t kLargestCpuTensor = (int64_t{64} << 20) - (int64_t{64} << 10);
// The Winograd body streams each layer's map through its blocks of tiles: a map larger than
// the cache goes to memory and back at every layer. Tiles whose maps keep to 16 MiB (half the
// 32 MiB L3 of the EPYC measured) ran 1.1-1.2x faster in fp32 than whole 960x540 frames (x2:
// 133-140 against 156-158 ms, x4: 308-336 against 355-365; docs/PERFORMANCE.md), although
// their overlaps are computed twice. Jobs at once (the element's frames in flight) share the
// cache, so each gets its part: two frames with 16 MiB each ran the element at 90% of the bare
// Upscaler, with 8 MiB each at 98-102%.
constexpr int64_t kLargestWinogradMap = int64_t{16} << 20;

}  // namespace

std::vector<Tile> Upscaler::plan(int64_t width, int64_t height) const {
  int64_t tile = tile_size_for(width, height);
  const int64_t overlap = state_->overlap;
  auto tiles = split_into_tiles(width, height, tile, overlap);
  const bool from_budget = state_->tile_size <= 0 && state_->tile_override <= 0;
  if (state_->device.is_cpu() && from_budget) {
    const int64_t bytes = state_->largest_tensor_bytes_per_pixel();
    const bool winograd = state_->network && state_->network->runs_cache_blocked_winograd();
    const int64_t largest = winograd ? kLargestWinogradMap / state_->jobs : kLargestCpuTensor;
    while (largest_read_area(tiles) * bytes > largest && tile > kMinTileSize) {
      tile = std::max(kMinTileSize, tile * 7 / 8);
      tiles = split_into_tiles(width, height, tile, overlap);
    }
  }
  return tiles;
}

const std::string& Upscaler::model_warning() const { return state_->model.warning(); }

std::string Upscaler::describe() const {
  std::ostringstream out;
  out << state_->options.model_path() << " (" << state_->model.describe() << ") on "
      << state_->device.str();
  if (state_->device.is_cpu()) {
    const int threads = at::get_num_threads();
    out << " (" << threads << (threads == 1 ? " thread)" : " threads)");
  }
  out << ", " << to_string(precision_of(state_->dtype));
  if (!state_->precision_reason.empty()) out << " (auto: " << state_->precision_reason << ")";
  if (state_->network && state_->network->runs_winograd()) {
    out << ", Winograd 3x3 (" << state_->network->winograd_library() << ")";
  }
  if (state_->graphs) {
    out << (state_->graphs->capturing() ? ", CUDA graphs" : ", CUDA graphs off (a capture failed)");
  }
  out << ", tiles ";
  if (state_->tile_size > 0) {
    out << state_->tile_size << " px";
  } else {
    out << "from a "
        << (state_->options.memory_budget_mb() > 0 ? state_->options.memory_budget_mb()
                                                   : state_->default_budget_mb)
        << " MiB budget";
  }
  out << " with " << state_->overlap << " px overlap";
  return out.str();
}

int64_t Upscaler::working_memory_bytes(int64_t width, int64_t height, bool alpha) const {
  const int64_t s = scale();
  const int64_t tile = std::min(tile_size_for(width, height), std::max(width, height));
  const int64_t read = tile + 2 * state_->overlap;
  // The input as float RGB (and alpha), the tile's activations, its float result.
  const int64_t input = width * height * 4 * (alpha ? 4 : 3);
  const int64_t activations = read * read * state_->activation_bytes_per_pixel();
  const int64_t tile_output = read * read * s * s * 4 * (alpha ? 4 : 3) * 2;
  return input + activations + tile_output;
}

void Upscaler::for_each_tile(const at::Tensor& rgb, const TileWriter& write) {
  c10::InferenceMode guard;
  state_->use_own_threads();
  const int64_t s = scale();
  const int64_t height = rgb.size(2);
  const int64_t width = rgb.size(3);
  const auto in = state_->model.input_range();
  const auto out = state_->model.output_range();
  const auto x = rgb.to(state_->device, at::kFloat) * (in.max - in.min) + in.min;
  auto run_tiles = [&] {
    for (const Tile& t : plan(width, height)) {
      const auto region = x.index({Slice(), Slice(), Slice(t.read_y, t.read_y + t.read_height),
                                   Slice(t.read_x, t.read_x + t.read_width)});
      const auto result = state_->run(region);
      const int64_t dy = (t.y - t.read_y) * s;
      const int64_t dx = (t.x - t.read_x) * s;
      const auto core = result.index(
          {Slice(), Slice(), Slice(dy, dy + t.height * s), Slice(dx, dx + t.width * s)});
      write(t, core.sub(out.min).div_(out.max - out.min).clamp_(0, 1));
    }
  };
  // Out of memory: halve the tile until it fits (the size is kept for the frames that follow),
  // and name the frame when even the smallest tile does not. Tiles written before are written
  // again.
  for (;;) {
    try {
      run_tiles();
      return;
    } catch (const c10::OutOfMemoryError& e) {
      const int64_t tile = tile_size_for(width, height);
      if (tile <= kMinTileSize) {
        throw Error("a " + std::to_string(width) + "x" + std::to_string(height) +
                    " frame does not fit on " + state_->device.str() + " even in " +
                    std::to_string(tile) + " px tiles (" + first_line(e.what()) +
                    "); free device memory or use a smaller frame");
      }
      state_->tile_override = std::max(kMinTileSize, tile / 2);
    }
  }
}

at::Tensor Upscaler::upscale_rgb(const at::Tensor& rgb) {
  detail::check_rgb_shape(rgb, -1, -1, "upscale_rgb's input");
  c10::InferenceMode guard;
  const int64_t s = scale();
  auto output = at::empty({1, 3, s * rgb.size(2), s * rgb.size(3)},
                          at::TensorOptions().dtype(at::kFloat).device(state_->device));
  for_each_tile(rgb, [&](const Tile& t, const at::Tensor& core) {
    output
        .index({Slice(), Slice(), Slice(t.y * s, (t.y + t.height) * s),
                Slice(t.x * s, (t.x + t.width) * s)})
        .copy_(core);
  });
  return output;
}

void Upscaler::upscale(const FrameView& in, const FrameView& out) {
  in.validate();
  out.validate();
  const int64_t s = scale();
  if (in.format != out.format || out.width != in.width * s || out.height != in.height * s) {
    throw Error("output frame must be the input's format at " + std::to_string(s) +
                "x its size: input " + to_string(in.format) + " " + std::to_string(in.width) + "x" +
                std::to_string(in.height) + " needs " + to_string(in.format) + " " +
                std::to_string(in.width * s) + "x" + std::to_string(in.height * s) + ", got " +
                to_string(out.format) + " " + std::to_string(out.width) + "x" +
                std::to_string(out.height));
  }
  c10::InferenceMode guard;
  state_->use_own_threads();  // the conversions run on them too
  // Validated once above; the conversions do not validate again.
  const RgbImage image = detail::convert_frame_to_rgb(in, state_->device, at::kFloat);
  // Each tile goes straight into its part of the output frame: float only per tile, never a
  // whole output frame in float (an 8K one is 400 MB, a 16K one 1.6 GB).
  for_each_tile(image.rgb, [&](const Tile& t, const at::Tensor& core) {
    RgbImage part{core, at::Tensor()};
    if (image.alpha.defined()) {
      // Alpha is not the network's business: bicubic, like any scaler would, from the tile
      // and the two pixels around it that bicubic reads (the same values as the whole frame's).
      const int64_t x0 = std::max<int64_t>(0, t.x - 2), y0 = std::max<int64_t>(0, t.y - 2);
      const int64_t x1 = std::min(in.width, t.x + t.width + 2);
      const int64_t y1 = std::min(in.height, t.y + t.height + 2);
      const auto around = image.alpha.index({Slice(), Slice(), Slice(y0, y1), Slice(x0, x1)});
      part.alpha = at::upsample_bicubic2d(around, {(y1 - y0) * s, (x1 - x0) * s}, false)
                       .index({Slice(), Slice(), Slice((t.y - y0) * s, (t.y - y0 + t.height) * s),
                               Slice((t.x - x0) * s, (t.x - x0 + t.width) * s)})
                       .clamp(0, 1);
    }
    detail::convert_rgb_to_frame(part, out.region(t.x * s, t.y * s, t.width * s, t.height * s));
  });
  // A GPU output frame is complete when this returns: its next reader (e.g. a GStreamer CUDA
  // element, whose 1.22 memory carries no stream to wait on) may be on any stream.
  synchronize_current_stream(out.device);
}

}  // namespace srgan
