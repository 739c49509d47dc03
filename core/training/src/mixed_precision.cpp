#include "mixed_precision.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>

#include "srgan/cpu_precision.h"
#include "srgan/error.h"

namespace srgan::detail {

TrainingPrecision training_precision(Precision precision, c10::Device device) {
  switch (precision) {
    case Precision::kBf16:
      return {at::kBFloat16, ""};
    case Precision::kFp16:
      if (!device.is_cuda()) {
        throw Error("--precision fp16 needs a CUDA device (use bf16 or fp32 on " + device.str() +
                    ")");
      }
      return {at::kHalf, ""};
    case Precision::kAuto: {
      if (device.is_cuda()) {
        return {at::kFloat, "fp32: on CUDA, --precision bf16 or fp16 turns mixed precision on"};
      }
      const auto support = cpu_bf16_support();
      if (support.any()) return {at::kBFloat16, "bf16: this CPU has " + support.describe()};
      return {at::kFloat, "fp32: this CPU has " + support.describe() + " (bf16 would be emulated)"};
    }
    default:
      return {at::kFloat, ""};
  }
}

AutocastGuard::AutocastGuard(c10::Device device, at::ScalarType dtype)
    : type_(device.type()), active_(dtype != at::kFloat) {
  if (!active_) return;
  was_enabled_ = at::autocast::is_autocast_enabled(type_);
  previous_dtype_ = at::autocast::get_autocast_dtype(type_);
  at::autocast::set_autocast_enabled(type_, true);
  at::autocast::set_autocast_dtype(type_, dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  // Casts of the weights are cached for the outermost region only, as in Python.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(type_, was_enabled_);
  at::autocast::set_autocast_dtype(type_, previous_dtype_);
}

LossScaler::LossScaler(bool enabled, double initial_scale, int growth_interval)
    : enabled_(enabled), scale_(initial_scale), growth_interval_(growth_interval) {}

at::Tensor LossScaler::scale(const at::Tensor& loss) const {
  return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::step(torch::optim::Optimizer& optimizer) {
  if (!enabled_) {
    optimizer.step();
    return true;
  }
  // One flag on the device for all gradients: a single synchronisation per step.
  at::Tensor overflow;
  for (auto& group : optimizer.param_groups()) {
    for (auto& parameter : group.params()) {
      if (!parameter.grad().defined()) continue;
      auto grad = parameter.mutable_grad();
      grad.div_(scale_);
      const auto bad = at::logical_not(at::isfinite(grad)).any();
      overflow = overflow.defined() ? at::logical_or(overflow, bad) : bad;
    }
  }
  const bool finite = !overflow.defined() || !overflow.item<bool>();
  if (finite) {
    optimizer.step();
    if (++good_steps_ >= growth_interval_) {
      scale_ *= 2;
      good_steps_ = 0;
    }
  } else {
    scale_ /= 2;
    good_steps_ = 0;
  }
  return finite;
}

}  // namespace srgan::detail
