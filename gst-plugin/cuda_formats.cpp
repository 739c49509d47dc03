/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cuda_formats.h"

#include <algorithm>

#include "video_formats.h"

namespace srgan::gst {

std::vector<GstVideoFormat> cuda_allocator_formats(guint major, guint minor) {
  // gst-libs/gst/cuda/gstcudamemory.c, gst_cuda_allocator_alloc_internal's switch (1.22.0).
  std::vector<const char*> names = {
      "I420", "YV12",      "I420_10LE", "Y42B",       "I422_10LE",  "I422_12LE", "NV12",
      "NV21", "P010_10LE", "P016_LE",   "Y444",       "Y444_16LE",  "RGBP",      "BGRP",
      "GBR",  "GBRA",      "BGRA",      "RGBA",       "RGBx",       "BGRx",      "ARGB",
      "ABGR", "RGB",       "BGR",       "BGR10A2_LE", "RGB10A2_LE", "YUY2",      "UYVY"};
  if (major > 1 || (major == 1 && minor >= 24)) {
    // gst_cuda_allocator_update_info (gstcudamemory.cpp, 1.24): 12-bit and more 4:4:4 layouts,
    // named since older headers lack some of them.
    names.insert(names.end(), {"I420_12LE", "P012_LE", "Y444_10LE", "Y444_12LE", "GBR_10LE",
                               "GBR_12LE", "GBR_16LE"});
  }
  std::vector<GstVideoFormat> formats;
  for (const char* name : names) {
    const GstVideoFormat format = gst_video_format_from_string(name);
    if (format != GST_VIDEO_FORMAT_UNKNOWN) formats.push_back(format);
  }
  return formats;
}

void element_cuda_formats(GValue* list) {
  guint major = 0, minor = 0, micro = 0, nano = 0;
  gst_version(&major, &minor, &micro, &nano);
  const std::vector<GstVideoFormat> allocatable = cuda_allocator_formats(major, minor);
  GstStructure* all = gst_structure_from_string("f, format=(string)" SRGAN_VIDEO_FORMATS, nullptr);
  const GValue* element_formats = gst_structure_get_value(all, "format");
  g_value_init(list, GST_TYPE_LIST);
  for (guint i = 0; i < gst_value_list_get_size(element_formats); ++i) {
    const GValue* name = gst_value_list_get_value(element_formats, i);
    const GstVideoFormat format = gst_video_format_from_string(g_value_get_string(name));
    if (std::find(allocatable.begin(), allocatable.end(), format) != allocatable.end())
      gst_value_list_append_value(list, name);
  }
  gst_structure_free(all);
}

bool restrict_to_cuda_formats(GstStructure* structure) {
  const GValue* format = gst_structure_get_value(structure, "format");
  GValue allowed = G_VALUE_INIT;
  element_cuda_formats(&allowed);
  if (format == nullptr) {  // any format: the CUDA ones
    gst_structure_take_value(structure, "format", &allowed);
    return true;
  }
  GValue narrowed = G_VALUE_INIT;
  const bool any = gst_value_intersect(&narrowed, format, &allowed);
  g_value_unset(&allowed);
  if (any) gst_structure_take_value(structure, "format", &narrowed);
  return any;
}

}  // namespace srgan::gst
