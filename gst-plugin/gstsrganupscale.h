/* srganupscale: video super-resolution (x4, x2) with a LibTorch network.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

#define GST_TYPE_SRGAN_UPSCALE (gst_srgan_upscale_get_type())
G_DECLARE_FINAL_TYPE(GstSrganUpscale, gst_srgan_upscale, GST, SRGAN_UPSCALE, GstBaseTransform)

#define GST_TYPE_SRGAN_PRECISION (gst_srgan_precision_get_type())
GType gst_srgan_precision_get_type(void);

GST_ELEMENT_REGISTER_DECLARE(srganupscale);

G_END_DECLS
