// The element as a stream: frames in flight keep order, timestamps and bytes; on the CPU they
// share the cores out; EOS drains them, a flush drops them, NULL mid-work neither hangs nor leaks;
// the latency query counts them; the warm-up runs when caps are set; a live source faster than the
// element is thinned by QoS; the latency includes the processing time; a downstream pool smaller
// than the frames in flight; interlaced input refused once; 8-bit input between videoconverts stays
// 8-bit.
#include <gtest/gtest.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <ATen/Parallel.h>

#include "gst_test_support.h"
#include "test_support.h"

namespace {

constexpr char kCaps[] = "video/x-raw,format=I420,width=16,height=12,framerate=30/1";
constexpr gsize kFrameBytes = 16 * 12 * 3 / 2;

class Streaming : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srgan::test::init_isolated_gstreamer(SRGAN_SYSTEM_PLUGIN_DIR, SRGAN_TEST_REGISTRY);
    dir_ = new srgan::test::TempDir();
    model_ = dir_->file("tiny-x4.pt");
    srgan::test::write_tiny_x4_model(model_, 8, 5);
    // Wide enough that a 160-pixel frame takes longer than a 30 or 60 fps frame period.
    slow_model_ = dir_->file("slow-x4.pt");
    srgan::test::write_tiny_x4_model(slow_model_, 48, 6);
  }
  static void TearDownTestSuite() { delete dir_; }

  static GstHarness* harness(int frames_in_flight) {
    GstHarness* h = srgan::test::upscale_harness(
        model_, {{"frames-in-flight", std::to_string(frames_in_flight)}});
    gst_harness_set_src_caps_str(h, kCaps);
    return h;
  }

  static GstBuffer* frame(unsigned seed, int index) {
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, kFrameBytes, nullptr);
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_WRITE);
    std::mt19937 random(seed);
    for (gsize i = 0; i < map.size; ++i) map.data[i] = static_cast<guint8>(random());
    gst_buffer_unmap(buffer, &map);
    GST_BUFFER_PTS(buffer) = index * GST_SECOND / 30;
    GST_BUFFER_DURATION(buffer) = GST_SECOND / 30;
    return buffer;
  }

  static std::vector<guint8> bytes_of(GstBuffer* buffer) {
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_READ);
    std::vector<guint8> bytes(map.data, map.data + map.size);
    gst_buffer_unmap(buffer, &map);
    return bytes;
  }

  // Pushes `count` frames then EOS; returns what came out, in order.
  static std::vector<GstBuffer*> run(int frames_in_flight, int count) {
    GstHarness* h = harness(frames_in_flight);
    for (int i = 0; i < count; ++i) EXPECT_EQ(gst_harness_push(h, frame(100 + i, i)), GST_FLOW_OK);
    EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
    std::vector<GstBuffer*> out;
    while (GstBuffer* buffer = gst_harness_try_pull(h)) out.push_back(buffer);
    gst_harness_teardown(h);
    return out;
  }

  // The largest difference between two frames' bytes, in levels (frames of the same size).
  static int max_level_difference(const std::vector<guint8>& a, const std::vector<guint8>& b) {
    EXPECT_EQ(a.size(), b.size());
    int largest = 0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
      largest = std::max(largest, std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i])));
    return largest;
  }

  // Counts in `count` the buffers that `sink`, a fakesink with signal-handoffs=true, receives.
  static void count_handoffs(GstElement* sink, std::atomic<int>* count) {
    g_signal_connect(sink, "handoff",
                     G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer data) {
                       ++*static_cast<std::atomic<int>*>(data);
                     }),
                     count);
  }

  // Plays `pipeline` to its end (at most 120 s): "eos", the error's message, or "timeout".
  static std::string play_to_end(GstElement* pipeline) {
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    GstBus* bus = gst_element_get_bus(pipeline);
    GstMessage* end = gst_bus_timed_pop_filtered(
        bus, 120 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
    gst_object_unref(bus);
    std::string text = end ? "eos" : "timeout";
    if (end && GST_MESSAGE_TYPE(end) == GST_MESSAGE_ERROR) {
      GError* error = nullptr;
      gst_message_parse_error(end, &error, nullptr);
      text = error->message;
      g_error_free(error);
    }
    if (end) gst_message_unref(end);
    return text;
  }
  // What one run of "videotestsrc num-buffers=3 ! WIDTHxHEIGHT I420 ! srganupscale
  // frames-in-flight=0 ! fakesink" did: the frames in flight the element chose and, for each
  // frame, the intra-op thread count on the thread that handed it to the sink.
  struct VideoTestRun {
    guint frames_in_flight = 0;
    std::vector<int> threads_per_frame;  // the handoffs come one at a time, from one thread
  };
  static VideoTestRun run_videotestsrc(bool live, int width, int height) {
    GstElement* pipeline = srgan::test::launch(
        std::string("videotestsrc num-buffers=3 is-live=") + (live ? "true" : "false") +
        " ! video/x-raw,format=I420,width=" + std::to_string(width) +
        ",height=" + std::to_string(height) +
        ",framerate=30/1 ! srganupscale name=up device=cpu precision=fp32 model-location=" +
        model_ + " ! fakesink name=sink signal-handoffs=true");
    EXPECT_NE(pipeline, nullptr);
    GstElement* up = gst_bin_get_by_name(GST_BIN(pipeline), "up");
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    VideoTestRun run;
    g_signal_connect(sink, "handoff",
                     G_CALLBACK(+[](GstElement*, GstBuffer*, GstPad*, gpointer data) {
                       static_cast<std::vector<int>*>(data)->push_back(at::get_num_threads());
                     }),
                     &run.threads_per_frame);
    EXPECT_EQ(play_to_end(pipeline), "eos");
    g_object_get(up, "active-frames-in-flight", &run.frames_in_flight, nullptr);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(sink);
    gst_object_unref(up);
    gst_object_unref(pipeline);
    return run;
  }

  // The pipeline's minimum latency, as a live sink computes it.
  static GstClockTime min_latency(GstElement* pipeline) {
    GstQuery* query = gst_query_new_latency();
    EXPECT_TRUE(gst_element_query(pipeline, query));
    GstClockTime min = 0;
    gst_query_parse_latency(query, nullptr, &min, nullptr);
    gst_query_unref(query);
    return min;
  }

  static inline srgan::test::TempDir* dir_ = nullptr;
  static inline std::string model_;
  static inline std::string slow_model_;
};

TEST_F(Streaming, FramesInFlightKeepOrderTimestampsAndBytesAndEosDrainsThem) {
  const std::vector<GstBuffer*> one = run(1, 7);
  const std::vector<GstBuffer*> three = run(3, 7);
  ASSERT_EQ(one.size(), 7u);
  ASSERT_EQ(three.size(), 7u);
  for (size_t i = 0; i < three.size(); ++i) {
    EXPECT_EQ(GST_BUFFER_PTS(three[i]), i * GST_SECOND / 30) << i;
    EXPECT_EQ(GST_BUFFER_DURATION(three[i]), GST_SECOND / 30) << i;
    // One frame in flight runs on every core, three on a thread each: the same arithmetic in
    // another order may move a rounding by one level, while another frame's output (the order
    // mixed up) would differ by far more.
    EXPECT_LE(max_level_difference(bytes_of(three[i]), bytes_of(one[i])), 1) << "frame " << i;
  }
  for (GstBuffer* b : one) gst_buffer_unref(b);
  for (GstBuffer* b : three) gst_buffer_unref(b);
}

// On the CPU, frames in flight share the cores out: with OMP_NUM_THREADS=2, one frame in flight
// runs on 2 intra-op threads, two or three on one thread each (LibTorch's count, which the
// Upscaler sets for the process as the element starts). The 48-channel model then runs by
// Winograd where the CPU has NNPACK and no AVX-512, two frames at once: each frame's output
// stays within a level of the one-frame-at-a-time output.
TEST_F(Streaming, FramesInFlightOnTheCpuShareTheCores) {
  g_setenv("OMP_NUM_THREADS", "2", TRUE);
  std::vector<std::vector<guint8>> first;
  for (const auto& [in_flight, threads] : {std::pair{1, 2}, {2, 1}, {3, 1}}) {
    GstHarness* h = srgan::test::upscale_harness(slow_model_,
                                                 {{"frames-in-flight", std::to_string(in_flight)}});
    gst_harness_set_src_caps_str(h, kCaps);
    EXPECT_EQ(at::get_num_threads(), threads) << in_flight << " frame(s) in flight";
    for (int i = 0; i < 4; ++i) EXPECT_EQ(gst_harness_push(h, frame(40 + i, i)), GST_FLOW_OK);
    EXPECT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
    std::vector<std::vector<guint8>> outputs;
    while (GstBuffer* buffer = gst_harness_try_pull(h)) {
      outputs.push_back(bytes_of(buffer));
      gst_buffer_unref(buffer);
    }
    gst_harness_teardown(h);
    ASSERT_EQ(outputs.size(), 4u) << in_flight << " frame(s) in flight";
    if (first.empty()) {
      first = outputs;
      EXPECT_GT(max_level_difference(first[0], first[1]), 8) << "the outputs are flat";
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      EXPECT_LE(max_level_difference(outputs[i], first[i]), 1)
          << "frame " << i << ", " << in_flight << " frame(s) in flight";
    }
  }
  g_unsetenv("OMP_NUM_THREADS");
}

// frames-in-flight=0 on the CPU chooses at the first caps: two frames sharing the cores where
// upstream is not live (a file, here videotestsrc), one where it is or where there is one core
// to share, or where two frames' tiles do not fit in memory (SRGAN_MEMORY_LIMIT_MB between one
// frame's need, 836 MiB here, and two frames', 1.6 GiB). Every frame comes out either way.
TEST_F(Streaming, AutomaticFramesInFlightOnTheCpuAreTwoForStreamsThatAreNotLive) {
  const auto chosen = [&](const char* threads, bool live, const char* limit_mb = nullptr) {
    g_setenv("OMP_NUM_THREADS", threads, TRUE);
    if (limit_mb) g_setenv("SRGAN_MEMORY_LIMIT_MB", limit_mb, TRUE);
    const VideoTestRun run = run_videotestsrc(live, 640, 360);
    EXPECT_EQ(run.threads_per_frame.size(), 3u);
    g_unsetenv("OMP_NUM_THREADS");
    g_unsetenv("SRGAN_MEMORY_LIMIT_MB");
    return run.frames_in_flight;
  };
  EXPECT_EQ(chosen("2", false), 2u) << "not live, two threads";
  EXPECT_EQ(chosen("2", true), 1u) << "live";
  EXPECT_EQ(chosen("1", false), 1u) << "one thread to share";
  EXPECT_EQ(chosen("2", false, "1200"), 1u) << "two frames do not fit";
}

// GStreamer pools its streaming threads, and LibTorch's intra-op count is per thread (a new
// thread takes the last count any thread set): after a file (two frames in flight, one thread
// each), a live stream's element ran every frame on one core of two. Each frame now runs on its
// element's count: the sink's handoff, on the thread that upscaled the frame, sees it.
TEST_F(Streaming, ALiveStreamAfterAFileRunsOnEveryThread) {
  g_setenv("OMP_NUM_THREADS", "2", TRUE);
  const VideoTestRun file = run_videotestsrc(false, 64, 36);
  EXPECT_EQ(file.frames_in_flight, 2u);
  EXPECT_EQ(file.threads_per_frame.size(), 3u);
  const VideoTestRun live = run_videotestsrc(true, 64, 36);
  EXPECT_EQ(live.frames_in_flight, 1u);
  EXPECT_EQ(live.threads_per_frame, (std::vector<int>{2, 2, 2})) << "a live stream after a file";
  g_unsetenv("OMP_NUM_THREADS");
}

// Frames still in flight at a flush never come out after it. Large frames (320x240 -> 1280x960)
// keep them in flight when the flush arrives.
TEST_F(Streaming, AFlushDropsTheFramesInFlight) {
  GstHarness* h = harness(3);
  gst_harness_set_src_caps_str(h, "video/x-raw,format=I420,width=320,height=240,framerate=30/1");
  auto large_frame = [](int index) {
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, 320 * 240 * 3 / 2, nullptr);
    gst_buffer_memset(buffer, 0, static_cast<guint8>(16 * index), 320 * 240 * 3 / 2);
    GST_BUFFER_PTS(buffer) = index * GST_SECOND / 30;
    return buffer;
  };
  for (int i = 0; i < 3; ++i) ASSERT_EQ(gst_harness_push(h, large_frame(i)), GST_FLOW_OK);
  const guint before_flush = gst_harness_buffers_received(h);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_flush_start()));
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_flush_stop(TRUE)));
  GstSegment segment;
  gst_segment_init(&segment, GST_FORMAT_TIME);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_segment(&segment)));
  for (int i = 10; i < 12; ++i) ASSERT_EQ(gst_harness_push(h, large_frame(i)), GST_FLOW_OK);
  ASSERT_TRUE(gst_harness_push_event(h, gst_event_new_eos()));
  std::vector<GstClockTime> pts;
  while (GstBuffer* buffer = gst_harness_try_pull(h)) {
    pts.push_back(GST_BUFFER_PTS(buffer));
    gst_buffer_unref(buffer);
  }
  ASSERT_LT(before_flush, 3u) << "every frame finished before the flush: nothing was tested";
  // What left before the flush, then only the two frames pushed after it.
  ASSERT_EQ(pts.size(), before_flush + 2);
  EXPECT_EQ(pts[before_flush], 10 * GST_SECOND / 30);
  EXPECT_EQ(pts[before_flush + 1], 11 * GST_SECOND / 30);
  gst_harness_teardown(h);
}

TEST_F(Streaming, GoingToNullMidWorkNeitherHangsNorLeaks) {
  for (int cycle = 0; cycle < 20; ++cycle) {
    GstElement* pipeline = srgan::test::launch(
        "videotestsrc ! video/x-raw,format=I420,width=64,height=48 ! srganupscale "
        "device=cpu frames-in-flight=3 model-location=" +
        model_ + " ! fakesink sync=false");
    ASSERT_NE(pipeline, nullptr);
    ASSERT_NE(gst_element_set_state(pipeline, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    g_usleep(20 * 1000 * (cycle % 4));
    EXPECT_EQ(gst_element_set_state(pipeline, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_object_unref(pipeline);
  }
}

TEST_F(Streaming, LatencyQueryCountsTheFramesInFlight) {
  auto latency = [](int frames_in_flight) {
    GstElement* pipeline = srgan::test::launch(
        "videotestsrc is-live=true ! video/x-raw,format=I420,width=16,height=12,framerate=2/1 ! "
        "srganupscale device=cpu frames-in-flight=" +
        std::to_string(frames_in_flight) + " model-location=" + model_ +
        " ! fakesink name=sink sync=true");
    if (!pipeline) return GstClockTime{0};
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    // A live source negotiates with its first frame, which is when the frame rate is known; the
    // sink answers for its upstream once it has a frame.
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
    GstSample* sample = nullptr;
    for (int i = 0; i < 1000 && !sample; ++i) {
      g_usleep(10 * 1000);
      g_object_get(sink, "last-sample", &sample, nullptr);
    }
    EXPECT_NE(sample, nullptr) << "no frame reached the sink";
    if (sample) gst_sample_unref(sample);
    gst_object_unref(sink);
    const GstClockTime min = min_latency(pipeline);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    return min;
  };
  // 3 more frames in flight add 3 frame periods (1.5 s at 2 fps); each run also adds its own
  // measured processing time (a few ms here, more on a loaded machine).
  const GstClockTimeDiff added = GST_CLOCK_DIFF(latency(1), latency(4));
  EXPECT_NEAR(static_cast<double>(added), 3.0 * GST_SECOND / 2, 0.25 * GST_SECOND);
}

// The element's processing time is part of the latency (#29): on a live 30 fps source, a
// synchronising sink shows the frames the element upscaled instead of dropping them as late.
TEST_F(Streaming, LatencyIncludesTheProcessingTimeSoLiveSinksShowTheFrames) {
  const srgan::test::ElementLogCounter upscaled("frame 160x90", GST_LEVEL_DEBUG);
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc is-live=true num-buffers=60 ! video/x-raw,format=I420,width=160,height=90,"
      "framerate=30/1 ! srganupscale name=up device=cpu precision=fp32 model-location=" +
      slow_model_ + " ! fakesink name=sink sync=true qos=true signal-handoffs=true");
  ASSERT_NE(pipeline, nullptr);
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  std::atomic<int> shown{0};
  count_handoffs(sink, &shown);
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, 120 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_NE(message, nullptr) << "no EOS within 120 s";
  EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
  gst_message_unref(message);
  const GstClockTime min = min_latency(pipeline);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  EXPECT_GT(min, GST_SECOND / 30) << "only the source's latency was reported";
  ASSERT_GT(upscaled.count(), 0);
  // Before: 5 of 31 upscaled frames were shown. Now the sink waits for them.
  EXPECT_GE(shown.load(), upscaled.count() * 8 / 10)
      << shown.load() << " of " << upscaled.count() << " upscaled frames were shown";
  gst_object_unref(bus);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

TEST_F(Streaming, TheWarmUpRunsWhenCapsAreSetOncePerSize) {
  const srgan::test::ElementLogCounter warm_ups("warmed up at");
  GstHarness* h = harness(1);  // sets 16x12 caps; no frame pushed yet
  // Caps are set on the element with the first buffer's negotiation: push one.
  GstBuffer* out = gst_harness_push_and_pull(h, frame(3, 0));
  ASSERT_NE(out, nullptr);
  gst_buffer_unref(out);
  EXPECT_EQ(warm_ups.count(), 1);
  out = gst_harness_push_and_pull(h, frame(3, 1));
  gst_buffer_unref(out);
  EXPECT_EQ(warm_ups.count(), 1) << "a frame of the same size warmed up again";
  gst_harness_set_src_caps_str(h, "video/x-raw,format=I420,width=20,height=14,framerate=30/1");
  out = gst_harness_push_and_pull(h, gst_buffer_new_allocate(nullptr, 448, nullptr));
  ASSERT_NE(out, nullptr);
  gst_buffer_unref(out);
  EXPECT_EQ(warm_ups.count(), 2);
  gst_harness_teardown(h);
}

// A live 60 fps source into an element that needs longer than 1/60 s per frame: late frames are
// dropped before they are upscaled (QoS messages from the element), so the output keeps pace.
TEST_F(Streaming, ALiveSourceFasterThanTheElementIsThinnedByQos) {
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc is-live=true num-buffers=90 ! video/x-raw,format=I420,width=160,"
      "height=120,framerate=60/1 ! srganupscale name=up device=cpu model-location=" +
      slow_model_ + " ! fakesink name=sink sync=true qos=true");
  ASSERT_NE(pipeline, nullptr);
  GstElement* up = gst_bin_get_by_name(GST_BIN(pipeline), "up");
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  int qos_from_element = 0;
  for (;;) {
    GstMessage* message = gst_bus_timed_pop_filtered(
        bus, 60 * GST_SECOND,
        static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_QOS));
    ASSERT_NE(message, nullptr) << "no EOS within 60 s";
    const GstMessageType type = GST_MESSAGE_TYPE(message);
    if (type == GST_MESSAGE_QOS && GST_MESSAGE_SRC(message) == GST_OBJECT(up)) ++qos_from_element;
    gst_message_unref(message);
    if (type == GST_MESSAGE_QOS) continue;
    EXPECT_EQ(type, GST_MESSAGE_EOS);
    break;
  }
  EXPECT_GT(qos_from_element, 0) << "no frame was dropped by the element's QoS";
  // The statistics apps show: each drop counted, every frame either upscaled or dropped.
  guint64 upscaled = 0, dropped = 0;
  gdouble mean_ms = 0;
  g_object_get(up, "frames-upscaled", &upscaled, "frames-dropped", &dropped, "mean-frame-time",
               &mean_ms, nullptr);
  EXPECT_EQ(dropped, static_cast<guint64>(qos_from_element));
  EXPECT_EQ(upscaled + dropped, 90u);
  EXPECT_GT(mean_ms, 0.0);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(up);
  gst_object_unref(pipeline);
}

// Each frame in flight holds its output buffer until it is pushed. Against a downstream pool of
// 2 buffers, one of which the sink keeps (its last sample), 3 frames in flight used to wait in
// the third acquire for a buffer they held themselves: every frame must arrive, in order.
TEST_F(Streaming, FramesInFlightNeverWaitForPoolBuffersTheyHold) {
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc num-buffers=8 pattern=ball ! video/x-raw,format=I420,width=320,height=240,"
      "framerate=30/1 ! srganupscale device=cpu precision=fp32 frames-in-flight=3 "
      "model-location=" +
      model_ + " ! fakesink name=sink sync=false signal-handoffs=true");
  ASSERT_NE(pipeline, nullptr);
  struct Downstream {
    GstBufferPool* pool = nullptr;
    std::vector<GstClockTime> pts;
  } downstream;
  GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
  GstPad* sink_pad = gst_element_get_static_pad(sink, "sink");
  // The sink's answer to the allocation query: a video pool of exactly 2 buffers.
  gst_pad_add_probe(
      sink_pad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      [](GstPad*, GstPadProbeInfo* info, gpointer data) -> GstPadProbeReturn {
        GstQuery* query = GST_PAD_PROBE_INFO_QUERY(info);
        if (GST_QUERY_TYPE(query) != GST_QUERY_ALLOCATION) return GST_PAD_PROBE_OK;
        GstCaps* caps = nullptr;
        gst_query_parse_allocation(query, &caps, nullptr);
        GstVideoInfo video;
        if (!caps || !gst_video_info_from_caps(&video, caps)) return GST_PAD_PROBE_OK;
        auto* state = static_cast<Downstream*>(data);
        GstBufferPool* pool = gst_video_buffer_pool_new();
        GstStructure* config = gst_buffer_pool_get_config(pool);
        gst_buffer_pool_config_set_params(config, caps, GST_VIDEO_INFO_SIZE(&video), 2, 2);
        gst_buffer_pool_set_config(pool, config);
        gst_query_add_allocation_pool(query, pool, GST_VIDEO_INFO_SIZE(&video), 2, 2);
        if (state->pool) gst_object_unref(state->pool);
        state->pool = pool;
        return GST_PAD_PROBE_HANDLED;
      },
      &downstream, nullptr);
  g_signal_connect(sink, "handoff",
                   G_CALLBACK(+[](GstElement*, GstBuffer* buffer, GstPad*, gpointer data) {
                     static_cast<Downstream*>(data)->pts.push_back(GST_BUFFER_PTS(buffer));
                   }),
                   &downstream);
  GstBus* bus = gst_element_get_bus(pipeline);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, 120 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  EXPECT_NE(message, nullptr) << "hung: no EOS within 120 s, " << downstream.pts.size()
                              << " of 8 frames arrived";
  if (message) {
    EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
    gst_message_unref(message);
  } else if (downstream.pool) {
    gst_buffer_pool_set_flushing(downstream.pool, TRUE);  // frees the blocked acquire
  }
  gst_element_set_state(pipeline, GST_STATE_NULL);
  ASSERT_NE(downstream.pool, nullptr) << "the element never asked downstream for a pool";
  ASSERT_EQ(downstream.pts.size(), 8u);
  for (size_t i = 0; i < downstream.pts.size(); ++i)
    EXPECT_EQ(downstream.pts[i], i * GST_SECOND / 30) << "frame " << i;
  gst_object_unref(downstream.pool);
  gst_object_unref(bus);
  gst_object_unref(sink_pad);
  gst_object_unref(sink);
  gst_object_unref(pipeline);
}

// Interlaced input is refused with one error, not one per frame (#26).
// An output that cannot fit in memory is refused in set_caps, before a frame is allocated, with
// one line that names what it needs (SRGAN_MEMORY_LIMIT_MB stands in for a small machine).
TEST_F(Streaming, AnOutputThatCannotFitIsRefusedBeforeAllocating) {
  const auto run = [&](const char* limit_mb, const std::string& settings = "") -> std::string {
    g_setenv("SRGAN_MEMORY_LIMIT_MB", limit_mb, TRUE);
    GstElement* pipeline = srgan::test::launch(
        "videotestsrc num-buffers=2 ! video/x-raw,format=I420,width=640,height=360 ! "
        "srganupscale device=cpu precision=fp32 " +
        settings + " model-location=" + model_ + " ! fakesink");
    EXPECT_NE(pipeline, nullptr);
    const std::string text = play_to_end(pipeline);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
    g_unsetenv("SRGAN_MEMORY_LIMIT_MB");
    return text;
  };
  // 2560x1440 I420 output frames are 5.3 MiB each: three of them and the input do not fit 8 MiB.
  const std::string refused = run("8");
  EXPECT_NE(refused.find("upscaling 640x360 I420 to 2560x1440 needs"), std::string::npos)
      << refused;
  EXPECT_NE(refused.find("only 8 MiB is available on cpu"), std::string::npos) << refused;
  EXPECT_EQ(refused.find('\n'), std::string::npos) << refused;
  EXPECT_EQ(run("100000"), "eos");
  // Each frame in flight has its own tiles: two need two frames' working memory.
  const std::string two = run("8", "frames-in-flight=2");
  EXPECT_NE(two.find("4 output frames"), std::string::npos) << two;
  EXPECT_NE(two.find("of tiles and float input for 2 frames in flight"), std::string::npos) << two;
  const auto needed_mib = [](const std::string& message) {
    const size_t at = message.find(" needs ");
    const double amount = std::atof(message.c_str() + at + 7);
    return message.compare(message.find(' ', at + 7) + 1, 3, "GiB") == 0 ? amount * 1024 : amount;
  };
  EXPECT_GT(needed_mib(two), 1.9 * needed_mib(refused)) << two << "\n" << refused;
}

TEST_F(Streaming, InterlacedInputIsRefusedWithOneError) {
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc num-buffers=10 ! video/x-raw,format=I420,width=32,height=24,"
      "interlace-mode=interleaved ! srganupscale device=cpu precision=fp32 model-location=" +
      model_ + " ! fakesink");
  ASSERT_NE(pipeline, nullptr);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* first = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND, GST_MESSAGE_ERROR);
  ASSERT_NE(first, nullptr);
  GError* error = nullptr;
  gst_message_parse_error(first, &error, nullptr);
  EXPECT_NE(std::string(error->message).find("Interlaced video is not supported"),
            std::string::npos)
      << error->message;
  g_error_free(error);
  gst_message_unref(first);
  g_usleep(500 * 1000);  // the source keeps pushing until the application stops it
  int more = 0;
  while (GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    GError* e = nullptr;
    gst_message_parse_error(message, &e, nullptr);
    if (std::string(e->message).find("Interlaced") != std::string::npos) ++more;
    g_error_free(e);
    gst_message_unref(message);
  }
  EXPECT_EQ(more, 0) << "the interlaced-input error came again";
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
}

// `videotestsrc name=src CAPS ! videoconvert ! srganupscale name=up ! videoconvert ! fakesink`,
// prerolled (nullptr when it does not get there).
GstElement* prerolled_between_videoconverts(const std::string& caps, const std::string& model) {
  GstElement* pipeline = srgan::test::launch(
      "videotestsrc name=src num-buffers=1 ! " + caps +
      " ! videoconvert ! srganupscale name=up device=cpu precision=fp32 model-location=" + model +
      " ! videoconvert ! fakesink");
  if (pipeline && gst_element_set_state(pipeline, GST_STATE_PAUSED) != GST_STATE_CHANGE_FAILURE &&
      gst_element_get_state(pipeline, nullptr, nullptr, 60 * GST_SECOND) ==
          GST_STATE_CHANGE_SUCCESS) {
    return pipeline;
  }
  if (pipeline) {
    gst_element_set_state(pipeline, GST_STATE_NULL);
    gst_object_unref(pipeline);
  }
  return nullptr;
}

// The format negotiated on `element`'s pad `pad_name` ("" when none).
std::string format_on(GstElement* pipeline, const char* element, const char* pad_name) {
  GstElement* e = gst_bin_get_by_name(GST_BIN(pipeline), element);
  GstPad* pad = gst_element_get_static_pad(e, pad_name);
  GstCaps* caps = gst_pad_get_current_caps(pad);
  const std::string format =
      caps ? gst_structure_get_string(gst_caps_get_structure(caps, 0), "format") : "";
  if (caps) gst_caps_unref(caps);
  gst_object_unref(pad);
  gst_object_unref(e);
  return format;
}

void stop(GstElement* pipeline) {
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(pipeline);
}

// Between two videoconverts (the usual pipeline), the element takes the source's format where it
// has it and otherwise the nearest at 8 bits: 8-bit video is not widened to 10 or 16 bits (twice
// the memory traffic, two conversions). YUY2 and UYVY (cameras) go to Y42B, 8-bit 4:2:2.
TEST_F(Streaming, EightBitSourcesStayEightBitBetweenVideoconverts) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"I420", "I420"}, {"NV12", "NV12"}, {"YV12", "YV12"},   {"Y444", "Y444"},
      {"Y42B", "Y42B"}, {"YUY2", "Y42B"}, {"UYVY", "Y42B"},   {"RGB", "RGB"},
      {"BGRx", "BGRx"}, {"RGBA", "RGBA"}, {"GRAY8", "GRAY8"}, {"ABGR64_LE", "ABGR64_LE"}};
  for (const auto& [source, expected] : cases) {
    GstElement* pipeline = prerolled_between_videoconverts(
        "video/x-raw,format=" + source + ",width=16,height=12", model_);
    ASSERT_NE(pipeline, nullptr) << source;
    EXPECT_EQ(format_on(pipeline, "up", "sink"), expected) << source << " in, element's sink";
    EXPECT_EQ(format_on(pipeline, "up", "src"), expected) << source << " in, element's src";
    stop(pipeline);
  }
}

// The pipeline as typed: whatever videotestsrc picks when nothing constrains it
// (ABGR64_LE in GStreamer 1.22), the element takes the same format, so both videoconverts pass
// through.
TEST_F(Streaming, AnUnconstrainedSourceKeepsItsFormatThroughTheElement) {
  GstElement* pipeline = prerolled_between_videoconverts("video/x-raw,width=16,height=12", model_);
  ASSERT_NE(pipeline, nullptr);
  const std::string source = format_on(pipeline, "src", "src");
  ASSERT_FALSE(source.empty());
  EXPECT_EQ(format_on(pipeline, "up", "sink"), source);
  EXPECT_EQ(format_on(pipeline, "up", "src"), source);
  stop(pipeline);
}

}  // namespace
