#include <gtest/gtest.h>

#include <fstream>

#include <ATen/ATen.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "srgan/error.h"
#include "srgan/vgg19_features.h"
#include "test_support.h"

namespace srgan {
namespace {

TEST(Vgg19Features, TorchvisionLayoutUpToConv54Activation) {
  Vgg19Features vgg;
  // torchvision's vgg19().features[:36]: 16 convs, 16 ReLUs, 4 pools.
  ASSERT_EQ(vgg->features->size(), 36u);
  const std::vector<int64_t> conv_indices = {0,  2,  5,  7,  10, 12, 14, 16,
                                             19, 21, 23, 25, 28, 30, 32, 34};
  for (int64_t i : conv_indices) {
    EXPECT_TRUE(vgg->features[i]->as<torch::nn::Conv2d>()) << "layer " << i << " is not a conv";
  }
  EXPECT_EQ(vgg->features[34]->as<torch::nn::Conv2d>()->options.out_channels(), 512);
  EXPECT_TRUE(vgg->features[35]->as<torch::nn::ReLU>()) << "the last layer is conv5_4's ReLU";
  int64_t parameters = 0;
  for (const auto& p : vgg->parameters()) {
    parameters += p.numel();
    EXPECT_FALSE(p.requires_grad());
  }
  EXPECT_EQ(parameters, 20024384);  // torchvision vgg19 features: 20,024,384 parameters
}

TEST(Vgg19Features, OutputShapeIsOneSixteenth) {
  Vgg19Features vgg;
  vgg->to(test::test_device());
  torch::NoGradGuard no_grad;
  const auto out = vgg->forward(at::rand({2, 3, 64, 48}, test::test_device()) * 2 - 1);
  EXPECT_EQ(out.sizes(), (at::IntArrayRef{2, 512, 4, 3}));
  EXPECT_GE(out.min().item<float>(), 0.0f);  // ends with a ReLU
}

TEST(Vgg19Features, StaysInEvalMode) {
  Vgg19Features vgg;
  vgg->train();
  EXPECT_FALSE(vgg->is_training());
}

TEST(Vgg19Features, WeightsRoundTripExactly) {
  test::TempDir dir;
  torch::manual_seed(11);
  Vgg19Features source;
  source->save_weights(dir.file("vgg.pt"));
  torch::manual_seed(12);
  Vgg19Features loaded;
  loaded->load_weights(dir.file("vgg.pt"));
  const auto a = source->named_parameters();
  const auto b = loaded->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (const auto& item : a) EXPECT_TRUE(at::equal(item.value(), b[item.key()])) << item.key();
}

TEST(Vgg19Features, MismatchedFileNamesFileAndTensor) {
  test::TempDir dir;
  Vgg19Features vgg;
  c10::Dict<std::string, at::Tensor> tensors;
  for (const auto& item : vgg->features->named_parameters()) {
    tensors.insert("features." + item.key(), item.value().detach());
  }
  tensors.insert_or_assign("features.10.weight", at::zeros({256, 128, 5, 5}));
  const auto bytes = torch::pickle_save(c10::IValue(tensors));
  const std::string path = dir.file("wrong.pt");
  std::ofstream(path, std::ios::binary).write(bytes.data(), bytes.size());
  try {
    vgg->load_weights(path);
    FAIL() << "expected ModelFileError";
  } catch (const ModelFileError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("features.10.weight"), std::string::npos) << message;
    EXPECT_EQ(e.reason(), ModelFileError::Reason::kWrongContents);
  }
}

TEST(Vgg19Features, MissingFileIsNotFound) {
  Vgg19Features vgg;
  try {
    vgg->load_weights("/nonexistent/vgg19.pt");
    FAIL() << "expected ModelFileError";
  } catch (const ModelFileError& e) {
    EXPECT_EQ(e.reason(), ModelFileError::Reason::kNotFound);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/vgg19.pt"), std::string::npos);
  }
}

}  // namespace
}  // namespace srgan
