#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include "srgan/checkpoint.h"
#include "srgan/generator_options.h"

namespace srgan {

class GeneratorImpl;

/// A super-resolution model loaded from a file: either our checkpoint format (a Generator
/// with its options and provenance) or any TorchScript module mapping [N, 3, H, W] to
/// [N, 3, sH, sW]. Copies share the same network.
class Model {
 public:
  enum class Kind { kCheckpoint, kTorchScript };

  Kind kind() const;
  const std::string& path() const;
  /// The upscaling factor: from the checkpoint's options, a TorchScript `scale` attribute, or
  /// measured on a probe input.
  int64_t scale() const;
  /// What a user should know about this file (empty when nothing): a TorchScript module that
  /// declares none of the value-range attributes, whose convention is then assumed.
  const std::string& warning() const;
  ValueRange input_range() const;
  ValueRange output_range() const;
  /// Set for checkpoints only.
  const std::optional<GeneratorOptions>& generator_options() const;
  const Provenance& provenance() const;
  /// The generator of a checkpoint; nullptr for TorchScript.
  std::shared_ptr<GeneratorImpl> generator() const;

  /// Runs the network in inference mode (eval, no autograd) on the model's device and dtype.
  at::Tensor forward(const at::Tensor& input) const;
  /// Moves the weights; `dtype` must be a floating type.
  void to(c10::Device device, c10::ScalarType dtype = c10::kFloat);

  /// One line for logs: kind, scale, options, provenance.
  std::string describe() const;

 private:
  struct State;
  explicit Model(std::shared_ptr<State> state);
  static Model read(const std::string& path);  // load_model without its last-resort catch
  friend Model load_model(const std::string& path);
  std::shared_ptr<State> state_;
};

/// Loads a checkpoint or TorchScript file onto the CPU in eval mode. Throws ModelFileError
/// naming the file and what is wrong: not found, unreadable, truncated or random bytes, a
/// different format, a newer version, missing tensors or wrong shapes.
Model load_model(const std::string& path);

}  // namespace srgan
