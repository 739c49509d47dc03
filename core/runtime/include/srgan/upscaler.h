#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/arg.h>

#include "srgan/frame.h"
#include "srgan/precision.h"

namespace srgan {

/// How an Upscaler runs its model.
struct UpscalerOptions {
  /// A checkpoint or TorchScript file (see load_model).
  TORCH_ARG(std::string, model_path);
  /// "auto" (CUDA when LibTorch has a usable GPU, else CPU), "cpu", "cuda" or "cuda:N".
  TORCH_ARG(std::string, device) = "auto";
  /// "auto" (fp16 on CUDA; on the CPU bf16 where it has AMX-BF16 or AVX512-BF16 and the network
  /// is measured faster in it at load, else fp32), "fp32", "fp16" or "bf16". On CUDA, fp32 follows
  /// LibTorch's cuDNN setting, which lets convolutions use TF32 by default (as PyTorch does).
  TORCH_ARG(Precision, precision) = Precision::kAuto;
  /// Edge of the square input tiles in pixels; 0 picks the largest that fits memory_budget_mb.
  TORCH_ARG(int64_t, tile_size) = 0;
  /// Context each tile reads beyond its edges, in input pixels; -1 uses the generator's
  /// receptive-field radius (16 for TorchScript models, whose radius is unknown).
  TORCH_ARG(int64_t, tile_overlap) = -1;
  /// Memory the model's activations may use per tile, in MiB; 0 = 1024 on CPU, half of the
  /// device's free memory (when the model loads) on CUDA.
  TORCH_ARG(int64_t, memory_budget_mb) = 0;
  /// Intra-op CPU threads; 0 = every available core (see configure_intra_op_threads).
  TORCH_ARG(int, threads) = 0;
  /// On CUDA, run the network as CUDA graphs: one launch a tile instead of one per operation,
  /// each tile shape captured at its second use on a thread and stream. Off until measured on a
  /// GPU (docs/PERFORMANCE.md); SRGAN_CUDA_GRAPHS=1 or 0 overrides it either way. Checkpoints
  /// only (TorchScript modules run eagerly); ignored on the CPU.
  TORCH_ARG(bool, cuda_graphs) = false;
};

/// One tile of an input frame: the region it produces (core) and the region it reads (with
/// the overlap), both in input pixels.
struct Tile {
  int64_t x, y, width, height;                      // core
  int64_t read_x, read_y, read_width, read_height;  // core plus overlap, clipped
};

/// Turns frames into frames `scale()` times larger with a super-resolution model, on the CPU
/// or a GPU. Construction loads and prepares the model (BatchNorm folded, output convolution
/// reparametrised, channels-last) and throws srgan::Error (ModelFileError for the file) with a
/// message that says what is wrong and what is available. upscale() and upscale_rgb() may run
/// on several threads at once (the element's frames in flight); share_cores() may not run
/// while they do. On the CPU each runs on the upscaler's intra-op thread count (the option, or
/// share_cores()'s), whatever its calling thread was set to before.
class Upscaler {
 public:
  explicit Upscaler(const UpscalerOptions& options);
  ~Upscaler();
  Upscaler(Upscaler&&) noexcept;
  Upscaler& operator=(Upscaler&&) noexcept;

  int64_t scale() const;
  c10::Device device() const;
  at::ScalarType dtype() const;
  /// The overlap in effect, in input pixels.
  int64_t tile_overlap() const;
  /// Changes the tile edge (0: from the budget, else at least 8) and overlap (-1: the model's)
  /// from the next frame on; safe while other threads upscale. Throws srgan::Error on a size
  /// of 1 to 7.
  void set_tiling(int64_t tile_size, int64_t tile_overlap);
  /// On the CPU, runs as one of `jobs` upscales at once (frames in flight) on its share of the
  /// cores (intra_op_threads_per_job()) and chooses again what depends on the thread count
  /// (Winograd pays on one thread), and the tiles of the cache-blocked Winograd body, whose
  /// share of the cache is one job's. Not while a frame is being upscaled. A GPU upscaler is
  /// left as it is. Returns the intra-op threads in effect.
  int share_cores(int jobs);
  /// The tile edge used for a width x height input (the option, or derived from the budget).
  int64_t tile_size_for(int64_t width, int64_t height) const;
  /// The tiles a width x height input is cut into.
  std::vector<Tile> plan(int64_t width, int64_t height) const;
  /// One line: model, device, precision (with the reason auto chose it), tiling.
  std::string describe() const;
  /// The model file's warning for users (Model::warning()), empty when none.
  const std::string& model_warning() const;
  /// Why precision=auto chose the dtype on the CPU, in one line; empty for other precisions.
  const std::string& precision_reason() const;

  /// Upscales `in` into `out`: same format, out exactly scale() times in's width and height.
  /// Either frame may be in host or CUDA memory; a CUDA `out` is fully written on return.
  /// Throws srgan::Error for mismatched frames.
  void upscale(const FrameView& in, const FrameView& out);

  /// The model alone on an image: [1, 3, H, W] RGB in [0, 1] (any device, any float type) to
  /// [1, 3, sH, sW] in [0, 1] on the upscaler's device, in float32, tiled.
  at::Tensor upscale_rgb(const at::Tensor& rgb);

  /// Receives each tile's result: [1, 3, s*t.height, s*t.width] in [0, 1], float32, on the
  /// upscaler's device, for the output region at (s*t.x, s*t.y).
  using TileWriter = std::function<void(const Tile& t, const at::Tensor& result)>;
  /// The model on an image tile by tile, each result handed to `write` (upscale() writes it
  /// into the output frame, upscale_rgb() into one tensor): only a tile's worth of output is
  /// ever in float. After running out of device memory, the tiles are made smaller and every
  /// tile is written again.
  void for_each_tile(const at::Tensor& rgb, const TileWriter& write);

  /// Bytes upscale() allocates beyond the frames themselves for a width x height input: the
  /// input as float RGB (and alpha), one tile's activations and its float results. What a
  /// caller compares with the memory it has before it allocates the output frame.
  int64_t working_memory_bytes(int64_t width, int64_t height, bool alpha) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Parses a device name as UpscalerOptions::device does; throws srgan::Error listing what this
/// machine has.
c10::Device resolve_device(const std::string& name);

}  // namespace srgan
