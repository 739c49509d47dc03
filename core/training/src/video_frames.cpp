#include "srgan/video_frames.h"

#include <atomic>
#include <filesystem>
#include <vector>

#include "srgan/error.h"
#include "srgan/image_io.h"
#include "srgan/training_data.h"

#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <ATen/ATen.h>

#include "decoded_frame.h"
#endif

namespace srgan {

class VideoFrames::Source {
 public:
  virtual ~Source() = default;
  virtual at::Tensor next() = 0;
  double timestamp = 0;
  std::pair<int, int> frame_rate{25, 1};
};

namespace {

class FolderFrames : public VideoFrames::Source {
 public:
  explicit FolderFrames(const std::string& dir) : files_(list_images(dir)) {
    if (files_.empty()) throw Error(dir + ": no images in this folder");
  }
  at::Tensor next() override {
    if (index_ >= files_.size()) return at::Tensor();
    timestamp = static_cast<double>(index_) / frame_rate.first;
    return read_image(files_[index_++]);
  }

 private:
  std::vector<std::string> files_;
  size_t index_ = 0;
};

#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
// GStreamer decodes (decodebin), videoconvert makes I420 of other formats (a pass-through for
// most video), core converts to RGB as the element does; frames come from an appsink.
class DecodedFrames : public VideoFrames::Source {
 public:
  explicit DecodedFrames(const std::string& file) : file_(file) {
    gst_init(nullptr, nullptr);
    GError* error = nullptr;
    pipeline_ = gst_parse_launch(
        "filesrc name=src ! decodebin name=decoder ! videoconvert name=convert ! "
        "video/x-raw,format=I420 ! appsink name=sink sync=false max-buffers=8",
        &error);
    if (error) {
      const std::string message = error->message;
      g_error_free(error);
      if (pipeline_) gst_object_unref(pipeline_);
      pipeline_ = nullptr;
      throw Error(file + ": cannot decode video here (" + message +
                  "); give a folder of frames instead");
    }
    GstElement* src = gst_bin_get_by_name(GST_BIN(pipeline_), "src");
    g_object_set(src, "location", file.c_str(), nullptr);
    gst_object_unref(src);
    sink_ = GST_APP_SINK(gst_bin_get_by_name(GST_BIN(pipeline_), "sink"));
    decoder_ = gst_bin_get_by_name(GST_BIN(pipeline_), "decoder");
    no_more_pads_ = g_signal_connect(decoder_, "no-more-pads", G_CALLBACK(on_no_more_pads), this);
    if (gst_element_set_state(pipeline_, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      try {
        throw_bus_error("cannot start decoding");
      } catch (...) {
        release();  // no destructor runs for an object whose constructor throws
        throw;
      }
    }
  }
  ~DecodedFrames() override { release(); }

  at::Tensor next() override {
    GstSample* sample = nullptr;
    while (!sample) {
      sample = gst_app_sink_try_pull_sample(sink_, GST_SECOND);
      if (sample) break;
      if (gst_app_sink_is_eos(sink_)) {
        if (frames_ == 0) throw Error(file_ + ": no video frames in this file");
        return at::Tensor();
      }
      throw_bus_error(nullptr);  // an error ends the wait; otherwise keep waiting
      if (frames_ == 0 && no_video_) throw Error(file_ + ": " + kNoVideo);
    }
    GstVideoInfo info;
    GstVideoFrame frame;
    GstBuffer* buffer = gst_sample_get_buffer(sample);
    if (!gst_video_info_from_caps(&info, gst_sample_get_caps(sample)) ||
        !gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ)) {
      gst_sample_unref(sample);
      throw Error(file_ + ": a decoded frame cannot be read");
    }
    if (GST_VIDEO_INFO_FPS_N(&info) > 0 && GST_VIDEO_INFO_FPS_D(&info) > 0)
      frame_rate = {GST_VIDEO_INFO_FPS_N(&info), GST_VIDEO_INFO_FPS_D(&info)};
    if (GST_BUFFER_PTS_IS_VALID(buffer)) {
      if (frames_ == 0) first_pts_ = GST_BUFFER_PTS(buffer);
      timestamp = static_cast<double>(GST_BUFFER_PTS(buffer) - first_pts_) / GST_SECOND;
    } else {
      timestamp = static_cast<double>(frames_) * frame_rate.second / frame_rate.first;
    }
    at::Tensor image;
    try {
      image = rgb_bytes_of(frame).unsqueeze(0).to(at::kFloat).div_(255);
    } catch (...) {
      gst_video_frame_unmap(&frame);
      gst_sample_unref(sample);
      throw;
    }
    gst_video_frame_unmap(&frame);
    gst_sample_unref(sample);
    ++frames_;
    return image;
  }

 private:
  // Throws the pipeline's error, if it posted one; `otherwise`, when set, is thrown without one.
  void throw_bus_error(const char* otherwise) {
    GstBus* bus = gst_element_get_bus(pipeline_);
    GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    gst_object_unref(bus);
    if (message) {
      GError* error = nullptr;
      gchar* debug = nullptr;
      gst_message_parse_error(message, &error, &debug);
      std::string text = error->message;
      // decodebin's pads that videoconvert refuses (audio, subtitles) end the stream unlinked.
      if (frames_ == 0 && debug && std::string(debug).find("not-linked") != std::string::npos)
        text = kNoVideo;
      g_error_free(error);
      g_free(debug);
      gst_message_unref(message);
      throw Error(file_ + ": " + text);
    }
    if (otherwise) throw Error(file_ + ": " + otherwise);
  }

  void release() {
    if (decoder_) {
      g_signal_handler_disconnect(decoder_, no_more_pads_);
      gst_object_unref(decoder_);
      decoder_ = nullptr;
    }
    if (pipeline_) {
      gst_element_set_state(pipeline_, GST_STATE_NULL);
      if (sink_) gst_object_unref(sink_);
      gst_object_unref(pipeline_);
      sink_ = nullptr;
      pipeline_ = nullptr;
    }
  }

  static constexpr const char* kNoVideo = "no video stream that GStreamer can decode in this file";

  // decodebin has exposed every stream; without a video one videoconvert stays unlinked. The
  // not-linked error does not always come: in a short file the demuxer can reach its end before
  // decodebin exposes the pads, and then nothing posts an error or reaches the appsink.
  static void on_no_more_pads(GstElement*, gpointer self) {
    auto* frames = static_cast<DecodedFrames*>(self);
    GstElement* convert = gst_bin_get_by_name(GST_BIN(frames->pipeline_), "convert");
    GstPad* pad = gst_element_get_static_pad(convert, "sink");
    frames->no_video_ = !gst_pad_is_linked(pad);
    gst_object_unref(pad);
    gst_object_unref(convert);
  }

  std::string file_;
  GstElement* pipeline_ = nullptr;
  GstElement* decoder_ = nullptr;
  gulong no_more_pads_ = 0;
  std::atomic<bool> no_video_{false};
  GstAppSink* sink_ = nullptr;
  int64_t frames_ = 0;
  GstClockTime first_pts_ = 0;
};
#endif

}  // namespace

VideoFrames::VideoFrames(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    source_ = std::make_unique<FolderFrames>(path);
  } else if (!std::filesystem::exists(path, error)) {
    throw Error(path + ": no such file or folder");
  } else {
#ifdef SRGAN_TRAINING_HAVE_GSTREAMER
    source_ = std::make_unique<DecodedFrames>(path);
#else
    throw Error(path + ": this build has no GStreamer and reads clips only as folders of frames");
#endif
  }
}

VideoFrames::~VideoFrames() = default;

at::Tensor VideoFrames::next() { return source_->next(); }
double VideoFrames::timestamp() const { return source_->timestamp; }
std::pair<int, int> VideoFrames::frame_rate() const { return source_->frame_rate; }

}  // namespace srgan
