#include "srgan/inference_network.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "winograd_convolution.h"

namespace srgan {

void InferenceNetwork::to(c10::Device device, c10::ScalarType dtype) {
  c10::InferenceMode guard;
  winograd_ = rewrites_.winograd() && !runs_own_winograd(device, dtype) &&
              detail::winograd_pays(device, dtype, width());
  if (winograd_) detail::prepare_winograd();
  for (at::Tensor* t : tensors()) {
    if (!t->defined()) continue;
    *t = t->to(device, dtype);
    if (channels_last() && t->dim() == 4) {
      *t = t->contiguous(at::MemoryFormat::ChannelsLast);
    }
  }
  moved_to(device, dtype);
}

at::Tensor InferenceNetwork::prepared_input(const at::Tensor& lr,
                                            const at::Tensor& any_weight) const {
  if (lr.dim() != 4 || lr.size(1) != 3) {
    throw Error("generator input must be [N, 3, H, W] RGB, got " + c10::str(lr.sizes()));
  }
  const auto format =
      channels_last() ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
  return lr.to(any_weight.device(), any_weight.scalar_type()).contiguous(format);
}

at::Tensor InferenceNetwork::conv3x3(const at::Tensor& x, const at::Tensor& weight,
                                     const at::Tensor& bias) const {
  if (winograd_ && detail::winograd_fits(weight)) return detail::conv3x3_winograd(x, weight, bias);
  return at::conv2d(x, weight, bias, 1, 1);
}

}  // namespace srgan
