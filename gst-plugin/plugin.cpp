/* srganupscale: video super-resolution with LibTorch networks.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The plugin "srgan".
 */
#include "srgan_config.h"

#include <gst/gst.h>

#include "gstsrganupscale.h"

static gboolean plugin_init(GstPlugin* plugin) {
  return GST_ELEMENT_REGISTER(srganupscale, plugin);
}

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, srgan,
                  "Video super-resolution networks (LibTorch, CPU or CUDA)", plugin_init, VERSION,
                  GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
