/* srganupscale: video super-resolution (x4, x2) with a LibTorch network.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-srganupscale
 * @title: srganupscale
 *
 * Upscales video by the model's factor (bundled: model=x4, the default, and model=x2) with a
 * super-resolution generator network (SRGAN) run by LibTorch, on the CPU or a CUDA GPU. The output
 * has the input's format, framerate, pixel-aspect-ratio and colorimetry; width and height are
 * multiplied by the model's scale. Interlaced video must be deinterlaced first.
 *
 * The work is done by srgan::Upscaler (core/): frames are converted to RGB, run through the
 * network tile by tile (seamlessly) and converted back, with LibTorch ops on the chosen device.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=10 ! video/x-raw,width=160,height=90 ! srganupscale !
 * videoconvert ! autovideosink
 * ]| Upscales a test pattern to 640x360 with the bundled model.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! decodebin ! videoconvert ! srganupscale device=cuda
 * precision=fp16 ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4
 * ]| Upscales a file x4 on the GPU in half precision.
 * |[
 * gst-launch-1.0 filesrc location=in-1080p.mp4 ! decodebin ! videoconvert ! srganupscale model=x2
 * device=cuda precision=fp16 ! videoconvert ! x264enc ! mp4mux ! filesink location=out-4k.mp4
 * ]| 1080p to 4K with the bundled x2 model.
 * |[
 * gst-launch-1.0 v4l2src ! videoconvert ! srganupscale model-location=my-model.pt tile-size=128 !
 * videoconvert ! autovideosink
 * ]| A camera through a model of your own, in 128-pixel tiles.
 * |[
 * gst-launch-1.0 filesrc location=in.mp4 ! parsebin ! nvh264dec ! srganupscale device=cuda !
 * nvh264enc ! h264parse ! mp4mux ! filesink location=out.mp4
 * ]| Frames stay on the GPU from decoder to encoder (CUDA memory, zero-copy): where GStreamer's
 * CUDA library is present, the element shares LibTorch's CUDA context with GStreamer's CUDA
 * elements and reads and writes their pitched CUDA buffers in place.
 */

#include "gstsrganupscale.h"

#include <gst/video/video.h>

#include <chrono>
#include <exception>
#include <memory>
#include <string>

#include "element_statistics.h"
#include "frame_view.h"
#include "frames_in_flight.h"
#include "memory_check.h"
#include "model_location.h"
#include "output_pool.h"
#include "processing_latency.h"
#include "shared_cuda_memory.h"
#include "size_caps.h"
#include "srgan/bundled_models.h"
#include "srgan/cuda_device.h"
#include "srgan/error.h"
#include "srgan/model.h"
#include "srgan/precision.h"
#include "srgan/threads.h"
#include "srgan/upscaler.h"

/* Shared with shared_cuda_memory.cpp, whose messages are the element's. */
GST_DEBUG_CATEGORY(gst_srgan_upscale_debug);
#define GST_CAT_DEFAULT gst_srgan_upscale_debug

enum {
  PROP_0,
  PROP_MODEL,
  PROP_MODEL_LOCATION,
  PROP_DEVICE,
  PROP_PRECISION,
  PROP_TILE_SIZE,
  PROP_TILE_OVERLAP,
  PROP_FRAMES_IN_FLIGHT,
  PROP_SCALE,
  PROP_ACTIVE_DEVICE,
  PROP_ACTIVE_PRECISION,
  PROP_ACTIVE_FRAMES_IN_FLIGHT,
  PROP_FRAMES_UPSCALED,
  PROP_FRAMES_DROPPED,
  PROP_MEAN_FRAME_TIME,
};

/* The property's values are core's srgan::Precision: no names in between. */
typedef enum {
  GST_SRGAN_PRECISION_AUTO = static_cast<int>(srgan::Precision::kAuto),
  GST_SRGAN_PRECISION_FP32 = static_cast<int>(srgan::Precision::kFp32),
  GST_SRGAN_PRECISION_FP16 = static_cast<int>(srgan::Precision::kFp16),
  GST_SRGAN_PRECISION_BF16 = static_cast<int>(srgan::Precision::kBf16),
} GstSrganPrecision;

#define DEFAULT_MODEL 0 /* the first bundled model: x4 */
#define DEFAULT_DEVICE "auto"
#define DEFAULT_PRECISION GST_SRGAN_PRECISION_AUTO
#define DEFAULT_TILE_SIZE 0
#define DEFAULT_TILE_OVERLAP -1
#define DEFAULT_FRAMES_IN_FLIGHT 0
#define MIN_TILE_SIZE 8
#define MAX_FRAMES_IN_FLIGHT 16

GType gst_srgan_precision_get_type(void) {
  static GType type = 0;
  static const GEnumValue values[] = {
      {GST_SRGAN_PRECISION_AUTO, "fp16 on CUDA; on the CPU bf16 where timed faster, else fp32",
       "auto"},
      {GST_SRGAN_PRECISION_FP32, "32-bit float", "fp32"},
      {GST_SRGAN_PRECISION_FP16, "16-bit float (CUDA only; refused on the CPU)", "fp16"},
      {GST_SRGAN_PRECISION_BF16, "bfloat16", "bf16"},
      {0, NULL, NULL},
  };
  if (g_once_init_enter(&type)) {
    g_once_init_leave(&type, g_enum_register_static("GstSrganPrecision", values));
  }
  return type;
}

/* The bundled models by name (core's list): gst-inspect lists them, gst-launch takes model=x2. */
GType gst_srgan_model_get_type(void) {
  static GType type = 0;
  if (g_once_init_enter(&type)) {
    const auto& models = srgan::bundled_models();
    GEnumValue* values = g_new0(GEnumValue, models.size() + 1); /* lives as long as the type */
    for (size_t i = 0; i < models.size(); ++i) {
      values[i] = {static_cast<gint>(i), models[i].summary, models[i].name};
    }
    g_once_init_leave(&type, g_enum_register_static("GstSrganModel", values));
  }
  return type;
}
#define GST_TYPE_SRGAN_MODEL (gst_srgan_model_get_type())

/* Settings are written by set_property under the object lock and copied out under it; the
 * Upscaler is created in start() and used by the streaming thread without the lock. */
struct GstSrganUpscaleState {
  gint model = DEFAULT_MODEL; /* index into srgan::bundled_models() */
  std::string model_location; /* empty: the bundled model; a file wins */
  std::string device = DEFAULT_DEVICE;
  GstSrganPrecision precision = DEFAULT_PRECISION;
  guint tile_size = DEFAULT_TILE_SIZE;
  gint tile_overlap = DEFAULT_TILE_OVERLAP;
  guint frames_in_flight = DEFAULT_FRAMES_IN_FLIGHT; /* the property; 0 = per device */
  bool tiling_changed = false; /* tile-size or tile-overlap set since the last frame */
  gint scale = srgan::bundled_models().at(DEFAULT_MODEL).scale; /* of the model set; 0: unknown */
  /* What auto chose, from start() on (empty before). */
  std::string active_device, active_precision;
  srgan::gst::ElementStatistics statistics;
  std::unique_ptr<srgan::Upscaler> upscaler;
  /* From start() to stop() when more than one frame may be in flight; the streaming thread's. */
  std::unique_ptr<srgan::gst::FramesInFlight> in_flight;
  guint frames_in_flight_used = 1;          /* the object lock guards it for the property */
  bool choose_frames_in_flight = false;     /* frames-in-flight=0 on the CPU: set_caps chooses */
  bool interlace_reported = false;          /* the interlaced-input error, once per start */
  srgan::gst::ProcessingLatency processing; /* per-frame time, added to the latency */
  /* The size and format the network last ran at: set_caps warms it up for a new one. */
  GstVideoFormat warmed_format = GST_VIDEO_FORMAT_UNKNOWN;
  gint warmed_width = 0, warmed_height = 0;
  /* The negotiated frames, written by set_caps on the streaming thread. */
  GstVideoInfo in_info;
  GstVideoInfo out_info;
  /* LibTorch's CUDA context shared with GStreamer's CUDA elements, from NULL->READY to
   * READY->NULL when the device is a GPU; the negotiated caps say whether frames come in CUDA
   * memory. */
  srgan::gst::SharedCudaMemory cuda;
};

struct _GstSrganUpscale {
  GstBaseTransform parent;
  GstSrganUpscaleState* state;
};

#define gst_srgan_upscale_parent_class parent_class
G_DEFINE_TYPE(GstSrganUpscale, gst_srgan_upscale, GST_TYPE_BASE_TRANSFORM);
GST_ELEMENT_REGISTER_DEFINE(srganupscale, "srganupscale", GST_RANK_NONE, GST_TYPE_SRGAN_UPSCALE);

/* Whether CUDA memory can be negotiated now: a context shared with LibTorch exists. */
static gboolean cuda_memory_usable(GstSrganUpscale* self) { return self->state->cuda.usable(); }

/* Properties that need a new model (model, model-location, device, precision, frames-in-flight)
 * keep their value once the element runs, and a change is said on the bus; the tiling applies from
 * the next frame. */
static void gst_srgan_upscale_set_property(GObject* object, guint prop_id, const GValue* value,
                                           GParamSpec* pspec) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(object);
  GstSrganUpscaleState* s = self->state;
  GST_OBJECT_LOCK(self);
  const bool running = GST_STATE(self) > GST_STATE_READY;
  bool refused = false;
  /* Takes `wanted` into `field` unless the element runs and it would change. */
  auto set_unless_running = [&](auto& field, const auto& wanted) {
    if (running && !(field == wanted)) {
      refused = true;
    } else {
      field = wanted;
    }
  };
  switch (prop_id) {
    case PROP_MODEL:
      set_unless_running(s->model, g_value_get_enum(value));
      break;
    case PROP_MODEL_LOCATION: {
      const gchar* location = g_value_get_string(value);
      set_unless_running(s->model_location, std::string(location ? location : ""));
      break;
    }
    case PROP_DEVICE: {
      const gchar* device = g_value_get_string(value);
      set_unless_running(s->device, std::string(device ? device : DEFAULT_DEVICE));
      break;
    }
    case PROP_PRECISION:
      set_unless_running(s->precision, static_cast<GstSrganPrecision>(g_value_get_enum(value)));
      break;
    case PROP_FRAMES_IN_FLIGHT:
      set_unless_running(s->frames_in_flight, g_value_get_uint(value));
      break;
    case PROP_TILE_SIZE: {
      const guint tile = g_value_get_uint(value);
      s->tile_size = tile > 0 && tile < MIN_TILE_SIZE ? MIN_TILE_SIZE : tile;
      s->tiling_changed = true;
      break;
    }
    case PROP_TILE_OVERLAP:
      s->tile_overlap = g_value_get_int(value);
      s->tiling_changed = true;
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
  const bool model_changed =
      !refused && !running && (prop_id == PROP_MODEL || prop_id == PROP_MODEL_LOCATION);
  const std::string location = s->model_location;
  const std::string model_name = srgan::bundled_models().at(s->model).name;
  GST_OBJECT_UNLOCK(self);
  if (model_changed) {
    /* `scale` says the new model's factor at once, not the old model's until the next start: a
     * bundled model's from the table, a file's read from it (0, unknown, where it cannot be
     * read: start() will say why). */
    gint scale = 0;
    try {
      scale = location.empty() ? srgan::find_bundled_model(model_name)->scale
                               : static_cast<gint>(srgan::load_model(location).scale());
    } catch (const std::exception&) {
    }
    GST_OBJECT_LOCK(self);
    s->scale = scale;
    GST_OBJECT_UNLOCK(self);
    g_object_notify(object, "scale");
  }
  if (refused) { /* posted outside the object lock, which posting takes */
    GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS,
                        ("'%s' cannot change while the element runs: the change is ignored; set "
                         "it in the NULL or READY state",
                         pspec->name),
                        (NULL));
  }
}

/* The tiling set since the last frame, for the Upscaler (on the streaming thread). */
static void apply_tiling_changes(GstSrganUpscale* self) {
  GstSrganUpscaleState* s = self->state;
  GST_OBJECT_LOCK(self);
  const bool changed = s->tiling_changed;
  const guint tile_size = s->tile_size;
  const gint tile_overlap = s->tile_overlap;
  s->tiling_changed = false;
  GST_OBJECT_UNLOCK(self);
  if (changed && s->upscaler) {
    s->upscaler->set_tiling(tile_size, tile_overlap);
    GST_INFO_OBJECT(self, "tiles from this frame on: %s", s->upscaler->describe().c_str());
  }
}

static void gst_srgan_upscale_get_property(GObject* object, guint prop_id, GValue* value,
                                           GParamSpec* pspec) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(object);
  GstSrganUpscaleState* s = self->state;
  GST_OBJECT_LOCK(self);
  switch (prop_id) {
    case PROP_MODEL:
      g_value_set_enum(value, s->model);
      break;
    case PROP_MODEL_LOCATION:
      g_value_set_string(value, s->model_location.empty() ? NULL : s->model_location.c_str());
      break;
    case PROP_DEVICE:
      g_value_set_string(value, s->device.c_str());
      break;
    case PROP_PRECISION:
      g_value_set_enum(value, s->precision);
      break;
    case PROP_TILE_SIZE:
      g_value_set_uint(value, s->tile_size);
      break;
    case PROP_TILE_OVERLAP:
      g_value_set_int(value, s->tile_overlap);
      break;
    case PROP_FRAMES_IN_FLIGHT:
      g_value_set_uint(value, s->frames_in_flight);
      break;
    case PROP_SCALE:
      g_value_set_int(value, s->scale);
      break;
    case PROP_ACTIVE_DEVICE:
      g_value_set_string(value, s->active_device.empty() ? NULL : s->active_device.c_str());
      break;
    case PROP_ACTIVE_PRECISION:
      g_value_set_string(value, s->active_precision.empty() ? NULL : s->active_precision.c_str());
      break;
    case PROP_ACTIVE_FRAMES_IN_FLIGHT:
      g_value_set_uint(value, s->frames_in_flight_used);
      break;
    case PROP_FRAMES_UPSCALED:
      g_value_set_uint64(value, s->statistics.frames_upscaled());
      break;
    case PROP_FRAMES_DROPPED:
      g_value_set_uint64(value, s->statistics.frames_dropped());
      break;
    case PROP_MEAN_FRAME_TIME:
      g_value_set_double(value, s->statistics.mean_milliseconds());
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
  }
  GST_OBJECT_UNLOCK(self);
}

static gboolean gst_srgan_upscale_start(GstBaseTransform* trans) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  GST_OBJECT_LOCK(self);
  const std::string model_name = srgan::bundled_models().at(self->state->model).name;
  const std::string model_location = self->state->model_location;
  auto options = srgan::UpscalerOptions()
                     .device(self->state->device)
                     .precision(static_cast<srgan::Precision>(self->state->precision))
                     .tile_size(self->state->tile_size)
                     .tile_overlap(self->state->tile_overlap);
  const guint frames_in_flight = self->state->frames_in_flight;
  self->state->tiling_changed = false;
  self->state->interlace_reported = false;
  self->state->processing.reset();
  self->state->statistics.reset();
  GST_OBJECT_UNLOCK(self);

  /* A wrong device or precision is a settings error, named as such before any model loads. */
  c10::Device device(c10::kCPU);
  try {
    device = srgan::resolve_device(options.device());
    srgan::resolve_precision(options.precision(), device);
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("%s", e.what()), (NULL));
    return FALSE;
  }
  /* On a GPU, frames overlap (one's copies with another's compute). On the CPU frames in flight
   * share the cores out: a frame per core scales better than every core on one frame (no
   * barrier between layers) and lets the wide networks use Winograd. */
  const guint in_flight = frames_in_flight ? frames_in_flight : (device.is_cuda() ? 3 : 1);
  if (device.is_cpu())
    options.threads(srgan::intra_op_threads_per_job(static_cast<int>(in_flight)));
  /* model-location wins; otherwise the bundled model by name, found beside the plugin. */
  std::string path = model_location.empty() ? "bundled model " + model_name : model_location;
  try {
    if (model_location.empty()) path = srgan::gst::bundled_model_location(model_name);
    options.model_path(path);
    GST_INFO_OBJECT(self, "loading model %s", path.c_str());
    std::unique_ptr<srgan::Upscaler> upscaler;
    {
      /* Another element may have left its own CUDA context current on this thread. */
      const srgan::gst::PushedContext pushed(self->state->cuda);
      upscaler = std::make_unique<srgan::Upscaler>(options);
    }
    GST_INFO_OBJECT(self, "loaded model: %s", upscaler->describe().c_str());
    if (!upscaler->model_warning().empty()) {
      GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS,
                          ("%s: %s", path.c_str(), upscaler->model_warning().c_str()), (NULL));
    }
    const c10::Device active = upscaler->device();  // with its index
    self->state->choose_frames_in_flight = frames_in_flight == 0 && active.is_cpu();
    self->state->warmed_format = GST_VIDEO_FORMAT_UNKNOWN;
    if (in_flight > 1) {
      self->state->in_flight = std::make_unique<srgan::gst::FramesInFlight>(
          static_cast<int>(in_flight), [active] { srgan::use_own_cuda_stream(active); });
    }
    GST_OBJECT_LOCK(self);
    self->state->frames_in_flight_used = in_flight;
    self->state->scale = static_cast<gint>(upscaler->scale());
    self->state->active_device = active.str();
    self->state->active_precision = srgan::to_string(srgan::precision_of(upscaler->dtype()));
    self->state->upscaler = std::move(upscaler);
    GST_OBJECT_UNLOCK(self);
  } catch (const srgan::ModelFileError& e) {
    if (e.reason() == srgan::ModelFileError::Reason::kNotFound) {
      GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND, ("Model file not found: %s", path.c_str()),
                        ("%s", e.what()));
    } else {
      GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ,
                        ("Could not load model %s: %s", path.c_str(), e.what()), (NULL));
    }
    return FALSE;
  } catch (const std::exception& e) {
    GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
                      ("Could not set up model %s: %s", path.c_str(), e.what()), (NULL));
    return FALSE;
  }
  return TRUE;
}

static gboolean gst_srgan_upscale_stop(GstBaseTransform* trans) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  self->state->in_flight.reset(); /* waits for the frames that run */
  GST_OBJECT_LOCK(self);
  auto upscaler = std::move(self->state->upscaler);
  GST_OBJECT_UNLOCK(self);
  const c10::Device device = upscaler ? upscaler->device() : c10::Device(c10::kCPU);
  upscaler.reset();                            /* frees the model outside the lock */
  srgan::release_cached_device_memory(device); /* a stopped element leaves the GPU as it was */
  return TRUE;
}

static gint current_scale(GstSrganUpscale* self) {
  GST_OBJECT_LOCK(self);
  const gint scale = self->state->scale;
  GST_OBJECT_UNLOCK(self);
  return scale;
}

static GstCaps* gst_srgan_upscale_transform_caps(GstBaseTransform* trans, GstPadDirection direction,
                                                 GstCaps* caps, GstCaps* filter) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  const gint scale = current_scale(self);
  GstCaps* result =
      srgan::gst::scale_caps(caps, scale, direction == GST_PAD_SINK, cuda_memory_usable(self));
  if (filter) {
    GstCaps* intersection = gst_caps_intersect_full(filter, result, GST_CAPS_INTERSECT_FIRST);
    gst_caps_unref(result);
    result = intersection;
  }
  result = srgan::gst::cuda_memory_first(result);
  GST_DEBUG_OBJECT(self, "scale %d, %s: %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT, scale,
                   direction == GST_PAD_SINK ? "sink to src" : "src to sink", caps, result);
  return result;
}

static GstCaps* gst_srgan_upscale_fixate_caps(GstBaseTransform* trans, GstPadDirection direction,
                                              GstCaps* caps, GstCaps* othercaps) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  const gint scale = MAX(current_scale(self), 1);
  othercaps = gst_caps_truncate(gst_caps_make_writable(othercaps));
  GstStructure* given = gst_caps_get_structure(caps, 0);
  GstStructure* other = gst_caps_get_structure(othercaps, 0);
  for (const char* field : {"width", "height"}) {
    gint value = 0;
    if (gst_structure_get_int(given, field, &value)) {
      const gint target = direction == GST_PAD_SINK ? value * scale : value / scale;
      gst_structure_fixate_field_nearest_int(other, field, target);
    }
  }
  return gst_caps_fixate(othercaps);
}

/* The first inference at a size (cuDNN's autotuning, oneDNN's primitives) runs when the caps
 * are set, not on the first frame; once per size and format. */
static void warm_up(GstSrganUpscale* self, const GstVideoInfo* info) {
  GstSrganUpscaleState* s = self->state;
  const GstVideoFormat format = GST_VIDEO_INFO_FORMAT(info);
  const gint width = GST_VIDEO_INFO_WIDTH(info), height = GST_VIDEO_INFO_HEIGHT(info);
  const auto pixel_format = srgan::gst::pixel_format_of(format);
  if (!pixel_format || !s->upscaler ||
      (format == s->warmed_format && width == s->warmed_width && height == s->warmed_height))
    return;
  const auto start = std::chrono::steady_clock::now();
  try {
    const int64_t scale = s->upscaler->scale();
    srgan::FrameBuffer in(*pixel_format, width, height),
        out(*pixel_format, width * scale, height * scale);
    const srgan::gst::PushedContext pushed(s->cuda);
    s->upscaler->upscale(in.view(), out.view());
  } catch (const std::exception& e) {
    GST_WARNING_OBJECT(self, "warm-up at %dx%d failed (the first frame will say why): %s", width,
                       height, e.what());
    return;
  }
  s->warmed_format = format;
  s->warmed_width = width;
  s->warmed_height = height;
  /* The first estimate of the processing latency, before the first frame. */
  if (s->processing.record(std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count()))
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
  GST_INFO_OBJECT(
      self, "warmed up at %dx%d %s in %.1f ms", width, height, GST_VIDEO_INFO_NAME(info),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
}

/* frames-in-flight=0 on the CPU, at the first caps of a start (no frame is in flight yet): two
 * frames sharing the cores where upstream is not live and both fit, one otherwise. */
template <typename Shortfall>
static void choose_cpu_frames_in_flight(GstSrganUpscale* self, const Shortfall& shortfall_for) {
  self->state->choose_frames_in_flight = false;
  const int chosen = srgan::gst::cpu_frames_in_flight(
      GST_BASE_TRANSFORM_SINK_PAD(self), srgan::intra_op_threads_per_job(1),
      [&](int frames) { return shortfall_for(frames).empty(); });
  if (chosen < 2) return;
  srgan::Upscaler& upscaler = *self->state->upscaler;
  const int threads = upscaler.share_cores(chosen);
  self->state->in_flight =
      std::make_unique<srgan::gst::FramesInFlight>(chosen, [] { /* the CPU: nothing to set */ });
  GST_OBJECT_LOCK(self);
  self->state->frames_in_flight_used = static_cast<guint>(chosen);
  GST_OBJECT_UNLOCK(self);
  GST_INFO_OBJECT(self, "upstream is not live: %d frames in flight, %d thread(s) each: %s", chosen,
                  threads, upscaler.describe().c_str());
  gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
}

static gboolean gst_srgan_upscale_set_caps(GstBaseTransform* trans, GstCaps* incaps,
                                           GstCaps* outcaps) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  GstVideoInfo in, out;
  if (!gst_video_info_from_caps(&in, incaps) || !gst_video_info_from_caps(&out, outcaps)) {
    GST_ERROR_OBJECT(self, "invalid caps %" GST_PTR_FORMAT " -> %" GST_PTR_FORMAT, incaps, outcaps);
    return FALSE;
  }
  const GstVideoInfo* in_info = &in;
  const GstVideoInfo* out_info = &out;
  if (GST_VIDEO_INFO_IS_INTERLACED(in_info)) {
    /* GstBaseTransform sets the caps again for every buffer: one error is enough. */
    if (!self->state->interlace_reported) {
      self->state->interlace_reported = true;
      GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("Interlaced video is not supported"),
                        ("srganupscale needs progressive frames: insert deinterlace before it "
                         "(caps %" GST_PTR_FORMAT ")",
                         incaps));
    }
    return FALSE;
  }
  const gint scale = current_scale(self);
  const gint in_w = GST_VIDEO_INFO_WIDTH(in_info), in_h = GST_VIDEO_INFO_HEIGHT(in_info);
  const gint out_w = GST_VIDEO_INFO_WIDTH(out_info), out_h = GST_VIDEO_INFO_HEIGHT(out_info);
  if (GST_VIDEO_INFO_FORMAT(in_info) != GST_VIDEO_INFO_FORMAT(out_info) || out_w != in_w * scale ||
      out_h != in_h * scale) {
    GST_ERROR_OBJECT(self, "output %" GST_PTR_FORMAT " is not input %" GST_PTR_FORMAT " scaled %dx",
                     outcaps, incaps, scale);
    return FALSE;
  }
  if ((srgan::gst::has_cuda_memory_feature(incaps) ||
       srgan::gst::has_cuda_memory_feature(outcaps)) &&
      !self->state->cuda.usable()) {
    GST_ERROR_OBJECT(self, "CUDA memory negotiated without a CUDA context");
    return FALSE;
  }
  /* Refused here, before the output pool allocates a frame: an 8K or 16K output that cannot
   * fit would otherwise swap or be killed. Frames in flight, the pool's spare and the sink's
   * last frame each hold an output frame, and each frame in flight its own tiles. */
  const auto shortfall_for = [&](int frames_in_flight) {
    return srgan::gst::memory_shortfall(*self->state->upscaler, in_info, out_info,
                                        frames_in_flight + 2, frames_in_flight,
                                        srgan::gst::has_cuda_memory_feature(outcaps));
  };
  if (self->state->choose_frames_in_flight) choose_cpu_frames_in_flight(self, shortfall_for);
  const std::string shortfall = shortfall_for(static_cast<int>(self->state->frames_in_flight_used));
  if (!shortfall.empty()) {
    GST_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT, ("%s", shortfall.c_str()),
                      ("use a smaller input, model=x2, or free memory (SRGAN_MEMORY_LIMIT_MB "
                       "bounds what is planned for)"));
    return FALSE;
  }
  GST_OBJECT_LOCK(self);
  const auto& upscaler = *self->state->upscaler;
  GST_DEBUG_OBJECT(
      self, "%dx%d -> %dx%d %s: %zu tile(s) of %" G_GINT64_FORMAT " px, overlap %" G_GINT64_FORMAT,
      in_w, in_h, out_w, out_h, GST_VIDEO_INFO_NAME(in_info), upscaler.plan(in_w, in_h).size(),
      upscaler.tile_size_for(in_w, in_h), upscaler.tile_overlap());
  GST_OBJECT_UNLOCK(self);
  const bool new_rate = GST_VIDEO_INFO_FPS_N(&self->state->in_info) != GST_VIDEO_INFO_FPS_N(&in) ||
                        GST_VIDEO_INFO_FPS_D(&self->state->in_info) != GST_VIDEO_INFO_FPS_D(&in);
  self->state->in_info = in;
  self->state->out_info = out;
  warm_up(self, in_info);
  /* The latency of frames in flight depends on the frame rate: the pipeline asks again. */
  if (new_rate && self->state->frames_in_flight_used > 1)
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
  return TRUE;
}

/* The output buffer's size follows from the output caps alone, as in GstVideoFilter: input
 * buffers need not be in the caps' default layout (decoders hand out padded planes described by
 * a GstVideoMeta, which the frame mapping follows), so no unit size is checked against them. */
static gboolean gst_srgan_upscale_transform_size(GstBaseTransform*, GstPadDirection, GstCaps*,
                                                 gsize, GstCaps* othercaps, gsize* othersize) {
  GstVideoInfo info;
  if (!gst_video_info_from_caps(&info, othercaps)) return FALSE;
  *othersize = GST_VIDEO_INFO_SIZE(&info);
  return TRUE;
}

/* Runs the upscaler on two mapped frames, each in host memory or (device) CUDA memory. */
static GstFlowReturn upscale_frames(GstSrganUpscale* self, GstVideoFrame* in, c10::Device in_device,
                                    GstVideoFrame* out, c10::Device out_device) {
  srgan::Upscaler* upscaler = self->state->upscaler.get();
  if (!upscaler) {
    GST_ELEMENT_ERROR(self, CORE, STATE_CHANGE, ("No model loaded"), (NULL));
    return GST_FLOW_ERROR;
  }
  const auto start = std::chrono::steady_clock::now();
  try {
    upscaler->upscale(srgan::gst::frame_view_of(in, in_device),
                      srgan::gst::frame_view_of(out, out_device));
  } catch (const std::exception& e) {
    const std::string message = e.what();
    GST_ELEMENT_ERROR(self, STREAM, FAILED,
                      ("Upscaling failed: %s", srgan::first_line(message).c_str()), (NULL));
    return GST_FLOW_ERROR;
  }
  const GstClockTime took =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count();
  self->state->statistics.frame_upscaled(took);
  if (self->state->processing.record(took))
    gst_element_post_message(GST_ELEMENT(self), gst_message_new_latency(GST_OBJECT(self)));
  /* Where each side's planes were ("host" or the GPU): tests/gpu/device-check.sh reads this
   * line to prove that frames in CUDA memory never crossed the host. */
  GST_DEBUG_OBJECT(
      self, "frame %dx%d in %zu tile(s), %.1f ms, in: %s, out: %s", GST_VIDEO_FRAME_WIDTH(in),
      GST_VIDEO_FRAME_HEIGHT(in),
      upscaler->plan(GST_VIDEO_FRAME_WIDTH(in), GST_VIDEO_FRAME_HEIGHT(in)).size(),
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
      in_device.is_cuda() ? in_device.str().c_str() : "host",
      out_device.is_cuda() ? out_device.str().c_str() : "host");
  return GST_FLOW_OK;
}

/* Each side is mapped on its own (CUDA memory for the device, anything else for the host); a
 * buffer that does not hold a frame of the negotiated caps is an error. */
static GstFlowReturn upscale_buffers(GstSrganUpscale* self, GstBuffer* inbuf, GstBuffer* outbuf,
                                     const GstVideoInfo* in_info, const GstVideoInfo* out_info) {
  GstVideoFrame in, out;
  c10::Device in_device = c10::kCPU, out_device = c10::kCPU;
  /* NO_REF: a mapped frame's extra reference would make the output buffer read-only. */
  const auto read = static_cast<GstMapFlags>(GST_MAP_READ | GST_VIDEO_FRAME_MAP_FLAG_NO_REF);
  const auto write = static_cast<GstMapFlags>(GST_MAP_WRITE | GST_VIDEO_FRAME_MAP_FLAG_NO_REF);
  srgan::gst::SharedCudaMemory& cuda = self->state->cuda;
  if (!cuda.map(GST_ELEMENT(self), &in, in_info, inbuf, read, &in_device)) {
    GST_ELEMENT_ERROR(
        self, STREAM, FORMAT,
        ("Input buffer of %" G_GSIZE_FORMAT " bytes does not hold a %dx%d %s frame "
         "(%" G_GSIZE_FORMAT " bytes)",
         gst_buffer_get_size(inbuf), GST_VIDEO_INFO_WIDTH(in_info), GST_VIDEO_INFO_HEIGHT(in_info),
         GST_VIDEO_INFO_NAME(in_info), GST_VIDEO_INFO_SIZE(in_info)),
        ("%" GST_PTR_FORMAT, inbuf));
    return GST_FLOW_ERROR;
  }
  if (!cuda.map(GST_ELEMENT(self), &out, out_info, outbuf, write, &out_device)) {
    gst_video_frame_unmap(&in);
    GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("Could not map the output buffer"),
                      ("%" GST_PTR_FORMAT, outbuf));
    return GST_FLOW_ERROR;
  }
  GstFlowReturn result = GST_FLOW_OK;
  {
    const srgan::gst::PushedContext pushed(cuda);
    result = upscale_frames(self, &in, in_device, &out, out_device);
  }
  gst_video_frame_unmap(&in);
  gst_video_frame_unmap(&out);
  return result;
}

static GstFlowReturn gst_srgan_upscale_transform(GstBaseTransform* trans, GstBuffer* inbuf,
                                                 GstBuffer* outbuf) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  apply_tiling_changes(self);
  return upscale_buffers(self, inbuf, outbuf, &self->state->in_info, &self->state->out_info);
}

/* The base class decides QoS drops here: each one is counted for frames-dropped. */
static GstFlowReturn gst_srgan_upscale_submit_input_buffer(GstBaseTransform* trans,
                                                           gboolean is_discont, GstBuffer* input) {
  const GstFlowReturn result =
      GST_BASE_TRANSFORM_CLASS(parent_class)->submit_input_buffer(trans, is_discont, input);
  if (result == GST_BASE_TRANSFORM_FLOW_DROPPED)
    GST_SRGAN_UPSCALE(trans)->state->statistics.frame_dropped();
  return result;
}

/* Hands a finished frame downstream, or drops it when it failed; returns the flow. */
static GstFlowReturn push_finished(GstSrganUpscale* self, GstBuffer* out, GstFlowReturn result) {
  if (result != GST_FLOW_OK) {
    gst_buffer_unref(out);
    return result;
  }
  return gst_pad_push(GST_BASE_TRANSFORM_SRC_PAD(self), out);
}

/* Pushes every frame in flight downstream, in order (before a serialized event passes them). */
static GstFlowReturn drain_frames_in_flight(GstSrganUpscale* self) {
  srgan::gst::FramesInFlight* in_flight = self->state->in_flight.get();
  GstFlowReturn flow = GST_FLOW_OK;
  GstBuffer* out = nullptr;
  GstFlowReturn result = GST_FLOW_OK;
  while (in_flight && in_flight->pop(&out, &result, true)) {
    if (flow == GST_FLOW_OK) {
      flow = push_finished(self, out, result);
    } else {
      gst_buffer_unref(out);
    }
  }
  return flow;
}

/* With frames in flight: the input the base class queued (after its QoS check) goes to a
 * worker with an output buffer prepared as the base class would (pool, metadata); the oldest
 * finished frame, if any, goes downstream. Output order is input order. */
static GstFlowReturn gst_srgan_upscale_generate_output(GstBaseTransform* trans,
                                                       GstBuffer** outbuf) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  srgan::gst::FramesInFlight* in_flight = self->state->in_flight.get();
  if (!in_flight) return GST_BASE_TRANSFORM_CLASS(parent_class)->generate_output(trans, outbuf);
  *outbuf = nullptr;
  apply_tiling_changes(self);
  if (GstBuffer* inbuf = trans->queued_buf) {
    trans->queued_buf = nullptr;
    /* What the base class's generate_output would do first: renegotiate if downstream asked. */
    if (!gst_base_transform_reconfigure(trans)) {
      gst_buffer_unref(inbuf);
      return GST_FLOW_NOT_NEGOTIATED;
    }
    /* Downstream's pool may hold fewer buffers than there are frames in flight. */
    GstBufferPool* pool = gst_base_transform_get_buffer_pool(trans);
    const GstFlowReturn room = srgan::gst::make_room_in_pool(
        pool, *in_flight,
        [self](GstBuffer* finished, GstFlowReturn r) { return push_finished(self, finished, r); });
    if (pool) gst_object_unref(pool);
    if (room != GST_FLOW_OK) {
      gst_buffer_unref(inbuf);
      return room;
    }
    GstBuffer* out = nullptr;
    const GstFlowReturn prepared =
        GST_BASE_TRANSFORM_CLASS(parent_class)->prepare_output_buffer(trans, inbuf, &out);
    if (prepared != GST_FLOW_OK || !out) {
      gst_buffer_unref(inbuf);
      return prepared == GST_FLOW_OK ? GST_FLOW_ERROR : prepared;
    }
    const GstVideoInfo in_info = self->state->in_info, out_info = self->state->out_info;
    in_flight->submit(out, [self, inbuf, out, in_info, out_info]() {
      const GstFlowReturn result = upscale_buffers(self, inbuf, out, &in_info, &out_info);
      gst_buffer_unref(inbuf);
      return result;
    });
  }
  GstFlowReturn result = GST_FLOW_OK;
  if (in_flight->pop(outbuf, &result, false) && result != GST_FLOW_OK) {
    gst_buffer_unref(*outbuf);
    *outbuf = nullptr;
  }
  return result;
}

/* Serialized events (EOS, new caps, segments) wait for the frames before them; a flush drops
 * the frames in flight. */
static gboolean gst_srgan_upscale_sink_event(GstBaseTransform* trans, GstEvent* event) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  if (self->state->in_flight) {
    if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
      self->state->in_flight->discard();
    } else if (GST_EVENT_IS_SERIALIZED(event)) {
      drain_frames_in_flight(self);
    }
  }
  return GST_BASE_TRANSFORM_CLASS(parent_class)->sink_event(trans, event);
}

/* Downstream's pool: a CUDA pool of the shared context for CUDA memory; otherwise the base
 * class's choice, with video meta where downstream reads it (padded strides). */
static gboolean gst_srgan_upscale_decide_allocation(GstBaseTransform* trans, GstQuery* query) {
  GstCaps* caps = nullptr;
  gst_query_parse_allocation(query, &caps, nullptr);
  if (!caps) return FALSE;
  if (srgan::gst::has_cuda_memory_feature(caps) &&
      !GST_SRGAN_UPSCALE(trans)->state->cuda.decide_allocation(GST_ELEMENT(trans), query, caps))
    return FALSE;
  if (!GST_BASE_TRANSFORM_CLASS(parent_class)->decide_allocation(trans, query)) return FALSE;
  GstBufferPool* pool = nullptr;
  if (gst_query_get_n_allocation_pools(query) > 0)
    gst_query_parse_nth_allocation_pool(query, 0, &pool, nullptr, nullptr, nullptr);
  if (pool && gst_query_find_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr)) {
    GstStructure* config = gst_buffer_pool_get_config(pool);
    gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
    gst_buffer_pool_set_config(pool, config);
  }
  if (pool) gst_object_unref(pool);
  return TRUE;
}

/* Upstream may write frames with padded strides (video meta), into a pool of ours: a CUDA pool
 * of the shared context for CUDA memory, a video pool for system memory. */
static gboolean gst_srgan_upscale_propose_allocation(GstBaseTransform* trans, GstQuery*,
                                                     GstQuery* query) {
  GstCaps* caps = nullptr;
  gboolean need_pool = FALSE;
  gst_query_parse_allocation(query, &caps, &need_pool);
  if (!caps) return FALSE;
  gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
  if (!need_pool || gst_query_get_n_allocation_pools(query) > 0) return TRUE;
  GstVideoInfo info;
  if (!gst_video_info_from_caps(&info, caps)) return FALSE;
  guint size = GST_VIDEO_INFO_SIZE(&info);
  GstBufferPool* pool = nullptr;
  if (srgan::gst::has_cuda_memory_feature(caps)) {
    pool = GST_SRGAN_UPSCALE(trans)->state->cuda.new_pool(caps, &size);
    if (!pool) return FALSE;
  }
  if (!pool) {
    pool = gst_video_buffer_pool_new();
    GstStructure* config = gst_buffer_pool_get_config(pool);
    gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
    gst_buffer_pool_config_set_params(config, caps, size, 0, 0);
    if (!gst_buffer_pool_set_config(pool, config)) {
      gst_object_unref(pool);
      return FALSE;
    }
  }
  gst_query_add_allocation_pool(query, pool, size, 0, 0);
  gst_object_unref(pool);
  return TRUE;
}

/* A context set by the application or another element is taken only if it is LibTorch's (the
 * same primary context); any other would hand LibTorch pointers it cannot use. */
static void gst_srgan_upscale_set_context(GstElement* element, GstContext* context) {
  GST_SRGAN_UPSCALE(element)->state->cuda.offered(element, context);
  GST_ELEMENT_CLASS(parent_class)->set_context(element, context);
}

/* NULL->READY: with a GPU device, LibTorch's context is shared and announced before upstream
 * neighbours (which reach READY after this element) look for one; downstream ones, which reach
 * READY first, get it from their context query (answered even in NULL). */
static GstStateChangeReturn gst_srgan_upscale_change_state(GstElement* element,
                                                           GstStateChange transition) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(element);
  if (transition == GST_STATE_CHANGE_NULL_TO_READY) {
    GST_OBJECT_LOCK(self);
    const std::string device = self->state->device;
    GST_OBJECT_UNLOCK(self);
    self->state->cuda.open(element, device);
  }
  const GstStateChangeReturn result =
      GST_ELEMENT_CLASS(parent_class)->change_state(element, transition);
  if (transition == GST_STATE_CHANGE_READY_TO_NULL ||
      (transition == GST_STATE_CHANGE_NULL_TO_READY && result == GST_STATE_CHANGE_FAILURE))
    self->state->cuda.close();
  return result;
}

/* Caps answers list CUDA memory first; the latency adds the frames in flight. */
static gboolean gst_srgan_upscale_query(GstBaseTransform* trans, GstPadDirection direction,
                                        GstQuery* query) {
  GstSrganUpscale* self = GST_SRGAN_UPSCALE(trans);
  if (GST_QUERY_TYPE(query) == GST_QUERY_CONTEXT) {
    GST_OBJECT_LOCK(self);
    const std::string device = self->state->device;
    GST_OBJECT_UNLOCK(self);
    if (self->state->cuda.answer_context_query(GST_ELEMENT(self), query, device)) return TRUE;
  }
  if (!GST_BASE_TRANSFORM_CLASS(parent_class)->query(trans, direction, query)) return FALSE;
  if (GST_QUERY_TYPE(query) == GST_QUERY_CAPS) {
    /* GstBaseTransform puts the caps it could pass through unchanged first, in the asking
     * neighbour's order (system memory first for cudaupload): CUDA memory goes first again. */
    GstCaps* caps = nullptr;
    gst_query_parse_caps_result(query, &caps);
    if (caps) {
      GstCaps* ordered = srgan::gst::cuda_memory_first(gst_caps_ref(caps));
      gst_query_set_caps_result(query, ordered);
      gst_caps_unref(ordered);
    }
  } else if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY && direction == GST_PAD_SRC) {
    /* A frame leaves when the one `frames in flight - 1` later comes in, and its own
     * processing time (measured) after that. */
    const GstVideoInfo* info = &self->state->in_info;
    const guint extra_frames = self->state->frames_in_flight_used - 1;
    GstClockTime added = self->state->processing.reported();
    if (extra_frames > 0 && GST_VIDEO_INFO_FPS_N(info) > 0) {
      added += gst_util_uint64_scale(extra_frames * GST_SECOND, GST_VIDEO_INFO_FPS_D(info),
                                     GST_VIDEO_INFO_FPS_N(info));
    }
    if (added > 0) {
      gboolean live = FALSE;
      GstClockTime min = 0, max = 0;
      gst_query_parse_latency(query, &live, &min, &max);
      gst_query_set_latency(query, live, min + added,
                            GST_CLOCK_TIME_IS_VALID(max) ? max + added : max);
      GST_DEBUG_OBJECT(self, "latency: adds %" GST_TIME_FORMAT, GST_TIME_ARGS(added));
    }
  }
  return TRUE;
}

/* Keeps metas that do not depend on the frame size, scales those that do and can be scaled
 * (regions of interest), and drops the rest: as videoscale does. */
static gboolean gst_srgan_upscale_transform_meta(GstBaseTransform* trans, GstBuffer* outbuf,
                                                 GstMeta* meta, GstBuffer* inbuf) {
  GstSrganUpscaleState* s = GST_SRGAN_UPSCALE(trans)->state;
  const GstMetaInfo* info = meta->info;
  const gchar* const* tags = gst_meta_api_type_get_tags(info->api);
  if (!tags) return TRUE;
  if (gst_meta_api_type_has_tag(info->api,
                                g_quark_from_static_string(GST_META_TAG_VIDEO_SIZE_STR))) {
    GstVideoMetaTransform transform = {&s->in_info, &s->out_info};
    if (info->transform_func) {
      info->transform_func(outbuf, meta, inbuf, gst_video_meta_transform_scale_get_quark(),
                           &transform);
    }
    return FALSE;
  }
  static const gchar* const valid[] = {GST_META_TAG_VIDEO_STR, GST_META_TAG_VIDEO_COLORSPACE_STR,
                                       GST_META_TAG_VIDEO_ORIENTATION_STR, NULL};
  for (const gchar* const* tag = tags; *tag; ++tag) {
    if (!g_strv_contains(valid, *tag)) return FALSE;
  }
  return TRUE;
}

static void gst_srgan_upscale_finalize(GObject* object) {
  delete GST_SRGAN_UPSCALE(object)->state;
  G_OBJECT_CLASS(parent_class)->finalize(object);
}

static void gst_srgan_upscale_class_init(GstSrganUpscaleClass* klass) {
  GObjectClass* gobject_class = G_OBJECT_CLASS(klass);
  GstElementClass* element_class = GST_ELEMENT_CLASS(klass);
  GstBaseTransformClass* trans_class = GST_BASE_TRANSFORM_CLASS(klass);

  GST_DEBUG_CATEGORY_INIT(gst_srgan_upscale_debug, "srganupscale", 0, "SRGAN video upscaler");

  gobject_class->set_property = gst_srgan_upscale_set_property;
  gobject_class->get_property = gst_srgan_upscale_get_property;
  gobject_class->finalize = gst_srgan_upscale_finalize;

  /* What needs a new model changes in NULL or READY; the tiling changes any time. */
  const auto flags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                              GST_PARAM_MUTABLE_READY);
  const auto live_flags = static_cast<GParamFlags>(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                   GST_PARAM_MUTABLE_PLAYING);
  /**
   * GstSrganUpscale:model:
   *
   * A bundled model by name (x4, x2 for compressed video; x4-clean, x2-clean for pristine sources;
   * x4-srgan), installed with the plugin; model-location wins when
   * set.
   */
  g_object_class_install_property(
      gobject_class, PROP_MODEL,
      g_param_spec_enum("model", "Model", "Bundled model, by name (model-location wins when set)",
                        GST_TYPE_SRGAN_MODEL, DEFAULT_MODEL, flags));
  /**
   * GstSrganUpscale:model-location:
   *
   * A model file of your own: an srganupscale checkpoint (made by srgan-train) or a TorchScript
   * module. When set, it is used instead of the bundled model that model names.
   */
  g_object_class_install_property(
      gobject_class, PROP_MODEL_LOCATION,
      g_param_spec_string("model-location", "Model location",
                          "Checkpoint or TorchScript file of a model of your own (unset: the "
                          "bundled model named by 'model')",
                          NULL, flags));
  /**
   * GstSrganUpscale:device:
   *
   * Where the network runs: "auto" (CUDA when available), "cpu", "cuda" or "cuda:N".
   */
  g_object_class_install_property(
      gobject_class, PROP_DEVICE,
      g_param_spec_string("device", "Device", "Where the network runs: auto, cpu, cuda or cuda:N",
                          DEFAULT_DEVICE, flags));
  /**
   * GstSrganUpscale:precision:
   *
   * Arithmetic precision of the network.
   */
  g_object_class_install_property(
      gobject_class, PROP_PRECISION,
      g_param_spec_enum("precision", "Precision", "Arithmetic precision of the network",
                        GST_TYPE_SRGAN_PRECISION, DEFAULT_PRECISION, flags));
  /**
   * GstSrganUpscale:tile-size:
   *
   * Edge of the square input tiles the network runs on, in pixels; 0 derives it from a memory
   * budget.
   */
  g_object_class_install_property(
      gobject_class, PROP_TILE_SIZE,
      g_param_spec_uint("tile-size", "Tile size",
                        "Edge of the input tiles in pixels (0 = from a memory budget: 1 GiB on "
                        "the CPU, half the free memory on CUDA; 1 to 7 mean 8); applies from "
                        "the next frame",
                        0, 65536, DEFAULT_TILE_SIZE, live_flags));
  /**
   * GstSrganUpscale:tile-overlap:
   *
   * Context each tile reads beyond its edges, in input pixels; -1 uses the model's receptive field.
   */
  g_object_class_install_property(
      gobject_class, PROP_TILE_OVERLAP,
      g_param_spec_int("tile-overlap", "Tile overlap",
                       "Context each tile reads beyond its edges in input pixels (-1 = the model's "
                       "receptive field); applies from the next frame",
                       -1, 1024, DEFAULT_TILE_OVERLAP, live_flags));
  /**
   * GstSrganUpscale:frames-in-flight:
   *
   * Frames upscaled at once, each on a thread (and, on a GPU, a CUDA stream) of its own, so one
   * frame's copies overlap another's compute; output keeps the input order. Adds
   * frames-in-flight - 1 frames of latency (the latency query says so). On the CPU the frames
   * share the cores out (OMP_NUM_THREADS, else every core, divided among them): on 2 cores two
   * frames upscaled 1.2-1.4x more frames a second with model=x4, 1.1x with model=x2
   * (docs/PERFORMANCE.md), at twice the time per frame and working memory. So 0 (auto) means
   * 3 on CUDA and, on the CPU, 2 where upstream is not live (files) and they fit in memory, 1
   * where it is (cameras, network streams: latency matters); active-frames-in-flight says
   * which, once caps are set.
   */
  g_object_class_install_property(
      gobject_class, PROP_FRAMES_IN_FLIGHT,
      g_param_spec_uint(
          "frames-in-flight", "Frames in flight",
          "Frames upscaled at once, on the CPU sharing the cores (0 = per device: 3 on CUDA; on "
          "the CPU 2 where upstream is not live, else 1)",
          0, MAX_FRAMES_IN_FLIGHT, DEFAULT_FRAMES_IN_FLIGHT, flags));
  /**
   * GstSrganUpscale:scale:
   *
   * The upscaling factor of the model set, from the start (a bundled model's is known without
   * loading it; a file's is read when model-location is set), so applications can size their
   * output before preroll.
   */
  g_object_class_install_property(
      gobject_class, PROP_SCALE,
      g_param_spec_int("scale", "Scale",
                       "Upscaling factor of the model set (read when model or model-location "
                       "changes; 0 while it cannot be read)",
                       0, 16, srgan::bundled_models().at(DEFAULT_MODEL).scale,
                       static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
  const auto read_only = static_cast<GParamFlags>(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * GstSrganUpscale:active-device:
   *
   * Where the network runs, once started ("cpu", "cuda:0"): what device=auto chose.
   */
  g_object_class_install_property(
      gobject_class, PROP_ACTIVE_DEVICE,
      g_param_spec_string("active-device", "Active device",
                          "Where the network runs once started (what device=auto chose; unset "
                          "before)",
                          NULL, read_only));
  /**
   * GstSrganUpscale:active-precision:
   *
   * The network's arithmetic once started ("fp32", "bf16", "fp16"): what precision=auto chose.
   */
  g_object_class_install_property(
      gobject_class, PROP_ACTIVE_PRECISION,
      g_param_spec_string("active-precision", "Active precision",
                          "The network's arithmetic once started (what precision=auto chose; "
                          "unset before)",
                          NULL, read_only));
  /**
   * GstSrganUpscale:active-frames-in-flight:
   *
   * Frames upscaled at once: frames-in-flight, or what 0 chose (3 on CUDA; on the CPU, from the
   * first caps on, 2 sharing the cores where upstream is not live and they fit in memory, else 1).
   */
  g_object_class_install_property(
      gobject_class, PROP_ACTIVE_FRAMES_IN_FLIGHT,
      g_param_spec_uint(
          "active-frames-in-flight", "Active frames in flight",
          "Frames upscaled at once (what frames-in-flight=0 chose, once caps are set)", 1,
          MAX_FRAMES_IN_FLIGHT, 1, read_only));
  /**
   * GstSrganUpscale:frames-upscaled:
   *
   * Frames upscaled since the element started.
   */
  g_object_class_install_property(
      gobject_class, PROP_FRAMES_UPSCALED,
      g_param_spec_uint64("frames-upscaled", "Frames upscaled", "Frames upscaled since start", 0,
                          G_MAXUINT64, 0, read_only));
  /**
   * GstSrganUpscale:frames-dropped:
   *
   * Frames dropped since the element started because they would have been late (QoS).
   */
  g_object_class_install_property(
      gobject_class, PROP_FRAMES_DROPPED,
      g_param_spec_uint64("frames-dropped", "Frames dropped",
                          "Frames dropped for QoS (too late for a live sink) since start", 0,
                          G_MAXUINT64, 0, read_only));
  /**
   * GstSrganUpscale:mean-frame-time:
   *
   * Mean milliseconds the element spent per upscaled frame since it started.
   */
  g_object_class_install_property(
      gobject_class, PROP_MEAN_FRAME_TIME,
      g_param_spec_double("mean-frame-time", "Mean frame time",
                          "Mean milliseconds per upscaled frame since start (0 before the first)",
                          0, G_MAXDOUBLE, 0, read_only));

  gst_element_class_set_static_metadata(
      element_class, "Super-resolution upscaler", "Filter/Converter/Video/Scaler",
      "Upscales video 2x or 4x with a super-resolution network (LibTorch, CPU or CUDA): bundled "
      "models trained for compressed video, or a checkpoint or TorchScript module of your own",
      "srganupscale developers");
  GstCaps* caps = srgan::gst::SharedCudaMemory::template_caps();
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, caps));
  gst_element_class_add_pad_template(
      element_class, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, caps));
  gst_caps_unref(caps);

  trans_class->start = GST_DEBUG_FUNCPTR(gst_srgan_upscale_start);
  trans_class->stop = GST_DEBUG_FUNCPTR(gst_srgan_upscale_stop);
  trans_class->transform_caps = GST_DEBUG_FUNCPTR(gst_srgan_upscale_transform_caps);
  trans_class->fixate_caps = GST_DEBUG_FUNCPTR(gst_srgan_upscale_fixate_caps);
  trans_class->transform_meta = GST_DEBUG_FUNCPTR(gst_srgan_upscale_transform_meta);
  trans_class->passthrough_on_same_caps = FALSE;
  trans_class->set_caps = GST_DEBUG_FUNCPTR(gst_srgan_upscale_set_caps);
  trans_class->transform_size = GST_DEBUG_FUNCPTR(gst_srgan_upscale_transform_size);
  trans_class->decide_allocation = GST_DEBUG_FUNCPTR(gst_srgan_upscale_decide_allocation);
  trans_class->propose_allocation = GST_DEBUG_FUNCPTR(gst_srgan_upscale_propose_allocation);
  trans_class->transform = GST_DEBUG_FUNCPTR(gst_srgan_upscale_transform);
  trans_class->generate_output = GST_DEBUG_FUNCPTR(gst_srgan_upscale_generate_output);
  trans_class->submit_input_buffer = GST_DEBUG_FUNCPTR(gst_srgan_upscale_submit_input_buffer);
  trans_class->sink_event = GST_DEBUG_FUNCPTR(gst_srgan_upscale_sink_event);
  trans_class->query = GST_DEBUG_FUNCPTR(gst_srgan_upscale_query);
  element_class->set_context = GST_DEBUG_FUNCPTR(gst_srgan_upscale_set_context);
  element_class->change_state = GST_DEBUG_FUNCPTR(gst_srgan_upscale_change_state);

  gst_type_mark_as_plugin_api(GST_TYPE_SRGAN_PRECISION, static_cast<GstPluginAPIFlags>(0));
  gst_type_mark_as_plugin_api(GST_TYPE_SRGAN_MODEL, static_cast<GstPluginAPIFlags>(0));
}

static void gst_srgan_upscale_init(GstSrganUpscale* self) {
  self->state = new GstSrganUpscaleState();
  gst_base_transform_set_qos_enabled(GST_BASE_TRANSFORM(self), TRUE);
}
