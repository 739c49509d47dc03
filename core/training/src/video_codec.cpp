#include "srgan/video_codec.h"

#include <atomic>
#include <cstring>

#include <ATen/ATen.h>

#include "srgan/color_conversion.h"
#include "srgan/error.h"
#include "srgan/frame.h"

#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include "decoded_frame.h"
#endif

namespace srgan {
namespace {

struct CodecElements {
  const char* encoder;
  const char* encoder_package;
  const char* parser;  // nullptr: the decoder takes the encoder's output as it is
  const char* decoder;
  const char* decoder_package;
};

CodecElements elements_of(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::kH264:
      return {"x264enc", "gstreamer1.0-plugins-ugly", "h264parse", "avdec_h264",
              "gstreamer1.0-libav"};
    case VideoCodec::kH265:
      return {"x265enc", "gstreamer1.0-plugins-bad", "h265parse", "avdec_h265",
              "gstreamer1.0-libav"};
    case VideoCodec::kVp9:
      return {"vp9enc", "gstreamer1.0-plugins-good", nullptr, "vp9dec",
              "gstreamer1.0-plugins-good"};
  }
  return {};
}

// The encoder at constant quality, as users run each: x264 and x265 by CRF at their medium
// presets with B-frames; VP9 at a cq-level at libvpx's "good" deadline.
std::string encoder_description(const CodecRoundTrip::Settings& s) {
  const std::string crf = std::to_string(s.crf);
  switch (s.codec) {
    case VideoCodec::kH264:
      return "x264enc pass=qual quantizer=" + crf + " speed-preset=medium bframes=3";
    case VideoCodec::kH265:
      return "x265enc speed-preset=medium log-level=error option-string=crf=" + crf;
    case VideoCodec::kVp9:
      // GStreamer 1.22's vp9enc has no pure constant-quality mode (ffmpeg's -crf N -b:v 0):
      // constrained quality under a bitrate cap nothing reaches is the same thing.
      return "vp9enc end-usage=cq cq-level=" + crf +
             " target-bitrate=1000000000 deadline=1000000 cpu-used=4";
  }
  return "";
}

}  // namespace

std::string to_string(VideoCodec codec) {
  switch (codec) {
    case VideoCodec::kH264:
      return "h264";
    case VideoCodec::kH265:
      return "h265";
    case VideoCodec::kVp9:
      return "vp9";
  }
  return "";
}

int max_quality_value(VideoCodec codec) { return codec == VideoCodec::kVp9 ? 63 : 51; }

#ifdef SRGAN_TRAINING_HAVE_GSTREAMER

std::string codec_unavailable_reason(VideoCodec codec) {
  gst_init(nullptr, nullptr);
  const CodecElements e = elements_of(codec);
  const std::pair<const char*, const char*> needed[] = {
      {e.encoder, e.encoder_package},
      {e.decoder, e.decoder_package},
      {e.parser ? e.parser : "videoconvert", "gstreamer1.0-plugins-bad / -base"},
      {"videoconvert", "gstreamer1.0-plugins-base"}};
  for (const auto& [element, package] : needed) {
    GstElementFactory* factory = gst_element_factory_find(element);
    if (!factory) {
      return to_string(codec) + " needs GStreamer's " + element + " (Debian package " + package +
             ")";
    }
    gst_object_unref(factory);
  }
  return "";
}

namespace {
// [3, H, W] uint8 R'G'B' into `frame` (I420, limited range) by the standard's equations in
// float, each value rounded, chroma the mean of each 2x2 block: as an accurate encoder's input.
// (rgb_to_frame is bit-exact with videoconvert, whose integer matrix puts Cb and Cr about half
// a level low: R and B would come back a level dark.)
void rgb_to_i420(const at::Tensor& rgb, const FrameView& frame) {
  const double kr = frame.colorimetry.matrix == ColorMatrix::kBT709 ? 0.2126 : 0.299;
  const double kb = frame.colorimetry.matrix == ColorMatrix::kBT709 ? 0.0722 : 0.114;
  const auto x = rgb.to(at::kDouble).div(255);
  const auto r = x[0], g = x[1], b = x[2];
  const auto y = r * kr + g * (1 - kr - kb) + b * kb;
  const auto cb = (b - y) / (2 * (1 - kb)), cr = (r - y) / (2 * (1 - kr));
  const auto half = [](const at::Tensor& c) {
    return at::avg_pool2d(c.unsqueeze(0).unsqueeze(0), {2, 2}).squeeze(0).squeeze(0);
  };
  const at::Tensor planes[3] = {y * 219 + 16, half(cb) * 224 + 128, half(cr) * 224 + 128};
  for (int i = 0; i < 3; ++i) {
    const auto bytes = planes[i].round().clamp(0, 255).to(at::kByte).contiguous();
    for (int64_t row = 0; row < bytes.size(0); ++row) {
      std::memcpy(frame.planes[i].data + row * frame.planes[i].stride,
                  bytes.data_ptr<uint8_t>() + row * bytes.size(1), bytes.size(1));
    }
  }
}
}  // namespace

// appsrc (I420) ! encoder [! parser] ! decoder ! videoconvert ! I420 ! appsink; a probe on the
// decoder's input counts the coded bytes. I420 -> RGB is core's conversion (the element's), not
// videoconvert's: GStreamer 1.22's 8-bit I420 -> RGB path is about 2 levels dark (Y 126, grey
// 128, comes back as 126; Y 235 as 253), which a model trained on it learns to brighten.
class CodecRoundTrip::Pipeline {
 public:
  explicit Pipeline(const Settings& s) : settings_(s) {
    const std::string missing = codec_unavailable_reason(s.codec);
    if (!missing.empty()) throw Error(missing);
    if (s.width < 2 || s.height < 2 || s.width % 2 || s.height % 2) {
      throw Error(to_string(s.codec) + " frames must have an even width and height (4:2:0), not " +
                  std::to_string(s.width) + "x" + std::to_string(s.height));
    }
    if (s.crf < 0 || s.crf > max_quality_value(s.codec)) {
      throw Error(to_string(s.codec) + " quality " + std::to_string(s.crf) + " is outside 0-" +
                  std::to_string(max_quality_value(s.codec)));
    }
    const CodecElements e = elements_of(s.codec);
    const std::string description = "appsrc name=src format=time ! " + encoder_description(s) +
                                    (e.parser ? std::string(" ! ") + e.parser : "") + " ! " +
                                    e.decoder +
                                    " name=decoder ! videoconvert ! video/x-raw,format=I420 ! "
                                    "appsink name=sink sync=false";
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(description.c_str(), &error);
    if (error) {
      const std::string message = error->message;
      g_error_free(error);
      if (pipeline_) gst_object_unref(pipeline_);
      pipeline_ = nullptr;
      throw Error(to_string(s.codec) + ": cannot build the encoder pipeline (" + message + ")");
    }
    src_ = GST_APP_SRC(gst_bin_get_by_name(GST_BIN(pipeline_), "src"));
    sink_ = GST_APP_SINK(gst_bin_get_by_name(GST_BIN(pipeline_), "sink"));
    const UntaggedColorimetry untagged = untagged_colorimetry(s.width, s.height);
    GstCaps* caps = gst_caps_new_simple(
        "video/x-raw", "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT,
        static_cast<int>(s.width), "height", G_TYPE_INT, static_cast<int>(s.height), "framerate",
        GST_TYPE_FRACTION, s.fps_numerator, s.fps_denominator, "pixel-aspect-ratio",
        GST_TYPE_FRACTION, 1, 1, "colorimetry", G_TYPE_STRING, untagged.caps.c_str(), nullptr);
    gst_app_src_set_caps(src_, caps);
    gst_caps_unref(caps);
    GstElement* decoder = gst_bin_get_by_name(GST_BIN(pipeline_), "decoder");
    GstPad* pad = gst_element_get_static_pad(decoder, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, count_bytes, &encoded_bytes_, nullptr);
    gst_object_unref(pad);
    gst_object_unref(decoder);
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
      throw_bus_error("cannot start the encoder");
  }

  ~Pipeline() {
    if (!pipeline_) return;
    gst_element_set_state(pipeline_, GST_STATE_NULL);
    gst_object_unref(src_);
    gst_object_unref(sink_);
    gst_object_unref(pipeline_);
  }

  void push(const at::Tensor& frame) {
    const Settings& s = settings_;
    if (frame.dim() != 3 || frame.size(0) != 3 || frame.size(1) != s.height ||
        frame.size(2) != s.width || frame.scalar_type() != at::kByte) {
      throw Error(to_string(s.codec) + ": a frame must be [3, " + std::to_string(s.height) + ", " +
                  std::to_string(s.width) + "] uint8 RGB");
    }
    // FrameBuffer lays I420 out as GStreamer does (rows padded to 4 bytes).
    FrameBuffer i420(PixelFormat::kI420, s.width, s.height,
                     untagged_colorimetry(s.width, s.height).colorimetry);
    rgb_to_i420(frame, i420.view());
    GstBuffer* buffer = gst_buffer_new_allocate(nullptr, i420.bytes().size(), nullptr);
    gst_buffer_fill(buffer, 0, i420.bytes().data(), i420.bytes().size());
    const GstClockTime duration =
        gst_util_uint64_scale(GST_SECOND, s.fps_denominator, s.fps_numerator);
    GST_BUFFER_PTS(buffer) = static_cast<GstClockTime>(pushed_) * duration;
    GST_BUFFER_DURATION(buffer) = duration;
    ++pushed_;
    if (gst_app_src_push_buffer(src_, buffer) != GST_FLOW_OK)
      throw_bus_error("the encoder stopped");
  }

  std::optional<at::Tensor> pull(bool wait) {
    // An encoder holds a few dozen frames at most: a minute without one is a stalled pipeline.
    constexpr int kStalledSeconds = 60;
    for (int waited = 0;; ++waited) {
      GstSample* sample = gst_app_sink_try_pull_sample(sink_, wait ? GST_SECOND : 0);
      if (sample) {
        ++pulled_;
        return to_tensor(sample);
      }
      throw_bus_error(nullptr);
      if (!wait) return std::nullopt;
      if (waited >= kStalledSeconds && !gst_app_sink_is_eos(sink_))
        throw Error(to_string(settings_.codec) + ": the encoder gave no frame for a minute");
      if (gst_app_sink_is_eos(sink_)) {
        if (pulled_ != pushed_) {
          throw Error(to_string(settings_.codec) + ": the decoder gave " + std::to_string(pulled_) +
                      " frames for " + std::to_string(pushed_));
        }
        return std::nullopt;
      }
    }
  }

  void finish() { gst_app_src_end_of_stream(src_); }
  int64_t encoded_bytes() const { return encoded_bytes_.load(); }

 private:
  static GstPadProbeReturn count_bytes(GstPad*, GstPadProbeInfo* info, gpointer total) {
    static_cast<std::atomic<int64_t>*>(total)->fetch_add(
        static_cast<int64_t>(gst_buffer_get_size(GST_PAD_PROBE_INFO_BUFFER(info))));
    return GST_PAD_PROBE_OK;
  }

  at::Tensor to_tensor(GstSample* sample) {
    GstVideoInfo info;
    GstVideoFrame frame;
    if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) ||
        !gst_video_frame_map(&frame, &info, gst_sample_get_buffer(sample), GST_MAP_READ)) {
      gst_sample_unref(sample);
      throw Error(to_string(settings_.codec) + ": a decoded frame cannot be read");
    }
    at::Tensor rgb;
    try {
      rgb = rgb_bytes_of(frame);
    } catch (...) {
      gst_video_frame_unmap(&frame);
      gst_sample_unref(sample);
      throw;
    }
    gst_video_frame_unmap(&frame);
    gst_sample_unref(sample);
    return rgb;
  }

  // Throws the pipeline's error if it posted one; `otherwise`, when set, is thrown without one.
  void throw_bus_error(const char* otherwise) {
    GstBus* bus = gst_element_get_bus(pipeline_);
    GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gst_object_unref(bus);
    if (message) {
      GError* error = nullptr;
      gst_message_parse_error(message, &error, nullptr);
      const std::string text = error->message;
      g_error_free(error);
      gst_message_unref(message);
      throw Error(to_string(settings_.codec) + " encoding failed: " + text);
    }
    if (otherwise) throw Error(to_string(settings_.codec) + ": " + otherwise);
  }

  Settings settings_;
  GstElement* pipeline_ = nullptr;
  GstAppSrc* src_ = nullptr;
  GstAppSink* sink_ = nullptr;
  std::atomic<int64_t> encoded_bytes_{0};
  int64_t pushed_ = 0, pulled_ = 0;
};

#else  // without GStreamer

std::string codec_unavailable_reason(VideoCodec codec) {
  return to_string(codec) + " needs GStreamer, and this build has none (configure with it)";
}

class CodecRoundTrip::Pipeline {
 public:
  explicit Pipeline(const Settings& s) { throw Error(codec_unavailable_reason(s.codec)); }
  void push(const at::Tensor&) {}
  std::optional<at::Tensor> pull(bool) { return std::nullopt; }
  void finish() {}
  int64_t encoded_bytes() const { return 0; }
};

#endif

CodecRoundTrip::CodecRoundTrip(const Settings& settings)
    : pipeline_(std::make_unique<Pipeline>(settings)) {}
CodecRoundTrip::~CodecRoundTrip() = default;

void CodecRoundTrip::push(const at::Tensor& frame) { pipeline_->push(frame); }
std::optional<at::Tensor> CodecRoundTrip::pull() { return pipeline_->pull(finished_); }
void CodecRoundTrip::finish() {
  pipeline_->finish();
  finished_ = true;
}
int64_t CodecRoundTrip::encoded_bytes() const { return pipeline_->encoded_bytes(); }

std::vector<at::Tensor> encode_and_decode(const std::vector<at::Tensor>& frames,
                                          const CodecRoundTrip::Settings& settings,
                                          int64_t* encoded_bytes) {
  CodecRoundTrip codec(settings);
  std::vector<at::Tensor> decoded;
  for (const auto& frame : frames) {
    codec.push(frame);
    while (auto out = codec.pull()) decoded.push_back(*out);
  }
  codec.finish();
  while (auto out = codec.pull()) decoded.push_back(*out);
  if (encoded_bytes) *encoded_bytes = codec.encoded_bytes();
  return decoded;
}

}  // namespace srgan
