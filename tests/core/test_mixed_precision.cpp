// Mixed-precision training pieces: dynamic loss scaling and autocast regions (core's internal
// mixed_precision.h).
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include <ATen/ATen.h>
#include <torch/nn/functional/conv.h>
#include <torch/optim/sgd.h>

#include "mixed_precision.h"
#include "srgan/error.h"

namespace srgan::detail {
namespace {

// loss = sum(w^2), so the gradient is 2w and one SGD step with lr 0.1 gives 0.8w.
bool scaled_step(LossScaler& scaler, at::Tensor& w, torch::optim::SGD& sgd, double poison = 1) {
  sgd.zero_grad();
  scaler.scale((w * w).sum() * poison).backward();
  return scaler.step(sgd);
}

TEST(LossScaler, UnscalesGradientsBeforeTheStep) {
  auto w = torch::tensor({1.0f, -2.0f}).requires_grad_();
  torch::optim::SGD sgd({w}, torch::optim::SGDOptions(0.1));
  LossScaler scaler(true, 1024.0);
  ASSERT_TRUE(scaled_step(scaler, w, sgd));
  EXPECT_TRUE(at::allclose(w.detach(), torch::tensor({0.8f, -1.6f}), 0, 1e-6));
  EXPECT_EQ(scaler.current_scale(), 1024.0);
}

TEST(LossScaler, OverflowSkipsTheStepAndHalvesTheScaleThenItGrows) {
  auto w = torch::tensor({1.0f, -2.0f}).requires_grad_();
  torch::optim::SGD sgd({w}, torch::optim::SGDOptions(0.1));
  LossScaler scaler(true, 1024.0, /*growth_interval=*/2);
  EXPECT_FALSE(scaled_step(scaler, w, sgd, std::numeric_limits<double>::infinity()));
  EXPECT_TRUE(at::equal(w.detach(), torch::tensor({1.0f, -2.0f})));  // untouched
  EXPECT_EQ(scaler.current_scale(), 512.0);
  EXPECT_TRUE(scaled_step(scaler, w, sgd));
  EXPECT_TRUE(scaled_step(scaler, w, sgd));
  EXPECT_EQ(scaler.current_scale(), 1024.0);  // two good steps in a row
}

TEST(LossScaler, DisabledIsAPlainStep) {
  auto w = torch::tensor({1.0f, -2.0f}).requires_grad_();
  torch::optim::SGD sgd({w}, torch::optim::SGDOptions(0.1));
  LossScaler scaler(false);
  EXPECT_TRUE(scaled_step(scaler, w, sgd));
  EXPECT_TRUE(at::allclose(w.detach(), torch::tensor({0.8f, -1.6f}), 0, 1e-6));
}

TEST(AutocastGuard, ConvolutionsRunInTheLowPrecisionInsideOnly) {
  const auto x = torch::randn({1, 3, 8, 8});
  const auto weight = torch::randn({4, 3, 3, 3});
  {
    AutocastGuard outer(c10::kCPU, at::kBFloat16);
    EXPECT_EQ(at::conv2d(x, weight).scalar_type(), at::kBFloat16);
    {
      AutocastGuard inner(c10::kCPU, at::kBFloat16);
      EXPECT_EQ(at::conv2d(x, weight).scalar_type(), at::kBFloat16);
    }
    EXPECT_EQ(at::conv2d(x, weight).scalar_type(), at::kBFloat16);  // still in the outer one
    AutocastGuard off(c10::kCPU, at::kFloat);  // fp32: no autocast region at all
    EXPECT_EQ(at::conv2d(x, weight).scalar_type(), at::kBFloat16);
  }
  EXPECT_EQ(at::conv2d(x, weight).scalar_type(), at::kFloat);
}

TEST(TrainingPrecision, NamesAndDevices) {
  EXPECT_EQ(training_precision(Precision::kFp32, c10::kCPU).dtype, at::kFloat);
  EXPECT_EQ(training_precision(Precision::kBf16, c10::kCPU).dtype, at::kBFloat16);
  EXPECT_EQ(training_precision(Precision::kFp16, c10::Device(c10::kCUDA, 0)).dtype, at::kHalf);
  EXPECT_TRUE(training_precision(Precision::kBf16, c10::kCPU).reason.empty());
  EXPECT_THROW(training_precision(Precision::kFp16, c10::kCPU), Error);
  EXPECT_THROW(precision_from_string("fp8"), Error);
}

// auto follows the CPU's bf16 instructions (read here from /proc/cpuinfo, not from LibTorch),
// and says which it found; CUDA trains in fp32 unless asked.
TEST(TrainingPrecision, AutoIsBf16WhereTheCpuHasBf16Instructions) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  if (!cpuinfo) GTEST_SKIP() << "needs /proc/cpuinfo to know the CPU's bf16 instructions";
  const std::string text((std::istreambuf_iterator<char>(cpuinfo)), {});
  const bool amx = std::regex_search(text, std::regex("\\bamx_bf16\\b"));
  const bool avx512 = std::regex_search(text, std::regex("\\bavx512_bf16\\b"));
  const auto cpu = training_precision(Precision::kAuto, c10::kCPU);
  if (amx || avx512) {
    // The set named is one the CPU lists (LibTorch prefers AMX where the OS enables its tiles).
    EXPECT_EQ(cpu.dtype, at::kBFloat16);
    EXPECT_TRUE((amx && cpu.reason == "bf16: this CPU has AMX-BF16") ||
                (avx512 && cpu.reason == "bf16: this CPU has AVX512-BF16"))
        << cpu.reason;
  } else {
    EXPECT_EQ(cpu.dtype, at::kFloat);
    EXPECT_EQ(cpu.reason, "fp32: this CPU has no AMX-BF16 or AVX512-BF16 (bf16 would be emulated)");
  }
  EXPECT_EQ(training_precision(Precision::kAuto, c10::Device(c10::kCUDA, 0)).dtype, at::kFloat);
}

}  // namespace
}  // namespace srgan::detail
