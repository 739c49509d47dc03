// srgan-bench: speed and memory of the generator and the Upscaler on this machine, measured
// side by side in one run and printed as markdown tables (docs/PERFORMANCE.md keeps them).
//
//   srgan-bench                      # CPU, every measurement
//   srgan-bench --device cuda        # GPU (fp32/fp16/bf16 where supported)
//
// Times are the minimum over --repeats runs after a warm-up: shared machines add noise, never
// speed. GFLOP/s count the plain generator's multiply-adds (2 FLOPs each), whatever computes them.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>
#include <CLI/CLI.hpp>

#include "fma_peak.h"
#include "srgan_config.h"
#ifdef SRGAN_BENCH_ELEMENT
#include "element_bench.h"
#endif
#include "srgan/bundled_models.h"
#include "srgan/checkpoint.h"
#include "srgan/color_conversion.h"
#include "srgan/cpu_precision.h"
#include "srgan/error.h"
#include "srgan/frame.h"
#include "srgan/generator.h"
#include "srgan/heap_reuse.h"
#include "srgan/inference_network.h"
#include "srgan/model.h"
#include "srgan/threads.h"
#include "srgan/upscaler.h"

namespace srgan::bench {
namespace {

struct Settings {
  std::string device = "cpu";
  std::vector<std::string> precisions;
  int repeats = 3;
  int threads = 0;
  std::string python = "python3";
  bool skip_python = false;
  bool quick = false;
  std::string peak_rss_child;        // internal: measure one frame in a fresh process
  std::string rss_size = "960x540";  // internal: its input size
  bool rss_whole_frame = false;      // internal: through the whole-frame float path
  bool memory = false;
  bool element = false;
  std::string model;  // empty: x2 and x4 for the tables, x4 for --element and --memory
  std::string size = "480x270";
  int frames = 60;
  std::vector<int> frames_in_flight;  // --element: one table per value (empty: the default)
  int rounds = 3;                     // --element: bare Upscaler and element alternate
};

void synchronize(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

// Minimum wall time in milliseconds of `repeats` calls after one warm-up call.
double time_ms(const std::function<void()>& fn, int repeats, const c10::Device& device) {
  fn();
  synchronize(device);
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    fn();
    synchronize(device);
    best = std::min(
        best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count());
  }
  return best;
}

std::string fixed(double value, int digits = 1) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

std::string cpu_model() {
  std::ifstream info("/proc/cpuinfo");
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string today() {
  char text[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(text, sizeof(text), "%Y-%m-%d", std::gmtime(&now));
  return text;
}

// The card's name from nvidia-smi: keeps CUDA headers out of the benchmark.
std::string gpu_name() {
  FILE* pipe =
      popen("nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null", "r");
  char line[256] = {0};
  const bool ok = pipe && fgets(line, sizeof(line), pipe);
  if (pipe) pclose(pipe);
  std::string name = ok ? line : "unknown GPU";
  if (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

at::ScalarType dtype_of(const std::string& precision, const c10::Device& device) {
  return resolve_precision(precision_from_string(precision), device);
}

// Milliseconds per frame of the PyTorch peer on the same device, by "size/precision":
// {eager, channels_last}.
std::map<std::string, std::pair<double, double>> run_python_peer(
    const Settings& s, const std::vector<std::string>& sizes, int threads,
    const std::string& device, const std::vector<std::string>& precisions,
    const GeneratorOptions& network) {
  std::map<std::string, std::pair<double, double>> result;
  // The peer allocates as our side does: with the Upscaler's heap reuse on the CPU.
  const std::string environment = device == "cpu" ? heap_reuse_environment() : std::string();
  std::string command =
      environment + s.python + " " + SRGAN_BENCH_DIR + "/pytorch_peer.py --threads " +
      std::to_string(threads) + " --repeats " + std::to_string(s.repeats) + " --device " + device +
      " --arch " + to_string(network.architecture()) + " --blocks " +
      std::to_string(network.blocks()) + " --channels " + std::to_string(network.channels()) +
      " --scale " + std::to_string(network.scale()) + " --body-activation " +
      to_string(network.body_activation()) + " --precisions";
  for (const auto& precision : precisions) command += " " + precision;
  command += " --sizes";
  for (const auto& size : sizes) command += " " + size;
  command += " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char line[1024];
  while (fgets(line, sizeof(line), pipe)) {
    // {"size": "96x96", "eager_ms": 1.0, "channels_last_ms": 2.0, ...}: small, fixed keys.
    const std::string text = line;
    auto value = [&](const std::string& key) {
      const auto at = text.find("\"" + key + "\": ");
      return at == std::string::npos ? -1.0 : std::stod(text.substr(at + key.size() + 4));
    };
    const auto size_at = text.find("\"size\": \"");
    if (size_at == std::string::npos) continue;
    const auto size = text.substr(size_at + 9, text.find('"', size_at + 9) - size_at - 9);
    const auto precision_at = text.find("\"precision\": \"");
    const auto precision =
        precision_at == std::string::npos
            ? std::string("fp32")
            : text.substr(precision_at + 14, text.find('"', precision_at + 14) - precision_at - 14);
    result[size + "/" + precision] = {value("eager_ms"), value("channels_last_ms")};
  }
  pclose(pipe);
  return result;
}

// The precisions measured when none is asked for: all three on CUDA; fp32 on the CPU, and bf16
// where the CPU computes it natively (AMX-BF16 or AVX512-BF16; emulated bf16 is not worth a row).
std::vector<std::string> default_precisions(const c10::Device& device, bool announce) {
  if (device.is_cuda()) return {"fp32", "fp16", "bf16"};
  const auto support = cpu_bf16_support();
  if (support.any()) return {"fp32", "bf16"};
  if (announce) {
    std::cout << "- bf16: this CPU has " << support.describe()
              << " (bf16 would be emulated): fp32 only\n";
  }
  return {"fp32"};
}

long peak_rss_kb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// In a fresh process, so that only this work counts: one I420 frame of --rss-size with the
// default tiles, through Upscaler::upscale (each tile into the output frame) or, with
// --rss-whole-frame, through the whole-frame float path it replaced (the frame as float RGB,
// upscale_rgb, then the conversion). Prints "peak_rss_kb N model_kb M tiles T tile_size S
// frames_kb F".
int peak_rss_child(const Settings& s) {
  int64_t w = 0, h = 0;
  if (std::sscanf(s.rss_size.c_str(), "%ldx%ld", &w, &h) != 2) throw Error("bad --rss-size");
  Upscaler upscaler(
      UpscalerOptions().model_path(s.peak_rss_child).device(s.device).threads(s.threads));
  const long model_kb = peak_rss_kb();
  const int64_t scale = upscaler.scale();
  FrameBuffer in(PixelFormat::kI420, w, h), out(PixelFormat::kI420, w * scale, h * scale);
  const long frames_kb = static_cast<long>((in.bytes().size() + out.bytes().size()) / 1024);
  if (s.rss_whole_frame) {
    c10::InferenceMode guard;
    const RgbImage image = frame_to_rgb(in.view(), upscaler.device(), at::kFloat);
    rgb_to_frame(RgbImage{upscaler.upscale_rgb(image.rgb), at::Tensor()}, out.view());
  } else {
    upscaler.upscale(in.view(), out.view());
  }
  std::cout << "peak_rss_kb " << peak_rss_kb() << " model_kb " << model_kb << " tiles "
            << upscaler.plan(w, h).size() << " tile_size " << upscaler.tile_size_for(w, h)
            << " frames_kb " << frames_kb << std::endl;
  return 0;
}

struct PeakRss {
  long peak_kb = 0, model_kb = 0, tiles = 0, tile_size = 0, frames_kb = 0;
};

std::optional<PeakRss> measure_peak_rss(const Settings& s, const std::string& self,
                                        const std::string& model, const std::string& size,
                                        bool whole_frame, int threads) {
  const std::string command = self + " --device " + s.device + " --threads " +
                              std::to_string(threads) + " --peak-rss-child " + model +
                              " --rss-size " + size + (whole_frame ? " --rss-whole-frame" : "");
  FILE* pipe = popen(command.c_str(), "r");
  char line[256] = {0};
  const bool ok = pipe && fgets(line, sizeof(line), pipe);
  if (pipe) pclose(pipe);
  PeakRss r;
  if (!ok || std::sscanf(line, "peak_rss_kb %ld model_kb %ld tiles %ld tile_size %ld frames_kb %ld",
                         &r.peak_kb, &r.model_kb, &r.tiles, &r.tile_size, &r.frames_kb) != 5)
    return std::nullopt;
  return r;
}

// --memory: peak RSS of one large frame, 1080p -> 8K and 4K -> 16K with the x4, through the
// Upscaler beside the whole-frame float path it replaced, each in a fresh process.
int run_memory(const Settings& s, const std::string& self) {
  const int threads = configure_intra_op_threads(s.threads);
  const std::string name = s.model.empty() ? "x4" : s.model;
  const std::string model = resolve_model_argument(name, bundled_model_folders_of_program());
  std::cout << "# srgan-bench --memory\n\n- date: " << today() << "\n- machine: " << cpu_model()
            << ", " << threads << " intra-op threads\n- model: " << name
            << "\n\n| frame (I420) | path | tiles | tile edge | peak RSS | model loaded | the two "
               "8-bit frames | peak - model - frames |\n| --- | --- | ---: | ---: | ---: | ---: | "
               "---: | ---: |\n";
  for (const char* size : {"1920x1080", "3840x2160"}) {
    for (bool whole : {false, true}) {
      const auto r = measure_peak_rss(s, self, model, size, whole, threads);
      if (!r) {
        std::cout << "| " << size << " | "
                  << (whole ? "whole frame in float" : "tiles into the frame")
                  << " | failed (out of memory?) | | | | | |\n";
        continue;
      }
      std::cout << "| " << size << " x" << (size[0] == '1' ? "4 -> 7680x4320" : "4 -> 15360x8640")
                << " | " << (whole ? "whole frame in float (before)" : "tiles into the frame")
                << " | " << r->tiles << " | " << r->tile_size << " px | "
                << fixed(r->peak_kb / 1024.0, 0) << " MiB | " << fixed(r->model_kb / 1024.0, 0)
                << " MiB | " << fixed(r->frames_kb / 1024.0, 0) << " MiB | "
                << fixed((r->peak_kb - r->model_kb - r->frames_kb) / 1024.0, 0) << " MiB |"
                << std::endl;
    }
  }
  return 0;
}

// A network srgan-bench measures: a bundled model (by name) or a file, with its options.
struct Network {
  std::string name, path;
  GeneratorOptions options;
  Model model;
};

Network load_network(const std::string& name) {
  const std::string path = resolve_model_argument(name, bundled_model_folders_of_program());
  Model model = load_model(path);
  if (!model.generator_options())
    throw Error(name + ": a TorchScript module has no options to count its arithmetic by");
  return {name, path, *model.generator_options(), model};
}

std::string describe(const Network& n) {
  return n.name + " (" + n.options.describe() + ", " +
         std::to_string(generator_parameter_count(n.options)) + " parameters)";
}

// The Upscaler with CUDA graphs (UpscalerOptions::cuda_graphs) beside the same Upscaler launching
// every operation, alternated in one run: the model alone (upscale_rgb, a frame in one tile) and
// whole I420 frames, and how far the two outputs differ.
void print_cuda_graphs_table(const Network& net, const std::vector<std::string>& precisions,
                             const std::vector<std::pair<int64_t, int64_t>>& sizes, int threads,
                             int repeats, const c10::Device& device) {
  std::cout << "## CUDA graphs: " << net.name
            << "\n\nEach Upscaler is made once per precision; a tile shape is captured at its "
               "second use, so both warm up twice before the timed runs"
            << (std::getenv("SRGAN_CUDA_GRAPHS") ? " (SRGAN_CUDA_GRAPHS is set: it overrides "
                                                   "both columns' choice)"
                                                 : "")
            << ".\n\n| input | precision | model eager ms | model graphs ms | eager / graphs | "
               "I420 frame eager ms | graphs ms | eager / graphs | max difference |\n| --- | --- "
               "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
  const int64_t scale = net.options.scale();
  for (const auto& precision : precisions) {
    auto options = [&](bool graphs) {
      return UpscalerOptions()
          .model_path(net.path)
          .device(device.str())
          .precision(precision_from_string(precision))
          .threads(threads)
          .cuda_graphs(graphs);
    };
    Upscaler eager(options(false)), graphed(options(true));
    for (const auto& [h, w] : sizes) {
      const auto rgb = at::rand({1, 3, h, w});
      FrameBuffer in(PixelFormat::kI420, w, h), out(PixelFormat::kI420, w * scale, h * scale);
      rgb_to_frame({rgb, at::Tensor()}, in.view());
      double model_ms[2], frame_ms[2];
      for (int graphs = 0; graphs < 2; ++graphs) {
        Upscaler& upscaler = graphs ? graphed : eager;
        upscaler.upscale_rgb(rgb);  // time_ms warms up once more: the capture
        model_ms[graphs] = time_ms([&] { upscaler.upscale_rgb(rgb); }, repeats, device);
        upscaler.upscale(in.view(), out.view());
        frame_ms[graphs] =
            time_ms([&] { upscaler.upscale(in.view(), out.view()); }, repeats, device);
      }
      const double difference =
          (eager.upscale_rgb(rgb) - graphed.upscale_rgb(rgb)).abs().max().item<double>();
      std::cout << "| " << w << "x" << h << " | " << precision << " | " << fixed(model_ms[0], 2)
                << " | " << fixed(model_ms[1], 2) << " | " << fixed(model_ms[0] / model_ms[1], 2)
                << "x | " << fixed(frame_ms[0], 2) << " | " << fixed(frame_ms[1], 2) << " | "
                << fixed(frame_ms[0] / frame_ms[1], 2) << "x | " << difference << " |\n";
    }
    std::cout << "\nGraphs: " << graphed.describe() << "\n\n";
  }
}

int run(const Settings& s, const std::string& self) {
  const c10::Device device = resolve_device(s.device);
  const int threads = configure_intra_op_threads(s.threads);
  // What ships: the bundled x2 and x4 by default; the paper's network by name (x4-srgan).
  std::vector<Network> networks;
  for (const auto& name :
       s.model.empty() ? std::vector<std::string>{"x2", "x4"} : std::vector<std::string>{s.model})
    networks.push_back(load_network(name));
  std::vector<std::pair<int64_t, int64_t>> sizes = {{96, 96}, {270, 480}, {540, 960}};
  if (s.quick) sizes = {{96, 96}};
  std::cout << "# srgan-bench\n\n";
  const std::vector<std::string> precisions =
      s.precisions.empty() ? default_precisions(device, true) : s.precisions;
  std::cout << "- date: " << today() << "\n- machine: " << cpu_model() << ", " << available_cores()
            << " cores available, " << threads << " intra-op threads\n- LibTorch " << TORCH_VERSION
            << ", device " << device.str() << "\n";
  if (device.is_cuda()) std::cout << "- GPU: " << gpu_name() << "\n";
  for (const auto& n : networks) std::cout << "- model: " << describe(n) << "\n";
  std::cout << "\n";

  // Peaks, measured now, on the same threads: the FMA loop on a CPU; on a GPU the matrix
  // product in each precision (fp32 with TF32, which cuDNN's convolutions use by default).
  std::map<std::string, double> peak;
  std::cout << "## Peak\n\n| measure | GFLOP/s |\n| --- | ---: |\n";
  if (device.is_cpu()) {
    const double fma = fma_peak_gflops(threads, 1.0);
    peak["fp32"] = fma;
    std::cout << "| FMA loop (" << fma_peak_isa() << ", " << threads << " threads) | " << fixed(fma)
              << " |\n";
  }
  // On the CPU, fp32's peak is the FMA loop's and bf16's the matrix product's (AMX tiles or
  // AVX512-BF16 dot products through oneDNN): each precision's row is a fraction of its own.
  std::vector<std::string> gemm_precisions = precisions;
  if (device.is_cpu() &&
      std::find(precisions.begin(), precisions.end(), "fp32") == precisions.end())
    gemm_precisions.insert(gemm_precisions.begin(), "fp32");
  for (const auto& precision : gemm_precisions) {
    const int64_t n = device.is_cuda() ? 8192 : 2048;
    const auto options = at::TensorOptions().device(device).dtype(dtype_of(precision, device));
    const auto a = at::rand({n, n}, options);
    const auto b = at::rand({n, n}, options);
    const bool tf32 = at::globalContext().allowTF32CuBLAS();
    if (device.is_cuda()) at::globalContext().setAllowTF32CuBLAS(true);
    const double ms = time_ms([&] { at::mm(a, b); }, s.repeats + 2, device);
    at::globalContext().setAllowTF32CuBLAS(tf32);
    const double gemm = 2.0 * n * n * n / ms / 1e6;
    std::cout << "| matrix product " << n << "^3 (at::mm, " << precision
              << (device.is_cuda() && precision == "fp32" ? " as TF32" : "") << ") | "
              << fixed(gemm) << " |\n";
    if (device.is_cuda() || precision != "fp32") peak[precision] = gemm;
  }
  std::cout << "\n";

  std::vector<std::string> size_names;
  for (auto [h, w] : sizes) size_names.push_back(std::to_string(h) + "x" + std::to_string(w));
  for (const auto& net : networks) {
    // The generator alone: the plain module vs the rewritten InferenceNetwork, beside the same
    // network in PyTorch (eager and channels-last).
    std::map<std::string, std::pair<double, double>> peer;
    if (!s.skip_python)
      peer = run_python_peer(s, size_names, threads, device.str(), precisions, net.options);
    std::cout << "## Generator: " << describe(net) << "\n\n";
    if (device.is_cpu() && !heap_reuse_environment().empty()) {
      std::cout << "Both sides keep freed activation maps in the heap, as the Upscaler does (the "
                   "peer through glibc's MALLOC_* variables).\n\n";
    }
    std::cout << "GFLOP/s count a direct convolution's operations; where the optimised network "
                 "runs its wide layers by Winograd (fewer multiplications), they can pass the "
                 "peak. \"Direct ms\" is the same network without Winograd. \"Channels-last / "
                 "peak\" is what any direct convolution of these operations could gain over "
                 "PyTorch's channels-last network: its time against the plain network's "
                 "operations at the FMA loop's rate (fp32 on the CPU only).\n\n";
    std::cout
        << "| input | precision | plain ms | optimised ms | speed-up | direct ms | Winograd "
           "gain | GFLOP/s | % of peak | PyTorch eager ms | PyTorch channels-last ms | ours "
           "/ eager | ours / channels-last | channels-last / peak |\n| --- | --- | ---: | ---: | "
           "---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n";
    // As in the Upscaler, freed activation maps stay in the heap for the next layer (the peer
    // gets the same through glibc's variables): page faults would otherwise be timed.
    if (device.is_cpu()) begin_heap_reuse();
    for (const auto& precision : precisions) {
      const auto dtype = dtype_of(precision, device);
      Generator plain(net.options);
      {
        torch::NoGradGuard no_grad;
        const auto trained = net.model.generator()->named_parameters();
        for (auto& p : plain->named_parameters()) p.value().copy_(trained[p.key()]);
      }
      plain->eval();
      plain->to(device, dtype);
      auto network = net.model.generator()->inference_network();
      network->to(device, dtype);
      auto direct = net.model.generator()->inference_network(InferenceRewrites().winograd(false));
      direct->to(device, dtype);
      for (size_t i = 0; i < sizes.size(); ++i) {
        const auto [h, w] = sizes[i];
        const auto x = (at::rand({1, 3, h, w}) * 2 - 1).to(device, dtype);
        c10::InferenceMode guard;
        const int repeats = h * w > 100000 ? std::max(2, s.repeats - 1) : s.repeats;
        const double plain_ms = time_ms([&] { plain->forward(x); }, repeats, device);
        const double fast_ms = time_ms([&] { network->forward(x); }, repeats, device);
        const double gflops = generator_flops(net.options, h, w) / fast_ms / 1e6;
        std::cout << "| " << size_names[i] << " | " << precision << " | " << fixed(plain_ms)
                  << " | " << fixed(fast_ms) << " | " << fixed(plain_ms / fast_ms, 2) << "x | ";
        if (network->runs_winograd()) {
          const double direct_ms = time_ms([&] { direct->forward(x); }, repeats, device);
          std::cout << fixed(direct_ms) << " | " << fixed(direct_ms / fast_ms, 2) << "x | ";
        } else {
          std::cout << "- | - | ";
        }
        std::cout << fixed(gflops) << " | " << fixed(100.0 * gflops / peak[precision]) << "% | ";
        const auto found = peer.find(size_names[i] + "/" + precision);
        if (found != peer.end()) {
          const auto [eager, cl] = found->second;
          std::cout << fixed(eager) << " | " << fixed(cl) << " | " << fixed(eager / fast_ms, 2)
                    << "x faster | " << fixed(cl / fast_ms, 2) << "x faster | ";
          // Only the FMA loop is an instruction's peak; the other precisions' are at::mm's rate.
          if (device.is_cpu() && precision == "fp32") {
            const double peak_ms = generator_flops(net.options, h, w) / peak[precision] / 1e6;
            std::cout << fixed(cl / peak_ms, 2) << "x |\n";
          } else {
            std::cout << "- |\n";
          }
        } else {
          std::cout << "- | - | - | - | - |\n";
        }
      }
    }
    if (device.is_cpu()) release_heap_reuse();
    std::cout << "\n";

    // The whole Upscaler on frames: the cost of conversions and copies around the model, for
    // 8-bit 4:2:0 (I420, NV12), 10-bit 4:2:0 (P010_10LE, what HEVC Main10 decoders give) and
    // RGB, at the largest size (960x540 on a GPU too).
    std::vector<std::pair<int64_t, int64_t>> frame_sizes = {sizes.back()};
    if (device.is_cuda() && sizes.back() != std::pair<int64_t, int64_t>{540, 960})
      frame_sizes.push_back({540, 960});
    const int64_t scale = net.options.scale();
    // An x2 also at the size it is for, 1080p -> 4K, in I420: its tiles there are not the
    // smaller sizes' (their shapes once ran oneDNN's Winograd slower than direct convolutions).
    const std::pair<int64_t, int64_t> full_hd{1080, 1920};
    if (scale == 2 && !s.quick && sizes.back() != full_hd) frame_sizes.push_back(full_hd);
    std::cout << "## Upscaler on frames: " << net.name
              << "\n\n| input | format | precision | tiles | frame ms | model ms | conversion + "
                 "copies | fps | model % of peak |\n| --- | --- | --- | ---: | ---: | ---: | "
                 "---: | ---: | ---: |\n";
    for (const auto& precision : precisions) {
      Upscaler upscaler(UpscalerOptions()
                            .model_path(net.path)
                            .device(device.str())
                            .precision(precision_from_string(precision))
                            .threads(threads));
      for (const auto& [h, w] : frame_sizes) {
        const auto rgb = at::rand({1, 3, h, w});
        const double model_ms = time_ms([&] { upscaler.upscale_rgb(rgb); }, 2, device);
        const std::vector<PixelFormat> formats =
            std::make_pair(h, w) == full_hd
                ? std::vector<PixelFormat>{PixelFormat::kI420}
                : std::vector<PixelFormat>{PixelFormat::kI420, PixelFormat::kNV12,
                                           PixelFormat::kP010_10LE, PixelFormat::kRGB};
        for (PixelFormat format : formats) {
          FrameBuffer in(format, w, h), out(format, w * scale, h * scale);
          rgb_to_frame({rgb, at::Tensor()}, in.view());
          const double frame_ms =
              time_ms([&] { upscaler.upscale(in.view(), out.view()); }, 2, device);
          std::cout << "| " << w << "x" << h << " | " << to_string(format) << " | " << precision
                    << " | " << upscaler.plan(w, h).size() << " | " << fixed(frame_ms) << " | "
                    << fixed(model_ms) << " | " << fixed(100.0 * (frame_ms - model_ms) / model_ms)
                    << "% | " << fixed(1000.0 / frame_ms, 2) << " | "
                    << fixed(100.0 * generator_flops(net.options, h, w) / model_ms / 1e6 /
                             peak[precision])
                    << "% |\n";
        }
      }
    }
    std::cout << "\n";
    if (device.is_cuda())
      print_cuda_graphs_table(net, precisions, sizes, threads, s.repeats, device);
  }

  // Peak memory of a 4K output frame with default tiles, in a fresh process.
  if (!s.quick) {
    const Network& x4 = networks.back();
    const int64_t scale = x4.options.scale();
    const std::string size = std::to_string(3840 / scale) + "x" + std::to_string(2160 / scale);
    if (const auto r = measure_peak_rss(s, self, x4.path, size, false, threads)) {
      std::cout << "## Memory\n\n| frame | tiles | tile edge | peak RSS |\n| --- | ---: | ---: | "
                   "---: |\n| "
                << size << " -> 3840x2160 I420 (" << x4.name << ") | " << r->tiles << " | "
                << r->tile_size << " px | " << fixed(r->peak_kb / 1024.0, 0) << " MiB |\n\n";
    }
  }
  return 0;
}

int run_element(const Settings& s) {
#ifdef SRGAN_BENCH_ELEMENT
  ElementBenchSettings e;
  e.model =
      resolve_model_argument(s.model.empty() ? "x4" : s.model, bundled_model_folders_of_program());
  e.device = s.device;
  e.frames = s.frames;
  e.rounds = s.rounds;
  if (std::sscanf(s.size.c_str(), "%dx%d", &e.width, &e.height) != 2 || e.width < 1 ||
      e.height < 1) {
    throw Error("--size takes WIDTHxHEIGHT, e.g. 480x270, got '" + s.size + "'");
  }
  // One table per precision, in one run: their ratios compare on a machine whose speed drifts.
  const std::vector<int> in_flight =
      s.frames_in_flight.empty() ? std::vector<int>{0} : s.frames_in_flight;
  for (const auto& precision :
       s.precisions.empty() ? default_precisions(resolve_device(s.device), true) : s.precisions) {
    e.precision = precision;
    for (int frames_in_flight : in_flight) {
      e.frames_in_flight = frames_in_flight;
      run_element_bench(e);
    }
  }
  return 0;
#else
  (void)s;
  throw Error("--element needs srgan-bench built with GStreamer (SRGAN_WITH_GSTREAMER)");
#endif
}

}  // namespace
}  // namespace srgan::bench

int main(int argc, char** argv) {
  srgan::bench::Settings s;
  CLI::App app{"srgan-bench: speed and memory of srganupscale's generator and Upscaler"};
  app.add_option("--device", s.device, "cpu, cuda or cuda:N")->capture_default_str();
  app.add_option("--precision", s.precisions,
                 "fp32, fp16, bf16 (default: all on CUDA; fp32 on the CPU, and bf16 where it "
                 "has AMX-BF16 or AVX512-BF16)");
  app.add_option("--repeats", s.repeats, "timed runs per measurement (the minimum is kept)")
      ->capture_default_str();
  app.add_option("--threads", s.threads, "intra-op threads (0: every core)")->capture_default_str();
  app.add_option("--python", s.python, "python3 with torch, for the PyTorch peer")
      ->capture_default_str();
  app.add_flag("--skip-python", s.skip_python, "do not run the PyTorch peer");
  app.add_flag("--quick", s.quick, "one small size only (a smoke test)");
  app.add_option("--peak-rss-child", s.peak_rss_child)->group("");
  app.add_option("--rss-size", s.rss_size)->group("");
  app.add_flag("--rss-whole-frame", s.rss_whole_frame)->group("");
  app.add_flag("--memory", s.memory,
               "peak memory of one frame, 1080p -> 8K and 4K -> 16K with --model (x4), beside "
               "the whole-frame float path, each in a fresh process");
  app.add_flag("--element", s.element,
               "the element in pipelines beside the bare Upscaler (start-up, steady fps)");
  app.add_option(
      "--model", s.model,
      "model to measure: a bundled model (" + srgan::bundled_model_names() +
          ") or a checkpoint (default: x2 and x4, what ships; x4 for --element and --memory; "
          "x4-srgan is the paper's network)");
  app.add_option("--size", s.size, "input size for --element, WxH")->capture_default_str();
  app.add_option("--frames-in-flight", s.frames_in_flight,
                 "frames in flight for --element, one table per value (0 or none given: the "
                 "element's own choice)")
      ->check(CLI::Range(0, 16));
  app.add_option("--rounds", s.rounds,
                 "--element: times the bare Upscaler and the element take turns")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  app.add_option("--frames", s.frames, "frames per pipeline for --element")
      ->capture_default_str()
      ->check(CLI::Range(10, 100000));
  CLI11_PARSE(app, argc, argv);
  try {
    if (!s.peak_rss_child.empty()) return srgan::bench::peak_rss_child(s);
    if (s.element) return srgan::bench::run_element(s);
    if (s.memory) return srgan::bench::run_memory(s, "/proc/" + std::to_string(getpid()) + "/exe");
    return srgan::bench::run(s, "/proc/" + std::to_string(getpid()) + "/exe");
  } catch (const std::exception& e) {
    const std::string message = e.what();
    std::cerr << "srgan-bench: " << srgan::first_line(message) << "\n";
    return 1;
  }
}
