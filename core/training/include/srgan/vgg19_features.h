#pragma once

#include <string>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

namespace srgan {

/// VGG19's convolutional `features` in torchvision's layout, truncated after conv5_4's ReLU
/// (the paper's phi_5,4): indices 0..35 of torchvision.models.vgg19().features. Input is RGB in
/// [-1, 1]; it is mapped to [0, 1] and normalised with ImageNet's mean and std inside.
///
/// The module is frozen: no gradients for its parameters and always in eval mode. It starts
/// with random weights; the perceptual loss is meaningful only after load_weights() with
/// ImageNet weights (see trainer/export_vgg19_weights.py).
class Vgg19FeaturesImpl : public torch::nn::Module {
 public:
  Vgg19FeaturesImpl();

  torch::Tensor forward(const torch::Tensor& images);

  /// Loads a file holding a dict of tensors named like torchvision's state dict
  /// ("features.0.weight", ..., "features.34.bias"), as written by torch.save in Python or by
  /// save_weights. Throws srgan::ModelFileError naming the file and the first tensor that is
  /// missing or has the wrong shape.
  void load_weights(const std::string& path);
  /// Writes the weights in the format load_weights reads (atomically).
  void save_weights(const std::string& path) const;

  /// Stays in eval mode whatever is asked: BatchNorm-free, but keeps the contract explicit.
  void train(bool on = true) override;

  torch::nn::Sequential features{nullptr};

 private:
  torch::Tensor mean_;  // ImageNet statistics, buffers so that to(device) moves them
  torch::Tensor std_;
};
TORCH_MODULE(Vgg19Features);

}  // namespace srgan
