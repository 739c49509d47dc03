#pragma once

// What the Winograd suites share (NNPACK's, test_winograd_convolution.cpp; oneDNN's,
// test_winograd_body.cpp): generators whose layers keep their input's scale, and an inference
// network with every rewrite on checked against the plain generator in float64.

#include <string>

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "generator_testing.h"
#include "srgan/checkpoint.h"
#include "srgan/generator.h"
#include "srgan/inference_network.h"
#include "srgan/upscaler.h"

namespace srgan::test {

// trained_looking's weights times 0.2: in +-0.06, which keeps a 32- to 64-channel layer's
// output at its input's scale, so that the output is not clamped (or tanh-saturated) flat.
inline Generator scale_keeping(const GeneratorOptions& options) {
  auto generator = trained_looking(options);
  torch::NoGradGuard no_grad;
  for (auto& p : generator->parameters()) p.mul_(0.2);
  return generator;
}

// The network as the Upscaler builds it runs `library`'s Winograd, winograd(false) none; its
// output is within `bound` of the float64 plain generator's and differs from the direct
// network's (Winograd really ran).
inline void expect_winograd_matches_the_plain_generator(const GeneratorOptions& options,
                                                        const at::Tensor& lr, double bound,
                                                        const std::string& library) {
  auto generator = scale_keeping(options);
  auto reference_generator = scale_keeping(options);
  reference_generator->to(at::kDouble);
  torch::NoGradGuard no_grad;
  const auto reference = reference_generator->forward(lr.to(at::kDouble));
  EXPECT_GT((reference.abs() < 0.95).to(at::kDouble).mean().item<double>(), 0.9);
  const auto winograd = generator->inference_network();
  const auto direct = generator->inference_network(InferenceRewrites().winograd(false));
  ASSERT_TRUE(winograd->runs_winograd());
  EXPECT_EQ(winograd->winograd_library(), library);
  ASSERT_FALSE(direct->runs_winograd());
  const auto out = winograd->forward(lr);
  ASSERT_EQ(out.sizes(), reference.sizes());
  const double direct_error = max_abs_difference(direct->forward(lr), reference);
  EXPECT_LT(max_abs_difference(out, reference), bound) << "direct error " << direct_error;
  EXPECT_GT(max_abs_difference(out, direct->forward(lr)), 0.0);
}

// Winograd's tiles start at each Upscaler tile's corner, so tiles round differently from the
// whole image, by float32 rounding only: the overlap still hides every seam. A compact x4 (48
// channels unless `network` says), fp32 on the CPU with `options`' threads, whose description
// names `description`.
inline void expect_tiles_equal_the_whole_image(
    const UpscalerOptions& options, const std::string& description,
    const GeneratorOptions& network = compact_options(4, 48, 4, SkipUpscale::kBicubic,
                                                      BodyActivation::kLeakyReLU)) {
  TempDir dir;
  const auto path = dir.file("x4.pt");
  save_checkpoint(path, *scale_keeping(network), {});
  const auto fp32 =
      UpscalerOptions(options).model_path(path).device("cpu").precision(Precision::kFp32);
  const auto image = at::rand({1, 3, 37, 45});
  Upscaler whole(UpscalerOptions(fp32).tile_size(64));
  Upscaler tiled(UpscalerOptions(fp32).tile_size(12));
  ASSERT_EQ(whole.plan(45, 37).size(), 1u);
  ASSERT_GT(tiled.plan(45, 37).size(), 4u);
  EXPECT_NE(tiled.describe().find(description), std::string::npos) << tiled.describe();
  const auto a = whole.upscale_rgb(image);
  const auto b = tiled.upscale_rgb(image);
  EXPECT_EQ(b.sizes(), (at::IntArrayRef{1, 3, 148, 180}));
  // [0, 1] output: a tenth of a grey level is 4e-4; a seam (too little context) is ~1e-2.
  EXPECT_LT(max_abs_difference(a, b), 4e-4);
}

}  // namespace srgan::test
