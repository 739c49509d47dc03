/* srganupscale: 4x video super-resolution with an SRGAN generator.
 *
 * The plugin "srgan". Elements register here as they are added.
 */
#include <gst/gst.h>

static gboolean plugin_init(GstPlugin* /*plugin*/) { return TRUE; }

GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, srgan,
                  "Video super-resolution with an SRGAN generator (LibTorch)", plugin_init, VERSION,
                  GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
