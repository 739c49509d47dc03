#include "srgan/vgg19_features.h"

#include <fstream>
#include <iterator>
#include <vector>

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <torch/serialize.h>

#include "srgan/atomic_file.h"
#include "srgan/error.h"
#include "weights_file.h"

namespace srgan {

using detail::copy_checked;
using detail::read_tensor_dict;
using detail::TensorDict;
using detail::write_tensor_dict;

namespace {

// torchvision's configuration "E" (VGG19); 0 is a 2x2 max-pool. The last pool is left out: the
// features end at conv5_4's ReLU.
constexpr int64_t kLayout[] = {64, 64,  0,   128, 128, 0, 256, 256, 256, 256,
                               0,  512, 512, 512, 512, 0, 512, 512, 512, 512};

}  // namespace

Vgg19FeaturesImpl::Vgg19FeaturesImpl() : features(torch::nn::Sequential()) {
  int64_t in = 3;
  for (int64_t width : kLayout) {
    if (width == 0) {
      features->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2).stride(2)));
    } else {
      features->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, width, 3).padding(1)));
      features->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
      in = width;
    }
  }
  register_module("features", features);
  mean_ = register_buffer("mean", torch::tensor({0.485, 0.456, 0.406}).view({1, 3, 1, 1}));
  std_ = register_buffer("std", torch::tensor({0.229, 0.224, 0.225}).view({1, 3, 1, 1}));
  for (auto& p : parameters()) p.set_requires_grad(false);
  Module::train(false);
}

void Vgg19FeaturesImpl::train(bool /*on*/) { Module::train(false); }

torch::Tensor Vgg19FeaturesImpl::forward(const torch::Tensor& images) {
  return features->forward(((images + 1) * 0.5 - mean_) / std_);
}

void Vgg19FeaturesImpl::load_weights(const std::string& path) {
  const auto tensors = read_tensor_dict(path);
  torch::NoGradGuard no_grad;
  for (auto& item : features->named_parameters()) {
    const std::string name = "features." + item.key();
    copy_checked(path, tensors, name, item.value());
  }
  if (tensors.size() != features->named_parameters().size()) {
    throw ModelFileError(path, ModelFileError::Reason::kWrongContents,
                         "expected the " + std::to_string(features->named_parameters().size()) +
                             " VGG19 feature tensors up to conv5_4, the file has " +
                             std::to_string(tensors.size()));
  }
}

void Vgg19FeaturesImpl::save_weights(const std::string& path) const {
  TensorDict tensors;
  for (const auto& item : features->named_parameters()) {
    tensors.emplace("features." + item.key(), item.value().detach().cpu());
  }
  write_tensor_dict(path, tensors);
}

}  // namespace srgan
