// The element on a GPU: its output on CUDA equals the CPU's within fp16 tolerance, CUDA-memory
// caps negotiate with cudaupload/cudadownload, and on that path frames never visit the host.
// Every test skips on a machine without a usable GPU (or without GStreamer's CUDA elements).
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include <torch/cuda.h>

#ifdef SRGAN_HAVE_GST_CUDA
#include <gst/cuda/gstcudacontext.h>
#include <gst/cuda/gstcudaloader.h>
#include <gst/cuda/gstcudamemory.h>
#include <gst/cuda/gstcudautils.h>
#endif

#include "gst_test_support.h"
#include "srgan/cuda_device.h"
#include "test_support.h"

namespace {

using Frames = std::vector<std::vector<uint8_t>>;

class GpuElement : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srgan::test::init_isolated_gstreamer(SRGAN_SYSTEM_PLUGIN_DIR, SRGAN_TEST_REGISTRY);
    dir_ = new srgan::test::TempDir();
    model_ = dir_->file("tiny-x4.pt");
    srgan::test::write_tiny_x4_model(model_, 8, 3);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA GPU here";
  }

  static std::string upscaler(const std::string& settings) {
    return "srganupscale name=up model-location=" + model_ + " " + settings;
  }

  // Runs "videotestsrc ! FORMAT 64x48 ! <middle> ! appsink" to EOS (3 frames); returns the
  // frames' bytes.
  static Frames run(const std::string& middle, GstElement** pipeline_out = nullptr,
                    const std::string& format = "I420",
                    const std::function<void(GstElement*)>& before_start = {}) {
    const std::string description =
        "videotestsrc num-buffers=3 pattern=smpte ! video/x-raw,format=" + format +
        ",width=64,height=48,framerate=30/1 ! " + middle + " ! video/x-raw,format=" + format +
        " ! appsink name=sink sync=false";
    GError* error = nullptr;
    GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
    EXPECT_EQ(error, nullptr) << (error ? error->message : "");
    if (!pipeline) return {};
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    if (before_start) before_start(pipeline);
    EXPECT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    Frames frames;
    while (GstSample* sample = gst_app_sink_pull_sample(GST_APP_SINK(sink))) {
      GstMapInfo map;
      GstBuffer* buffer = gst_sample_get_buffer(sample);
      EXPECT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
      frames.emplace_back(map.data, map.data + map.size);
      gst_buffer_unmap(buffer, &map);
      gst_sample_unref(sample);
    }
    GstMessage* message = gst_bus_timed_pop_filtered(
        GST_ELEMENT_BUS(pipeline), 0, static_cast<GstMessageType>(GST_MESSAGE_ERROR));
    EXPECT_EQ(message, nullptr) << "pipeline error";
    if (message) gst_message_unref(message);
    gst_object_unref(sink);
    if (pipeline_out) {
      *pipeline_out = pipeline;  // the caller inspects it, then stops and frees it
    } else {
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(pipeline);
    }
    return frames;
  }

  static void expect_close(const Frames& a, const Frames& b, int max_difference,
                           double max_mean_difference) {
    ASSERT_EQ(a.size(), 3u);
    ASSERT_EQ(a.size(), b.size());
    for (size_t f = 0; f < a.size(); ++f) {
      ASSERT_EQ(a[f].size(), b[f].size());
      ASSERT_EQ(a[f].size(), 256u * 192u * 3u / 2u);  // I420 at 4x
      int64_t sum = 0;
      int worst = 0;
      for (size_t i = 0; i < a[f].size(); ++i) {
        const int d = std::abs(int{a[f][i]} - int{b[f][i]});
        sum += d;
        worst = std::max(worst, d);
      }
      EXPECT_LE(worst, max_difference) << "frame " << f;
      EXPECT_LE(static_cast<double>(sum) / a[f].size(), max_mean_difference) << "frame " << f;
    }
  }

  static inline srgan::test::TempDir* dir_ = nullptr;
  static inline std::string model_;
};

TEST_F(GpuElement, CudaOutputMatchesTheCpuWithinHalfPrecision) {
  const Frames cpu = run(upscaler("device=cpu precision=fp32"));
  const Frames fp16 = run(upscaler("device=cuda precision=fp16"));
  const Frames fp32 = run(upscaler("device=cuda precision=fp32"));
  // 8-bit codes: fp16 rounding of a small network moves a few codes by one or two.
  expect_close(cpu, fp16, 3, 0.25);
  expect_close(cpu, fp32, 2, 0.1);  // TF32 convolutions
}

#ifdef SRGAN_HAVE_GST_CUDA
class CudaMemory : public GpuElement {
 protected:
  void SetUp() override {
    GpuElement::SetUp();
    if (IsSkipped()) return;
    if (!gst_cuda_load_library()) GTEST_SKIP() << "GStreamer's CUDA library finds no driver";
    for (const char* name : {"cudaupload", "cudadownload"}) {
      GstElementFactory* factory = gst_element_factory_find(name);
      if (!factory) GTEST_SKIP() << name << " (gstreamer1.0-plugins-bad nvcodec) is missing";
      gst_object_unref(factory);
    }
  }
};

TEST_F(CudaMemory, NegotiatesWithCudaUploadAndDownloadAndMatchesSystemMemory) {
  GstElement* pipeline = nullptr;
  const Frames device =
      run("cudaupload ! " + upscaler("device=cuda precision=fp16") + " ! cudadownload", &pipeline);
  ASSERT_NE(pipeline, nullptr);
  GstElement* up = gst_bin_get_by_name(GST_BIN(pipeline), "up");
  for (const char* pad_name : {"sink", "src"}) {
    GstPad* pad = gst_element_get_static_pad(up, pad_name);
    GstCaps* caps = gst_pad_get_current_caps(pad);
    ASSERT_NE(caps, nullptr) << pad_name;
    EXPECT_TRUE(gst_caps_features_contains(gst_caps_get_features(caps, 0),
                                           GST_CAPS_FEATURE_MEMORY_CUDA_MEMORY))
        << pad_name << ": " << gst_caps_to_string(caps);
    gst_caps_unref(caps);
    gst_object_unref(pad);
  }
  gst_object_unref(up);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  const Frames system = run(upscaler("device=cuda precision=fp16"));
  expect_close(system, device, 1, 0.01);  // same GPU arithmetic; only the frames' memory differs
}

// Whether the element's pad `pad_name` negotiated CUDA memory; the pipeline has run.
bool pad_in_cuda_memory(GstElement* pipeline, const char* pad_name) {
  GstElement* up = gst_bin_get_by_name(GST_BIN(pipeline), "up");
  GstPad* pad = gst_element_get_static_pad(up, pad_name);
  GstCaps* caps = gst_pad_get_current_caps(pad);
  const bool cuda = caps && gst_caps_features_contains(gst_caps_get_features(caps, 0),
                                                       GST_CAPS_FEATURE_MEMORY_CUDA_MEMORY);
  if (caps) gst_caps_unref(caps);
  gst_object_unref(pad);
  gst_object_unref(up);
  return cuda;
}

// Each side is mapped on its own: every pairing of CUDA and system memory negotiates as its
// neighbours ask and gives the frames of the system-memory run.
// 10-bit frames in CUDA memory (as nvh265dec gives Main10) come out as they do from system
// memory on the same device: the 16-bit words are read and written in place.
TEST_F(CudaMemory, TenBitP010InCudaMemoryMatchesSystemMemory) {
  const Frames system = run(upscaler("device=cuda precision=fp32"), nullptr, "P010_10LE");
  const Frames cuda =
      run("cudaupload ! " + upscaler("device=cuda precision=fp32") + " ! cudadownload", nullptr,
          "P010_10LE");
  ASSERT_EQ(system.size(), 3u);
  ASSERT_EQ(cuda.size(), system.size());
  for (size_t f = 0; f < system.size(); ++f) {
    ASSERT_EQ(cuda[f].size(), system[f].size());
    int worst = 0;  // in 10-bit codes
    for (size_t i = 0; i + 1 < system[f].size(); i += 2) {
      const int a = (system[f][i] | system[f][i + 1] << 8) >> 6;
      const int b = (cuda[f][i] | cuda[f][i + 1] << 8) >> 6;
      worst = std::max(worst, std::abs(a - b));
    }
    EXPECT_LE(worst, 1) << "frame " << f;
  }
}

TEST_F(CudaMemory, EveryMemoryCombinationNegotiatesAndMatches) {
  const std::string up = upscaler("device=cuda precision=fp16");
  const Frames reference = run(up);
  struct Case {
    std::string middle;
    bool cuda_in, cuda_out;
  };
  for (const Case& c : {Case{"cudaupload ! " + up + " ! cudadownload", true, true},
                        Case{"cudaupload ! " + up, true, false},
                        Case{up + " ! cudadownload", false, true}, Case{up, false, false}}) {
    SCOPED_TRACE(c.middle);
    GstElement* pipeline = nullptr;
    const Frames frames = run(c.middle, &pipeline);
    ASSERT_NE(pipeline, nullptr);
    EXPECT_EQ(pad_in_cuda_memory(pipeline, "sink"), c.cuda_in);
    EXPECT_EQ(pad_in_cuda_memory(pipeline, "src"), c.cuda_out);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    expect_close(reference, frames, 1, 0.01);
  }
}

// cudaupload given a CUDA context of its own (not LibTorch's): its frames cannot be read by
// LibTorch in place, so they go through the host, with one warning for the stream.
// Frames from cudaupload in a context of its own (not LibTorch's) reach the element through the
// host, with one warning, and come out as the CPU path's.
TEST_F(CudaMemory, InputFromAnotherContextGoesThroughTheHostWithOneWarningAndRightPixels) {
  GstCudaContext* foreign = gst_cuda_context_new(0);
  ASSERT_NE(foreign, nullptr);
  const Frames cpu = run(upscaler("device=cpu precision=fp32"));
  GstElement* pipeline = nullptr;
  const Frames frames = run("cudaupload name=upload ! " + upscaler("device=cuda precision=fp16"),
                            &pipeline, "I420", [foreign](GstElement* p) {
                              GstElement* upload = gst_bin_get_by_name(GST_BIN(p), "upload");
                              GstContext* context = gst_context_new_cuda_context(foreign);
                              gst_element_set_context(upload, context);
                              gst_context_unref(context);
                              gst_object_unref(upload);
                            });
  ASSERT_NE(pipeline, nullptr);
  expect_close(cpu, frames, 3, 0.25);
  EXPECT_TRUE(pad_in_cuda_memory(pipeline, "sink"));
  int warnings = 0;
  while (GstMessage* message =
             gst_bus_pop_filtered(GST_ELEMENT_BUS(pipeline), GST_MESSAGE_WARNING)) {
    ++warnings;
    gst_message_unref(message);
  }
  EXPECT_EQ(warnings, 1);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
  gst_object_unref(foreign);
}

// A resolution change mid-stream, a flushing seek, EOS and 200 state cycles on CUDA memory leave
// the device's free memory within 64 MiB of where it was before the pipeline existed.
TEST_F(CudaMemory, DeviceMemoryReturnsAfterCapsChangesSeeksEosAndStateCycles) {
  const c10::Device gpu(c10::kCUDA, 0);
  run(upscaler("device=cuda precision=fp16"));  // LibTorch's and GStreamer's one-time set-up
  const int64_t free_before = srgan::free_device_memory(gpu);
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc pattern=ball ! capsfilter name=size caps=video/x-raw,format=NV12,width=64,"
      "height=48,framerate=30/1 ! cudaupload ! " +
      upscaler("device=cuda precision=fp16") + " ! cudadownload ! fakesink sync=false");
  ASSERT_NE(pipeline, nullptr);
  GstBus* bus = gst_element_get_bus(pipeline);
  auto settle = [&] {
    EXPECT_NE(gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND),
              GST_STATE_CHANGE_FAILURE);
  };
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  settle();
  GstElement* size = gst_bin_get_by_name(GST_BIN(pipeline), "size");
  gst_util_set_object_arg(G_OBJECT(size), "caps",
                          "video/x-raw,format=NV12,width=80,height=60,framerate=30/1");
  gst_object_unref(size);
  g_usleep(200 * 1000);
  EXPECT_TRUE(gst_element_seek_simple(
      pipeline, GST_FORMAT_TIME,
      static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 0));
  settle();
  gst_element_send_event(pipeline, gst_event_new_eos());
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, 30 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
  gst_message_unref(message);
  for (int cycle = 0; cycle < 200; ++cycle) {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    settle();
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  EXPECT_EQ(message, nullptr) << "pipeline error";
  if (message) gst_message_unref(message);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  const int64_t drift = free_before - srgan::free_device_memory(gpu);
  RecordProperty("device_memory_drift_mib", std::to_string(drift >> 20));
  EXPECT_LT(drift, int64_t{64} << 20) << (drift >> 20) << " MiB of device memory not returned";
}

// On the zero-copy path the element maps CUDA buffers for the device only: a host mapping of
// either buffer would clear GST_CUDA_MEMORY_TRANSFER_NEED_DOWNLOAD, which marks memory whose
// newest bytes are on the GPU.
TEST_F(CudaMemory, FramesStayOnTheDevice) {
  struct Seen {
    GstBuffer* input = nullptr;
    int frames = 0, input_on_device = 0, output_on_device = 0;
  } seen;
  auto on_device = [](GstBuffer* buffer) {
    GstMemory* memory = gst_buffer_peek_memory(buffer, 0);
    return gst_is_cuda_memory(memory) &&
           GST_MEMORY_FLAG_IS_SET(memory, GST_CUDA_MEMORY_TRANSFER_NEED_DOWNLOAD);
  };
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(
      ("videotestsrc num-buffers=3 ! video/x-raw,format=NV12,width=64,height=48 ! cudaupload ! " +
       upscaler("device=cuda") + " ! fakesink sync=false")
          .c_str(),
      &error);
  ASSERT_EQ(error, nullptr);
  GstElement* up = gst_bin_get_by_name(GST_BIN(pipeline), "up");
  GstPad* sink = gst_element_get_static_pad(up, "sink");
  GstPad* src = gst_element_get_static_pad(up, "src");
  gst_pad_add_probe(
      sink, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer data) {
        gst_buffer_replace(&static_cast<Seen*>(data)->input, GST_PAD_PROBE_INFO_BUFFER(info));
        return GST_PAD_PROBE_OK;
      },
      &seen, nullptr);
  struct Context {
    Seen* seen;
    bool (*on_device)(GstBuffer*);
  } context{&seen, +on_device};
  gst_pad_add_probe(
      src, GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad*, GstPadProbeInfo* info, gpointer data) {
        auto* c = static_cast<Context*>(data);
        c->seen->frames++;
        c->seen->output_on_device += c->on_device(GST_PAD_PROBE_INFO_BUFFER(info));
        c->seen->input_on_device += c->seen->input && c->on_device(c->seen->input);
        return GST_PAD_PROBE_OK;
      },
      &context, nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstMessage* message =
      gst_bus_timed_pop_filtered(GST_ELEMENT_BUS(pipeline), GST_CLOCK_TIME_NONE,
                                 static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
  gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_buffer_replace(&seen.input, nullptr);
  EXPECT_EQ(seen.frames, 3);
  EXPECT_EQ(seen.input_on_device, 3);
  EXPECT_EQ(seen.output_on_device, 3);
  gst_object_unref(sink);
  gst_object_unref(src);
  gst_object_unref(up);
  gst_object_unref(pipeline);
}
#endif  // SRGAN_HAVE_GST_CUDA

}  // namespace
