#pragma once

// srgan-bench --element: the element in real pipelines beside the bare Upscaler, on the same
// frames in one run (GStreamer builds only).

#include <string>

namespace srgan::bench {

struct ElementBenchSettings {
  std::string model;
  std::string device = "cpu";
  std::string precision = "fp32";
  int width = 480;
  int height = 270;
  int frames = 60;
  // 0: the element's default (3 on a GPU; on the CPU its choice for a stream that is not live)
  int frames_in_flight = 0;
  int rounds = 3;  // the bare Upscaler and the element take turns this many times
};

/// Prints a markdown table: the bare Upscaler's fps; for each path (system memory, and CUDA
/// memory where the device is a GPU and nvcodec's cudaupload loads) the element's steady-state
/// fps (first to last output buffer; CUDA memory forced on both sides of the element by caps
/// filters, so that a path that fell back to system memory fails instead of passing), its start-up
/// time (PLAYING to the first output buffer) and the ratio to the bare Upscaler, best round
/// against best round and the range of the rounds' own ratios (the bare Upscaler and the paths
/// alternate `rounds` times); and each path's control without the element. Throws srgan::Error
/// when a pipeline fails.
void run_element_bench(const ElementBenchSettings& settings);

}  // namespace srgan::bench
