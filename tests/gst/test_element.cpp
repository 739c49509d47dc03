// The srganupscale element through GstHarness, with only our plugin in an isolated registry.
#include <gtest/gtest.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <torch/utils.h>

#include "gst_test_support.h"
#include "srgan/checkpoint.h"
#include "srgan/frame.h"
#include "srgan/generator.h"
#include "srgan/upscaler.h"
#include "test_support.h"

namespace {

// A small x4 checkpoint shared by the suite (fast on two cores).
class Element : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    srgan::test::init_isolated_gstreamer("", SRGAN_TEST_REGISTRY);
    // As gst-check does: a GLib warning or critical (a wrong property, a refcount error) fails.
    g_log_set_always_fatal(static_cast<GLogLevelFlags>(G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL));
    dir_ = new srgan::test::TempDir();
    model_ = dir_->file("tiny-x4.pt");
    srgan::test::write_tiny_x4_model(model_, 8, 8);
  }
  static void TearDownTestSuite() { delete dir_; }

  static GstHarness* harness(const std::vector<std::pair<const char*, std::string>>& settings = {},
                             const std::string& model = model_) {
    return srgan::test::upscale_harness(model, settings);
  }

  static GstBuffer* random_buffer(GstHarness* h, const GstVideoInfo& info, unsigned seed) {
    GstBuffer* buffer = gst_harness_create_buffer(h, GST_VIDEO_INFO_SIZE(&info));
    GstMapInfo map;
    gst_buffer_map(buffer, &map, GST_MAP_WRITE);
    std::mt19937 random(seed);
    for (gsize i = 0; i < map.size; ++i) map.data[i] = static_cast<guint8>(random());
    gst_buffer_unmap(buffer, &map);
    return buffer;
  }

  static inline srgan::test::TempDir* dir_ = nullptr;
  static inline std::string model_;
};

gsize size_of(const std::string& caps_string);

GstVideoInfo info_of(const std::string& caps_string) {
  GstCaps* caps = gst_caps_from_string(caps_string.c_str());
  GstVideoInfo info;
  EXPECT_TRUE(gst_video_info_from_caps(&info, caps)) << caps_string;
  gst_caps_unref(caps);
  return info;
}

gsize size_of(const std::string& caps_string) {
  const GstVideoInfo info = info_of(caps_string);
  return GST_VIDEO_INFO_SIZE(&info);
}

std::string caps_for(const char* format, int width, int height) {
  return std::string("video/x-raw,format=") + format + ",width=" + std::to_string(width) +
         ",height=" + std::to_string(height) +
         ",framerate=25/1,pixel-aspect-ratio=4/3,colorimetry=bt601,interlace-mode=progressive";
}

struct CapsCase {
  const char* format;
  int width, height;
};

class ElementCaps : public Element, public ::testing::WithParamInterface<CapsCase> {};

TEST_P(ElementCaps, OutputCapsAreExactlyScaleTimesInput) {
  const auto [format, width, height] = GetParam();
  GstHarness* h = harness();
  const std::string in_caps = caps_for(format, width, height);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  const GstVideoInfo in = info_of(in_caps);
  GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, in, 1));
  ASSERT_NE(out, nullptr);

  GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
  GstVideoInfo got;
  ASSERT_TRUE(gst_video_info_from_caps(&got, caps));
  EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&got), 4 * width);
  EXPECT_EQ(GST_VIDEO_INFO_HEIGHT(&got), 4 * height);
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&got), GST_VIDEO_INFO_FORMAT(&in));
  EXPECT_EQ(GST_VIDEO_INFO_FPS_N(&got), 25);
  EXPECT_EQ(GST_VIDEO_INFO_PAR_N(&got), 4);
  EXPECT_EQ(GST_VIDEO_INFO_PAR_D(&got), 3);
  EXPECT_TRUE(gst_video_colorimetry_is_equal(&GST_VIDEO_INFO_COLORIMETRY(&got),
                                             &GST_VIDEO_INFO_COLORIMETRY(&in)));
  EXPECT_EQ(gst_buffer_get_size(out), GST_VIDEO_INFO_SIZE(&got));
  gint scale = 0;
  g_object_get(h->element, "scale", &scale, nullptr);
  EXPECT_EQ(scale, 4);
  gst_caps_unref(caps);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

INSTANTIATE_TEST_SUITE_P(FormatsAndSizes, ElementCaps,
                         ::testing::Values(CapsCase{"RGB", 32, 24}, CapsCase{"RGB", 33, 17},
                                           CapsCase{"BGRx", 32, 24}, CapsCase{"BGRx", 31, 9},
                                           CapsCase{"RGBA", 32, 24}, CapsCase{"RGBA", 7, 5},
                                           CapsCase{"I420", 32, 24}, CapsCase{"I420", 33, 17},
                                           CapsCase{"NV12", 32, 24}, CapsCase{"NV12", 15, 11}),
                         [](const auto& info) {
                           return std::string(info.param.format) + "_" +
                                  std::to_string(info.param.width) + "x" +
                                  std::to_string(info.param.height);
                         });

TEST_F(Element, DownstreamSizeWithoutPreImageIsRefused) {
  GstHarness* h = harness();
  // Asking for a source width that is not a multiple of 4 leaves no sink caps.
  GstCaps* src = gst_caps_from_string("video/x-raw,format=RGB,width=130,height=96");
  gst_element_set_state(h->element, GST_STATE_PLAYING);  // the model is loaded: scale known
  auto* klass = GST_BASE_TRANSFORM_GET_CLASS(h->element);
  auto* trans = GST_BASE_TRANSFORM(h->element);
  GstCaps* reverse = klass->transform_caps(trans, GST_PAD_SRC, src, nullptr);
  EXPECT_TRUE(gst_caps_is_empty(reverse)) << gst_caps_to_string(reverse);
  gst_caps_unref(reverse);
  GstCaps* ok = gst_caps_from_string("video/x-raw,format=RGB,width=128,height=96");
  GstCaps* back = klass->transform_caps(trans, GST_PAD_SRC, ok, nullptr);
  GstStructure* s = gst_caps_get_structure(back, 0);
  gint width = 0;
  EXPECT_TRUE(gst_structure_get_int(s, "width", &width));
  EXPECT_EQ(width, 32);
  gst_caps_unref(back);
  gst_caps_unref(ok);
  gst_caps_unref(src);
  gst_harness_teardown(h);
}

TEST_F(Element, OutputBytesEqualTheUpscaler) {
  for (const char* format : {"I420", "RGB", "NV12"}) {
    GstHarness* h = harness({{"tile-size", "16"}});
    const std::string in_caps = caps_for(format, 27, 19);
    gst_harness_set_src_caps_str(h, in_caps.c_str());
    const GstVideoInfo in_info = info_of(in_caps);
    GstBuffer* in = random_buffer(h, in_info, 5);
    gst_buffer_ref(in);
    GstBuffer* out = gst_harness_push_and_pull(h, in);
    ASSERT_NE(out, nullptr);
    GstVideoInfo out_info;
    GstCaps* out_caps = gst_pad_get_current_caps(h->sinkpad);
    gst_video_info_from_caps(&out_info, out_caps);
    gst_caps_unref(out_caps);

    // The same frame through srgan::Upscaler directly, into a buffer of GStreamer's layout.
    srgan::Upscaler upscaler(srgan::UpscalerOptions()
                                 .model_path(model_)
                                 .device("cpu")
                                 .precision(srgan::Precision::kFp32)
                                 .tile_size(16));
    GstBuffer* expected = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&out_info), nullptr);
    GstVideoFrame in_frame, expected_frame, out_frame;
    gst_video_frame_map(&in_frame, &in_info, in, GST_MAP_READ);
    gst_video_frame_map(&expected_frame, &out_info, expected, GST_MAP_WRITE);
    gst_video_frame_map(&out_frame, &out_info, out, GST_MAP_READ);
    auto view = [](GstVideoFrame* f) {
      srgan::FrameView v;
      v.format = srgan::pixel_format_from_string(
          GST_VIDEO_FRAME_FORMAT(f) == GST_VIDEO_FORMAT_I420   ? "I420"
          : GST_VIDEO_FRAME_FORMAT(f) == GST_VIDEO_FORMAT_NV12 ? "NV12"
                                                               : "RGB");
      v.width = GST_VIDEO_FRAME_WIDTH(f);
      v.height = GST_VIDEO_FRAME_HEIGHT(f);
      v.colorimetry = {srgan::ColorMatrix::kBT601, srgan::ColorRange::kLimited};
      for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(f); ++p) {
        auto* data = static_cast<uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(f, p));
        v.planes[p] = {data, GST_VIDEO_FRAME_PLANE_STRIDE(f, p),
                       static_cast<int64_t>(f->map[0].size) - (data - f->map[0].data)};
      }
      return v;
    };
    upscaler.upscale(view(&in_frame), view(&expected_frame));
    for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(&out_frame); ++p) {
      const gint row_bytes =
          GST_VIDEO_FRAME_COMP_WIDTH(&out_frame, p) * GST_VIDEO_FRAME_COMP_PSTRIDE(&out_frame, p);
      for (gint row = 0; row < GST_VIDEO_FRAME_COMP_HEIGHT(&out_frame, p); ++row) {
        const auto* a = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&out_frame, p)) +
                        row * GST_VIDEO_FRAME_PLANE_STRIDE(&out_frame, p);
        const auto* b = static_cast<const guint8*>(GST_VIDEO_FRAME_PLANE_DATA(&expected_frame, p)) +
                        row * GST_VIDEO_FRAME_PLANE_STRIDE(&expected_frame, p);
        ASSERT_EQ(std::memcmp(a, b, row_bytes), 0) << format << " plane " << p << " row " << row;
      }
    }
    gst_video_frame_unmap(&in_frame);
    gst_video_frame_unmap(&expected_frame);
    gst_video_frame_unmap(&out_frame);
    gst_buffer_unref(expected);
    gst_buffer_unref(in);
    gst_buffer_unref(out);
    gst_harness_teardown(h);
  }
}

TEST_F(Element, TimestampsFlagsAndMetasCarryOver) {
  GstHarness* h = harness();
  const std::string in_caps = caps_for("RGB", 16, 12);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  GstBuffer* in = random_buffer(h, info_of(in_caps), 2);
  GST_BUFFER_PTS(in) = 40 * GST_MSECOND;
  GST_BUFFER_DTS(in) = 40 * GST_MSECOND;
  GST_BUFFER_DURATION(in) = 40 * GST_MSECOND;
  GST_BUFFER_FLAG_SET(in, GST_BUFFER_FLAG_DISCONT);
  gst_buffer_add_video_region_of_interest_meta(in, "face", 2, 3, 5, 6);
  GstBuffer* out = gst_harness_push_and_pull(h, in);
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(GST_BUFFER_PTS(out), 40 * GST_MSECOND);
  EXPECT_EQ(GST_BUFFER_DTS(out), 40 * GST_MSECOND);
  EXPECT_EQ(GST_BUFFER_DURATION(out), 40 * GST_MSECOND);
  EXPECT_TRUE(GST_BUFFER_FLAG_IS_SET(out, GST_BUFFER_FLAG_DISCONT));
  // A region of interest is a size-tagged meta: it must be scaled with the frame.
  GstVideoRegionOfInterestMeta* roi = gst_buffer_get_video_region_of_interest_meta(out);
  ASSERT_NE(roi, nullptr);
  EXPECT_EQ(roi->x, 8u);
  EXPECT_EQ(roi->y, 12u);
  EXPECT_EQ(roi->w, 20u);
  EXPECT_EQ(roi->h, 24u);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// Starts the element alone with a bus and returns the error message the start posted.
// The error an element with these settings posts when it starts ("message | debug").
std::string start_error(const std::string& location, const char* device = "cpu") {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  g_object_set(element, "model-location", location.c_str(), "device", device, nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  std::string text;
  if (GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
    GError* error = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(message, &error, &debug);
    text = std::string(error->message) + " | " + (debug ? debug : "");
    g_error_free(error);
    g_free(debug);
    gst_message_unref(message);
  }
  gst_element_set_state(element, GST_STATE_NULL);
  gst_element_set_bus(element, nullptr);
  gst_object_unref(bus);
  gst_object_unref(element);
  return text;
}

TEST_F(Element, MissingModelPostsAnErrorNamingTheFile) {
  const std::string path = dir_->file("absent-model.pt");
  const std::string error = start_error(path);
  EXPECT_NE(error.find("Model file not found: " + path), std::string::npos) << error;
}

TEST_F(Element, CorruptModelPostsAnErrorNamingTheFile) {
  const std::string path = dir_->file("corrupt-model.pt");
  std::ifstream in(model_, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const std::string error = start_error(path);
  EXPECT_NE(error.find("Could not load model " + path), std::string::npos) << error;
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST_F(Element, BadSettingsPostAnError) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  g_object_set(element, "model-location", model_.c_str(), "device", "tpu", nullptr);
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(element, bus);
  EXPECT_EQ(gst_element_set_state(element, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
  ASSERT_NE(message, nullptr);
  GError* error = nullptr;
  gst_message_parse_error(message, &error, nullptr);
  EXPECT_TRUE(g_error_matches(error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS))
      << error->message;
  EXPECT_NE(std::string(error->message).find("unknown device 'tpu'"), std::string::npos)
      << error->message;
  // A settings error, not a model error (#29): the model file was fine.
  EXPECT_EQ(std::string(error->message).find("model"), std::string::npos) << error->message;
  g_error_free(error);
  gst_message_unref(message);
  gst_element_set_state(element, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(element);
}

// A GPU that is not there is named, with the devices that are (the CPU only, on a machine
// without CUDA; cpu, cuda:0, ... on a GPU machine).
TEST_F(Element, MissingGpuIsNamedWithTheAvailableDevices) {
  const std::string error = start_error(model_, "cuda:7");
  EXPECT_NE(error.find("device 'cuda:7'"), std::string::npos) << error;
  EXPECT_NE(error.find("available devices: cpu"), std::string::npos) << error;
}

// 10-bit video through the element at full precision: a 10-bit luma ramp comes out with far
// more than 256 levels (an 8-bit step would leave at most 256, each a multiple of 4), and the
// caps' colorimetry (here HDR10: BT.2020, PQ) is kept. The bundled x4 model, a smooth ramp.
TEST_F(Element, TenBitRampKeepsMoreThan256LevelsAndTheColorimetry) {
  const std::string caps =
      "video/x-raw,format=I420_10LE,width=256,height=8,framerate=25/1,colorimetry=bt2100-pq,"
      "interlace-mode=progressive,pixel-aspect-ratio=1/1";
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  g_object_set(element, "device", "cpu", nullptr);
  GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
  gst_object_unref(element);
  gst_harness_set_src_caps_str(h, caps.c_str());
  srgan::FrameBuffer ramp(srgan::PixelFormat::kI420_10LE, 256, 8);
  const auto& in = ramp.view();
  for (int p = 0; p < 3; ++p) {
    for (int64_t y = 0; y < in.plane_height(p); ++y) {
      auto* row = reinterpret_cast<uint16_t*>(in.planes[p].data + y * in.planes[p].stride);
      for (int64_t x = 0; x < in.plane_width(p); ++x) {
        row[x] = p == 0 ? static_cast<uint16_t>(64 + x * 876 / 255) : 512;  // black to white
      }
    }
  }
  GstBuffer* buffer = gst_harness_create_buffer(h, ramp.bytes().size());
  gst_buffer_fill(buffer, 0, ramp.bytes().data(), ramp.bytes().size());
  GstBuffer* out = gst_harness_push_and_pull(h, buffer);
  ASSERT_NE(out, nullptr);
  GstCaps* out_caps = gst_pad_get_current_caps(h->sinkpad);
  GstVideoInfo info;
  ASSERT_TRUE(gst_video_info_from_caps(&info, out_caps));
  gchar* colorimetry = gst_video_colorimetry_to_string(&GST_VIDEO_INFO_COLORIMETRY(&info));
  EXPECT_STREQ(colorimetry, "bt2100-pq");
  EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_I420_10LE);
  g_free(colorimetry);
  GstVideoFrame frame;
  ASSERT_TRUE(gst_video_frame_map(&frame, &info, out, GST_MAP_READ));
  std::set<uint16_t> levels;
  bool all_multiples_of_4 = true;
  for (int y = 0; y < GST_VIDEO_FRAME_HEIGHT(&frame); ++y) {
    const auto* row = reinterpret_cast<const uint16_t*>(
        static_cast<const uint8_t*>(GST_VIDEO_FRAME_PLANE_DATA(&frame, 0)) +
        y * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, 0));
    for (int x = 0; x < GST_VIDEO_FRAME_WIDTH(&frame); ++x) {
      levels.insert(row[x]);
      all_multiples_of_4 &= row[x] % 4 == 0;
    }
  }
  gst_video_frame_unmap(&frame);
  EXPECT_GT(levels.size(), 256u);
  EXPECT_FALSE(all_multiples_of_4);
  gst_caps_unref(out_caps);
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// The caps templates list exactly the formats core converts, each once, in both memories.
TEST_F(Element, TemplateCapsListEveryCoreFormat) {
  GstElementFactory* factory = gst_element_factory_find("srganupscale");
  ASSERT_NE(factory, nullptr);
  std::set<std::string> core;
  for (srgan::PixelFormat format : srgan::all_pixel_formats()) core.insert(to_string(format));
  for (const GList* item = gst_element_factory_get_static_pad_templates(factory); item;
       item = item->next) {
    GstCaps* caps =
        gst_static_pad_template_get_caps(static_cast<GstStaticPadTemplate*>(item->data));
    for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
      const GValue* list = gst_structure_get_value(gst_caps_get_structure(caps, i), "format");
      ASSERT_TRUE(GST_VALUE_HOLDS_LIST(list));
      std::set<std::string> listed;
      for (guint j = 0; j < gst_value_list_get_size(list); ++j) {
        listed.insert(g_value_get_string(gst_value_list_get_value(list, j)));
      }
      // CUDA memory only where GStreamer's CUDA allocator lays the format out (GStreamer 1.22's
      // gst_cuda_allocator_alloc aborts on the others); system memory in every core format.
      const GstCapsFeatures* features = gst_caps_get_features(caps, i);
      const bool cuda = features && gst_caps_features_contains(features, "memory:CUDAMemory");
      std::set<std::string> expected = core;
      if (cuda) {
        for (const char* unallocatable :
             {"GRAY8", "GRAY16_LE", "xRGB", "xBGR", "RGBA64_LE", "ABGR64_LE", "Y444_10LE"})
          expected.erase(unallocatable);
        guint major = 0, minor = 0, micro = 0, nano = 0;
        gst_version(&major, &minor, &micro, &nano);
        if (major == 1 && minor >= 24) expected.insert("Y444_10LE");  // 1.24's allocator has it
      }
      EXPECT_EQ(listed, expected) << gst_caps_features_to_string(features);
    }
    gst_caps_unref(caps);
  }
  gst_object_unref(factory);
}

// `scale` follows the model set in NULL at once (#29): it read 4 until the next start.
TEST_F(Element, ScaleFollowsTheModelSetBeforeItStarts) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  auto scale = [element] {
    gint value = -1;
    g_object_get(element, "scale", &value, nullptr);
    return value;
  };
  g_object_set(element, "model-location", model_.c_str(), nullptr);  // the suite's x4
  EXPECT_EQ(scale(), 4);
  g_object_set(element, "model-location", srgan::test::fixture("tiny_x2_scale_attr.pt").c_str(),
               nullptr);
  EXPECT_EQ(scale(), 2);
  g_object_set(element, "model-location", dir_->file("absent.pt").c_str(), nullptr);
  EXPECT_EQ(scale(), 0) << "unknown: the file cannot be read";
  gst_object_unref(element);
}

// Applications size their output before preroll: `scale` is the default model's from the
// start, and a bundled model's without reading its file.
TEST_F(Element, ScaleIsKnownBeforeStartForBundledModels) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  gint scale = -1;
  g_object_get(element, "scale", &scale, nullptr);
  EXPECT_EQ(scale, 4) << "the default model, x4";
  gst_util_set_object_arg(G_OBJECT(element), "model", "x2");
  g_object_get(element, "scale", &scale, nullptr);
  EXPECT_EQ(scale, 2);
  gst_object_unref(element);
}

// What auto chose and what the element has done, as applications show them.
TEST_F(Element, ActiveSettingsAndStatisticsAreReadable) {
  GstElement* element = gst_element_factory_make("srganupscale", nullptr);
  gchar *device = nullptr, *precision = nullptr;
  g_object_get(element, "active-device", &device, "active-precision", &precision, nullptr);
  EXPECT_EQ(device, nullptr) << "unset before start";
  EXPECT_EQ(precision, nullptr);
  gst_object_unref(element);
  GstHarness* h = harness();
  const std::string in_caps = caps_for("I420", 16, 12);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  for (unsigned i = 0; i < 3; ++i) {
    GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), i));
    ASSERT_NE(out, nullptr);
    gst_buffer_unref(out);
  }
  guint64 upscaled = 0, dropped = 1;
  gdouble mean_ms = 0;
  g_object_get(h->element, "active-device", &device, "active-precision", &precision,
               "frames-upscaled", &upscaled, "frames-dropped", &dropped, "mean-frame-time",
               &mean_ms, nullptr);
  EXPECT_STREQ(device, "cpu");
  EXPECT_STREQ(precision, "fp32");
  EXPECT_EQ(upscaled, 3u);
  EXPECT_EQ(dropped, 0u);
  EXPECT_GT(mean_ms, 0.0);
  EXPECT_LT(mean_ms, 60000.0);
  g_free(device);
  g_free(precision);
  gst_harness_teardown(h);
}

// A scaler, as videoscale is classified; the bundled networks are L1-trained, not GANs.
TEST_F(Element, IsClassifiedAsAScaler) {
  GstElementFactory* factory = gst_element_factory_find("srganupscale");
  ASSERT_NE(factory, nullptr);
  EXPECT_STREQ(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS),
               "Filter/Converter/Video/Scaler");
  const std::string description =
      gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_DESCRIPTION);
  EXPECT_EQ(description.find("GAN"), std::string::npos) << description;
  gst_object_unref(factory);
}

TEST_F(Element, TorchScriptModelWorks) {
  GstHarness* h = harness({}, srgan::test::fixture("tiny_x2_scale_attr.pt"));
  const std::string in_caps = caps_for("I420", 20, 14);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), 3));
  ASSERT_NE(out, nullptr);
  EXPECT_EQ(gst_buffer_get_size(out), size_of(caps_for("I420", 40, 28)));
  gst_buffer_unref(out);
  gst_harness_teardown(h);
}

// model names a bundled model (x4 by default, found in the source tree from a build tree; x2
// here from SRGAN_MODEL_PATH, a tiny TorchScript x2); model-location wins when set.
TEST_F(Element, ModelNamesABundledModelAndModelLocationWins) {
  srgan::test::TempDir models;
  std::filesystem::copy_file(srgan::test::fixture("tiny_x2_scale_attr.pt"),
                             models.file("srgan-x2.pt"));
  g_setenv("SRGAN_MODEL_PATH", models.path().c_str(), TRUE);
  const std::string in_caps = caps_for("I420", 20, 14);
  auto output_size = [&](const char* model, const char* location) {
    GstElement* element = gst_element_factory_make("srganupscale", nullptr);
    g_object_set(element, "device", "cpu", nullptr);
    if (model) gst_util_set_object_arg(G_OBJECT(element), "model", model);
    if (location) g_object_set(element, "model-location", location, nullptr);
    GstHarness* h = gst_harness_new_with_element(element, "sink", "src");
    gst_object_unref(element);
    gst_harness_set_src_caps_str(h, in_caps.c_str());
    GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), 5));
    const gsize size = out ? gst_buffer_get_size(out) : 0;
    if (out) gst_buffer_unref(out);
    gst_harness_teardown(h);
    return size;
  };
  GstElement* fresh = gst_element_factory_make("srganupscale", nullptr);
  gint model = -1;
  gchar* location = reinterpret_cast<gchar*>(1);
  g_object_get(fresh, "model", &model, "model-location", &location, nullptr);
  EXPECT_EQ(model, 0);  // x4
  EXPECT_EQ(location, nullptr);
  gst_object_unref(fresh);
  EXPECT_EQ(output_size(nullptr, nullptr), size_of(caps_for("I420", 80, 56)));  // bundled x4
  EXPECT_EQ(output_size("x2", nullptr), size_of(caps_for("I420", 40, 28)));
  EXPECT_EQ(output_size("x2", model_.c_str()), size_of(caps_for("I420", 80, 56)));
  g_unsetenv("SRGAN_MODEL_PATH");
}

TEST_F(Element, CapsChangeMidStreamRenegotiatesWithoutReloading) {
  const srgan::test::ElementLogCounter model_loads("loaded model");
  GstHarness* h = harness();
  for (auto [w, ht] : {std::pair<int, int>{32, 24}, {48, 36}, {32, 24}}) {
    const std::string in_caps = caps_for("I420", w, ht);
    gst_harness_set_src_caps_str(h, in_caps.c_str());
    GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), 4));
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(gst_buffer_get_size(out), size_of(caps_for("I420", 4 * w, 4 * ht)));
    GstCaps* caps = gst_pad_get_current_caps(h->sinkpad);
    gint width = 0;
    gst_structure_get_int(gst_caps_get_structure(caps, 0), "width", &width);
    EXPECT_EQ(width, 4 * w);
    gst_caps_unref(caps);
    gst_buffer_unref(out);
  }
  EXPECT_EQ(model_loads.count(), 1);
  gst_harness_teardown(h);
}

// Without a GPU context (device=cpu here; also any machine without a GPU) the element offers no
// CUDA memory: such caps are refused, never read as host memory.
TEST_F(Element, CudaMemoryCapsNeedAGpuContext) {
  GstHarness* h = harness();
  gst_harness_set_src_caps_str(
      h, "video/x-raw(memory:CUDAMemory),format=RGB,width=8,height=6,framerate=30/1");
  EXPECT_EQ(gst_harness_push(h, gst_buffer_new_allocate(nullptr, 8 * 6 * 3, nullptr)),
            GST_FLOW_NOT_NEGOTIATED);
  gst_harness_teardown(h);
}

TEST_F(Element, FiftyStateCycles) {
  GstHarness* h = harness();
  const std::string in_caps = caps_for("RGB", 8, 6);
  const GstVideoInfo info = info_of(in_caps);
  for (int cycle = 0; cycle < 50; ++cycle) {
    ASSERT_EQ(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    ASSERT_NE(gst_element_set_state(h->element, GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
    gst_harness_push_event(h, gst_event_new_stream_start("cycle"));
    gst_harness_push_event(h, gst_event_new_caps(gst_caps_from_string(in_caps.c_str())));
    GstSegment segment;
    gst_segment_init(&segment, GST_FORMAT_TIME);
    gst_harness_push_event(h, gst_event_new_segment(&segment));
    GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info, cycle));
    ASSERT_NE(out, nullptr) << "cycle " << cycle;
    EXPECT_EQ(gst_buffer_get_size(out), size_of(caps_for("RGB", 32, 24)));
    gst_buffer_unref(out);
  }
  gst_harness_teardown(h);
}

// The last frame's tile count, from the element's debug log ("frame WxH in N tile(s)").
std::atomic<int> last_tile_count{0};
void record_tiles(GstDebugCategory* category, GstDebugLevel, const gchar*, const gchar*, gint,
                  GObject*, GstDebugMessage* message, gpointer) {
  if (std::strcmp(gst_debug_category_get_name(category), "srganupscale") != 0) return;
  const char* text = std::strstr(gst_debug_message_get(message), " in ");
  int tiles = 0;
  if (text && std::sscanf(text, " in %d tile(s)", &tiles) == 1) last_tile_count = tiles;
}

// What needs a new model keeps its value while the element runs, and says so on the bus; the
// tiling applies from the next frame; gst-inspect shows which is which.
TEST_F(Element, PropertiesChangeAsTheirFlagsSay) {
  GstElement* probe = gst_element_factory_make("srganupscale", nullptr);
  GObjectClass* klass = G_OBJECT_GET_CLASS(probe);
  for (const char* name : {"model-location", "device", "precision", "frames-in-flight"}) {
    EXPECT_TRUE(g_object_class_find_property(klass, name)->flags & GST_PARAM_MUTABLE_READY) << name;
  }
  for (const char* name : {"tile-size", "tile-overlap"}) {
    EXPECT_TRUE(g_object_class_find_property(klass, name)->flags & GST_PARAM_MUTABLE_PLAYING)
        << name;
  }
  gst_object_unref(probe);
  gst_debug_set_threshold_for_name("srganupscale", GST_LEVEL_DEBUG);
  gst_debug_add_log_function(record_tiles, nullptr, nullptr);
  GstHarness* h = harness();
  GstBus* bus = gst_bus_new();
  gst_element_set_bus(h->element, bus);
  const std::string in_caps = caps_for("RGB", 32, 24);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  GstBuffer* first = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), 1));
  EXPECT_EQ(last_tile_count.load(), 1);

  g_object_set(h->element, "model-location", "/elsewhere.pt", "device", "cpu", nullptr);
  gchar* location = nullptr;
  g_object_get(h->element, "model-location", &location, nullptr);
  EXPECT_EQ(std::string(location), model_);
  g_free(location);
  GstMessage* warning = gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING);
  ASSERT_NE(warning, nullptr) << "a refused change is not said on the bus";
  GError* error = nullptr;
  gst_message_parse_warning(warning, &error, nullptr);
  EXPECT_NE(std::string(error->message)
                .find("'model-location' cannot change while the element "
                      "runs"),
            std::string::npos)
      << error->message;
  g_error_free(error);
  gst_message_unref(warning);
  EXPECT_EQ(gst_bus_pop_filtered(bus, GST_MESSAGE_WARNING), nullptr)
      << "device=cpu did not change anything, yet was warned about";

  g_object_set(h->element, "tile-size", 3u, nullptr);  // 1 to 7 mean 8
  guint tile = 0;
  g_object_get(h->element, "tile-size", &tile, nullptr);
  EXPECT_EQ(tile, 8u);
  GstBuffer* tiled = gst_harness_push_and_pull(h, random_buffer(h, info_of(in_caps), 1));
  EXPECT_EQ(last_tile_count.load(), 4 * 3);  // 32x24 in 8-pixel tiles
  GstMapInfo a, b;
  gst_buffer_map(first, &a, GST_MAP_READ);
  gst_buffer_map(tiled, &b, GST_MAP_READ);
  ASSERT_EQ(a.size, b.size);
  int worst = 0;
  for (gsize i = 0; i < a.size; ++i) worst = std::max(worst, std::abs(a.data[i] - b.data[i]));
  EXPECT_LE(worst, 1) << "tiles are seamless: the same frame, within float rounding";
  gst_buffer_unmap(first, &a);
  gst_buffer_unmap(tiled, &b);
  gst_buffer_unref(first);
  gst_buffer_unref(tiled);
  gst_harness_teardown(h);
  gst_object_unref(bus);
  gst_debug_remove_log_function(record_tiles);
  gst_debug_set_threshold_for_name("srganupscale", GST_LEVEL_NONE);
}

TEST_F(Element, PropertyStressWhileStreaming) {
  GstHarness* h = harness();
  const std::string in_caps = caps_for("NV12", 8, 6);
  gst_harness_set_src_caps_str(h, in_caps.c_str());
  const GstVideoInfo info = info_of(in_caps);
  GValue tile = G_VALUE_INIT;
  g_value_init(&tile, G_TYPE_UINT);
  g_value_set_uint(&tile, 32);
  GValue device = G_VALUE_INIT;
  g_value_init(&device, G_TYPE_STRING);
  g_value_set_string(&device, "cpu");
  GstHarnessThread* setter1 = gst_harness_stress_property_start_full(h, "tile-size", &tile, 0);
  GstHarnessThread* setter2 = gst_harness_stress_property_start_full(h, "device", &device, 0);
  for (int i = 0; i < 30; ++i) {
    GstBuffer* out = gst_harness_push_and_pull(h, random_buffer(h, info, i));
    ASSERT_NE(out, nullptr);
    gst_buffer_unref(out);
  }
  EXPECT_GT(gst_harness_stress_thread_stop(setter1), 0u);
  EXPECT_GT(gst_harness_stress_thread_stop(setter2), 0u);
  g_value_unset(&tile);
  g_value_unset(&device);
  gst_harness_teardown(h);
}

}  // namespace
