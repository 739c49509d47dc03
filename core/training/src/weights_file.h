#pragma once

// Files holding a flat dict of named tensors, in the format of torch.save / torch::pickle_save
// so that Python scripts write them directly. Internal to core.

#include <map>
#include <string>

#include <ATen/core/Tensor.h>

namespace srgan::detail {

using TensorDict = std::map<std::string, at::Tensor>;

/// Throws ModelFileError (not found, corrupt, not a dict of tensors).
TensorDict read_tensor_dict(const std::string& path);
void write_tensor_dict(const std::string& path, const TensorDict& tensors);

/// Copies tensors.at(name) into `destination`, or throws ModelFileError naming the file, the
/// tensor and both shapes.
void copy_checked(const std::string& path, const TensorDict& tensors, const std::string& name,
                  at::Tensor& destination);

}  // namespace srgan::detail
