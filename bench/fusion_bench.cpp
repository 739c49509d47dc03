// srgan-fusion-bench LEAKY_MODEL PRELU_MODEL [--no-heap-reuse]: what LeakyReLU fused into the
// convolutions buys the compact networks on the CPU, side by side in one process: the LeakyReLU
// network fused and with its activation as a separate pass, and a PReLU network of the same size,
// each forward alternated, best of four, 2 threads, at 270x480 and 540x960. With the Upscaler's
// heap reuse (its default) unless --no-heap-reuse. Figures: docs/PERFORMANCE.md.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#include "srgan/error.h"
#include "srgan/generator.h"
#include "srgan/heap_reuse.h"
#include "srgan/inference_network.h"
#include "srgan/model.h"

int main(int argc, char** argv) {
  using namespace srgan;
  if (argc < 3 || (argc == 4 && std::string(argv[3]) != "--no-heap-reuse") || argc > 4) {
    std::fprintf(stderr, "usage: %s LEAKY_MODEL PRELU_MODEL [--no-heap-reuse]\n", argv[0]);
    return 2;
  }
  try {
    at::set_num_threads(2);
    if (argc == 3) begin_heap_reuse();
    const Model leaky = load_model(argv[1]), prelu = load_model(argv[2]);
    if (!leaky.generator() || !prelu.generator()) throw Error("both models must be checkpoints");
    leaky.generator()->eval();
    prelu.generator()->eval();
    const auto fused = leaky.generator()->inference_network();
    const auto separate =
        leaky.generator()->inference_network(InferenceRewrites().fuse_activation(false));
    const auto per_channel = prelu.generator()->inference_network();
    const InferenceNetwork* networks[] = {fused.get(), separate.get(), per_channel.get()};
    c10::InferenceMode guard;
    std::printf("heap reuse %s\n", argc == 3 ? "on" : "off");
    for (const auto& [h, w] : {std::pair<int64_t, int64_t>{270, 480}, {540, 960}}) {
      const auto x = at::rand({1, 3, h, w}) * 2 - 1;
      double best[3] = {1e30, 1e30, 1e30};
      for (int repeat = 0; repeat < 4; ++repeat) {
        for (int i = 0; i < 3; ++i) {
          networks[i]->forward(x);
          const auto start = std::chrono::steady_clock::now();
          networks[i]->forward(x);
          const std::chrono::duration<double, std::milli> took =
              std::chrono::steady_clock::now() - start;
          best[i] = std::min(best[i], took.count());
        }
      }
      std::printf(
          "%lldx%lld: LeakyReLU fused %.1f ms, separate %.1f ms (%.2fx), PReLU %.1f ms (%.2fx)\n",
          static_cast<long long>(h), static_cast<long long>(w), best[0], best[1], best[1] / best[0],
          best[2], best[2] / best[0]);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "srgan-fusion-bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
