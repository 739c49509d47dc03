/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "model_location.h"

#include "srgan_config.h"

#include <dlfcn.h>

#include "srgan/bundled_models.h"

namespace srgan::gst {
namespace {

// The file this plugin was loaded from.
std::string plugin_file() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&bundled_model_location), &info) == 0 || !info.dli_fname)
    return "";
  return info.dli_fname;
}

}  // namespace

std::string bundled_model_location(const std::string& name) {
  // Installed: <prefix>/<libdir>/gstreamer-1.0 -> <prefix>/<datadir>/srganupscale/models.
  // Looked up at each start, so that SRGAN_MODEL_PATH set by an application applies.
  return bundled_model_path(name,
                            bundled_model_folders(plugin_file(), SRGAN_MODEL_DIR_FROM_PLUGIN));
}

}  // namespace srgan::gst
