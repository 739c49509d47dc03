#include "srgan/initial_weights.h"

#include <torch/torch.h>

#include "generator_options_archive.h"
#include "srgan/error.h"
#include "srgan/model.h"

namespace srgan {
namespace {

// The saved tensor into the leading slice of the (freshly initialised) run's tensor. A
// convolution's weights from the new input channels into the saved output channels are zeroed:
// what the new channels compute reaches nothing the saved network computed, so the output is
// unchanged, while the new channels' own weights keep their fresh initialisation (all zero
// would leave them identical to one another for ever).
void copy_into_leading_slice(at::Tensor& run, const at::Tensor& saved) {
  if (run.sizes() == saved.sizes()) {
    run.copy_(saved);
    return;
  }
  at::Tensor leading = run;
  for (int64_t d = 0; d < saved.dim(); ++d) leading = leading.narrow(d, 0, saved.size(d));
  leading.copy_(saved);
  if (run.dim() == 4 && run.size(1) > saved.size(1)) {
    run.narrow(0, 0, saved.size(0)).narrow(1, saved.size(1), run.size(1) - saved.size(1)).zero_();
  }
}

}  // namespace

std::string why_weights_do_not_fit(const GeneratorOptions& saved, const GeneratorOptions& run) {
  if (detail::same_generator_options(saved, run)) return {};
  GeneratorOptions changed(saved);
  const bool compact = saved.architecture() == Architecture::kCompact;
  if (compact && saved.body_activation() == BodyActivation::kPReLU) {
    changed.body_activation(run.body_activation());
  }
  if (compact && saved.channels() < run.channels()) changed.channels(run.channels());
  if (detail::same_generator_options(changed, run)) return {};
  return "its network (" + saved.describe() + ") is not the run's (" + run.describe() +
         "): the weights carry over to the same network, or to a compact one with more "
         "channels or with LeakyReLU in place of PReLU";
}

void start_from_weights(GeneratorImpl& g, const std::string& path) {
  const Model model = load_model(path);
  const auto& saved = model.generator_options();
  if (!saved) {
    throw Error("cannot start from " + path + ": a TorchScript module has no weights to train");
  }
  if (const auto why = why_weights_do_not_fit(*saved, g.options()); !why.empty()) {
    throw Error("cannot start from " + path + ": " + why);
  }
  torch::NoGradGuard no_grad;
  const auto parameters = model.generator()->named_parameters(/*recurse=*/true);
  for (auto& item : g.named_parameters(/*recurse=*/true)) {
    copy_into_leading_slice(item.value(), parameters[item.key()]);
  }
  const auto buffers = model.generator()->named_buffers(/*recurse=*/true);
  for (auto& item : g.named_buffers(/*recurse=*/true)) {
    copy_into_leading_slice(item.value(), buffers[item.key()]);
  }
}

}  // namespace srgan
