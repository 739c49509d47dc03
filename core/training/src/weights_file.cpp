#include "weights_file.h"

#include <vector>

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/serialize.h>

#include "model_file.h"
#include "srgan/atomic_file.h"

namespace srgan::detail {

using Reason = ModelFileError::Reason;

TensorDict read_tensor_dict(const std::string& path) {
  const std::string bytes = read_model_file(path);
  c10::IValue value;
  try {
    value = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end()));
  } catch (const c10::Error& e) {
    throw archive_error(path, bytes, e.what());
  }
  if (!value.isGenericDict()) {
    throw ModelFileError(path, Reason::kWrongFormat,
                         "expected a dict of named tensors, found " + value.tagKind());
  }
  TensorDict tensors;
  for (const auto& entry : value.toGenericDict()) {
    if (!entry.key().isString() || !entry.value().isTensor()) {
      throw ModelFileError(
          path, Reason::kWrongFormat,
          "expected a dict of named tensors, found an entry of type " + entry.value().tagKind());
    }
    tensors.emplace(entry.key().toStringRef(), entry.value().toTensor());
  }
  return tensors;
}

void write_tensor_dict(const std::string& path, const TensorDict& tensors) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, tensor] : tensors) dict.insert(name, tensor);
  const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
  write_file_atomically(path, std::string_view(bytes.data(), bytes.size()));
}

void copy_checked(const std::string& path, const TensorDict& tensors, const std::string& name,
                  at::Tensor& destination) {
  const auto found = tensors.find(name);
  if (found == tensors.end()) {
    throw ModelFileError(path, Reason::kWrongContents, "tensor '" + name + "' is missing");
  }
  const at::Tensor& source = found->second;
  if (source.sizes() != destination.sizes()) {
    throw ModelFileError(path, Reason::kWrongContents,
                         "tensor '" + name + "' has shape " + c10::str(source.sizes()) +
                             ", expected " + c10::str(destination.sizes()));
  }
  if (!source.is_floating_point() && destination.is_floating_point()) {
    throw ModelFileError(path, Reason::kWrongContents,
                         "tensor '" + name + "' is not floating point");
  }
  destination.copy_(source);
}

}  // namespace srgan::detail
