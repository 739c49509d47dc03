/* The element's video formats, in one list for the caps templates and the CUDA-memory subset.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

/// Every format core supports, for the caps templates (GST_VIDEO_CAPS_MAKE); each maps through
/// pixel_format_of (Element.TemplateCapsListEveryCoreFormat checks the two agree).
#define SRGAN_VIDEO_FORMATS                                                                    \
  "{ RGB, BGR, RGBA, BGRA, ARGB, ABGR, RGBx, BGRx, xRGB, xBGR, I420, YV12, NV12, NV21, Y444, " \
  "Y42B, GRAY8, P010_10LE, P016_LE, I420_10LE, I422_10LE, Y444_10LE, Y444_16LE, GRAY16_LE, "   \
  "RGBA64_LE, ABGR64_LE }"
