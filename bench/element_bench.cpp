#include "element_bench.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <chrono>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/cuda.h>

#include "srgan/color_conversion.h"
#include "srgan/error.h"
#include "srgan/frame.h"
#include "srgan/upscaler.h"

namespace srgan::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A handful of distinct frames, pushed in turn: enough that no cache holds one frame's work.
constexpr int kDistinctFrames = 8;

struct PipelineTiming {
  double startup_ms = 0;  // PLAYING requested -> first output buffer
  double steady_fps = 0;  // first -> last output buffer
  int outputs = 0;
};

void on_handoff(GstElement*, GstBuffer*, GstPad*, gpointer data) {
  static_cast<std::vector<Clock::time_point>*>(data)->push_back(Clock::now());
}

// Runs "appsrc ! MIDDLE ! fakesink" over `frames` buffers that wrap `inputs` in turn.
PipelineTiming time_pipeline(const std::string& middle, const std::vector<FrameBuffer>& inputs,
                             int frames, int width, int height) {
  const std::string description = "appsrc name=src format=time max-bytes=0 block=false ! " +
                                  middle + " ! fakesink name=sink sync=false signal-handoffs=true";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  if (error) {
    const std::string message = error->message;
    g_error_free(error);
    if (pipeline) gst_object_unref(pipeline);
    throw Error("cannot build '" + description + "': " + message);
  }
  GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline), "src");
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  GstCaps* caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "I420", "width",
                                      G_TYPE_INT, width, "height", G_TYPE_INT, height, "framerate",
                                      GST_TYPE_FRACTION, 30, 1, NULL);
  gst_app_src_set_caps(GST_APP_SRC(src), caps);
  gst_caps_unref(caps);
  for (int i = 0; i < frames; ++i) {
    const FrameBuffer& frame = inputs[i % inputs.size()];
    auto* bytes = const_cast<uint8_t*>(frame.bytes().data());
    GstBuffer* buffer =
        gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, bytes, frame.bytes().size(), 0,
                                    frame.bytes().size(), nullptr, nullptr);
    GST_BUFFER_PTS(buffer) = gst_util_uint64_scale(i, GST_SECOND, 30);
    GST_BUFFER_DURATION(buffer) = gst_util_uint64_scale(1, GST_SECOND, 30);
    gst_app_src_push_buffer(GST_APP_SRC(src), buffer);
  }
  gst_app_src_end_of_stream(GST_APP_SRC(src));
  std::vector<Clock::time_point> outputs;
  outputs.reserve(frames);
  g_signal_connect(sink, "handoff", G_CALLBACK(on_handoff), &outputs);
  const auto start = Clock::now();
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, GST_CLOCK_TIME_NONE, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  std::string failure;
  if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR) {
    GError* err = nullptr;
    gst_message_parse_error(message, &err, nullptr);
    failure = err->message;
    g_error_free(err);
  }
  gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(sink);
  gst_object_unref(src);
  gst_object_unref(pipeline);
  if (!failure.empty()) throw Error("'" + middle + "' failed: " + failure);
  PipelineTiming timing;
  timing.outputs = static_cast<int>(outputs.size());
  if (outputs.size() < 2) throw Error("'" + middle + "' gave fewer than 2 frames");
  timing.startup_ms = std::chrono::duration<double, std::milli>(outputs.front() - start).count();
  timing.steady_fps = (outputs.size() - 1) /
                      std::chrono::duration<double>(outputs.back() - outputs.front()).count();
  return timing;
}

// Frames per second of the Upscaler alone, after a warm-up; `scale` is set to the model's.
double bare_upscaler_fps(const ElementBenchSettings& s, const std::vector<FrameBuffer>& inputs,
                         int64_t* scale) {
  Upscaler upscaler(UpscalerOptions().model_path(s.model).device(s.device).precision(
      precision_from_string(s.precision)));
  *scale = upscaler.scale();
  FrameBuffer out(PixelFormat::kI420, s.width * *scale, s.height * *scale);
  for (int i = 0; i < 2; ++i) upscaler.upscale(inputs[i].view(), out.view());  // warm-up
  const auto start = Clock::now();
  for (int i = 0; i < s.frames; ++i) upscaler.upscale(inputs[i % inputs.size()].view(), out.view());
  return s.frames / std::chrono::duration<double>(Clock::now() - start).count();
}

std::string fixed(double value, int digits) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(digits);
  out << value;
  return out.str();
}

bool has_element(const char* name) {
  GstElementFactory* factory = gst_element_factory_find(name);
  if (factory) gst_object_unref(factory);
  return factory != nullptr;
}

}  // namespace

void run_element_bench(const ElementBenchSettings& s) {
  gst_init(nullptr, nullptr);
  if (!has_element("srganupscale")) {
    throw Error(
        "the srganupscale element is not found: set GST_PLUGIN_PATH to the build's "
        "gst-plugin folder");
  }
  std::vector<FrameBuffer> inputs;
  for (int i = 0; i < kDistinctFrames; ++i) {
    inputs.emplace_back(PixelFormat::kI420, s.width, s.height);
    rgb_to_frame({at::rand({1, 3, s.height, s.width}), at::Tensor()}, inputs.back().view());
  }
  std::string element = "srganupscale model-location=\"" + s.model + "\" device=" + s.device +
                        " precision=" + s.precision;
  if (s.frames_in_flight > 0) element += " frames-in-flight=" + std::to_string(s.frames_in_flight);
  struct Path {
    std::string name, element, control;
  };
  std::vector<Path> paths = {{"system memory", element, "identity"}};
  const bool gpu = s.device.rfind("cuda", 0) == 0;
  if (gpu && has_element("cudaupload")) {
    const std::string cuda = "video/x-raw(memory:CUDAMemory)";
    paths.push_back({"CUDA memory in and out (cudaupload, caps filters on both sides)",
                     "cudaupload ! " + cuda + " ! " + element + " ! " + cuda,
                     "cudaupload ! " + cuda});
  }
  // The bare Upscaler and each path take turns, round after round: this machine's speed drifts
  // within minutes, and a ratio is only worth what was measured side by side.
  int64_t scale = 0;
  double bare = 0;
  std::vector<PipelineTiming> best(paths.size());
  std::vector<double> lowest(paths.size(), 1e9), highest(paths.size(), 0);
  for (int round = 0; round < s.rounds; ++round) {
    const double bare_now = bare_upscaler_fps(s, inputs, &scale);
    bare = std::max(bare, bare_now);
    for (size_t p = 0; p < paths.size(); ++p) {
      const PipelineTiming timing =
          time_pipeline(paths[p].element, inputs, s.frames, s.width, s.height);
      if (timing.steady_fps > best[p].steady_fps) best[p] = timing;
      lowest[p] = std::min(lowest[p], timing.steady_fps / bare_now);
      highest[p] = std::max(highest[p], timing.steady_fps / bare_now);
    }
  }
  std::cout << "## Element pipelines: " << s.width << "x" << s.height << " -> " << s.width * scale
            << "x" << s.height * scale << " I420, " << s.precision << " on " << s.device << ", "
            << s.frames << " frames, frames in flight "
            << (s.frames_in_flight > 0 ? std::to_string(s.frames_in_flight) : "default") << ", "
            << s.rounds << (s.rounds == 1 ? " round" : " rounds") << "\n\n"
            << "Bare Upscaler on the same frames: " << fixed(bare, 2) << " fps (best round).\n\n"
            << "| path | steady fps (best round) | element / bare Upscaler (best / best; each "
               "round) | start-up (PLAYING to first frame) | control without the element |\n"
            << "| --- | ---: | ---: | ---: | ---: |\n";
  for (size_t p = 0; p < paths.size(); ++p) {
    const PipelineTiming control =
        time_pipeline(paths[p].control, inputs, s.frames, s.width, s.height);
    std::cout << "| " << paths[p].name << " | " << fixed(best[p].steady_fps, 2) << " | "
              << fixed(100.0 * best[p].steady_fps / bare, 1) << "% (" << fixed(100.0 * lowest[p], 1)
              << "-" << fixed(100.0 * highest[p], 1) << "%) | " << fixed(best[p].startup_ms, 0)
              << " ms | " << fixed(control.steady_fps, 0) << " fps |\n";
  }
  std::cout << "\n";
}

}  // namespace srgan::bench
