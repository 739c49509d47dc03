/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "size_caps.h"

#include "cuda_formats.h"

#include <initializer_list>

namespace srgan::gst {
namespace {

// GST_CAPS_FEATURE_MEMORY_CUDA_MEMORY, spelled out: this file builds without GStreamer's CUDA
// library too (the feature is then never offered).
constexpr char kCudaMemory[] = "memory:CUDAMemory";

bool scale_range(GValue* out, const GValue* in, gint scale, bool up) {
  const gint64 lo = gst_value_get_int_range_min(in), hi = gst_value_get_int_range_max(in);
  const gint64 min = up ? lo * scale : (lo + scale - 1) / scale;
  const gint64 max = MIN(up ? hi * scale : hi / scale, G_MAXINT);
  if (min > max) return false;
  if (min == max) {
    g_value_init(out, G_TYPE_INT);
    g_value_set_int(out, static_cast<gint>(min));
  } else if (up) {
    g_value_init(out, GST_TYPE_INT_RANGE);
    gst_value_set_int_range_step(out, static_cast<gint>(min), static_cast<gint>(max - max % scale),
                                 scale);
  } else {
    g_value_init(out, GST_TYPE_INT_RANGE);
    gst_value_set_int_range(out, static_cast<gint>(min), static_cast<gint>(max));
  }
  return true;
}

bool scale_list(GValue* out, const GValue* in, gint scale, bool up) {
  g_value_init(out, GST_TYPE_LIST);
  for (guint i = 0; i < gst_value_list_get_size(in); ++i) {
    GValue item = G_VALUE_INIT;
    if (scale_dimension(&item, gst_value_list_get_value(in, i), scale, up)) {
      gst_value_list_append_and_take_value(out, &item);
    }
  }
  if (gst_value_list_get_size(out) > 0) return true;
  g_value_unset(out);
  return false;
}

// The structure with its width and height scaled; nullptr when a size has no pre-image.
GstStructure* scaled_structure(const GstStructure* in, gint scale, bool up) {
  GstStructure* structure = gst_structure_copy(in);
  for (const char* field : {"width", "height"}) {
    const GValue* value = gst_structure_get_value(structure, field);
    if (!value) continue;
    if (scale == 0) {  // no model yet: the scale is unknown, so any size may correspond
      gst_structure_set(structure, field, GST_TYPE_INT_RANGE, 1, G_MAXINT, NULL);
      continue;
    }
    GValue scaled = G_VALUE_INIT;
    if (!scale_dimension(&scaled, value, scale, up)) {
      gst_structure_free(structure);
      return nullptr;
    }
    gst_structure_take_value(structure, field, &scaled);
  }
  return structure;
}

}  // namespace

bool scale_dimension(GValue* out, const GValue* in, gint scale, bool up) {
  if (G_VALUE_HOLDS_INT(in)) {
    const gint v = g_value_get_int(in);
    if (!up && v % scale != 0) return false;
    const gint64 scaled = up ? gint64{v} * scale : v / scale;
    if (scaled > G_MAXINT) return false;
    g_value_init(out, G_TYPE_INT);
    g_value_set_int(out, static_cast<gint>(scaled));
    return true;
  }
  if (GST_VALUE_HOLDS_INT_RANGE(in)) return scale_range(out, in, scale, up);
  if (GST_VALUE_HOLDS_LIST(in)) return scale_list(out, in, scale, up);
  return false;
}

GstCaps* scale_caps(const GstCaps* caps, gint scale, bool up, bool cuda_memory) {
  GstCaps* result = gst_caps_new_empty();
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    if (!cuda_memory && has_cuda_memory_feature(caps, i)) continue;
    GstStructure* structure = scaled_structure(gst_caps_get_structure(caps, i), scale, up);
    if (!structure) continue;
    GstStructure* on_device = cuda_memory ? gst_structure_copy(structure) : nullptr;
    if (on_device && restrict_to_cuda_formats(on_device)) {
      result = gst_caps_merge_structure_full(result, on_device,
                                             gst_caps_features_new(kCudaMemory, NULL));
    } else if (on_device) {
      gst_structure_free(on_device);
    }
    result = gst_caps_merge_structure_full(
        result, structure, gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, NULL));
  }
  return result;
}

GstCaps* cuda_memory_first(GstCaps* caps) {
  GstCaps* cuda = gst_caps_new_empty();
  GstCaps* rest = gst_caps_new_empty();
  if (gst_caps_is_any(caps)) {
    gst_caps_unref(cuda);
    gst_caps_unref(rest);
    return caps;
  }
  for (guint i = 0; i < gst_caps_get_size(caps); ++i) {
    gst_caps_append_structure_full(has_cuda_memory_feature(caps, i) ? cuda : rest,
                                   gst_structure_copy(gst_caps_get_structure(caps, i)),
                                   gst_caps_features_copy(gst_caps_get_features(caps, i)));
  }
  gst_caps_unref(caps);
  gst_caps_append(cuda, rest);  // takes rest
  return cuda;
}

bool has_cuda_memory_feature(const GstCaps* caps, guint index) {
  const GstCapsFeatures* features = gst_caps_get_features(caps, index);
  return features != nullptr && !gst_caps_features_is_any(features) &&
         gst_caps_features_contains(features, kCudaMemory);
}

}  // namespace srgan::gst
