// Long runs of the element: memory must not grow with frames, caps changes or state cycles, and
// two elements with different models work side by side. Uses the system plugins for tee and
// videotestsrc (registry in the build tree).
#include <gtest/gtest.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gst_test_support.h"
#include "test_support.h"

namespace {

// AddressSanitizer keeps freed memory in quarantine, so resident memory grows by design there;
// in such builds LeakSanitizer checks leaks and the resident-memory bound is not applied.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kResidentMemoryIsMeaningful = false;
#else
constexpr bool kResidentMemoryIsMeaningful = true;
#endif

// Resident memory of this process in MiB, from /proc/self/statm.
double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) /
         (1024.0 * 1024.0);
}

class Soak : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srgan::test::init_isolated_gstreamer(SRGAN_SYSTEM_PLUGIN_DIR, SRGAN_TEST_REGISTRY);
    dir_ = new srgan::test::TempDir();
    model_ = dir_->file("tiny-x4.pt");
    srgan::test::write_tiny_x4_model(model_, 4, 4);
  }
  static void TearDownTestSuite() { delete dir_; }

  static GstHarness* harness() { return srgan::test::upscale_harness(model_); }

  static std::string caps(int w, int h) {
    return "video/x-raw,format=I420,width=" + std::to_string(w) + ",height=" + std::to_string(h) +
           ",framerate=30/1";
  }

  static inline srgan::test::TempDir* dir_ = nullptr;
  static inline std::string model_;
};

TEST_F(Soak, ThreeThousandFramesWithCapsChangesDoNotGrowMemory) {
  GstHarness* h = harness();
  double at_500 = 0;
  for (int frame = 0; frame < 3000; ++frame) {
    if (frame % 500 == 0) {
      const bool small = (frame / 500) % 2 == 0;
      gst_harness_set_src_caps_str(h, caps(small ? 16 : 20, small ? 12 : 14).c_str());
    }
    const bool small = (frame / 500) % 2 == 0;
    // GStreamer's I420 layout: 20x14 has 10-pixel chroma rows padded to 12 bytes.
    GstBuffer* out =
        gst_harness_push_and_pull(h, gst_harness_create_buffer(h, small ? 16 * 12 * 3 / 2 : 448));
    ASSERT_NE(out, nullptr) << "frame " << frame;
    gst_buffer_unref(out);
    if (frame == 500) at_500 = resident_mib();
  }
  const double growth = resident_mib() - at_500;
  RecordProperty("rss_growth_mib", std::to_string(growth));
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(growth, 5.0) << "resident memory grew " << growth
                           << " MiB between frame 500 and 3000";
  }
  gst_harness_teardown(h);
}

TEST_F(Soak, TwoHundredStateCyclesDoNotGrowMemory) {
  GstHarness* h = harness();
  const std::string in_caps = caps(16, 12);
  double after_20 = 0;
  for (int cycle = 0; cycle < 200; ++cycle) {
    ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    ASSERT_NE(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    gst_harness_push_event(h, gst_event_new_stream_start("cycle"));
    gst_harness_push_event(h, gst_event_new_caps(gst_caps_from_string(in_caps.c_str())));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_harness_push_event(h, gst_event_new_segment(&segment));
    GstBuffer* out = gst_harness_push_and_pull(h, gst_harness_create_buffer(h, 16 * 12 * 3 / 2));
    ASSERT_NE(out, nullptr) << "cycle " << cycle;
    gst_buffer_unref(out);
    while (GstEvent* event = gst_harness_try_pull_event(h)) gst_event_unref(event);
    if (cycle == 20) after_20 = resident_mib();
  }
  const double growth = resident_mib() - after_20;
  RecordProperty("rss_growth_mib", std::to_string(growth));
  if (kResidentMemoryIsMeaningful) {
    EXPECT_LT(growth, 5.0) << "resident memory grew " << growth << " MiB over 180 state cycles";
  }
  gst_harness_teardown(h);
}

struct SinkCount {
  int buffers = 0;
  int width = 0;
};

void count_buffer(GstElement*, GstBuffer*, GstPad* pad, gpointer data) {
  auto* count = static_cast<SinkCount*>(data);
  ++count->buffers;
  GstCaps* caps = gst_pad_get_current_caps(pad);
  gst_structure_get_int(gst_caps_get_structure(caps, 0), "width", &count->width);
  gst_caps_unref(caps);
}

TEST_F(Soak, TeeIntoTwoUpscalersWithDifferentModels) {
  const std::string description =
      "videotestsrc num-buffers=5 ! video/x-raw,format=I420,width=24,height=16 ! tee name=t "
      "t. ! queue ! srganupscale device=cpu model-location=" +
      model_ +
      " ! fakesink name=x4 signal-handoffs=true "
      "t. ! queue ! srganupscale device=cpu model-location=" +
      srgan::test::fixture("tiny_x2_scale_attr.pt") + " ! fakesink name=x2 signal-handoffs=true";
  GError* error = nullptr;
  GstElement* pipeline = gst_parse_launch(description.c_str(), &error);
  ASSERT_NE(pipeline, nullptr) << (error ? error->message : "");
  SinkCount x4, x2;
  GstElement* sink4 = gst_bin_get_by_name(GST_BIN(pipeline), "x4");
  GstElement* sink2 = gst_bin_get_by_name(GST_BIN(pipeline), "x2");
  g_signal_connect(sink4, "handoff", G_CALLBACK(count_buffer), &x4);
  g_signal_connect(sink2, "handoff", G_CALLBACK(count_buffer), &x2);
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* message = gst_bus_timed_pop_filtered(
      bus, 60 * GST_SECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  ASSERT_NE(message, nullptr);
  EXPECT_EQ(GST_MESSAGE_TYPE(message), GST_MESSAGE_EOS);
  gst_message_unref(message);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  EXPECT_EQ(x4.buffers, 5);
  EXPECT_EQ(x4.width, 96);
  EXPECT_EQ(x2.buffers, 5);
  EXPECT_EQ(x2.width, 48);
  gst_object_unref(bus);
  gst_object_unref(sink4);
  gst_object_unref(sink2);
  gst_object_unref(pipeline);
}

}  // namespace
