// Real decoders straight into the element: their padded buffers (planes with strides and
// offsets of their own, described by a GstVideoMeta) must upscale exactly as the same frames in
// GStreamer's default layout, with and without a passthrough videoconvert, and in playbin's
// video-filter. Clips are encoded in the test from videotestsrc at sizes that make decoders pad.
#include <gtest/gtest.h>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

#include "gst_test_support.h"
#include "srgan/checkpoint.h"
#include "srgan/generator.h"
#include "test_support.h"

namespace {

struct Codec {
  const char* name;
  const char* encoder;  // encoder ! parser-or-nothing, into matroskamux
  const char* decoder;
};

void PrintTo(const Codec& codec, std::ostream* out) { *out << codec.name; }

// What came out of a pipeline: each frame's bytes and the caps, or the error it stopped with.
struct Output {
  std::vector<std::vector<guint8>> frames;  // each plane's visible rows, without stride padding
  std::string caps;
  std::string error;
};

class Decoders : public ::testing::TestWithParam<std::tuple<Codec, std::pair<int, int>>> {
 protected:
  static void SetUpTestSuite() {
    srgan::test::init_isolated_gstreamer(SRGAN_SYSTEM_PLUGIN_DIR, SRGAN_TEST_REGISTRY);
    dir_ = new srgan::test::TempDir();
    model_ = dir_->file("tiny-compact-x2.pt");
    // A small compact x2 network with random weights: cheap at 1080p, and every output pixel
    // depends on the input's.
    torch::manual_seed(7);
    srgan::Generator generator(srgan::GeneratorOptions()
                                   .architecture(srgan::Architecture::kCompact)
                                   .blocks(1)
                                   .channels(4)
                                   .scale(2));
    torch::NoGradGuard no_grad;
    for (auto& p : generator->parameters()) p.uniform_(-0.2, 0.2);
    generator->eval();
    srgan::save_checkpoint(model_, *generator, {});
  }
  static void TearDownTestSuite() { delete dir_; }

  static bool have(const std::vector<std::string>& factories, std::string* missing) {
    for (const auto& name : factories) {
      GstElementFactory* f = gst_element_factory_find(name.c_str());
      if (!f) {
        *missing = name;
        return false;
      }
      gst_object_unref(f);
    }
    return true;
  }

  // A 3-frame clip of a moving ball at width x height.
  static std::string encode(const Codec& codec, int width, int height) {
    const std::string path = dir_->file(std::string(codec.name) + "-" + std::to_string(width) +
                                        "x" + std::to_string(height) + ".mkv");
    const std::string line =
        "videotestsrc num-buffers=3 pattern=ball ! video/x-raw,format=I420,width=" +
        std::to_string(width) + ",height=" + std::to_string(height) + ",framerate=25/1 ! " +
        codec.encoder + " ! matroskamux ! filesink location=" + path;
    const Output o = run(line);
    EXPECT_EQ(o.error, "") << line;
    return path;
  }

  // The visible bytes of a sample's frame, plane by plane and row by row (whatever its strides).
  static std::vector<guint8> visible_bytes(GstSample* sample) {
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstVideoFrame frame;
    std::vector<guint8> bytes;
    if (!gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ))
      return bytes;
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(&frame); ++p) {
      const auto* data = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, p));
      const gint row_bytes =
          GST_VIDEO_FRAME_COMP_WIDTH(&frame, p) * GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, p);
      for (gint row = 0; row < GST_VIDEO_FRAME_COMP_HEIGHT(&frame, p); ++row) {
        const guint8* start = data + row * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);
        bytes.insert(bytes.end(), start, start + row_bytes);
      }
    }
    gst_video_frame_unmap(&frame);
    return bytes;
  }

  // Runs a pipeline whose appsink is named "out" to its end.
  static Output run(const std::string& line) {
    Output o;
    GstElement* pipeline = srgan::test::launch(line);
    if (!pipeline) return {{}, "", "does not parse"};
    GstElement* sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    GstBus* bus = gst_element_get_bus(pipeline);
    const gint64 deadline = g_get_monotonic_time() + 180 * G_TIME_SPAN_SECOND;
    for (bool done = false; !done;) {
      if (g_get_monotonic_time() > deadline) {
        o.error = "no EOS within 180 s";
        break;
      }
      if (sink) {
        while (GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 0)) {
          o.frames.push_back(visible_bytes(sample));
          gchar* caps = gst_caps_to_string(gst_sample_get_caps(sample));
          o.caps = caps;
          g_free(caps);
          gst_sample_unref(sample);
        }
      }
      GstMessage* m = gst_bus_timed_pop_filtered(
          bus, 20 * GST_MSECOND, static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
      if (!m) continue;
      if (GST_MESSAGE_TYPE(m) == GST_MESSAGE_ERROR) {
        GError* error = nullptr;
        gst_message_parse_error(m, &error, nullptr);
        o.error = error->message;
        g_error_free(error);
      }
      if (sink) {  // what the sink still holds at EOS
        while (GstSample* sample = gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 0)) {
          o.frames.push_back(visible_bytes(sample));
          gst_sample_unref(sample);
        }
      }
      gst_message_unref(m);
      done = true;
    }
    gst_object_unref(bus);
    gst_element_set_state(pipeline, GST_STATE_NULL);
    if (sink) gst_object_unref(sink);
    gst_object_unref(pipeline);
    return o;
  }

  std::string element() const {
    // fp32: precision=auto times bf16 against fp32 at start-up and may choose either per run.
    return "srganupscale device=cpu precision=fp32 model-location=" + model_;
  }

  static inline srgan::test::TempDir* dir_ = nullptr;
  static inline std::string model_;
};

constexpr char kSink[] = "appsink name=out sync=false max-buffers=0";

TEST_P(Decoders, PaddedFramesUpscaleAsTheDefaultLayout) {
  const auto& [codec, size] = GetParam();
  const auto [width, height] = size;
  std::string missing;
  if (!have({codec.decoder, "matroskademux", "matroskamux"}, &missing) ||
      !have({std::string(codec.encoder).substr(0, std::string(codec.encoder).find(' '))}, &missing))
    GTEST_SKIP() << missing << " is not installed";
  const std::string clip = encode(codec, width, height);
  const std::string source = "filesrc location=" + clip + " ! matroskademux ! " + codec.decoder;
  // The reference: identity drop-allocation hides downstream's video-meta support from the
  // decoder, which then copies its frames into the default layout.
  const Output reference =
      run(source + " ! identity drop-allocation=true ! " + element() + " ! " + kSink);
  ASSERT_EQ(reference.error, "");
  ASSERT_EQ(reference.frames.size(), 3u);
  // I420 at twice the size: every visible byte.
  EXPECT_EQ(reference.frames[0].size(), static_cast<size_t>(4 * width * height * 3 / 2));
  for (const char* between : {"", "videoconvert ! "}) {
    SCOPED_TRACE(between);
    const Output direct = run(source + " ! " + between + element() + " ! " + kSink);
    ASSERT_EQ(direct.error, "") << "decoder " << codec.decoder << " " << width << "x" << height;
    ASSERT_EQ(direct.frames.size(), reference.frames.size());
    EXPECT_NE(direct.caps.find("width=(int)" + std::to_string(2 * width)), std::string::npos)
        << direct.caps;
    for (size_t i = 0; i < direct.frames.size(); ++i)
      EXPECT_TRUE(direct.frames[i] == reference.frames[i]) << "frame " << i << " differs";
  }
}

const Codec kCodecs[] = {
    {"h264", "x264enc speed-preset=ultrafast ! h264parse", "avdec_h264"},
    {"h265", "x265enc speed-preset=ultrafast ! h265parse", "avdec_h265"},
    {"vp8", "vp8enc deadline=1", "vp8dec"},
    {"vp9", "vp9enc deadline=1", "vp9dec"},
};

INSTANTIATE_TEST_SUITE_P(OddAnd720p, Decoders,
                         ::testing::Combine(::testing::ValuesIn(kCodecs),
                                            ::testing::Values(std::pair<int, int>{98, 58},
                                                              std::pair<int, int>{1280, 720})),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_" +
                                  std::to_string(std::get<1>(info.param).first) + "x" +
                                  std::to_string(std::get<1>(info.param).second);
                         });

// H.264 at 1080p: coded as 1088 lines, the decoder's buffers are taller than the frame.
TEST_F(Decoders, H264At1080pWithAndWithoutVideoconvert) {
  std::string missing;
  if (!have({"x264enc", "avdec_h264"}, &missing)) GTEST_SKIP() << missing << " is not installed";
  const Codec codec = kCodecs[0];
  const std::string clip = encode(codec, 1920, 1080);
  for (const char* between : {"", "videoconvert ! "}) {
    const Output o =
        run("filesrc location=" + clip + " ! decodebin ! " + between + element() + " ! " + kSink);
    EXPECT_EQ(o.error, "") << between;
    EXPECT_EQ(o.frames.size(), 3u) << between;
    if (!o.frames.empty()) {
      EXPECT_EQ(o.frames[0].size(), 3840u * 2160 * 3 / 2);
    }
    // Not a black or flat picture: the ball moves over a coloured background.
    if (!o.frames.empty()) {
      const auto& f = o.frames[0];
      EXPECT_NE(*std::min_element(f.begin(), f.end()), *std::max_element(f.begin(), f.end()));
    }
  }
}

// playbin inserts the filter behind its own converters: the decoder's padded frames reach it.
TEST_F(Decoders, PlaybinVideoFilter) {
  std::string missing;
  if (!have({"x264enc", "avdec_h264", "playbin"}, &missing))
    GTEST_SKIP() << missing << " is not installed";
  const std::string clip = encode(kCodecs[0], 640, 360);
  gchar* uri = gst_filename_to_uri(clip.c_str(), nullptr);
  const Output o = run(std::string("playbin uri=") + uri + " video-filter=\"" + element() +
                       "\" video-sink=\"fakesink sync=false\" audio-sink=fakesink");
  g_free(uri);
  EXPECT_EQ(o.error, "");
}

}  // namespace
