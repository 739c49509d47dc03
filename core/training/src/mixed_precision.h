#pragma once

// Mixed-precision training: autocast regions and dynamic loss scaling, as torch.autocast and
// torch.amp.GradScaler do in Python (LibTorch's C++ frontend has autocast but no scaler).
// Internal to core.

#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <torch/optim/optimizer.h>

#include "srgan/precision.h"

namespace srgan::detail {

/// A training precision as it runs: the autocast dtype (kFloat: none) and, for auto, why.
struct TrainingPrecision {
  at::ScalarType dtype = at::kFloat;
  std::string reason;  // "bf16: this CPU has AVX512-BF16", ...; empty unless auto chose
};

/// The autocast dtype of a training precision: fp32, bf16 or fp16 (CUDA only, with loss scaling;
/// throws srgan::Error on another device). auto: bf16 on a CPU with AMX-BF16 or AVX512-BF16
/// (the x2 model trained 1.45x the steps/s of fp32 on one and validated 0.16 dB higher after the
/// same time, docs/PERFORMANCE.md), fp32 where bf16 would be emulated and on CUDA (not measured).
TrainingPrecision training_precision(Precision precision, c10::Device device);

/// Ops run in `dtype` where autocast lists them as safe (convolutions, matrix products) while
/// reductions and losses stay in float32. No-op for kFloat. Nests like torch.autocast.
class AutocastGuard {
 public:
  AutocastGuard(c10::Device device, at::ScalarType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType type_;
  bool active_;
  bool was_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kFloat;
};

/// Dynamic loss scaling for fp16: the loss is multiplied by a large factor so that small
/// gradients do not underflow; a step whose gradients overflowed is skipped and the factor
/// halved, and after `growth_interval` good steps it doubles. Disabled, it is a plain step.
class LossScaler {
 public:
  explicit LossScaler(bool enabled, double initial_scale = 65536.0, int growth_interval = 2000);

  at::Tensor scale(const at::Tensor& loss) const;
  /// Unscales the gradients of `optimizer`'s parameters and steps if all are finite. Returns
  /// whether it stepped.
  bool step(torch::optim::Optimizer& optimizer);
  double current_scale() const { return scale_; }
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
  double scale_;
  int growth_interval_;
  int good_steps_ = 0;
};

}  // namespace srgan::detail
