#include "srgan/model.h"

#include <cmath>
#include <filesystem>
#include <sstream>

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <torch/script.h>

#include "archive_check.h"
#include "checkpoint_reader.h"
#include "model_file.h"
#include "srgan/error.h"
#include "srgan/generator.h"

namespace srgan {

using Reason = ModelFileError::Reason;

struct Model::State {
  Kind kind = Kind::kCheckpoint;
  std::string path;
  int64_t scale = 0;
  ValueRange input_range;
  ValueRange output_range;
  std::optional<GeneratorOptions> options;
  Provenance provenance;
  Generator generator{nullptr};
  std::optional<torch::jit::Module> script;
  std::string warning;
  c10::Device device = c10::Device(c10::kCPU);
  c10::ScalarType dtype = c10::kFloat;
};

namespace {

std::optional<double> double_attribute(const torch::jit::Module& module, const char* name) {
  if (!module.hasattr(name)) return std::nullopt;
  const auto value = module.attr(name);
  if (value.isDouble()) return value.toDouble();
  if (value.isInt()) return static_cast<double>(value.toInt());
  return std::nullopt;
}

// TorchScript modules may declare `scale`; otherwise it is measured on a small probe.
int64_t torchscript_scale(const std::string& path, torch::jit::Module& module) {
  if (module.hasattr("scale") && module.attr("scale").isInt()) return module.attr("scale").toInt();
  constexpr int64_t kProbe = 16;
  at::Tensor output;
  try {
    c10::InferenceMode guard;
    output = module.forward({at::zeros({1, 3, kProbe, kProbe})}).toTensor();
  } catch (const std::exception& e) {
    throw ModelFileError(
        path, Reason::kWrongContents,
        std::string("the TorchScript module fails on a 1x3x16x16 probe: ") + first_line(e.what()));
  }
  const bool integral = output.dim() == 4 && output.size(1) == 3 && output.size(2) % kProbe == 0 &&
                        output.size(2) == output.size(3);
  if (!integral || output.size(2) / kProbe < 1) {
    throw ModelFileError(path, Reason::kWrongContents,
                         "the TorchScript module maps a [1, 3, 16, 16] probe to " +
                             c10::str(output.sizes()) +
                             ", not to [1, 3, 16*s, 16*s] for an integer scale s");
  }
  return output.size(2) / kProbe;
}

}  // namespace

Model::Model(std::shared_ptr<State> state) : state_(std::move(state)) {}

Model Model::read(const std::string& path) {
  const std::string bytes = detail::read_model_file(path);
  detail::check_archive_pickles(path, bytes);
  auto state = std::make_shared<Model::State>();
  state->path = path;
  if (auto checkpoint = detail::read_checkpoint(path, bytes)) {
    state->kind = Model::Kind::kCheckpoint;
    state->generator = checkpoint->generator;
    state->options = state->generator->options();
    state->scale = state->options->scale();
    state->input_range = checkpoint->input_range;
    state->output_range = checkpoint->output_range;
    state->provenance = checkpoint->provenance;
    return Model(state);
  }

  // A PyTorch archive without our tag: TorchScript or nothing we know.
  std::istringstream stream(bytes);
  torch::jit::Module module;
  try {
    module = torch::jit::load(stream, at::Device(at::kCPU));
  } catch (const std::exception& e) {
    throw detail::archive_error(path, bytes, e.what());
  }
  if (!module.find_method("forward")) {
    throw ModelFileError(path, Reason::kWrongFormat,
                         "the archive has neither an srganupscale checkpoint's format tag nor a "
                         "TorchScript forward() method");
  }
  module.eval();
  state->kind = Model::Kind::kTorchScript;
  state->scale = torchscript_scale(path, module);
  state->input_range = {double_attribute(module, "input_min").value_or(-1.0),
                        double_attribute(module, "input_max").value_or(1.0)};
  state->output_range = {double_attribute(module, "output_min").value_or(-1.0),
                         double_attribute(module, "output_max").value_or(1.0)};
  bool declares_any = false;
  for (const char* name : {"scale", "input_min", "input_max", "output_min", "output_max"})
    declares_any = declares_any || module.hasattr(name);
  if (!declares_any) {
    state->warning =
        "the TorchScript module declares none of scale, input_min, input_max, output_min, "
        "output_max: assuming RGB in [-1, 1] (a model for [0, 1] would turn black grey; "
        "models/README.md shows how to declare them)";
  }
  state->script = std::move(module);
  return Model(state);
}

Model::Kind Model::kind() const { return state_->kind; }
const std::string& Model::path() const { return state_->path; }
int64_t Model::scale() const { return state_->scale; }
const std::string& Model::warning() const { return state_->warning; }
ValueRange Model::input_range() const { return state_->input_range; }
ValueRange Model::output_range() const { return state_->output_range; }
const std::optional<GeneratorOptions>& Model::generator_options() const { return state_->options; }
const Provenance& Model::provenance() const { return state_->provenance; }
std::shared_ptr<GeneratorImpl> Model::generator() const {
  return state_->generator ? state_->generator.ptr() : nullptr;
}

at::Tensor Model::forward(const at::Tensor& input) const {
  c10::InferenceMode guard;
  const auto x = input.to(state_->device, state_->dtype);
  if (state_->script) return state_->script->forward({x}).toTensor();
  return state_->generator->forward(x);
}

void Model::to(c10::Device device, c10::ScalarType dtype) {
  if (!c10::isFloatingType(dtype)) throw Error("a model's dtype must be a floating type");
  if (state_->script) {
    state_->script->to(device, dtype);
  } else {
    state_->generator->to(device, dtype);
  }
  state_->device = device;
  state_->dtype = dtype;
}

std::string Model::describe() const {
  std::ostringstream out;
  out << (state_->kind == Kind::kCheckpoint ? "srganupscale checkpoint" : "TorchScript module")
      << " x" << state_->scale;
  if (state_->options) out << " (" << state_->options->describe() << ")";
  const auto& p = state_->provenance;
  if (state_->kind == Kind::kCheckpoint) {
    out << "; trained " << p.steps << " steps";
    if (!p.dataset.empty()) out << " on " << p.dataset;
    if (!p.degradation.empty() && p.degradation != "none")
      out << ", LR degraded by " << p.degradation;
    if (!std::isnan(p.psnr_y)) out << ", PSNR(Y) " << p.psnr_y << " dB";
    if (!std::isnan(p.bicubic_psnr_y)) out << " (bicubic " << p.bicubic_psnr_y << " dB)";
  }
  return out.str();
}

Model load_model(const std::string& path) {
  // LibTorch's readers throw more than c10::Error on damaged archives (a corrupt pickle gave
  // std::out_of_range, found by fuzz_model_file): whatever escapes becomes a ModelFileError.
  try {
    return Model::read(path);
  } catch (const ModelFileError&) {
    throw;
  } catch (const std::exception& e) {
    const std::string message = e.what();
    throw ModelFileError(path, Reason::kCorrupt, "damaged contents (" + first_line(message) + ")");
  }
}

}  // namespace srgan
