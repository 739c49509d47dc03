#include "fused_convolution.h"

#include <optional>
#include <string_view>

#include <ATen/ATen.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include "srgan/cpu_precision.h"

namespace srgan::detail {
namespace {

using PointwiseConvolution = at::Tensor(const at::Tensor&, const at::Tensor&,
                                        const std::optional<at::Tensor>&, c10::IntArrayRef,
                                        c10::IntArrayRef, c10::IntArrayRef, int64_t,
                                        std::string_view, c10::List<std::optional<at::Scalar>>,
                                        std::optional<std::string_view>);

// ATen registers it with oneDNN (at::hasMKLDNN()); looked up once.
const c10::TypedOperatorHandle<PointwiseConvolution>* pointwise_convolution() {
  static const std::optional<c10::TypedOperatorHandle<PointwiseConvolution>> op =
      []() -> std::optional<c10::TypedOperatorHandle<PointwiseConvolution>> {
    if (!at::hasMKLDNN()) return std::nullopt;
    const auto handle =
        c10::Dispatcher::singleton().findSchema({"mkldnn::_convolution_pointwise", ""});
    if (!handle) return std::nullopt;
    return handle->typed<PointwiseConvolution>();
  }();
  return op ? &*op : nullptr;
}

}  // namespace

bool can_fuse_leaky_relu(const at::Tensor& weight) {
  if (!weight.device().is_cpu() || pointwise_convolution() == nullptr) return false;
  if (weight.scalar_type() == at::kFloat) return true;
  static const bool native_bf16 = cpu_bf16_support().any();
  return weight.scalar_type() == at::kBFloat16 && native_bf16;
}

at::Tensor conv3x3_leaky_relu(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias,
                              double slope) {
  if (!can_fuse_leaky_relu(weight)) {
    auto y = at::conv2d(x, weight, bias, 1, 1);
    return at::leaky_relu_(y, slope);
  }
  const std::vector<int64_t> ones = {1, 1};
  return pointwise_convolution()->call(x, weight, bias, ones, ones, ones, 1, "leaky_relu",
                                       c10::List<std::optional<at::Scalar>>({at::Scalar(slope)}),
                                       std::nullopt);
}

}  // namespace srgan::detail
